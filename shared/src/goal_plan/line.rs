//! A goal plan's line in the document index: what Home reads (milestones
//! coming due; see `document::Listed`).

use std::collections::BTreeMap;

use autosurgeon::Text;
use serde::{Deserialize, Serialize};

use super::{Goal, GoalPlan, Milestone, MilestoneStatus};
use crate::document::{Listed, Schema};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalPlanLine {
    title: String,
    owner: String,
    horizon_months: u32,
    order: Vec<String>,
    goals: Vec<GoalLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct GoalLine {
    id: String,
    title: String,
    milestones: Vec<MilestoneLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct MilestoneLine {
    id: String,
    title: String,
    due: Option<chrono::NaiveDate>,
    status: MilestoneStatus,
    done_on: Option<chrono::NaiveDate>,
}

impl Listed for GoalPlan {
    type Line = GoalPlanLine;

    fn line(&self) -> GoalPlanLine {
        GoalPlanLine {
            title: self.title.as_str().to_owned(),
            owner: self.owner.clone(),
            horizon_months: self.horizon_months,
            order: self.order.clone(),
            goals: self
                .goals
                .iter()
                // Lists show no removed goal.
                .filter(|(_, g)| !g.is_removed())
                // By the map's key, as the plan's own order refers to goals.
                .map(|(key, g)| GoalLine {
                    id: key.clone(),
                    title: g.title.as_str().to_owned(),
                    milestones: g
                        .milestones
                        .iter()
                        .map(|m| MilestoneLine { id: m.id.clone(), title: m.title.as_str().to_owned(), due: m.due, status: m.status, done_on: m.done_on })
                        .collect(),
                })
                .collect(),
        }
    }

    fn from_line(line: GoalPlanLine) -> GoalPlan {
        let goals = line
            .goals
            .into_iter()
            .map(|g| {
                let milestones = g
                    .milestones
                    .into_iter()
                    .map(|m| Milestone { id: m.id, title: Text::with_value(m.title), due: m.due, status: m.status, from_action_item: None, done_on: m.done_on })
                    .collect();
                (g.id.clone(), Goal { id: g.id, title: Text::with_value(g.title), why: Text::with_value(""), milestones, removed_on: None, removed_by: None })
            })
            .collect::<BTreeMap<_, _>>();
        GoalPlan {
            kind: Self::KIND.as_str().to_owned(),
            schema: Self::SCHEMA,
            title: Text::with_value(line.title),
            owner: line.owner,
            horizon_months: line.horizon_months,
            goals,
            order: line.order,
            open_questions: Vec::new(),
            comments: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attention::for_goal_plan;
    use crate::calendar_day::parse_day;
    use crate::document::DocumentId;

    #[test]
    fn home_says_the_same_from_the_line_as_from_the_whole_plan() {
        let mut plan = GoalPlan::new("Year two", "sam");
        plan.add_goal("a", "Publish", "Because it matters to me a great deal");
        plan.add_goal("b", "Teach", "");
        plan.goal_mut("a").unwrap().add_milestone("m1", "Draft", crate::calendar_day::parse_day("2026-03-01"));
        plan.goal_mut("b").unwrap().add_milestone("m2", "Syllabus", crate::calendar_day::parse_day("2026-03-05"));
        plan.goal_mut("b").unwrap().add_milestone("m3", "No date", None);
        let line = serde_json::to_value(plan.line()).unwrap();
        assert!(!line.to_string().contains("a great deal"), "why-texts stay out");
        let from_line = GoalPlan::from_index(&line).unwrap();
        let id = DocumentId::from_random([4; 16]);
        let today = parse_day("2026-02-20").unwrap();
        let whose = crate::attention::Whose::Mine;
        assert_eq!(for_goal_plan(id, &from_line, &whose, today), for_goal_plan(id, &plan, &whose, today));
        assert_eq!(from_line.progress(), plan.progress());
        assert_eq!(from_line.priority_ids(), plan.priority_ids());
    }
}
