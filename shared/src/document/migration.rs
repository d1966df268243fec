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

/// A schema number this far past the current one is no newer version of
/// Confidant (which steps one at a time) but a damaged or hostile write.
const IMPLAUSIBLE_SCHEMA_STEP: u64 = 16;

/// How many of the latest changes a repair may step back over.
const MAX_REPAIR_STEPS: usize = 64;

/// A document that some member's change made unreadable (a field of the
/// wrong type, an absurd schema number), put right: the root fields that
/// differ from its latest readable state (within [`MAX_REPAIR_STEPS`]
/// changes back) are written back as they were there, one field if one is
/// enough, as a new change every member receives. Everything else, later
/// good edits included, stays. Returns the repaired document's value;
/// `None` when there is nothing to repair, nothing readable to go back to,
/// or the document is simply from a newer version (never rewritten into an
/// older shape).
pub fn repair<T: Schema>(doc: &mut AutoCommit) -> Option<Opened<T>> {
    match open::<T>(&mut doc.fork()) {
        Ok(_) => return None,
        Err(MigrationError::TooNew { found, known, .. }) if found <= known.saturating_add(IMPLAUSIBLE_SCHEMA_STEP) => return None,
        Err(MigrationError::TooNew { .. }) | Err(MigrationError::Shape(_)) => {}
        Err(_) => return None,
    }
    let earlier = last_readable_fork::<T>(doc)?;
    let differing: Vec<String> = {
        let mut keys: std::collections::BTreeSet<String> = earlier.keys(ROOT).collect();
        keys.extend(doc.keys(ROOT));
        keys.into_iter().filter(|k| subtree_json(&earlier, k) != subtree_json(doc, k)).collect()
    };
    // One field put back is the least undone; all of them if none alone will do.
    let mut attempts: Vec<Vec<String>> = differing.iter().map(|k| vec![k.clone()]).collect();
    attempts.push(differing.clone());
    for keys in attempts {
        let mut candidate = doc.fork();
        if keys.iter().all(|k| copy_root_field(&earlier, &mut candidate, k).is_ok()) {
            if let Ok(opened) = open::<T>(&mut candidate) {
                for k in &keys {
                    copy_root_field(&earlier, doc, k).ok()?;
                }
                doc.commit();
                return open::<T>(doc).ok().map(|o| Opened { value: o.value, migrated_from: opened.migrated_from });
            }
        }
    }
    None
}

/// The latest state of `doc`, stepping back over its newest changes, that opens.
fn last_readable_fork<T: Schema>(doc: &mut AutoCommit) -> Option<AutoCommit> {
    let changes = doc.get_changes(&[]);
    for skip in 1..=changes.len().min(MAX_REPAIR_STEPS) {
        let prefix = &changes[..changes.len() - skip];
        if prefix.is_empty() {
            break;
        }
        // The heads of the prefix: its changes no other change of it depends on.
        let depended: std::collections::HashSet<automerge::ChangeHash> = prefix.iter().flat_map(|c| c.deps().iter().copied()).collect();
        let heads: Vec<automerge::ChangeHash> = prefix.iter().map(|c| c.hash()).filter(|h| !depended.contains(h)).collect();
        let Ok(mut earlier) = doc.fork_at(&heads) else { continue };
        if open::<T>(&mut earlier.fork()).is_ok() {
            return Some(earlier);
        }
    }
    None
}

/// Root field `key` as JSON, to tell whether two versions differ there.
fn subtree_json(doc: &AutoCommit, key: &str) -> Option<serde_json::Value> {
    let (value, id) = doc.get(ROOT, key).ok().flatten()?;
    let mut scratch = AutoCommit::new();
    copy_value(doc, &id, &mut scratch, ROOT, automerge::Prop::Map("v".into()), value).ok()?;
    serde_json::to_value(automerge::AutoSerde::from(&scratch)).ok()
}

/// Write root field `key` of `from` into `to` as it is in `from` (removed
/// if `from` has none).
fn copy_root_field(from: &AutoCommit, to: &mut AutoCommit, key: &str) -> Result<(), automerge::AutomergeError> {
    match from.get(ROOT, key)? {
        None => to.delete(ROOT, key),
        Some((value, id)) => copy_value(from, &id, to, ROOT, automerge::Prop::Map(key.to_owned()), value),
    }
}

