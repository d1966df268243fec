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

/// A document that some member's change made unreadable (a value of the
/// wrong type, an absurd schema number), put right: what differs from its
/// latest readable state (within [`MAX_REPAIR_STEPS`] changes back) is
/// written back as it was there, one root field if one is enough, and
/// within it only the values that differ: containers both versions have are
/// kept (edits made inside them meanwhile, here or by others, stay), text is
/// updated in place. The repair is a new change every member receives.
/// Returns the repaired value; `None` when there is nothing to repair,
/// nothing readable to go back to, too much to compare, or the document is
/// simply from a newer version (never rewritten into an older shape).
pub fn repair<T: Schema>(doc: &mut AutoCommit) -> Option<Opened<T>> {
    match open::<T>(&mut doc.fork()) {
        Ok(_) => return None,
        Err(MigrationError::TooNew { found, known, .. }) if found <= known.saturating_add(IMPLAUSIBLE_SCHEMA_STEP) => return None,
        Err(MigrationError::TooNew { .. }) | Err(MigrationError::Shape(_)) => {}
        Err(_) => return None,
    }
    let earlier = last_readable_fork::<T>(doc)?;
    let mut budget = MAX_REPAIR_VALUES;
    let keys: Vec<String> = earlier.keys(ROOT).chain(doc.keys(ROOT)).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    if keys.len() > MAX_REPAIR_ROOT_FIELDS {
        return None;
    }
    let root = |k: &String| automerge::Prop::Map(k.clone());
    // First only values whose type is wrong or that went missing: every
    // edit of a value of the right type stays. Then, if that is not enough
    // (a number of the right type but absurd, as a schema), one root field
    // back as it was, then all that differ.
    let mut attempts: Vec<(Mode, Vec<String>)> = vec![(Mode::Shape, keys.clone())];
    let mut differing = Vec::new();
    for key in &keys {
        if differs(&earlier, &ROOT, doc, &ROOT, root(key), Mode::Values, &mut budget)? {
            differing.push(key.clone());
        }
    }
    attempts.extend(differing.iter().map(|k| (Mode::Values, vec![k.clone()])));
    attempts.push((Mode::Values, differing));
    for (mode, keys) in attempts {
        let mut candidate = doc.fork();
        let restored = keys.iter().all(|k| restore(&earlier, &ROOT, &mut candidate, &ROOT, root(k), mode, &mut budget).is_some());
        if restored && open::<T>(&mut candidate).is_ok() {
            for k in &keys {
                restore(&earlier, &ROOT, doc, &ROOT, root(k), mode, &mut budget)?;
            }
            doc.commit();
            return open::<T>(doc).ok();
        }
    }
    None
}

/// What a repair puts back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Values of the wrong type, and values gone missing; nothing else.
    Shape,
    /// Every value that differs.
    Values,
}

/// Most root fields a repair compares (documents have a dozen).
const MAX_REPAIR_ROOT_FIELDS: usize = 64;
/// Most values a repair may visit, all attempts together: a hostile
/// document cannot make opening it take long.
const MAX_REPAIR_VALUES: usize = 200_000;

/// Whether field `prop` differs between `from`'s `from_obj` and `to`'s
/// `to_obj`, in what `mode` puts back. `None` when the budget runs out.
fn differs(from: &AutoCommit, from_obj: &automerge::ObjId, to: &AutoCommit, to_obj: &automerge::ObjId, prop: automerge::Prop, mode: Mode, budget: &mut usize) -> Option<bool> {
    *budget = budget.checked_sub(1)?;
    let old = from.get(from_obj, prop.clone()).ok()?;
    let now = to.get(to_obj, prop).ok()?;
    Some(match (old, now) {
        (None, None) => false,
        // A value added since is an edit, or unknown to the schema (harmless).
        (None, Some(_)) => mode == Mode::Values,
        (Some((Value::Scalar(a), _)), Some((Value::Scalar(b), _))) => match mode {
            Mode::Values => a != b,
            Mode::Shape => std::mem::discriminant(a.as_ref()) != std::mem::discriminant(b.as_ref()),
        },
        (Some((Value::Object(a), id_a)), Some((Value::Object(b), id_b))) if a == b => match a {
            ObjType::Text => mode == Mode::Values && from.text(&id_a).ok()? != to.text(&id_b).ok()?,
            ObjType::Map | ObjType::Table => {
                let keys: std::collections::BTreeSet<String> = from.keys(&id_a).chain(to.keys(&id_b)).collect();
                let mut any = false;
                for key in keys {
                    any |= differs(from, &id_a, to, &id_b, automerge::Prop::Map(key), mode, budget)?;
                }
                any
            }
            ObjType::List => {
                let (len_a, len_b) = (from.length(&id_a), to.length(&id_b));
                if len_a != len_b && mode == Mode::Values {
                    true
                } else {
                    let mut any = false;
                    for index in 0..len_a.min(len_b) {
                        any |= differs(from, &id_a, to, &id_b, automerge::Prop::Seq(index), mode, budget)?;
                    }
                    any
                }
            }
        },
        _ => true,
    })
}

