//! A goal and its milestones.

use autosurgeon::{Hydrate, Reconcile, Text};

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Goal {
    #[key]
    pub id: String,
    pub title: Text,
    /// Why this goal matters to the mentee.
    pub why: Text,
    pub milestones: Vec<Milestone>,
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Milestone {
    #[key]
    pub id: String,
    pub title: Text,
    /// ISO 8601 date, e.g. "2027-03-31".
    pub due: Option<String>,
    pub status: MilestoneStatus,
    /// The meeting action item this milestone came from, if any.
    pub from_action_item: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum MilestoneStatus {
    Planned,
    InProgress,
    Done,
    Dropped,
}

impl Goal {
    pub fn new(id: &str, title: &str, why: &str) -> Self {
        Goal {
            id: id.to_owned(),
            title: Text::with_value(title),
            why: Text::with_value(why),
            milestones: Vec::new(),
        }
    }

    pub fn add_milestone(&mut self, id: &str, title: &str, due: Option<&str>) {
        self.milestones.push(Milestone {
            id: id.to_owned(),
            title: Text::with_value(title),
            due: due.map(str::to_owned),
            status: MilestoneStatus::Planned,
            from_action_item: None,
        });
    }

    pub fn milestone_mut(&mut self, id: &str) -> Option<&mut Milestone> {
        self.milestones.iter_mut().find(|m| m.id == id)
    }
}
