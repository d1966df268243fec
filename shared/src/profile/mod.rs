//! Profile: who the user is in mentoring. Kept on the user's own devices;
//! shared only in the parts a partner or coordinator needs (later issues).

use autosurgeon::{Hydrate, Reconcile, Text};

use crate::document::{DocumentKind, Schema};

/// The Libraries program's six topics; people add their own beside them.
pub const STANDARD_TOPICS: [&str; 6] = [
    "Career planning",
    "Advanced degree or professional certification",
    "New to the institution or academia",
    "Organizational culture",
    "Job search",
    "Work/life issues",
];

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Profile {
    pub kind: String,
    pub schema: u64,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// Department, lab or unit.
    pub department: String,
    pub career_stage: Option<CareerStage>,
    pub topics: Vec<String>,
    pub contact_channels: Vec<ContactChannel>,
    /// In the person's words: "no calls after 21:00, emergencies only at night".
    pub boundaries: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum Role {
    Mentee,
    Mentor,
    Coordinator,
    Facilitator,
}

/// The workshop's career continuum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum CareerStage {
    Early,
    Mid,
    Late,
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct ContactChannel {
    #[key]
    pub id: String,
    pub channel: ChannelKind,
    pub value: String,
    /// When and how to use it, e.g. "weekdays 9–17".
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum ChannelKind {
    Email,
    Phone,
    Chat,
    InPerson,
}

impl Schema for Profile {
    const KIND: DocumentKind = DocumentKind::Profile;
    const SCHEMA: u64 = 1;

    fn list_title(doc: &automerge::AutoCommit) -> String {
        crate::document::root_field(doc, "display_name")
    }
}

impl Profile {
    pub fn new(display_name: &str) -> Self {
        Profile {
            kind: DocumentKind::Profile.as_str().to_owned(),
            schema: Self::SCHEMA,
            display_name: display_name.to_owned(),
            roles: Vec::new(),
            department: String::new(),
            career_stage: None,
            topics: Vec::new(),
            contact_channels: Vec::new(),
            boundaries: Text::with_value(""),
        }
    }
}
