//! Goal plan migrations.
//!
//! Schema 1 marked a milestone finished with `done: bool`; schema 2 has a
//! `status` (planned, in progress, done, dropped) because mentors asked to
//! tell "started" from "not started" and to drop a milestone without deleting it.
//! Schema 2 also links a milestone to the meeting action item it came from
//! (`from_action_item`, empty for older milestones).

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value, ROOT};

use crate::document::{DocumentKind, MigrationError};

pub(super) fn step(doc: &mut AutoCommit, from: u64) -> Result<(), MigrationError> {
    match from {
        1 => done_flag_to_status(doc),
        _ => Err(MigrationError::NoPath { kind: DocumentKind::GoalPlan, from }),
    }
}

fn done_flag_to_status(doc: &mut AutoCommit) -> Result<(), MigrationError> {
    let Some((Value::Object(ObjType::Map), goals)) = doc.get(ROOT, "goals")? else {
        return Ok(());
    };
    for goal_id in doc.keys(&goals).collect::<Vec<_>>() {
        let Some((Value::Object(ObjType::Map), goal)) = doc.get(&goals, goal_id.as_str())? else { continue };
        let Some((Value::Object(ObjType::List), milestones)) = doc.get(&goal, "milestones")? else { continue };
        for index in 0..doc.length(&milestones) {
            let Some((Value::Object(ObjType::Map), milestone)) = doc.get(&milestones, index)? else { continue };
            if doc.get(&milestone, "status")?.is_some() {
                continue; // already migrated (e.g. by another device)
            }
            let done = matches!(
                doc.get(&milestone, "done")?,
                Some((Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Boolean(true))
            );
            doc.put(&milestone, "status", if done { "Done" } else { "Planned" })?;
            doc.delete(&milestone, "done")?;
            if doc.get(&milestone, "from_action_item")?.is_none() {
                doc.put(&milestone, "from_action_item", ScalarValue::Null)?;
            }
        }
    }
    Ok(())
}

/// A goal plan as schema 1 saved it: goal "g1" with milestone "m1" done (due
/// 2026-12-15) and "m2" not done. Kept as the reference for the migration and
/// used by the native and browser tests.
pub fn schema_1_sample() -> AutoCommit {
    let mut doc = AutoCommit::new();
    let put_text = |doc: &mut AutoCommit, obj: &automerge::ObjId, field: &str, text: &str| {
        let t = doc.put_object(obj, field, ObjType::Text).expect("new object");
        doc.splice_text(&t, 0, 0, text).expect("fresh text");
    };
    doc.put(ROOT, "kind", "goal_plan").expect("root");
    doc.put(ROOT, "schema", 1u64).expect("root");
    put_text(&mut doc, &ROOT, "title", "Year two");
    doc.put(ROOT, "owner", "sam").expect("root");
    doc.put(ROOT, "horizon_months", 6u64).expect("root");
    let goals = doc.put_object(ROOT, "goals", ObjType::Map).expect("root");
    let goal = doc.put_object(&goals, "g1", ObjType::Map).expect("map");
    doc.put(&goal, "id", "g1").expect("map");
    put_text(&mut doc, &goal, "title", "Submit a paper");
    put_text(&mut doc, &goal, "why", "for the job market");
    let milestones = doc.put_object(&goal, "milestones", ObjType::List).expect("map");
    for (i, (id, done)) in [("m1", true), ("m2", false)].into_iter().enumerate() {
        let m = doc.insert_object(&milestones, i, ObjType::Map).expect("list");
        doc.put(&m, "id", id).expect("map");
        put_text(&mut doc, &m, "title", "draft");
        doc.put(&m, "done", done).expect("map");
        if done {
            doc.put(&m, "due", "2026-12-15").expect("map");
        } else {
            doc.put(&m, "due", ScalarValue::Null).expect("map");
        }
    }
    let order = doc.put_object(ROOT, "order", ObjType::List).expect("root");
    doc.insert(&order, 0, "g1").expect("list");
    doc.put_object(ROOT, "open_questions", ObjType::List).expect("root");
    doc.put_object(ROOT, "comments", ObjType::List).expect("root");
    doc.commit();
    doc
}
