//! Goal plan: a mentee's goals for the coming months, in priority order, with
//! why each matters, milestones with due dates, open questions and comments.
//! Private, or shared with a partner and co-edited.
//!
//! Goals live in a map keyed by id and their priority in a separate `order`
//! list, so one partner reordering while the other edits a goal never loses
//! the edit; [`GoalPlan::goals_in_order`] repairs what concurrent moves leave
//! (an id twice, or missing) the same way on every replica.

mod goal;
mod line;
mod migration;
mod progress;
mod removal_news;

pub use migration::schema_1_sample;

pub use goal::{Goal, Milestone, MilestoneStatus};
pub use line::GoalPlanLine;
pub use progress::{MilestoneDue, ProgressPoint};
pub use removal_news::{removal_news, RemovalNews};

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};
use chrono::NaiveDate;

use crate::document::{DocumentKind, Schema};

/// How far ahead a plan looks unless the mentee chooses otherwise (the
/// workshop's "goals for the next six months").
pub const DEFAULT_HORIZON_MONTHS: u32 = 6;

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct GoalPlan {
    pub kind: String,
    pub schema: u64,
    pub title: Text,
    /// Member id of the person whose plan this is.
    pub owner: String,
    pub horizon_months: u32,
    pub goals: BTreeMap<String, Goal>,
    /// Goal ids, highest priority first.
    pub order: Vec<String>,
    pub open_questions: Vec<OpenQuestion>,
    pub comments: Vec<Comment>,
}

/// "Are my goals realistic?": a question to raise with the mentor.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct OpenQuestion {
    #[key]
    pub id: String,
    pub text: Text,
    pub answered: bool,
}

/// A comment by either partner, on the plan or on one goal.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Comment {
    #[key]
    pub id: String,
    pub author: String,
    /// Milliseconds since the Unix epoch, from the author's clock.
    pub at_ms: i64,
    pub goal: Option<String>,
    pub text: Text,
}

impl Schema for GoalPlan {
    const KIND: DocumentKind = DocumentKind::GoalPlan;
    const SCHEMA: u64 = 2;

    fn list_title(doc: &automerge::AutoCommit) -> String {
        crate::document::root_field::<Text>(doc, "title").as_str().to_owned()
    }

    fn list_line(doc: &automerge::AutoCommit) -> Option<serde_json::Value> {
        <Self as crate::document::Listed>::line_of(doc)
    }

    fn migrate_step(doc: &mut automerge::AutoCommit, from: u64) -> Result<(), crate::document::MigrationError> {
        migration::step(doc, from)
    }
}

impl GoalPlan {
    pub fn new(title: &str, owner: &str) -> Self {
        GoalPlan {
            kind: DocumentKind::GoalPlan.as_str().to_owned(),
            schema: Self::SCHEMA,
            title: Text::with_value(title),
            owner: owner.to_owned(),
            horizon_months: DEFAULT_HORIZON_MONTHS,
            goals: BTreeMap::new(),
            order: Vec::new(),
            open_questions: Vec::new(),
            comments: Vec::new(),
        }
    }

    /// Add a goal at the lowest priority.
    pub fn add_goal(&mut self, id: &str, title: &str, why: &str) {
        self.goals.insert(id.to_owned(), Goal::new(id, title, why));
        self.order.push(id.to_owned());
    }

    /// Remove a goal on `today` by `by` (a name): it leaves the
    /// plan but is kept, restorable, under "Recently removed"; it keeps its
    /// place in the order, so a restore puts it back where it was.
    pub fn remove_goal(&mut self, id: &str, today: NaiveDate, by: &str) {
        if let Some(goal) = self.goals.get_mut(id) {
            goal.removed_on = Some(today);
            goal.removed_by = Some(by.to_owned());
        }
    }

    /// Bring a removed goal back, with whatever was changed on it meanwhile.
    pub fn restore_goal(&mut self, id: &str) {
        if let Some(goal) = self.goals.get_mut(id) {
            goal.removed_on = None;
            goal.removed_by = None;
        }
    }

    /// Removed goals, most recently removed first.
    pub fn removed_goals(&self) -> Vec<&Goal> {
        let mut removed: Vec<&Goal> = self.goals.values().filter(|g| g.is_removed()).collect();
        crate::sort::by(&mut removed, |a, b| b.removed_on.cmp(&a.removed_on).then_with(|| a.id.cmp(&b.id)));
        removed
    }

