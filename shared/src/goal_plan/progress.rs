//! Progress of a goal plan: goals and milestones done over time (the chart
//! on the plan's page) and milestones coming due (Home).

use chrono::NaiveDate;

use super::{GoalPlan, MilestoneStatus};

/// How much was done by the end of `day`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressPoint {
    pub day: NaiveDate,
    pub goals_done: usize,
    pub milestones_done: usize,
}

/// An open milestone with a due day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneDue {
    pub goal: String,
    pub milestone: String,
    pub due: NaiveDate,
}

impl GoalPlan {
    /// One point per day something was done, counting everything done up to
    /// that day. Done milestones without a day (marked before days were
    /// recorded) are left out of the chart but still count in `progress`.
    pub fn progress_over_time(&self) -> Vec<ProgressPoint> {
        let mut milestone_days: Vec<NaiveDate> = self
            .live_goals()
            .flat_map(|g| &g.milestones)
            .filter(|m| m.status == MilestoneStatus::Done)
            .filter_map(|m| m.done_on)
            .collect();
        let goal_days: Vec<NaiveDate> = self.live_goals().filter_map(|g| g.done_on()).collect();
        crate::sort::ascending(&mut milestone_days);
        let mut days = milestone_days.clone();
        days.dedup();
        days.into_iter()
            .map(|day| ProgressPoint {
                day,
                goals_done: goal_days.iter().filter(|d| **d <= day).count(),
                milestones_done: milestone_days.iter().filter(|d| **d <= day).count(),
            })
            .collect()
    }

    /// Open milestones due on or before `until` (overdue ones included),
    /// soonest first.
    pub fn milestones_due(&self, until: NaiveDate) -> Vec<MilestoneDue> {
        let mut due: Vec<MilestoneDue> = self
            .live_goals()
            .flat_map(|g| g.milestones.iter().map(move |m| (g, m)))
            .filter(|(_, m)| matches!(m.status, MilestoneStatus::Planned | MilestoneStatus::InProgress))
            .filter_map(|(g, m)| {
                let day = m.due?;
                (day <= until).then(|| MilestoneDue { goal: g.title.as_str().to_owned(), milestone: m.title.as_str().to_owned(), due: day })
            })
            .collect();
        crate::sort::by(&mut due, |a, b| a.due.cmp(&b.due).then_with(|| a.milestone.cmp(&b.milestone)));
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        crate::calendar_day::parse_day(text).unwrap()
    }

    fn plan() -> GoalPlan {
        let mut plan = GoalPlan::new("Year two", "sam");
        plan.add_goal("g1", "Submit a paper", "");
        plan.add_goal("g2", "Find a lab", "");
        let g1 = plan.goal_mut("g1").unwrap();
        g1.add_milestone("m1", "Draft", crate::calendar_day::parse_day("2026-12-01"));
        g1.add_milestone("m2", "Submit", crate::calendar_day::parse_day("2027-01-15"));
        plan.goal_mut("g2").unwrap().add_milestone("m3", "Visit three labs", crate::calendar_day::parse_day("2026-11-30"));
        plan
    }

    #[test]
    fn the_chart_counts_what_was_done_by_each_day() {
        let mut plan = plan();
        assert!(plan.progress_over_time().is_empty());
        plan.goal_mut("g1").unwrap().milestone_mut("m1").unwrap().set_done(true, crate::calendar_day::parse_day("2026-11-28").unwrap());
        plan.goal_mut("g2").unwrap().milestone_mut("m3").unwrap().set_done(true, crate::calendar_day::parse_day("2026-12-03").unwrap());
        plan.goal_mut("g1").unwrap().milestone_mut("m2").unwrap().set_done(true, crate::calendar_day::parse_day("2026-12-03").unwrap());
        let points = plan.progress_over_time();
        assert_eq!(
            points,
            vec![
                ProgressPoint { day: day("2026-11-28"), goals_done: 0, milestones_done: 1 },
                ProgressPoint { day: day("2026-12-03"), goals_done: 2, milestones_done: 3 },
            ]
        );
        // Opening a milestone again takes its goal out of "done".
        plan.goal_mut("g1").unwrap().milestone_mut("m2").unwrap().set_done(false, crate::calendar_day::parse_day("2026-12-04").unwrap());
        assert_eq!(plan.progress_over_time().last().unwrap().goals_done, 1);
        assert_eq!(plan.progress(), (2, 3));
    }

    #[test]
    fn milestones_coming_due_are_open_ones_soonest_first() {
        let mut plan = plan();
        let due = plan.milestones_due(day("2026-12-05"));
        let names: Vec<&str> = due.iter().map(|d| d.milestone.as_str()).collect();
        assert_eq!(names, ["Visit three labs", "Draft"]);
        plan.goal_mut("g2").unwrap().milestone_mut("m3").unwrap().set_done(true, crate::calendar_day::parse_day("2026-11-29").unwrap());
        assert_eq!(plan.milestones_due(day("2026-12-05")).len(), 1);
        assert_eq!(plan.milestones_due(day("2026-11-01")).len(), 0);
    }
}
