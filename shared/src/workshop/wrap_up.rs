//! Wrap-up answers shared with the facilitator without a name. Each
//! participant's answers stay in their own journal; sharing sends a copy
//! that carries only a random id (so sending again replaces, never adds).
//! The facilitator sees nothing until at least [`ANONYMITY_THRESHOLD`]
//! people have answered, and then each question's answers sorted by their
//! text: neither the order they came in nor one person's answers across
//! questions point back to who wrote them.
//!
//! The threshold keeps a facilitator from reading one person's answers
//! alone by looking early. Answers carry no name, by design, so it cannot
//! stop a facilitator who forges copies of their own to reach it.

/// The fewest people whose answers are shown together.
pub const ANONYMITY_THRESHOLD: usize = 3;
/// The most one answer may hold, in characters.
pub const MAX_ANSWER_CHARS: usize = 2_000;

/// One person's answers, by question, as received (hostile until checked).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SharedAnswers {
    /// Random, made once per workshop on the participant's device.
    pub answer_id: String,
    pub answers: Vec<String>,
}

/// The most people whose answers one workshop keeps (a room of 200, and
/// room to spare); later ones are refused rather than growing storage.
pub const MAX_RESPONDENTS: usize = 500;
/// The most questions one copy may answer.
pub const MAX_QUESTIONS: usize = 12;

/// This device's answer id for `workshop`: the same each time it shares
/// (so a second copy replaces the first), made from a secret only this
/// device holds, so the facilitator cannot compute it from anyone's
/// address and tell who wrote what.
pub fn answer_id(keys: &crate::sync::inbox::InboxKeys, workshop: &str) -> String {
    hex::encode(&keys.private_tag("confidant/2 workshop wrap-up answer id", workshop.as_bytes())[..16])
}

/// Why a received copy was not kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswersRefused {
    #[error("the answers' id is missing or too long")]
    BadId,
    #[error("the copy answers more questions than a workshop has")]
    TooManyAnswers,
    #[error("the workshop already keeps answers from as many people as it can")]
    Full,
}

/// Keep `copy` among `received` (sorted by id): it replaces an earlier copy
/// with the same id, each answer is cut to [`MAX_ANSWER_CHARS`], and hostile copies (no
/// id, too many answers, one person too many) are refused.
pub fn receive(received: &mut Vec<SharedAnswers>, copy: SharedAnswers) -> Result<(), AnswersRefused> {
    if copy.answer_id.is_empty() || copy.answer_id.len() > 64 {
        return Err(AnswersRefused::BadId);
    }
    if copy.answers.len() > MAX_QUESTIONS {
        return Err(AnswersRefused::TooManyAnswers);
    }
    let copy = SharedAnswers { answers: copy.answers.into_iter().map(|a| a.chars().take(MAX_ANSWER_CHARS).collect()).collect(), ..copy };
    // Kept in the order of their random ids: not even the device's storage
    // says in which order they came.
    match received.binary_search_by(|r| r.answer_id.cmp(&copy.answer_id)) {
        Ok(at) => received[at] = copy,
        Err(_) if received.len() >= MAX_RESPONDENTS => return Err(AnswersRefused::Full),
        Err(at) => received.insert(at, copy),
    }
    Ok(())
}

/// What the facilitator sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WrapUpView {
    /// Not enough people yet: how many have answered, and the threshold.
    Waiting { respondents: usize },
    Shown { respondents: usize, by_question: Vec<(String, Vec<String>)> },
}

