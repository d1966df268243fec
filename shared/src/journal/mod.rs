//! Journal: a person's private, dated entries (meeting notes, reflections,
//! preparation, questions), tagged by topic and linked to a partnership or a
//! workshop round. Never leaves the user's own devices unencrypted.
//!
//! A journal grows to thousands of entries, so edits touch one entry
//! ([`edit_entry`], [`add_entry`]) rather than reading and rewriting the whole
//! document on every keystroke.

mod entry;

pub use entry::{EntryKind, JournalEntry};

use std::collections::BTreeMap;

use automerge::{AutoCommit, ObjType, ReadDoc, Value, ROOT};
use autosurgeon::{Hydrate, Reconcile};

use crate::document::{DocumentKind, Schema};

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Journal {
    pub kind: String,
    pub schema: u64,
    pub owner: String,
    /// Entries by id; shown by date.
    pub entries: BTreeMap<String, JournalEntry>,
}

impl Schema for Journal {
    const KIND: DocumentKind = DocumentKind::Journal;
    const SCHEMA: u64 = 1;

    fn list_title(_doc: &AutoCommit) -> String {
        "Journal".to_owned()
    }
}

/// Why a journal edit could not be made.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("this document is not a journal")]
    NotAJournal,
    #[error("no journal entry {0}")]
    NoEntry(String),
    #[error("the entry does not match its schema: {0}")]
    Shape(#[from] autosurgeon::HydrateError),
    #[error("cannot write the entry: {0}")]
    Write(#[from] autosurgeon::ReconcileError),
}

impl Journal {
    pub fn new(owner: &str) -> Self {
        Journal {
            kind: DocumentKind::Journal.as_str().to_owned(),
            schema: Self::SCHEMA,
            owner: owner.to_owned(),
            entries: BTreeMap::new(),
        }
    }

    /// Entries newest first (by date, then creation time).
    pub fn entries_by_date(&self) -> Vec<&JournalEntry> {
        let mut entries: Vec<_> = self.entries.values().collect();
        entries.sort_by(|a, b| b.date.cmp(&a.date).then(b.created_ms.cmp(&a.created_ms)));
        entries
    }
}

fn entries_object(doc: &AutoCommit) -> Result<automerge::ObjId, JournalError> {
    match doc.get(ROOT, "entries").ok().flatten() {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Err(JournalError::NotAJournal),
    }
}

/// Add one entry without reading the rest of the journal.
pub fn add_entry(doc: &mut AutoCommit, entry: &JournalEntry) -> Result<(), JournalError> {
    let entries = entries_object(doc)?;
    autosurgeon::reconcile_prop(doc, &entries, entry.id.as_str(), entry)?;
    Ok(())
}

/// Edit one entry in place: only that entry is read and written.
pub fn edit_entry(
    doc: &mut AutoCommit,
    id: &str,
    edit: impl FnOnce(&mut JournalEntry),
) -> Result<JournalEntry, JournalError> {
    let entries = entries_object(doc)?;
    let mut entry: Option<JournalEntry> = autosurgeon::hydrate_prop(doc, &entries, id)?;
    let entry = entry.as_mut().ok_or_else(|| JournalError::NoEntry(id.to_owned()))?;
    edit(entry);
    autosurgeon::reconcile_prop(doc, &entries, id, &*entry)?;
    Ok(entry.clone())
}
