//! What a change from elsewhere did to goals, told to the person looking:
//! a goal they had in the plan was removed by someone else, or a goal
//! already removed was changed (a partner's offline edits, which are kept
//! under "Recently removed" rather than silently gone).
//!
//! The page compares the plan before and after a change that arrived from a
//! partner or another tab; the person's own removals never reach here.

use super::{Goal, GoalPlan};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemovalNews {
    /// A goal in the plan here was removed elsewhere.
    Removed { goal: String, title: String, by: String },
    /// A removed goal was changed after its removal; the changes are kept.
    ChangedAfterRemoval { goal: String, title: String },
}

impl RemovalNews {
    /// One sentence: what happened and where to find the goal.
    pub fn sentence(&self) -> String {
        match self {
            RemovalNews::Removed { title, by, .. } => format!(
                "{by} removed \u{201c}{title}\u{201d}. It is under Recently removed with every change made to it; restore it there if you still need it."
            ),
            RemovalNews::ChangedAfterRemoval { title, .. } => format!(
                "\u{201c}{title}\u{201d} was changed after it was removed. The changes are kept under Recently removed; restore it there to keep working on it."
            ),
        }
    }
}

/// The news in going from `before` to `after`, by goal id.
pub fn removal_news(before: &GoalPlan, after: &GoalPlan) -> Vec<RemovalNews> {
    after
        .goals
        .values()
        .filter(|goal| goal.is_removed())
        .filter_map(|goal| {
            let was = before.goals.get(&goal.id)?;
            let title = goal.title.as_str().trim().to_owned();
            let title = if title.is_empty() { "A goal".to_owned() } else { title };
            if !was.is_removed() {
                let by = goal.removed_by.clone().filter(|b| !b.trim().is_empty()).unwrap_or_else(|| "Your partner".to_owned());
                Some(RemovalNews::Removed { goal: goal.id.clone(), title, by })
            } else if !same_content(was, goal) {
                Some(RemovalNews::ChangedAfterRemoval { goal: goal.id.clone(), title })
            } else {
                None
            }
        })
        .collect()
}

/// Title, why and milestones alike (the removal marks themselves aside).
fn same_content(a: &Goal, b: &Goal) -> bool {
    a.title.as_str() == b.title.as_str() && a.why.as_str() == b.why.as_str() && a.milestones == b.milestones
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> GoalPlan {
        let mut plan = GoalPlan::new("Year two", "me");
        plan.add_goal("g1", "Teach a course", "");
        plan.add_goal("g2", "Find a lab", "");
        plan
    }

    #[test]
    fn a_goal_removed_elsewhere_is_news_naming_who() {
        let before = plan();
        let mut after = before.clone();
        after.remove_goal("g1", crate::calendar_day::parse_day("2026-12-01").unwrap(), "Ana");
        let news = removal_news(&before, &after);
        assert_eq!(news, [RemovalNews::Removed { goal: "g1".into(), title: "Teach a course".into(), by: "Ana".into() }]);
        assert!(news[0].sentence().starts_with("Ana removed \u{201c}Teach a course\u{201d}."));
    }

    #[test]
    fn edits_to_a_removed_goal_are_news_and_nothing_else_is() {
        let mut before = plan();
        before.remove_goal("g1", crate::calendar_day::parse_day("2026-12-01").unwrap(), "Ana");
        let mut after = before.clone();
        // Unrelated changes and a restore are not news.
        after.goal_mut("g2").unwrap().why.update("because");
        assert!(removal_news(&before, &after).is_empty());
        after.goal_mut("g1").unwrap().add_milestone("m1", "Draft syllabus", None);
        assert_eq!(removal_news(&before, &after), [RemovalNews::ChangedAfterRemoval { goal: "g1".into(), title: "Teach a course".into() }]);
        let mut restored = after.clone();
        restored.restore_goal("g1");
        assert!(removal_news(&after, &restored).is_empty());
    }

    #[test]
    fn an_offline_edit_merged_with_a_removal_is_told_on_both_sides() {
        use autosurgeon::{hydrate, reconcile};
        let mut theirs = automerge::AutoCommit::new();
        reconcile(&mut theirs, &plan()).unwrap();
        let mut mine = theirs.fork();
        // Ana removes the goal; Sam, offline, writes why it matters.
        let mut removed: GoalPlan = hydrate(&theirs).unwrap();
        removed.remove_goal("g1", crate::calendar_day::parse_day("2026-12-01").unwrap(), "Ana");
        reconcile(&mut theirs, &removed).unwrap();
        let mut edited: GoalPlan = hydrate(&mine).unwrap();
        edited.goal_mut("g1").unwrap().why.update("students asked for it");
        reconcile(&mut mine, &edited).unwrap();

        let (ana_before, sam_before): (GoalPlan, GoalPlan) = (hydrate(&theirs).unwrap(), hydrate(&mine).unwrap());
        theirs.merge(&mut mine.clone()).unwrap();
        mine.merge(&mut theirs.clone()).unwrap();
        let (ana_after, sam_after): (GoalPlan, GoalPlan) = (hydrate(&theirs).unwrap(), hydrate(&mine).unwrap());

        assert_eq!(ana_after.goals["g1"].why.as_str(), "students asked for it", "Sam's words are kept");
        assert!(matches!(removal_news(&ana_before, &ana_after)[..], [RemovalNews::ChangedAfterRemoval { .. }]));
        assert!(matches!(removal_news(&sam_before, &sam_after)[..], [RemovalNews::Removed { ref by, .. }] if by == "Ana"));
        assert_eq!(ana_after.removed_goals().len(), 1);
    }
}
