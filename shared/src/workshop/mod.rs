//! Workshop: a speed peer-mentoring session, shared by the facilitator and
//! the participants in the room. Each participant's notes from a round go to
//! their own journal, never into this shared document.
//!
//! - [`timeline`]: the agenda as deadlines on the relay's clock, and the
//!   facilitator's controls (next, pause, one more minute, undo ...).
//! - [`pairing`]: who sits with whom each round, the same on every device.

pub mod pairing;
pub mod timeline;

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use crate::document::{DocumentKind, Schema};

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Workshop {
    pub kind: String,
    pub schema: u64,
    pub title: String,
    pub facilitator: String,
    /// Participants by id.
    pub roster: BTreeMap<String, Participant>,
    /// Pairs of participant ids who already know each other (avoided when pairing).
    pub acquainted: Vec<Vec<String>>,
    /// The preparation phase: goals and questions for the next six months.
    pub prep_minutes: u32,
    pub round_minutes: u32,
    /// Rounds as run, in order.
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
    #[key]
    pub id: String,
    pub name: String,
    pub present: bool,
}

/// One round: who sat with whom (a pair, or a trio for an odd count).
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct WorkshopRound {
    #[key]
    pub number: u32,
    pub groups: Vec<Vec<String>>,
    /// Sitting this round out (rotating bye).
    pub bye: Option<String>,
    /// Relay-clock milliseconds when the round started, if it has.
    pub started_ms: Option<i64>,
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
            facilitator: facilitator.to_owned(),
            roster: BTreeMap::new(),
            acquainted: Vec::new(),
            prep_minutes: 4,
            round_minutes: 10,
            rounds: Vec::new(),
            wrap_up_questions: vec![
                "What was most useful?".to_owned(),
                "What will you do next?".to_owned(),
            ],
            timeline: timeline::Timeline::new(&timeline::Agenda::default()),
            odd_count: OddCountChoice::default(),
        }
    }
}
