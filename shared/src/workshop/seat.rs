//! What one participant's phone says during a round, computed from the
//! workshop document alone (so it works with the relay out of reach):
//! "Round 2 of 5 · Table 4 · with Sam · you start as mentor · swap at 5:00".
//!
//! Each person is mentee once and mentor once in a pair (thirds in a trio).
//! At each table the one who has gone first least often so far goes first,
//! so nobody always waits. One more minute goes to the last turn: a swap
//! already called is never taken back.

use super::timeline::{Moment, StepKind};
use super::Workshop;

/// Which side of the conversation someone is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Talks about their goals and questions; the other listens and asks.
    Mentee,
    Mentor,
}

/// One participant's place in the current round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    pub round: u32,
    pub rounds: u32,
    pub table: u32,
    /// The others at the table, by name.
    pub with: Vec<String>,
    /// Their side now, and the side they started on.
    pub now: Side,
    pub started_as: Side,
    /// Milliseconds until the next swap, if one is still to come.
    pub swap_in_ms: Option<i64>,
}

/// Where `person` sits at `moment`, if it is a round they are seated in;
/// `None` between rounds, or when sitting this one out (see [`sits_out`]).
pub fn seat(workshop: &Workshop, person: &str, moment: &Moment) -> Option<Seat> {
    if moment.kind != StepKind::Round {
        return None;
    }
    let round = moment.round?;
    let plan = workshop.rounds.iter().find(|r| r.number == round)?;
    let group = plan.groups.iter().find(|g| g.iter().any(|p| p == person))?;
    let table = plan.groups.iter().position(|g| std::ptr::eq(g, group))? as u32 + 1;
    let at = group.iter().position(|p| p == person)?;
    let planned_ms = workshop.timeline.steps.get(moment.step)?.seconds.map(|s| i64::from(s) * 1000)?;
    let (turn, next_swap) = moment.turn(group.len(), planned_ms);
    let first = first_mentee(workshop, round, group);
    let mentee_at = |turn: usize| (first + turn) % group.len();
    let side = |turn: usize| if mentee_at(turn) == at { Side::Mentee } else { Side::Mentor };
    Some(Seat {
        round,
        rounds: workshop.timeline.rounds(),
        table,
        with: group.iter().filter(|p| *p != person).map(|p| workshop.name_of(p)).collect(),
        now: side(turn),
        started_as: side(0),
        swap_in_ms: next_swap.map(|at| at - moment.elapsed_ms),
    })
}

/// Who at `group`'s table goes first as mentee in round `round`: the one
/// who went first least often in the rounds before; on a tie, a draw from
/// the round and the names that every device makes alike.
fn first_mentee(workshop: &Workshop, round: u32, group: &[String]) -> usize {
    let mut went_first: std::collections::BTreeMap<&str, u32> = std::collections::BTreeMap::new();
    let pick = |went_first: &std::collections::BTreeMap<&str, u32>, round: u32, group: &[String]| {
        let draw = |id: &str| *blake3::hash(&[&round.to_le_bytes()[..], id.as_bytes()].concat()).as_bytes();
        (0..group.len()).min_by_key(|&at| (went_first.get(group[at].as_str()).copied().unwrap_or(0), draw(&group[at]))).unwrap_or(0)
    };
    let mut earlier: Vec<&super::WorkshopRound> = workshop.rounds.iter().filter(|r| r.number < round).collect();
    crate::sort::by_key(&mut earlier, |r| r.number);
    for r in earlier {
        for g in &r.groups {
            let at = pick(&went_first, r.number, g);
            *went_first.entry(g[at].as_str()).or_default() += 1;
        }
    }
    pick(&went_first, round, group)
}

/// True when `person` sits the current round out (a rotating bye).
pub fn sits_out(workshop: &Workshop, person: &str, moment: &Moment) -> bool {
    moment.kind == StepKind::Round
        && moment.round.and_then(|n| workshop.rounds.iter().find(|r| r.number == n)).is_some_and(|r| r.bye.as_deref() == Some(person))
}

