//! Workshop: a speed peer-mentoring session, shared by the facilitator and
//! the participants in the room. Each participant's notes from a round go to
//! their own journal, never into this shared document.
//!
//! - [`timeline`]: the agenda as deadlines on the relay's clock, and the
//!   facilitator's controls (next, pause, one more minute, undo ...).
//! - [`pairing`]: who sits with whom each round, the same on every device.
//! - [`seat`]: one participant's table, partner and turn, for their phone.
//! - [`wrap_up`]: answers shared without a name, shown from three people.
//! - [`keep_in_touch`]: a wish about a partner, seen only when both made it.
//! - [`prep`]: the preparation's prompts and the wrap-up's questions (seed 002).
//! - [`roster`]: join requests taken in by the facilitator's device, once each.
//! - [`summary`]: the event's summary as Markdown and its tables as CSV.

pub mod keep_in_touch;
pub mod pairing;
pub mod prep;
pub mod roster;
pub mod seat;
pub mod summary;
pub mod timeline;
pub mod wrap_up;

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use crate::document::{DocumentKind, Schema};
use crate::calendar_day::NaiveDate;

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Workshop {
    pub kind: String,
    pub schema: u64,
    pub title: String,
    /// The day it runs, if the facilitator set one (stored as `YYYY-MM-DD`).
    #[autosurgeon(with = "crate::calendar_day::stored")]
    pub day: Option<NaiveDate>,
    pub facilitator: String,
    /// Where participants send their join requests: the facilitator's
    /// device inbox address (as text).
    pub facilitator_inbox: String,
    /// Participants by id.
    pub roster: BTreeMap<String, Participant>,
    /// Pairs of participant ids who already know each other (avoided when pairing).
    pub acquainted: Vec<Vec<String>>,
    /// The preparation phase: goals and questions for the next six months.
    pub prep_minutes: u32,
    /// How long a round is, and a round added later.
    pub round_minutes: u32,
    /// Every round's seating, in order: those run or under way as they were,
    /// those to come as planned now (see [`Workshop::plan_remaining`]).
    pub rounds: Vec<WorkshopRound>,
    pub wrap_up_questions: Vec<String>,
    /// Where the room is in the agenda, as deadlines every device reads.
    pub timeline: timeline::Timeline,
    pub odd_count: OddCountChoice,
}

/// The facilitator's choice for an odd count (see [`pairing::OddCount`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Reconcile, Hydrate)]
pub enum OddCountChoice {
    #[default]
    Trio,
    RotatingBye,
}

