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
    /// The day it was removed, and by whom. A removed goal stays in the plan,
    /// with every change anyone makes to it (a partner editing offline
    /// included), under "Recently removed" until restored or purged.
    #[autosurgeon(missing = "Default::default")]
    pub removed_on: Option<String>,
    #[autosurgeon(missing = "Default::default")]
    pub removed_by: Option<String>,
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
    /// ISO 8601 day it was marked done, for the progress chart. Older
    /// milestones have none (read as empty).
    #[autosurgeon(missing = "Default::default")]
    pub done_on: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub enum MilestoneStatus {
    Planned,
    InProgress,
    Done,
    Dropped,
}

impl Milestone {
    /// Mark done on `today` (an ISO day), or open again.
    pub fn set_done(&mut self, done: bool, today: &str) {
        if done {
            self.status = MilestoneStatus::Done;
            self.done_on = Some(today.to_owned());
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

    pub fn add_milestone(&mut self, id: &str, title: &str, due: Option<&str>) {
        self.milestones.push(Milestone {
            id: id.to_owned(),
            title: Text::with_value(title),
            due: due.map(str::to_owned),
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
    pub fn done_on(&self) -> Option<&str> {
        if !self.is_done() {
            return None;
        }
        self.milestones.iter().filter(|m| m.status == MilestoneStatus::Done).filter_map(|m| m.done_on.as_deref()).max()
    }

    pub fn is_removed(&self) -> bool {
        self.removed_on.is_some()
    }

    pub fn milestone_mut(&mut self, id: &str) -> Option<&mut Milestone> {
        self.milestones.iter_mut().find(|m| m.id == id)
    }
}
