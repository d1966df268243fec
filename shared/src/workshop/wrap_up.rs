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
            answers.sort();
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
    fn hostile_copies_are_bounded() {
        let long = "a".repeat(MAX_ANSWER_CHARS * 3);
        let three = [answers("x1", &long, ""), answers("x2", "b", ""), answers("x3", "c", ""), answers(&"y".repeat(65), "sneaky", "")];
        let WrapUpView::Shown { respondents, by_question } = wrap_up_view(&questions(), &three) else { panic!("shown") };
        assert_eq!(respondents, 3, "an oversized id is not a person");
        assert_eq!(by_question[0].1[0].chars().count(), MAX_ANSWER_CHARS);
        assert!(by_question[1].1.is_empty());
    }
}