/// Make field `prop` of `to`'s `to_obj` as it is in `from`'s `from_obj`,
/// in what `mode` puts back, changing nothing else. `None` when it cannot
/// (or the budget ran out).
fn restore(from: &AutoCommit, from_obj: &automerge::ObjId, to: &mut AutoCommit, to_obj: &automerge::ObjId, prop: automerge::Prop, mode: Mode, budget: &mut usize) -> Option<()> {
    if !differs(from, from_obj, to, to_obj, prop.clone(), mode, budget)? {
        return Some(());
    }
    let old = from.get(from_obj, prop.clone()).ok()?;
    let now = to.get(to_obj, prop.clone()).ok()?;
    match (old, now) {
        (None, _) => to.delete(to_obj, prop).ok(),
        (Some((Value::Object(a), id_a)), Some((Value::Object(b), id_b))) if a == b => match a {
            ObjType::Text => to.update_text(&id_b, from.text(&id_a).ok()?).ok(),
            ObjType::Map | ObjType::Table => {
                let keys: std::collections::BTreeSet<String> = from.keys(&id_a).chain(to.keys(&id_b)).collect();
                for key in keys {
                    restore(from, &id_a, to, &id_b, automerge::Prop::Map(key), mode, budget)?;
                }
                Some(())
            }
            ObjType::List if mode == Mode::Shape || from.length(&id_a) == to.length(&id_b) => {
                for index in 0..from.length(&id_a).min(to.length(&id_b)) {
                    restore(from, &id_a, to, &id_b, automerge::Prop::Seq(index), mode, budget)?;
                }
                Some(())
            }
            // Lists of another length: the readable one, whole.
            ObjType::List => replace(from, &id_a, to, to_obj, prop, Value::Object(a), budget),
        },
        (Some((value, id_a)), _) => replace(from, &id_a, to, to_obj, prop, value, budget),
    }
}

/// Put `value` (with `from`'s object `id` behind it) at `prop`, in place of
/// what is there.
fn replace(from: &AutoCommit, id: &automerge::ObjId, to: &mut AutoCommit, to_obj: &automerge::ObjId, prop: automerge::Prop, value: Value<'_>, budget: &mut usize) -> Option<()> {
    *budget = budget.checked_sub(1)?;
    match value {
        Value::Scalar(s) => to.put(to_obj, prop, s.into_owned()).ok(),
        Value::Object(kind) => {
            let new = to.put_object(to_obj, prop, kind).ok()?;
            fill(from, id, to, &new, kind, budget)
        }
    }
}

/// Fill the new, empty object `new` with the content of `from`'s `id`.
fn fill(from: &AutoCommit, id: &automerge::ObjId, to: &mut AutoCommit, new: &automerge::ObjId, kind: ObjType, budget: &mut usize) -> Option<()> {
    *budget = budget.checked_sub(1)?;
    match kind {
        ObjType::Text => to.splice_text(new, 0, 0, &from.text(id).ok()?).ok(),
        ObjType::List => {
            for index in 0..from.length(id) {
                let (value, child) = from.get(id, index).ok()??;
                match value {
                    Value::Scalar(s) => to.insert(new, index, s.into_owned()).ok()?,
                    Value::Object(kind) => {
                        let made = to.insert_object(new, index, kind).ok()?;
                        fill(from, &child, to, &made, kind, budget)?;
                    }
                }
            }
            Some(())
        }
        ObjType::Map | ObjType::Table => {
            for key in from.keys(id).collect::<Vec<_>>() {
                let (value, child) = from.get(id, key.as_str()).ok()??;
                match value {
                    Value::Scalar(s) => to.put(new, key.as_str(), s.into_owned()).ok()?,
                    Value::Object(kind) => {
                        let made = to.put_object(new, key.as_str(), kind).ok()?;
                        fill(from, &child, to, &made, kind, budget)?;
                    }
                }
            }
            Some(())
        }
    }
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
    fn a_bad_value_deep_in_a_goal_is_put_right_and_edits_beside_it_stay() {
        let mut doc = plan_doc();
        let goal = |doc: &AutoCommit| {
            let (_, goals) = doc.get(ROOT, "goals").unwrap().unwrap();
            doc.get(&goals, "g").unwrap().unwrap().1
        };
        // A partner makes the goal's title a number; I then write its "why".
        let mut partner = doc.fork();
        let g = goal(&partner);
        partner.put(&g, "title", 42).unwrap();
        partner.commit();
        doc.merge(&mut partner).unwrap();
        let g = goal(&doc);
        let (_, why) = doc.get(&g, "why").unwrap().unwrap();
        doc.update_text(&why, "it matters, and more").unwrap();
        doc.commit();
        let repaired = repair::<GoalPlan>(&mut doc).expect("put right");
        assert_eq!(repaired.value.goals["g"].title.as_str(), "Publish");
        assert_eq!(repaired.value.goals["g"].why.as_str(), "it matters, and more", "the edit beside it stays");
        assert_eq!(goal(&doc), g, "the goal is the same object: edits to it from elsewhere still land");
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