impl Seat {
    /// The line on the phone.
    pub fn sentence(&self) -> String {
        let side = |s: Side| if s == Side::Mentor { "mentor" } else { "mentee" };
        let mut line = format!("Round {} of {} \u{b7} Table {} \u{b7} with {}", self.round, self.rounds, self.table, names_together(&self.with));
        if self.now == self.started_as {
            line.push_str(&format!(" \u{b7} you start as {}", side(self.started_as)));
        } else {
            line.push_str(&format!(" \u{b7} you are now the {}", side(self.now)));
        }
        if let Some(ms) = self.swap_in_ms {
            line.push_str(&format!(" \u{b7} swap in {}", clock_words(ms)));
        }
        line
    }
}

/// The swap cue for the whole room (the projector), during a round: when
/// pairs swap roles, and for a trio, when its next person's turn comes.
pub fn room_cue(workshop: &Workshop, moment: &Moment) -> Option<String> {
    if moment.kind != StepKind::Round {
        return None;
    }
    let planned_ms = workshop.timeline.steps.get(moment.step)?.seconds.map(|s| i64::from(s) * 1000)?;
    let plan = workshop.rounds.iter().find(|r| Some(r.number) == moment.round)?;
    let mut cues = Vec::new();
    if plan.groups.iter().any(|g| g.len() == 2) {
        cues.push(match moment.turn(2, planned_ms) {
            (0, Some(at)) => format!("Pairs swap roles in {}", clock_words(at - moment.elapsed_ms)),
            _ => "Pairs: roles swapped, second half".to_owned(),
        });
    }
    if plan.groups.iter().any(|g| g.len() == 3) {
        cues.push(match moment.turn(3, planned_ms) {
            (turn, Some(at)) => format!("The trio's turn {} of 3; the next in {}", turn + 1, clock_words(at - moment.elapsed_ms)),
            (_, None) => "The trio's last turn".to_owned(),
        });
    }
    Some(cues.join(" \u{b7} "))
}

