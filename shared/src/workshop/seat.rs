//! What one participant's phone says during a round, computed from the
//! workshop document alone (so it works with the relay out of reach):
//! "Round 2 of 5 · Table 4 · with Sam · you start as mentor · swap at 5:00".
//!
//! Each person is mentee once and mentor once in a pair (thirds in a trio).
//! Who goes first alternates from round to round, so nobody always waits.

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
    let length_ms = workshop.timeline.steps.get(moment.step)?.seconds.map(|s| i64::from(s) * 1000)? + extra_of(workshop, moment);
    let (turn, next_swap) = moment.turn(group.len(), length_ms);
    let first = (round as usize - 1) % group.len();
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

/// The extra time the round was given (one more minute), as the timeline
/// has it for the current step.
fn extra_of(workshop: &Workshop, moment: &Moment) -> i64 {
    let planned = workshop.timeline.steps.get(moment.step).and_then(|s| s.seconds).map_or(0, |s| i64::from(s) * 1000);
    moment.remaining_ms.map_or(0, |left| (left + moment.elapsed_ms - planned).max(0))
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
        let mut line = format!("Round {} of {} \u{b7} Table {} \u{b7} with {}", self.round, self.rounds, self.table, join_names(&self.with));
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

fn join_names(names: &[String]) -> String {
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
        // Round 2: whoever sits first in the group starts on the other side.
        let r2 = w.timeline.at(T0 + 25 * MIN);
        let firsts: Vec<Side> = w.rounds[1].groups.iter().map(|g| seat(&w, &g[0], &r2).unwrap().started_as).collect();
        let firsts_r1: Vec<Side> = w.rounds[0].groups.iter().map(|g| seat(&w, &g[0], &moment).unwrap().started_as).collect();
        assert!(firsts.iter().zip(&firsts_r1).all(|(a, b)| a != b));
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
    fn one_more_minute_moves_the_swap() {
        let mut w = room(&["Ana", "Sam"]);
        w.timeline.extend(T0 + 15 * MIN, 60);
        let m = w.timeline.at(T0 + 15 * MIN);
        assert_eq!(seat(&w, "ana", &m).unwrap().swap_in_ms, Some(4 * MIN + 30_000), "eleven minutes, shared in halves");
    }

    #[test]
    fn countdowns_round_up() {
        assert_eq!(clock_words(0), "0:00");
        assert_eq!(clock_words(1), "0:01");
        assert_eq!(clock_words(65_000), "1:05");
        assert_eq!(clock_words(600_000), "10:00");
    }
}