impl From<OddCountChoice> for pairing::OddCount {
    fn from(choice: OddCountChoice) -> Self {
        match choice {
            OddCountChoice::Trio => pairing::OddCount::Trio,
            OddCountChoice::RotatingBye => pairing::OddCount::RotatingBye,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Participant {
    /// Their device's inbox address (see [`roster::participant_id`]).
    #[key]
    pub id: String,
    pub name: String,
    pub present: bool,
    /// Where they are on the career continuum, if they said.
    pub stage: Option<crate::profile::CareerStage>,
}

/// One round: who sat with whom (a pair, or a trio for an odd count).
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct WorkshopRound {
    #[key]
    pub number: u32,
    pub groups: Vec<Vec<String>>,
    /// Sitting this round out (rotating bye).
    pub bye: Option<String>,
}

impl Schema for Workshop {
    const KIND: DocumentKind = DocumentKind::Workshop;
    const SCHEMA: u64 = 1;

    fn list_title(doc: &automerge::AutoCommit) -> String {
        crate::document::root_field(doc, "title")
    }
}

impl Workshop {
    pub fn new(title: &str, facilitator: &str) -> Self {
        Workshop {
            kind: DocumentKind::Workshop.as_str().to_owned(),
            schema: Self::SCHEMA,
            title: title.to_owned(),
            day: None,
            facilitator: facilitator.to_owned(),
            facilitator_inbox: String::new(),
            roster: BTreeMap::new(),
            acquainted: Vec::new(),
            prep_minutes: 4,
            round_minutes: 10,
            rounds: Vec::new(),
            wrap_up_questions: prep::WRAP_UP_QUESTIONS.iter().map(|q| (*q).to_owned()).collect(),
            timeline: timeline::Timeline::new(&timeline::Agenda::default()),
            odd_count: OddCountChoice::default(),
        }
    }
}

/// The most wrap-up questions a workshop asks, and the most characters each.
pub const MAX_WRAP_UP_QUESTIONS: usize = wrap_up::MAX_QUESTIONS;
pub const MAX_QUESTION_CHARS: usize = 300;

impl Workshop {
    /// Set the wrap-up's questions from what the facilitator wrote, one per
    /// line: blank lines dropped, each cut to size, at most twelve; none
    /// written keeps the seed's four.
    pub fn set_wrap_up_questions(&mut self, text: &str) {
        let questions: Vec<String> = text
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(MAX_QUESTION_CHARS).collect::<String>())
            .filter(|line| !line.is_empty())
            .take(MAX_WRAP_UP_QUESTIONS)
            .collect();
        self.wrap_up_questions = if questions.is_empty() { prep::WRAP_UP_QUESTIONS.iter().map(|q| (*q).to_owned()).collect() } else { questions };
    }

    /// A participant's name as the roster has it (their id if unknown).
    pub fn name_of(&self, id: &str) -> String {
        self.roster.get(id).map_or_else(|| id.to_owned(), |p| p.name.clone())
    }

    /// Plan every round not yet begun at `now_ms` for the people present,
    /// keeping the rounds already run or under way as they were: the whole
    /// schedule is in the document before it is needed, so phones show
    /// their next table with the relay out of reach, and someone joining or
    /// leaving changes only the rounds to come.
    ///
    /// While the room gathers nothing is planned: each of 200 joins would
    /// otherwise rewrite every round, and every phone would apply it all.
    /// Starting the room plans them.
    pub fn plan_remaining(&mut self, now_ms: i64) {
        let moment = self.timeline.at(now_ms);
        if moment.kind == timeline::StepKind::Gathering {
            self.rounds.clear();
            return;
        }
        let begun = match moment.kind {
            timeline::StepKind::Round => moment.round.unwrap_or(0),
            timeline::StepKind::WrapUp | timeline::StepKind::Finished => self.timeline.rounds(),
            _ => 0,
        };
        self.rounds.retain(|r| r.number <= begun);
        let past: Vec<pairing::RoundPlan> = self.rounds.iter().map(|r| pairing::RoundPlan { groups: r.groups.clone(), bye: r.bye.clone() }).collect();
        let present: Vec<String> = self.roster.values().filter(|p| p.present).map(|p| p.id.clone()).collect();
        let acquainted: Vec<(String, String)> = self.acquainted.iter().filter_map(|pair| Some((pair.first()?.clone(), pair.get(1)?.clone()))).collect();
        let to_come = self.timeline.rounds().saturating_sub(begun) as usize;
        for (at, plan) in pairing::plan_rounds(&present, &past, &acquainted, self.odd_count.into(), to_come).into_iter().enumerate() {
            self.rounds.push(WorkshopRound { number: begun + at as u32 + 1, groups: plan.groups, bye: plan.bye });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;
    const T0: i64 = 1_800_000_000_000;

    #[test]
    fn the_wrap_up_questions_are_the_facilitators_lines_bounded_or_the_seeds_four() {
        let mut w = Workshop::new("Career success", "lee");
        w.set_wrap_up_questions("  What surprised you?  \n\n   Who will you   call?\n");
        assert_eq!(w.wrap_up_questions, ["What surprised you?", "Who will you call?"]);
        w.set_wrap_up_questions(&format!("{}\n", "q\n".repeat(40)));
        assert_eq!(w.wrap_up_questions.len(), MAX_WRAP_UP_QUESTIONS);
        w.set_wrap_up_questions(&"x".repeat(1000));
        assert_eq!(w.wrap_up_questions[0].len(), MAX_QUESTION_CHARS);
        w.set_wrap_up_questions(" \n ");
        assert_eq!(w.wrap_up_questions.len(), 4, "nothing written: the seed's questions");
    }

    #[test]
    fn a_workshop_written_without_a_day_still_reads() {
        let mut doc = automerge::AutoCommit::new();
        let w = Workshop::new("Career success", "lee");
        autosurgeon::reconcile(&mut doc, &w).unwrap();
        // As written before workshops had a day: no such key at all.
        automerge::transaction::Transactable::delete(&mut doc, automerge::ROOT, "day").unwrap();
        let back: Workshop = autosurgeon::hydrate(&doc).unwrap();
        assert_eq!(back, w);
    }

    #[test]
    fn a_workshops_day_is_stored_as_iso_text_as_before() {
        let mut doc = automerge::AutoCommit::new();
        let mut w = Workshop::new("Career success", "lee");
        w.day = crate::calendar_day::parse_day("2026-12-09");
        autosurgeon::reconcile(&mut doc, &w).unwrap();
        let stored: String = autosurgeon::hydrate_prop(&doc, automerge::ROOT, "day").unwrap();
        assert_eq!(stored, "2026-12-09");
        let back: Workshop = autosurgeon::hydrate(&doc).unwrap();
        assert_eq!(back.day, w.day);
    }

    #[test]
    fn nothing_is_planned_while_the_room_gathers_and_starting_plans_every_round() {
        let mut w = Workshop::new("Career success", "lee");
        for id in ["ana", "sam", "kim", "lee"] {
            w.roster.insert(id.into(), Participant { id: id.into(), name: id.into(), present: true, stage: None });
            w.plan_remaining(T0);
            assert!(w.rounds.is_empty(), "a join while gathering plans nothing");
        }
        w.timeline.next(T0);
        w.plan_remaining(T0);
        assert_eq!(w.rounds.len(), 4);
    }

    #[test]
    fn a_late_joiner_is_seated_from_the_next_round_and_earlier_rounds_stay() {
        let mut w = Workshop::new("Career success", "lee");
        for id in ["ana", "sam", "kim", "lee"] {
            w.roster.insert(id.into(), Participant { id: id.into(), name: id.into(), present: true, stage: None });
        }
        w.timeline.next(T0);
        w.plan_remaining(T0);
        assert_eq!(w.rounds.len(), 4, "the whole schedule, before the rounds begin");
        let first_two: Vec<WorkshopRound> = w.rounds[..2].to_vec();
        // In round 2 (minute 24-34) someone arrives.
        w.roster.insert("max".into(), Participant { id: "max".into(), name: "Max".into(), present: true, stage: None });
        w.plan_remaining(T0 + 25 * MIN);
        assert_eq!(&w.rounds[..2], &first_two[..], "round 2, under way, is as it was");
        assert_eq!(w.rounds.len(), 4);
        assert!(w.rounds[2..].iter().all(|r| r.groups.iter().flatten().any(|p| p == "max")), "Max sits from round 3");
    }
}

#[cfg(test)]
mod merging {
    use super::*;
    use automerge::AutoCommit;

    const T0: i64 = 1_800_000_000_000;

    fn save(doc: &mut AutoCommit, w: &Workshop) {
        autosurgeon::reconcile(doc, w).unwrap();
    }

    /// The facilitator's laptop loses the Wi-Fi and moves the room on while
    /// a co-facilitator pauses it; when both are back, every device holds
    /// one of the two anchors whole, never a mix of the two.
    #[test]
    fn controls_made_apart_merge_to_one_whole_anchor() {
        let mut w = Workshop::new("Career success", "lee");
        for id in ["ana", "sam", "kim", "max"] {
            w.roster.insert(id.into(), Participant { id: id.into(), name: id.into(), present: true, stage: None });
        }
        w.timeline.next(T0);
        w.plan_remaining(T0);
        let mut laptop = AutoCommit::new();
        save(&mut laptop, &w);
        let mut co = laptop.fork();
        // Apart: the laptop skips ahead twice; the co-facilitator pauses.
        let mut on_laptop: Workshop = autosurgeon::hydrate(&laptop).unwrap();
        on_laptop.timeline.next(T0 + 60_000);
        on_laptop.timeline.next(T0 + 61_000);
        on_laptop.plan_remaining(T0 + 61_000);
        save(&mut laptop, &on_laptop);
        let mut on_co: Workshop = autosurgeon::hydrate(&co).unwrap();
        on_co.timeline.pause(T0 + 62_000);
        save(&mut co, &on_co);
        laptop.merge(&mut co).unwrap();
        co.merge(&mut laptop).unwrap();
        let a: Workshop = autosurgeon::hydrate(&laptop).unwrap();
        let b: Workshop = autosurgeon::hydrate(&co).unwrap();
        assert_eq!(a, b, "both devices agree");
        let anchor = a.timeline.anchor.clone();
        assert!(anchor == on_laptop.timeline.anchor || anchor == on_co.timeline.anchor, "one whole anchor, not a mix: {anchor:?}");
        // Every device reads the same moment from it.
        assert_eq!(a.timeline.at(T0 + 70_000), b.timeline.at(T0 + 70_000));
    }

    #[test]
    fn an_anchor_reads_back_as_written_from_a_map_of_before_and_never_from_junk() {
        use crate::workshop::timeline::Anchor;
        #[derive(autosurgeon::Reconcile)]
        struct Legacy {
            step: u32,
            since_ms: i64,
            extra_ms: i64,
            paused_at_ms: Option<i64>,
            set_ms: i64,
            replaced_ms: i64,
        }
        #[derive(autosurgeon::Reconcile, autosurgeon::Hydrate)]
        struct Holder<T> {
            anchor: T,
        }
        let anchor = Anchor { step: 5, since_ms: T0, extra_ms: 60_000, paused_at_ms: Some(T0 + 9), set_ms: T0 + 9, replaced_ms: 0 };
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &Holder { anchor }).unwrap();
        let back: Holder<Anchor> = autosurgeon::hydrate(&doc).unwrap();
        assert_eq!(back.anchor, anchor);
        let mut old = AutoCommit::new();
        let legacy = Legacy { step: 5, since_ms: T0, extra_ms: 60_000, paused_at_ms: Some(T0 + 9), set_ms: T0 + 9, replaced_ms: 0 };
        autosurgeon::reconcile(&mut old, &Holder { anchor: legacy }).unwrap();
        let back: Holder<Anchor> = autosurgeon::hydrate(&old).unwrap();
        assert_eq!(back.anchor, anchor, "a workshop written before reads the same");
        for junk in ["a1:5", "a2:5:1:0:-:1:0", "a1:x:1:0:-:1:0", "a1:5:1:0:-:1:0:9"] {
            let mut bad = AutoCommit::new();
            autosurgeon::reconcile(&mut bad, &Holder { anchor: junk.to_owned() }).unwrap();
            assert!(autosurgeon::hydrate::<_, Holder<Anchor>>(&bad).is_err(), "{junk}");
        }
    }
}