/// The facilitator's view of `received` for `questions`.
pub fn wrap_up_view(questions: &[String], received: &[SharedAnswers]) -> WrapUpView {
    // The last copy from each person counts; an id is only a bounded token.
    let mut latest: std::collections::BTreeMap<&str, &SharedAnswers> = std::collections::BTreeMap::new();
    for shared in received.iter().filter(|s| !s.answer_id.is_empty() && s.answer_id.len() <= 64) {
        latest.insert(shared.answer_id.as_str(), shared);
    }
    let answering: Vec<&SharedAnswers> = latest.into_values().filter(|s| s.answers.iter().any(|a| !a.trim().is_empty())).collect();
    let respondents = answering.len();
    if respondents < ANONYMITY_THRESHOLD {
        return WrapUpView::Waiting { respondents };
    }
    let by_question = questions
        .iter()
        .enumerate()
        .map(|(at, question)| {
            let mut answers: Vec<String> = answering
                .iter()
                .filter_map(|s| s.answers.get(at))
                .map(|a| a.trim().chars().take(MAX_ANSWER_CHARS).collect::<String>())
                .filter(|a| !a.is_empty())
                .collect();
            crate::sort::ascending(&mut answers);
            (question.clone(), answers)
        })
        .collect();
    WrapUpView::Shown { respondents, by_question }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn questions() -> Vec<String> {
        vec!["What was most useful?".into(), "What will you do next?".into()]
    }

    fn answers(id: &str, a: &str, b: &str) -> SharedAnswers {
        SharedAnswers { answer_id: id.into(), answers: vec![a.into(), b.into()] }
    }

    #[test]
    fn nothing_is_shown_below_three_people_and_resending_does_not_count_twice() {
        let two = [answers("x1", "Meeting Sam", "Email Ana"), answers("x2", "The timer", "Write goals")];
        assert_eq!(wrap_up_view(&questions(), &two), WrapUpView::Waiting { respondents: 2 });
        let resent = [two[0].clone(), two[1].clone(), answers("x1", "Meeting Sam again", "Email Ana")];
        assert_eq!(wrap_up_view(&questions(), &resent), WrapUpView::Waiting { respondents: 2 }, "one person sending twice is one person");
        let blank = [two[0].clone(), two[1].clone(), answers("x3", " ", "")];
        assert_eq!(wrap_up_view(&questions(), &blank), WrapUpView::Waiting { respondents: 2 }, "an empty form is no answer");
    }

    #[test]
    fn three_people_are_shown_sorted_so_order_and_pairing_of_answers_say_nothing() {
        let three = [answers("x9", "Zoe's advice", "Apply"), answers("x1", "All of it", "Zzz"), answers("x5", "Meeting", "Mentor")];
        let WrapUpView::Shown { respondents, by_question } = wrap_up_view(&questions(), &three) else { panic!("shown") };
        assert_eq!(respondents, 3);
        assert_eq!(by_question[0].1, ["All of it", "Meeting", "Zoe's advice"]);
        assert_eq!(by_question[1].1, ["Apply", "Mentor", "Zzz"]);
        // The same answers arriving in any order give the same view.
        let mut reversed = three.to_vec();
        reversed.reverse();
        assert_eq!(wrap_up_view(&questions(), &reversed), wrap_up_view(&questions(), &three));
    }

    #[test]
    fn a_second_copy_replaces_the_first_and_hostile_copies_are_refused() {
        let mut received = Vec::new();
        receive(&mut received, answers("x9", "Came first", "")).unwrap();
        receive(&mut received, answers("x1", "First", "")).unwrap();
        assert_eq!(received[0].answer_id, "x1", "kept by id, not by arrival");
        received.remove(1);
        receive(&mut received, answers("x1", "Second thoughts", "")).unwrap();
        assert_eq!(received, [answers("x1", "Second thoughts", "")]);
        assert_eq!(receive(&mut received, answers("", "a", "")), Err(AnswersRefused::BadId));
        let many = SharedAnswers { answer_id: "x2".into(), answers: vec!["a".into(); MAX_QUESTIONS + 1] };
        assert_eq!(receive(&mut received, many), Err(AnswersRefused::TooManyAnswers));
        for n in 0..MAX_RESPONDENTS - 1 {
            receive(&mut received, answers(&format!("p{n}"), "a", "")).unwrap();
        }
        assert_eq!(receive(&mut received, answers("late", "a", "")), Err(AnswersRefused::Full));
        receive(&mut received, answers("x1", "Still mine to change", "")).unwrap();
        assert_eq!(received.len(), MAX_RESPONDENTS);
        let long = SharedAnswers { answer_id: "p1".into(), answers: vec!["b".repeat(MAX_ANSWER_CHARS + 9)] };
        receive(&mut received, long).unwrap();
        assert_eq!(received.iter().find(|r| r.answer_id == "p1").unwrap().answers[0].len(), MAX_ANSWER_CHARS);
    }

    #[test]
    fn an_answer_id_is_stable_per_workshop_and_unlike_anything_the_facilitator_can_make() {
        use crate::sync::inbox::InboxKeys;
        let (ana, facilitator) = (InboxKeys::from_seed([1; 32]), InboxKeys::from_seed([2; 32]));
        assert_eq!(answer_id(&ana, "ws1"), answer_id(&ana, "ws1"));
        assert_ne!(answer_id(&ana, "ws1"), answer_id(&ana, "ws2"));
        assert_ne!(answer_id(&ana, "ws1"), answer_id(&facilitator, "ws1"));
        // What the facilitator could compute from Ana's address is not it.
        let shared = facilitator.pair_secret(&ana.address(), "confidant/2 workshop wrap-up answer id").unwrap();
        assert!(!answer_id(&ana, "ws1").contains(&hex::encode(&shared[..16])));
    }

    #[test]
    fn hostile_copies_are_bounded() {
        let long = "a".repeat(MAX_ANSWER_CHARS * 3);
        let three = [answers("x1", &long, ""), answers("x2", "b", ""), answers("x3", "c", ""), answers(&"y".repeat(65), "sneaky", "")];
        let WrapUpView::Shown { respondents, by_question } = wrap_up_view(&questions(), &three) else { panic!("shown") };
        assert_eq!(respondents, 3, "an oversized id is not a person");
        assert_eq!(by_question[0].1[0].chars().count(), MAX_ANSWER_CHARS);
        assert!(by_question[1].1.is_empty());
    }
}
