//! One journal entry, a document of its own.

use autosurgeon::{Hydrate, Reconcile, Text};
use chrono::NaiveDate;

use crate::document::{root_field, DocumentKind, Schema};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum EntryKind {
    MeetingNotes,
    Reflection,
    Prep,
    Question,
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct JournalEntry {
    pub kind: String,
    pub schema: u64,
    /// The day the entry is about; none when what was written is not a day.
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub date: Option<NaiveDate>,
    pub entry_kind: EntryKind,
    pub title: Text,
    pub body: Text,
    pub topics: Vec<String>,
    /// The partnership this entry belongs to, if any.
    pub partnership: Option<String>,
    /// The workshop round this entry was written in, if any.
    pub workshop_round: Option<String>,
    /// Milliseconds since the Unix epoch, from the author's clock.
    pub created_ms: i64,
}

impl Schema for JournalEntry {
    const KIND: DocumentKind = DocumentKind::Journal;
    const SCHEMA: u64 = 1;

    fn list_title(doc: &automerge::AutoCommit) -> String {
        root_field::<Text>(doc, "title").as_str().to_owned()
    }

    fn list_date(doc: &automerge::AutoCommit) -> Option<String> {
        Some(root_field::<String>(doc, "date")).filter(|d| !d.is_empty())
    }
}

impl JournalEntry {
    /// `date` as a date field gives it (`YYYY-MM-DD`).
    pub fn new(date: &str, entry_kind: EntryKind, title: &str, body: &str, created_ms: i64) -> Self {
        JournalEntry {
            kind: DocumentKind::Journal.as_str().to_owned(),
            schema: Self::SCHEMA,
            date: crate::calendar_day::parse_day(date),
            entry_kind,
            title: Text::with_value(title),
            body: Text::with_value(body),
            topics: Vec::new(),
            partnership: None,
            workshop_round: None,
            created_ms,
        }
    }
}
