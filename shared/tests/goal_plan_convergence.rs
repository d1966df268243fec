//! Replicas of a goal plan that edit concurrently and exchange changes in any
//! order end up identical, and no one's edit is lost. See: issue 3.

use automerge::{ActorId, AutoCommit, Change};
use autosurgeon::{hydrate, reconcile};
use confidant_shared::goal_plan::{GoalPlan, MilestoneStatus};
use proptest::prelude::*;

/// One person's edit, as the app would make it.
#[derive(Debug, Clone)]
enum Edit {
    AddGoal { id: u8, title: String },
    RemoveGoal { id: u8 },
    MoveGoal { id: u8, to: usize },
    EditWhy { id: u8, at: usize, insert: String },
    AddMilestone { goal: u8, id: u8 },
    SetStatus { goal: u8, id: u8, done: bool },
    Horizon(u32),
}

fn edit() -> impl Strategy<Value = Edit> {
    let id = 0u8..5;
    prop_oneof![
        (id.clone(), "[a-z ]{1,8}").prop_map(|(id, title)| Edit::AddGoal { id, title }),
        id.clone().prop_map(|id| Edit::RemoveGoal { id }),
        (id.clone(), 0usize..5).prop_map(|(id, to)| Edit::MoveGoal { id, to }),
        (id.clone(), 0usize..20, "[a-z]{1,4}").prop_map(|(id, at, insert)| Edit::EditWhy { id, at, insert }),
        (id.clone(), 0u8..3).prop_map(|(goal, id)| Edit::AddMilestone { goal, id }),
        (id, 0u8..3, any::<bool>()).prop_map(|(goal, id, done)| Edit::SetStatus { goal, id, done }),
        (1u32..13).prop_map(Edit::Horizon),
    ]
}

fn apply(doc: &mut AutoCommit, edit: &Edit) {
    let mut plan: GoalPlan = hydrate(doc).unwrap();
    let gid = |id: u8| format!("g{id}");
    match edit {
        Edit::AddGoal { id, title } => {
            if !plan.goals.contains_key(&gid(*id)) {
                plan.add_goal(&gid(*id), title, "");
            }
        }
        Edit::RemoveGoal { id } => plan.remove_goal(&gid(*id), confidant_shared::calendar_day::parse_day("2027-01-02").unwrap(), "a partner"),
        Edit::MoveGoal { id, to } => plan.move_goal(&gid(*id), *to),
        Edit::EditWhy { id, at, insert } => {
            if let Some(goal) = plan.goal_mut(&gid(*id)) {
                let at = (*at).min(goal.why.as_str().len());
                goal.why.splice(at, 0, insert);
            }
        }
        Edit::AddMilestone { goal, id } => {
            if let Some(goal) = plan.goal_mut(&gid(*goal)) {
                let mid = format!("m{id}");
                if goal.milestone_mut(&mid).is_none() {
                    goal.add_milestone(&mid, "step", confidant_shared::calendar_day::parse_day("2027-01-31"));
                }
            }
        }
        Edit::SetStatus { goal, id, done } => {
            if let Some(m) = plan.goal_mut(&gid(*goal)).and_then(|g| g.milestone_mut(&format!("m{id}"))) {
                m.status = if *done { MilestoneStatus::Done } else { MilestoneStatus::InProgress };
            }
        }
        Edit::Horizon(months) => plan.horizon_months = *months,
    }
    reconcile(doc, &plan).unwrap();
    doc.commit();
}

fn replicas(n: u8) -> Vec<AutoCommit> {
    let mut origin = AutoCommit::new().with_actor(ActorId::from(vec![0xff]));
    reconcile(&mut origin, &GoalPlan::new("Next six months", "mentee")).unwrap();
    origin.commit();
    (0..n).map(|i| origin.fork().with_actor(ActorId::from(vec![i]))).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn replicas_converge_whatever_the_order_of_exchange(
        edits in prop::collection::vec(prop::collection::vec(edit(), 0..12), 3),
        seed in any::<u64>(),
    ) {
        let mut docs = replicas(3);
        for (doc, edits) in docs.iter_mut().zip(&edits) {
            for e in edits {
                apply(doc, e);
            }
        }
        // Every change from everyone, delivered to each replica in a
        // different shuffled order (changes can arrive before their deps).
        let all: Vec<Change> = docs.iter_mut().flat_map(|d| d.get_changes(&[])).collect();
        let mut rng = seed;
        for doc in docs.iter_mut() {
            let mut batch = all.clone();
            for i in (1..batch.len()).rev() {
                rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                batch.swap(i, (rng >> 33) as usize % (i + 1));
            }
            for change in batch {
                doc.apply_changes([change]).unwrap();
            }
        }
        let plans: Vec<GoalPlan> = docs.iter().map(|d| hydrate(d).unwrap()).collect();
        prop_assert_eq!(&plans[0], &plans[1]);
        prop_assert_eq!(&plans[1], &plans[2]);
        let order: Vec<Vec<String>> = plans.iter().map(GoalPlan::priority_ids).collect();
        prop_assert_eq!(&order[0], &order[2]);
        // Each goal in the plan (not removed) appears exactly once in priority order.
        let mut ids = order[0].clone();
        ids.sort();
        ids.dedup();
        prop_assert_eq!(ids.len(), plans[0].live_goals().count());
        prop_assert_eq!(ids.len(), order[0].len());
    }
}

#[test]
fn concurrent_edits_to_the_same_text_both_survive() {
    let mut docs = replicas(2);
    apply(&mut docs[0], &Edit::AddGoal { id: 1, title: "Publish".into() });
    let (a, b) = docs.split_at_mut(1);
    b[0].merge(&mut a[0]).unwrap();

    let mut plan: GoalPlan = hydrate(&a[0]).unwrap();
    plan.goal_mut("g1").unwrap().why.update("I want a faculty job");
    reconcile(&mut a[0], &plan).unwrap();
    b[0].merge(&mut a[0]).unwrap();

    // Offline, each edits the same sentence.
    let mut mentee: GoalPlan = hydrate(&a[0]).unwrap();
    mentee.goal_mut("g1").unwrap().why.update("I really want a faculty job");
    reconcile(&mut a[0], &mentee).unwrap();
    let mut mentor: GoalPlan = hydrate(&b[0]).unwrap();
    mentor.goal_mut("g1").unwrap().why.update("I want a faculty job in ecology");
    reconcile(&mut b[0], &mentor).unwrap();

    a[0].merge(&mut b[0]).unwrap();
    b[0].merge(&mut a[0]).unwrap();
    let merged: GoalPlan = hydrate(&a[0]).unwrap();
    assert_eq!(merged.goals["g1"].why.as_str(), "I really want a faculty job in ecology");
    assert_eq!(merged, hydrate::<_, GoalPlan>(&b[0]).unwrap());
}

#[test]
fn reordering_while_the_partner_edits_keeps_the_edit() {
    let mut docs = replicas(2);
    for id in 1..=3 {
        apply(&mut docs[0], &Edit::AddGoal { id, title: format!("goal {id}") });
    }
    let (a, b) = docs.split_at_mut(1);
    b[0].merge(&mut a[0]).unwrap();
    apply(&mut a[0], &Edit::MoveGoal { id: 3, to: 0 });
    apply(&mut b[0], &Edit::EditWhy { id: 3, at: 0, insert: "because".into() });
    a[0].merge(&mut b[0]).unwrap();
    let plan: GoalPlan = hydrate(&a[0]).unwrap();
    assert_eq!(plan.priority_ids(), ["g3", "g1", "g2"]);
    assert_eq!(plan.goals["g3"].why.as_str(), "because");
}
