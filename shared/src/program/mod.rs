//! Program: what coordinators run: a template (one per seed program), the
//! roster, intake, matches, check-ins, budget and the referral resources.
//! Participants' intake and survey answers arrive sealed to the coordinator;
//! the program holds only what coordinators may see (never a pair's notes).

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};

use crate::document::{DocumentKind, Schema};

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Program {
    pub kind: String,
    pub schema: u64,
    pub name: String,
    pub template: ProgramTemplate,
    pub coordinators: Vec<String>,
    /// Members by id.
    pub roster: BTreeMap<String, Member>,
    /// Matches by id.
    pub matches: BTreeMap<String, Match>,
    /// Budget in cents (e.g. the lunch fund), and what was spent.
    pub budget_cents: i64,
    pub expenses: Vec<Expense>,
    pub resources: Vec<Resource>,
}

/// The four programs Confidant is built to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum ProgramTemplate {
    /// Advisor/advisee across departments, semesters with renewal, lunch fund.
    PeerConnections,
    /// Request or volunteer, six topics, 6–12 months, pre- and post-survey.
    LibrariesMentoring,
    /// Speed peer-mentoring workshop.
    CareerSuccessWorkshop,
    /// Departmental peer mentors and coordinators, reading groups.
    GraduateHandbook,
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Member {
    #[key]
    pub id: String,
    pub name: String,
    pub department: String,
    pub wants_mentor: bool,
    pub volunteers_to_mentor: bool,
    /// ISO 8601 date the person started (mentor eligibility after a year).
    pub started_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Match {
    #[key]
    pub id: String,
    pub mentor: String,
    pub mentee: String,
    pub matched_on: String,
    pub dissolved_on: Option<String>,
    /// Meetings the pair chose to report; never their content.
    pub reported_meetings: u32,
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Expense {
    #[key]
    pub id: String,
    pub date: String,
    pub amount_cents: i64,
    pub description: String,
    pub reimbursed: bool,
}

/// Where to refer someone: counselling, ombuds, HR, international office,
/// harassment and sexual-violence services.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Resource {
    #[key]
    pub id: String,
    pub name: String,
    pub category: String,
    pub contact: String,
    pub notes: Text,
}

impl Schema for Program {
    const KIND: DocumentKind = DocumentKind::Program;
    const SCHEMA: u64 = 1;

    fn list_title(doc: &automerge::AutoCommit) -> String {
        crate::document::root_field(doc, "name")
    }
}

impl Program {
    pub fn new(name: &str, template: ProgramTemplate) -> Self {
        Program {
            kind: DocumentKind::Program.as_str().to_owned(),
            schema: Self::SCHEMA,
            name: name.to_owned(),
            template,
            coordinators: Vec::new(),
            roster: BTreeMap::new(),
            matches: BTreeMap::new(),
            budget_cents: 0,
            expenses: Vec::new(),
            resources: Vec::new(),
        }
    }

    /// Budget left after every expense.
    pub fn budget_left_cents(&self) -> i64 {
        self.budget_cents - self.expenses.iter().map(|e| e.amount_cents).sum::<i64>()
    }
}
