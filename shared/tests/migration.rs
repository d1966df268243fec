//! Documents saved by an older schema open in the current one, once; a
//! document from a newer app is refused untouched. See: issue 3.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use confidant_shared::document::{open, stored_schema, MigrationError};
use confidant_shared::goal_plan::{schema_1_sample, GoalPlan, MilestoneStatus};

fn schema_1_plan() -> AutoCommit {
    schema_1_sample()
}

#[test]
fn a_schema_1_plan_migrates_once_and_keeps_its_content() {
    let mut doc = schema_1_plan();
    let opened = open::<GoalPlan>(&mut doc).unwrap();
    assert_eq!(opened.migrated_from, Some(1));
    assert_eq!(stored_schema(&doc), Some(2));
    let plan = opened.value;
    assert_eq!(plan.title.as_str(), "Year two");
    let milestones = &plan.goals["g1"].milestones;
    assert_eq!(milestones[0].status, MilestoneStatus::Done);
    assert_eq!(milestones[1].status, MilestoneStatus::Planned);
    assert_eq!(milestones[0].due, confidant_shared::calendar_day::parse_day("2026-12-15"));
    assert_eq!(milestones[0].from_action_item, None);

    let heads = doc.get_heads();
    let again = open::<GoalPlan>(&mut doc).unwrap();
    assert_eq!(again.migrated_from, None);
    assert_eq!(doc.get_heads(), heads, "a second open writes nothing");
    assert_eq!(again.value, plan);
}

#[test]
fn two_devices_migrating_the_same_plan_agree() {
    let mut a = schema_1_plan();
    let mut b = a.fork();
    open::<GoalPlan>(&mut a).unwrap();
    open::<GoalPlan>(&mut b).unwrap();
    a.merge(&mut b).unwrap();
    let plan = open::<GoalPlan>(&mut a).unwrap();
    assert_eq!(plan.migrated_from, None);
    assert_eq!(plan.value.goals["g1"].milestones[0].status, MilestoneStatus::Done);
}

#[test]
fn a_plan_from_a_newer_app_is_refused_untouched() {
    let mut doc = schema_1_plan();
    doc.put(ROOT, "schema", 9u64).unwrap();
    doc.commit();
    let heads = doc.get_heads();
    let err = open::<GoalPlan>(&mut doc).unwrap_err();
    assert!(matches!(err, MigrationError::TooNew { found: 9, known: 2, .. }), "{err}");
    assert!(err.to_string().contains("update the app"));
    assert_eq!(doc.get_heads(), heads);
}

#[test]
fn a_document_of_another_kind_is_refused() {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "kind", "journal").unwrap();
    assert!(matches!(open::<GoalPlan>(&mut doc), Err(MigrationError::WrongKind { .. })));
}
