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
