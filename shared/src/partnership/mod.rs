//! Partnership: a mentor and a mentee working together, shared by the pair.
//!
//! Holds what they agreed (topics, duration, meeting cadence, the agreement
//! checklist), the meeting log with action items, and the status through
//! renewal, ending or hand-over to another mentor.

mod meeting;

pub use meeting::{ActionItem, Meeting};

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};

use crate::document::{DocumentKind, Schema};

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Partnership {
    pub kind: String,
    pub schema: u64,
    pub mentor: String,
    pub mentee: String,
    pub topics: Vec<String>,
    /// ISO 8601 date of the introductory meeting.
    pub start_date: String,
    pub duration: AgreedDuration,
    pub cadence: MeetingCadence,
    pub agreement: Agreement,
    /// Meetings by id; shown by date.
    pub meetings: BTreeMap<String, Meeting>,
    pub status: PartnershipStatus,
    /// Why and to whom the mentee was handed over, for the next mentor.
    pub handover_note: Text,
}

/// How long the pair agreed to work together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum AgreedDuration {
    /// The Libraries program: 6 to 12 months.
    Months(u32),
    /// Peer Connections: consecutive semesters, renewable.
    Semesters { count: u32, renewable: bool },
}

/// How often the pair means to meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub struct MeetingCadence {
    /// Meetings in the first month (default 2).
    pub first_month: u32,
    /// Days between meetings after that (default 30: at least monthly).
    pub every_days: u32,
}

impl Default for MeetingCadence {
    fn default() -> Self {
        MeetingCadence { first_month: 2, every_days: 30 }
    }
}

/// The checklist both sides go through at the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Reconcile, Hydrate)]
pub struct Agreement {
    pub confidentiality: bool,
    pub supervisor_informed: bool,
    /// Meetings in work hours unless both agree otherwise.
    pub work_hours: bool,
    pub goals_conversation: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum PartnershipStatus {
    Active,
    RenewalDue,
    Ended,
    HandedOver,
}

impl Schema for Partnership {
    const KIND: DocumentKind = DocumentKind::Partnership;
    const SCHEMA: u64 = 1;

    fn list_title(doc: &automerge::AutoCommit) -> String {
        let mentor: String = crate::document::root_field(doc, "mentor");
        let mentee: String = crate::document::root_field(doc, "mentee");
        format!("{mentor} and {mentee}")
    }
}

impl Partnership {
    pub fn new(mentor: &str, mentee: &str, start_date: &str, duration: AgreedDuration) -> Self {
        Partnership {
            kind: DocumentKind::Partnership.as_str().to_owned(),
            schema: Self::SCHEMA,
            mentor: mentor.to_owned(),
            mentee: mentee.to_owned(),
            topics: Vec::new(),
            start_date: start_date.to_owned(),
            duration,
            cadence: MeetingCadence::default(),
            agreement: Agreement::default(),
            meetings: BTreeMap::new(),
            status: PartnershipStatus::Active,
            handover_note: Text::with_value(""),
        }
    }
}
