//! The kinds of document Confidant keeps.

use serde::{Deserialize, Serialize};

/// A kind of document, stored at the root of each document as `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocumentKind {
    Profile,
    Journal,
    GoalPlan,
    Partnership,
    Workshop,
    /// A reading group or peer mentoring group, shared by its members.
    Group,
    Program,
    /// A program's public page: what members follow read-only.
    ProgramPage,
    /// A receipt a member attached to a reimbursement request: its own
    /// encrypted document, read by the program's coordinators.
    Receipt,
    /// The list of a person's documents that their linked devices follow.
    Keyring,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 10] = [
        DocumentKind::Profile,
        DocumentKind::Journal,
        DocumentKind::GoalPlan,
        DocumentKind::Partnership,
        DocumentKind::Workshop,
        DocumentKind::Group,
        DocumentKind::Program,
        DocumentKind::ProgramPage,
        DocumentKind::Receipt,
        DocumentKind::Keyring,
    ];

    /// The value stored in the document and in the storage index.
    pub const fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Profile => "profile",
            DocumentKind::Journal => "journal",
            DocumentKind::GoalPlan => "goal_plan",
            DocumentKind::Partnership => "partnership",
            DocumentKind::Workshop => "workshop",
            DocumentKind::Group => "group",
            DocumentKind::Program => "program",
            DocumentKind::ProgramPage => "program_page",
            DocumentKind::Receipt => "receipt",
            DocumentKind::Keyring => "keyring",
        }
    }

    /// What a person calls one, in a sentence: "this goal plan".
    pub const fn noun(self) -> &'static str {
        match self {
            DocumentKind::Profile => "profile",
            DocumentKind::Journal => "journal entry",
            DocumentKind::GoalPlan => "goal plan",
            DocumentKind::Partnership => "partnership",
            DocumentKind::Workshop => "workshop",
            DocumentKind::Group => "group",
            DocumentKind::Program => "program",
            DocumentKind::ProgramPage => "program page",
            DocumentKind::Receipt => "receipt",
            DocumentKind::Keyring => "list of your keys",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}