fn copy_value(
    from: &AutoCommit,
    id: &automerge::ObjId,
    to: &mut AutoCommit,
    parent: automerge::ObjId,
    prop: automerge::Prop,
    value: Value<'_>,
) -> Result<(), automerge::AutomergeError> {
    let insert = matches!(prop, automerge::Prop::Seq(_));
    match value {
        Value::Scalar(s) => match prop {
            automerge::Prop::Map(key) => to.put(&parent, key, s.into_owned()),
            automerge::Prop::Seq(index) => to.insert(&parent, index, s.into_owned()),
        },
        Value::Object(kind) => {
            let new = match (&prop, insert) {
                (automerge::Prop::Seq(index), _) => to.insert_object(&parent, *index, kind)?,
                (automerge::Prop::Map(key), _) => to.put_object(&parent, key.as_str(), kind)?,
            };
            match kind {
                ObjType::Text => {
                    let text = from.text(id)?;
                    to.splice_text(&new, 0, 0, &text)?;
                }
                ObjType::List => {
                    for index in 0..from.length(id) {
                        if let Some((value, child)) = from.get(id, index)? {
                            copy_value(from, &child, to, new.clone(), automerge::Prop::Seq(index), value)?;
                        }
                    }
                }
                ObjType::Map | ObjType::Table => {
                    for key in from.keys(id).collect::<Vec<_>>() {
                        if let Some((value, child)) = from.get(id, key.as_str())? {
                            copy_value(from, &child, to, new.clone(), automerge::Prop::Map(key), value)?;
                        }
                    }
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod repair_tests {
    use super::*;
    use crate::goal_plan::GoalPlan;

    fn plan_doc() -> AutoCommit {
        let mut doc = AutoCommit::new();
        let mut plan = GoalPlan::new("Year two", "sam");
        plan.add_goal("g", "Publish", "it matters");
        autosurgeon::reconcile(&mut doc, &plan).unwrap();
        doc.commit();
        doc
    }

    #[test]
    fn a_field_of_the_wrong_type_reads_as_the_document_was_before_it() {
        let mut doc = plan_doc();
        let mut partner = doc.fork();
        partner.put(ROOT, "horizon_months", "forever").unwrap();
        partner.commit();
        doc.merge(&mut partner).unwrap();
        assert!(matches!(open::<GoalPlan>(&mut doc.fork()), Err(MigrationError::Shape(_))));
        // A good edit made after the bad one stays.
        doc.put(ROOT, "owner", "ana").unwrap();
        doc.commit();
        let repaired = repair::<GoalPlan>(&mut doc).expect("put right");
        assert_eq!(repaired.value.owner, "ana", "later good edits stay");
        assert_eq!(repaired.value.goals["g"].why.as_str(), "it matters");
        assert_eq!(repaired.value.horizon_months, 6, "the bad field as it was");
        // The repair is a change like any: the document reads again, and
        // again after merging into the partner's copy.
        assert!(open::<GoalPlan>(&mut doc).is_ok());
        partner.merge(&mut doc).unwrap();
        assert!(open::<GoalPlan>(&mut partner).is_ok());
        assert!(repair::<GoalPlan>(&mut doc).is_none(), "nothing left to repair");
    }

    #[test]
    fn an_absurd_schema_number_is_damage_but_the_next_version_is_not() {
        let mut doc = plan_doc();
        let mut hostile = doc.fork();
        hostile.put(ROOT, "schema", u64::MAX).unwrap();
        hostile.commit();
        let repaired = repair::<GoalPlan>(&mut hostile).expect("put right");
        assert_eq!(repaired.value.schema, GoalPlan::SCHEMA);
        let mut newer = doc.fork();
        newer.put(ROOT, "schema", GoalPlan::SCHEMA + 1).unwrap();
        newer.commit();
        assert!(repair::<GoalPlan>(&mut newer).is_none(), "a newer version's document is left for the newer version");
        assert!(repair::<GoalPlan>(&mut doc).is_none(), "nothing to repair");
    }
}