/// "Ana", "Ana and Sam", "Kim, Ana and Sam".
pub fn names_together(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Milliseconds as a countdown, "4:05" (rounded up: a screen never shows
/// 0:00 while time is left).
pub fn clock_words(ms: i64) -> String {
    let seconds = (ms.max(0) + 999) / 1000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshop::{Participant, Workshop};

    const MIN: i64 = 60_000;
    const T0: i64 = 1_800_000_000_000;

    fn room(names: &[&str]) -> Workshop {
        let mut w = Workshop::new("Career success", "lee");
        for name in names {
            let id = name.to_lowercase();
            w.roster.insert(id.clone(), Participant { id, name: (*name).to_owned(), present: true, stage: None });
        }
        w.timeline.next(T0); // introductions begin
        w.plan_remaining(T0);
        w
    }

    #[test]
    fn a_pair_shares_the_round_in_halves_and_takes_turns_starting() {
        let w = room(&["Ana", "Sam", "Lee", "Kim"]);
        // Round 1 begins at minute 14 (5 + 5 + 4).
        let moment = w.timeline.at(T0 + 15 * MIN);
        let ana = seat(&w, "ana", &moment).expect("seated");
        let partner = ana.with[0].to_lowercase();
        let theirs = seat(&w, &partner, &moment).expect("seated");
        assert_eq!(ana.table, theirs.table);
        assert_ne!(ana.now, theirs.now, "one mentee, one mentor");
        assert_eq!(ana.swap_in_ms, Some(4 * MIN));
        assert!(ana.sentence().starts_with(&format!("Round 1 of 4 \u{b7} Table {} \u{b7} with ", ana.table)), "{}", ana.sentence());
        assert!(ana.sentence().ends_with("swap in 4:00"));
        // After the swap the sides change, and no swap is left.
        let later = seat(&w, "ana", &w.timeline.at(T0 + 20 * MIN)).unwrap();
        assert_eq!((later.now, later.started_as, later.swap_in_ms), (theirs.now, ana.now, None));
        assert!(later.sentence().contains("you are now the"));
    }

    #[test]
    fn a_trio_takes_thirds_and_nobody_is_seated_between_rounds() {
        let w = room(&["Ana", "Sam", "Lee"]);
        let m = w.timeline.at(T0 + 14 * MIN + 10_000);
        let seats: Vec<Seat> = ["ana", "sam", "lee"].iter().map(|p| seat(&w, p, &m).unwrap()).collect();
        assert_eq!(seats.iter().filter(|s| s.now == Side::Mentee).count(), 1);
        assert!(seats.iter().all(|s| s.with.len() == 2 && s.swap_in_ms == Some(200_000 - 10_000)));
        assert!(seats[0].sentence().contains(" and "), "{}", seats[0].sentence());
        assert!(seat(&w, "ana", &w.timeline.at(T0 + 2 * MIN)).is_none(), "introductions: no table yet");
    }

    #[test]
    fn one_more_minute_goes_to_the_last_turn() {
        let mut w = room(&["Ana", "Sam"]);
        // Just after the swap, one more minute: the swap stays called.
        w.timeline.extend(T0 + 19 * MIN + 10_000, 60);
        let m = w.timeline.at(T0 + 19 * MIN + 20_000);
        let ana = seat(&w, "ana", &m).unwrap();
        assert_ne!(ana.now, ana.started_as, "still the second turn");
        assert_eq!(m.remaining_ms, Some(5 * MIN + 40_000), "and it is a minute longer");
    }

    #[test]
    fn over_the_rounds_everyone_goes_first_about_as_often() {
        let mut w = room(&["Ana", "Sam", "Lee", "Kim", "Max", "Zoe"]);
        w.timeline.add_round(600);
        w.timeline.add_round(600);
        w.plan_remaining(T0);
        let mut first: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
        for round in 1..=w.timeline.rounds() {
            let starts = T0 + 14 * MIN + i64::from(round - 1) * 10 * MIN;
            let m = w.timeline.at(starts + 1_000);
            for id in w.roster.keys() {
                if seat(&w, id, &m).unwrap().started_as == Side::Mentee {
                    *first.entry(id.clone()).or_default() += 1;
                }
            }
        }
        let (least, most) = (first.values().min().copied().unwrap_or(0), first.values().max().copied().unwrap_or(0));
        assert!(first.len() == 6 && most - least <= 1, "six rounds: each went first 3 times, give or take one: {first:?}");
    }

    #[test]
    fn countdowns_round_up() {
        assert_eq!(clock_words(0), "0:00");
        assert_eq!(clock_words(1), "0:01");
        assert_eq!(clock_words(65_000), "1:05");
        assert_eq!(clock_words(600_000), "10:00");
    }

    #[test]
    fn the_room_cue_says_when_pairs_swap_and_a_trio_moves_on() {
        use crate::workshop::{Participant, WorkshopRound};
        let mut w = Workshop::new("Career success", "lee");
        for id in ["a", "b", "c", "d", "e"] {
            w.roster.insert(id.into(), Participant { id: id.into(), name: id.into(), present: true, stage: None });
        }
        w.rounds = vec![WorkshopRound { number: 1, groups: vec![vec!["a".into(), "b".into()], vec!["c".into(), "d".into(), "e".into()]], bye: None }];
        let round_step = w.timeline.steps.iter().position(|s| s.kind == StepKind::Round).unwrap();
        let at = |elapsed_s: i64| Moment { step: round_step, kind: StepKind::Round, round: Some(1), elapsed_ms: elapsed_s * 1000, remaining_ms: Some(600_000 - elapsed_s * 1000), paused: false };
        assert_eq!(room_cue(&w, &at(60)).unwrap(), "Pairs swap roles in 4:00 \u{b7} The trio's turn 1 of 3; the next in 2:20");
        assert_eq!(room_cue(&w, &at(301)).unwrap(), "Pairs: roles swapped, second half \u{b7} The trio's turn 2 of 3; the next in 1:39");
        assert_eq!(room_cue(&w, &at(450)).unwrap(), "Pairs: roles swapped, second half \u{b7} The trio's last turn");
        let gathering = Moment { kind: StepKind::Gathering, round: None, ..at(0) };
        assert_eq!(room_cue(&w, &gathering), None);
    }
}