    /// Delete a removed goal for good (asked for by a person: never on a
    /// date a partner's device wrote). A goal still in the plan stays.
    pub fn delete_for_good(&mut self, id: &str) -> bool {
        if !self.goals.get(id).is_some_and(Goal::is_removed) {
            return false;
        }
        self.goals.remove(id);
        self.order.retain(|g| g != id);
        true
    }

    /// The goals in the plan (not removed), in no particular order.
    pub fn live_goals(&self) -> impl Iterator<Item = &Goal> {
        self.goals.values().filter(|g| !g.is_removed())
    }

    /// Move a goal to `position` in the priority order (0 is the top).
    pub fn move_goal(&mut self, id: &str, position: usize) {
        let mut order = self.priority_ids();
        if let Some(from) = order.iter().position(|g| g == id) {
            let goal = order.remove(from);
            order.insert(position.min(order.len()), goal);
            self.order = order;
        }
    }

    /// Goal ids in priority order: each goal once, at its first place in
    /// `order`; goals missing from `order` (added concurrently with a move)
    /// follow, by id, so every replica shows the same list.
    pub fn priority_ids(&self) -> Vec<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut ids: Vec<String> = self
            .order
            .iter()
            .filter(|id| self.goals.contains_key(*id) && seen.insert((*id).clone()))
            .cloned()
            .collect();
        ids.extend(self.goals.keys().filter(|id| !seen.contains(*id)).cloned());
        ids.retain(|id| self.goals.get(id).is_some_and(|g| !g.is_removed()));
        ids
    }

    pub fn goal_mut(&mut self, id: &str) -> Option<&mut Goal> {
        self.goals.get_mut(id)
    }

    /// Turn a meeting's action item into a milestone due on `due`: on the
    /// goal `goal` the pair chose if it is in the plan, else on the top goal,
    /// else on a new goal "From our meetings" (id `new_goal`). The milestone
    /// remembers the item it came from. Returns the goal's id.
    pub fn milestone_from_action_item(&mut self, item: ActionItemMilestone<'_>) -> String {
        let chosen = item.goal.filter(|g| self.goals.get(*g).is_some_and(|g| !g.is_removed())).map(str::to_owned);
        let goal = match chosen.or_else(|| self.priority_ids().into_iter().next()) {
            Some(goal) => goal,
            None => {
                self.add_goal(item.new_goal, FROM_MEETINGS, "");
                item.new_goal.to_owned()
            }
        };
        let due = item.due.and_then(crate::calendar_day::parse_day);
        if let Some(g) = self.goal_mut(&goal) {
            g.add_milestone(item.milestone, item.text, due);
            if let Some(m) = g.milestone_mut(item.milestone) {
                m.from_action_item = Some(item.action_item.to_owned());
            }
        }
        goal
    }

    /// Milestones done out of all milestones, across goals.
    pub fn progress(&self) -> (usize, usize) {
        let milestones = self.live_goals().flat_map(|g| &g.milestones);
        milestones.fold((0, 0), |(done, all), m| {
            (done + usize::from(m.status == MilestoneStatus::Done), all + 1)
        })
    }
}

/// An action item to turn into a milestone, and where.
#[derive(Debug, Clone, Copy)]
pub struct ActionItemMilestone<'a> {
    /// The goal the pair chose, if any.
    pub goal: Option<&'a str>,
    /// The id a new goal gets when the plan has none.
    pub new_goal: &'a str,
    /// The new milestone's id.
    pub milestone: &'a str,
    pub action_item: &'a str,
    pub text: &'a str,
    /// An ISO day; anything else is no date.
    pub due: Option<&'a str>,
}

