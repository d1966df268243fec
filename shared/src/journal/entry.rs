//! One journal entry.

use autosurgeon::{Hydrate, Reconcile, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum EntryKind {
    MeetingNotes,
    Reflection,
    Prep,
    Question,
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct JournalEntry {
    #[key]
    pub id: String,
    /// ISO 8601 date the entry is about.
    pub date: String,
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

impl JournalEntry {
    pub fn new(id: &str, date: &str, entry_kind: EntryKind, title: &str, body: &str, created_ms: i64) -> Self {
        JournalEntry {
            id: id.to_owned(),
            date: date.to_owned(),
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
