//! Schema versions and migrations.
//!
//! Every document stores `kind` and `schema` at its root. Opening a document
//! written by an older version runs that type's migration steps once and
//! records the new version; opening it again changes nothing. A document from
//! a newer version of Confidant is refused, untouched, with a clear error,
//! rather than rewritten by code that does not know its fields.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value, ROOT};

/// A root field of `doc`, hydrated alone; empty if missing or of another shape.
pub fn root_field<T: Hydrate + Default>(doc: &AutoCommit, field: &str) -> T {
    autosurgeon::hydrate_prop(doc, ROOT, field).unwrap_or_default()
}
use autosurgeon::{Hydrate, Reconcile};

use super::DocumentKind;

/// A document type: its kind, current schema version and migrations.
pub trait Schema: Hydrate + Reconcile + Sized {
    const KIND: DocumentKind;
    /// The version this build writes.
    const SCHEMA: u64;

    /// The line shown for this document in lists, read from the document's
    /// own fields (never by hydrating the whole document: saving a journal
    /// of thousands of entries must not read all of them).
    fn list_title(doc: &AutoCommit) -> String;

    /// The date a list sorts this document by, if it has one (journal entries).
    fn list_date(doc: &AutoCommit) -> Option<String> {
        let _ = doc;
        None
    }

    /// What lists need of this document, for the document index (see
    /// [`crate::document::Listed`]); `None` for kinds whose lists need only
    /// the title and date.
    fn list_line(doc: &AutoCommit) -> Option<serde_json::Value> {
        let _ = doc;
        None
    }

    /// Bring a document stored at version `from` to `from + 1`.
    fn migrate_step(doc: &mut AutoCommit, from: u64) -> Result<(), MigrationError> {
        let _ = doc;
        Err(MigrationError::NoPath { kind: Self::KIND, from })
    }
}

/// Why a document cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("this is a {found}, not a {expected}")]
    WrongKind { expected: &'static str, found: String },
    #[error("this {kind:?} was saved by a newer version of Confidant (schema {found}, this app knows {known}); update the app to open it")]
    TooNew { kind: DocumentKind, found: u64, known: u64 },
    #[error("no migration for {kind:?} from schema {from}")]
    NoPath { kind: DocumentKind, from: u64 },
    #[error("the document does not match its schema: {0}")]
    Shape(#[from] autosurgeon::HydrateError),
    #[error("cannot write the migrated document: {0}")]
    Write(String),
}

impl From<automerge::AutomergeError> for MigrationError {
    fn from(err: automerge::AutomergeError) -> Self {
        MigrationError::Write(err.to_string())
    }
}

impl From<autosurgeon::ReconcileError> for MigrationError {
    fn from(err: autosurgeon::ReconcileError) -> Self {
        MigrationError::Write(err.to_string())
    }
}

/// An opened document and whether opening it migrated it.
#[derive(Debug)]
pub struct Opened<T> {
    pub value: T,
    /// Schema versions stepped through (empty when already current).
    pub migrated_from: Option<u64>,
}

/// The schema version stored in `doc`, if any.
pub fn stored_schema(doc: &AutoCommit) -> Option<u64> {
    match doc.get(ROOT, "schema").ok().flatten()? {
        (Value::Scalar(s), _) => match s.as_ref() {
            ScalarValue::Uint(v) => Some(*v),
            ScalarValue::Int(v) => u64::try_from(*v).ok(),
            _ => None,
        },
        _ => None,
    }
}

fn stored_kind(doc: &AutoCommit) -> Option<String> {
    match doc.get(ROOT, "kind").ok().flatten()? {
        (Value::Scalar(s), _) => s.as_str().map(str::to_owned),
        (Value::Object(ObjType::Text), id) => doc.text(&id).ok(),
        _ => None,
    }
}

/// Open `doc` as a `T`: check its kind, migrate it to the current schema if it
/// is older (committing the migration), and hydrate it.
pub fn open<T: Schema>(doc: &mut AutoCommit) -> Result<Opened<T>, MigrationError> {
    let found_kind = stored_kind(doc).unwrap_or_default();
    if found_kind != T::KIND.as_str() {
        return Err(MigrationError::WrongKind { expected: T::KIND.as_str(), found: found_kind });
    }
    let stored = stored_schema(doc).unwrap_or(1);
    if stored > T::SCHEMA {
        return Err(MigrationError::TooNew { kind: T::KIND, found: stored, known: T::SCHEMA });
    }
    let migrated_from = (stored < T::SCHEMA).then_some(stored);
    for from in stored..T::SCHEMA {
        T::migrate_step(doc, from)?;
        doc.put(ROOT, "schema", from + 1)?;
    }
    if migrated_from.is_some() {
        doc.commit();
    }
    let value = autosurgeon::hydrate(doc)?;
    Ok(Opened { value, migrated_from })
}