/// The goal that collects action items when a plan has no goal yet.
pub const FROM_MEETINGS: &str = "From our meetings";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_item_becomes_a_milestone_of_the_top_goal_or_of_a_new_one() {
        let mut empty = GoalPlan::new("Plan", "sam");
        let item = |goal, milestone, action_item, text, due| ActionItemMilestone { goal, new_goal: "g-new", milestone, action_item, text, due };
        let goal = empty.milestone_from_action_item(item(None, "m1", "item-1", "Draft the abstract", None));
        assert_eq!(goal, "g-new");
        assert_eq!(empty.goals["g-new"].title.as_str(), FROM_MEETINGS);
        let m = &empty.goals["g-new"].milestones[0];
        assert_eq!((m.title.as_str(), m.from_action_item.as_deref()), ("Draft the abstract", Some("item-1")));

        let mut plan = GoalPlan::new("Plan", "sam");
        plan.add_goal("a", "Publish", "");
        plan.add_goal("b", "Teach", "");
        plan.move_goal("b", 0);
        assert_eq!(plan.milestone_from_action_item(item(None, "m2", "item-2", "Ask the chair", None)), "b", "the top goal");
        assert!(!plan.goals.contains_key("g-new"));
        assert_eq!(plan.goals["b"].milestones.len(), 1);
        assert!(plan.goals["a"].milestones.is_empty());
        // The goal and day the pair chose.
        assert_eq!(plan.milestone_from_action_item(item(Some("a"), "m3", "item-3", "Send the draft", Some("2027-04-01"))), "a");
        assert_eq!(plan.goals["a"].milestones[0].due, crate::calendar_day::parse_day("2027-04-01"));
        // A goal that is gone, or a day that is no day, falls back safely.
        plan.remove_goal("a", crate::calendar_day::parse_day("2027-03-01").unwrap(), "Sam");
        assert_eq!(plan.milestone_from_action_item(item(Some("a"), "m4", "item-4", "Call", Some("soon"))), "b");
        assert_eq!(plan.milestone_from_action_item(item(Some("zzz"), "m5", "item-5", "Call", None)), "b");
        assert_eq!(plan.goals["b"].milestones.iter().find(|m| m.id == "m4").unwrap().due, None);
    }

    #[test]
    fn a_removed_goal_leaves_the_plan_keeps_a_partners_offline_edits_and_comes_back_in_place() {
        use crate::calendar_day::parse_day;
        let mut plan = GoalPlan::new("Plan", "sam");
        plan.add_goal("a", "Publish", "");
        plan.add_goal("b", "Teach", "");
        plan.goals.get_mut("a").unwrap().add_milestone("m1", "Draft", crate::calendar_day::parse_day("2027-01-10"));
        let mut mine = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut mine, &plan).unwrap();
        let mut theirs = mine.fork();

        // I remove "Publish" while my partner, offline, writes why it matters.
        let mut p: GoalPlan = autosurgeon::hydrate(&mine).unwrap();
        p.remove_goal("a", crate::calendar_day::parse_day("2027-01-02").unwrap(), "Sam");
        autosurgeon::reconcile(&mut mine, &p).unwrap();
        let mut q: GoalPlan = autosurgeon::hydrate(&theirs).unwrap();
        q.goal_mut("a").unwrap().why.update("It decides the job market");
        autosurgeon::reconcile(&mut theirs, &q).unwrap();
        mine.merge(&mut theirs).unwrap();

        let mut merged: GoalPlan = autosurgeon::hydrate(&mine).unwrap();
        assert_eq!(merged.priority_ids(), ["b"], "gone from the plan");
        assert_eq!(merged.progress(), (0, 0), "its milestones no longer count");
        assert!(merged.milestones_due(parse_day("2027-12-31").unwrap()).is_empty());
        let removed = merged.removed_goals();
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0].why.as_str(), "It decides the job market", "the partner's edit is kept");
        assert_eq!(removed[0].removed_by.as_deref(), Some("Sam"));

        // Restored: back at the top, with the edit.
        merged.restore_goal("a");
        assert_eq!(merged.priority_ids(), ["a", "b"]);
        assert_eq!(merged.progress(), (0, 1));

        // Deleted for good only when removed, and only when asked.
        assert!(!merged.delete_for_good("a"), "a goal in the plan stays");
        merged.remove_goal("a", crate::calendar_day::parse_day("2027-01-02").unwrap(), "Sam");
        assert!(merged.delete_for_good("a"));
        assert!(!merged.goals.contains_key("a") && merged.order == ["b"]);
    }

    #[test]
    fn the_list_title_is_read_without_hydrating_the_plan() {
        let mut doc = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &GoalPlan::new("Year two", "sam")).unwrap();
        assert_eq!(GoalPlan::list_title(&doc), "Year two");
        assert_eq!(GoalPlan::list_title(&automerge::AutoCommit::new()), "");
    }
}
