//! A goal and its milestones.

use autosurgeon::{Hydrate, Reconcile, Text};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Goal {
    #[key]
    pub id: String,
    pub title: Text,
    /// Why this goal matters to the mentee.
    pub why: Text,
    pub milestones: Vec<Milestone>,
    /// The day it was removed, and by whom. A removed goal stays in the plan,
    /// with every change anyone makes to it (a partner editing offline
    /// included), under "Recently removed" until restored or purged.
    #[autosurgeon(with = "crate::calendar_day::stored")]
    pub removed_on: Option<NaiveDate>,
    #[autosurgeon(missing = "Default::default")]
    pub removed_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Milestone {
    #[key]
    pub id: String,
    pub title: Text,
    /// The day it is due by, if any.
    #[autosurgeon(with = "crate::calendar_day::stored")]
    pub due: Option<NaiveDate>,
    pub status: MilestoneStatus,
    /// The meeting action item this milestone came from, if any.
    pub from_action_item: Option<String>,
    /// The day it was marked done, for the progress chart (stored as
    /// `YYYY-MM-DD`). Older milestones have none.
    #[autosurgeon(with = "crate::calendar_day::stored")]
    pub done_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub enum MilestoneStatus {
    Planned,
    InProgress,
    Done,
    Dropped,
}

impl Milestone {
    /// Due before `today` and still open.
    pub fn is_overdue(&self, today: chrono::NaiveDate) -> bool {
        matches!(self.status, MilestoneStatus::Planned | MilestoneStatus::InProgress)
            && self.due.is_some_and(|due| due < today)
    }

    /// Mark done on `today`, or open again.
    pub fn set_done(&mut self, done: bool, today: NaiveDate) {
        if done {
            self.status = MilestoneStatus::Done;
            self.done_on = Some(today);
        } else {
            self.status = MilestoneStatus::Planned;
            self.done_on = None;
        }
    }
}

impl Goal {
    pub fn new(id: &str, title: &str, why: &str) -> Self {
        Goal {
            id: id.to_owned(),
            title: Text::with_value(title),
            why: Text::with_value(why),
            milestones: Vec::new(),
            removed_on: None,
            removed_by: None,
        }
    }

    pub fn add_milestone(&mut self, id: &str, title: &str, due: Option<NaiveDate>) {
        self.milestones.push(Milestone {
            id: id.to_owned(),
            title: Text::with_value(title),
            due,
            status: MilestoneStatus::Planned,
            from_action_item: None,
            done_on: None,
        });
    }

    /// Done when it has milestones and none is left open (planned or in
    /// progress); dropped ones do not hold it back, but one must be done.
    pub fn is_done(&self) -> bool {
        let open = self.milestones.iter().any(|m| matches!(m.status, MilestoneStatus::Planned | MilestoneStatus::InProgress));
        !open && self.milestones.iter().any(|m| m.status == MilestoneStatus::Done)
    }

    /// The day the goal was done: its last milestone's done day.
    pub fn done_on(&self) -> Option<NaiveDate> {
        if !self.is_done() {
            return None;
        }
        self.milestones.iter().filter(|m| m.status == MilestoneStatus::Done).filter_map(|m| m.done_on).max()
    }

    pub fn is_removed(&self) -> bool {
        self.removed_on.is_some() || self.removed_by.is_some()
    }

    /// Take a milestone out; returns it with its place, for Undo.
    pub fn remove_milestone(&mut self, id: &str) -> Option<(usize, Milestone)> {
        let at = self.milestones.iter().position(|m| m.id == id)?;
        Some((at, self.milestones.remove(at)))
    }

    /// Put a removed milestone back at its place (Undo), unless it is back already.
    pub fn put_back_milestone(&mut self, at: usize, milestone: Milestone) {
        if self.milestones.iter().all(|m| m.id != milestone.id) {
            // A fresh text: the removed one belonged to the deleted object.
            let milestone = Milestone { title: Text::with_value(milestone.title.as_str()), ..milestone };
            self.milestones.insert(at.min(self.milestones.len()), milestone);
        }
    }

    pub fn milestone_mut(&mut self, id: &str) -> Option<&mut Milestone> {
        self.milestones.iter_mut().find(|m| m.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_day::parse_day;

    #[test]
    fn a_milestone_is_overdue_only_while_open_and_comes_back_in_place() {
        let mut goal = Goal::new("g", "Publish", "");
        goal.add_milestone("m1", "Draft", crate::calendar_day::parse_day("2027-01-10"));
        goal.add_milestone("m2", "Submit", crate::calendar_day::parse_day("2027-03-01"));
        let today = parse_day("2027-02-01").unwrap();
        assert!(goal.milestones[0].is_overdue(today));
        assert!(!goal.milestones[1].is_overdue(today));
        goal.milestone_mut("m1").unwrap().set_done(true, crate::calendar_day::parse_day("2027-01-20").unwrap());
        assert!(!goal.milestones[0].is_overdue(today), "done is never overdue");

        let (at, removed) = goal.remove_milestone("m1").unwrap();
        assert_eq!(goal.milestones.len(), 1);
        goal.put_back_milestone(at, removed.clone());
        goal.put_back_milestone(at, removed);
        assert_eq!(goal.milestones.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["m1", "m2"], "back at its place, once");
        assert!(goal.remove_milestone("nope").is_none());
    }

    #[test]
    fn an_undone_milestone_deletion_reaches_the_document() {
        use crate::goal_plan::GoalPlan;
        let mut plan = GoalPlan::new("Plan", "sam");
        plan.add_goal("g", "Teach", "");
        plan.goal_mut("g").unwrap().add_milestone("m1", "Syllabus", crate::calendar_day::parse_day("2027-06-30"));
        let mut doc = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &plan).unwrap();
        let mut p: GoalPlan = autosurgeon::hydrate(&doc).unwrap();
        let (at, removed) = p.goal_mut("g").unwrap().remove_milestone("m1").unwrap();
        autosurgeon::reconcile(&mut doc, &p).unwrap();
        let mut p: GoalPlan = autosurgeon::hydrate(&doc).unwrap();
        p.goal_mut("g").unwrap().put_back_milestone(at, removed);
        autosurgeon::reconcile(&mut doc, &p).unwrap();
        let back: GoalPlan = autosurgeon::hydrate(&doc).unwrap();
        let m = &back.goals["g"].milestones[0];
        assert_eq!((m.id.as_str(), m.title.as_str(), m.due), ("m1", "Syllabus", crate::calendar_day::parse_day("2027-06-30")));
    }
}
