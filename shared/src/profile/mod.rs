//! Profile: who the user is in mentoring. Kept on the user's own devices;
//! shared only in the parts a partner or coordinator needs (later issues).

use autosurgeon::{Hydrate, Reconcile, Text};

use crate::document::{DocumentKind, Schema};

mod line;
pub use line::ProfileLine;

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
    /// A random id naming this person in partnerships; the same on every
    /// linked device, because the profile itself syncs to them.
    #[autosurgeon(missing = "Default::default")]
    pub member_id: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// Department, lab or unit.
    pub department: String,
    pub career_stage: Option<CareerStage>,
    pub topics: Vec<String>,
    pub contact_channels: Vec<ContactChannel>,
    /// In the person's words: "no calls after 21:00, emergencies only at night".
    pub boundaries: Text,
    /// A mentor's private "needs attention" marks on the people they look
    /// after (seed 003: students at risk), by the program match's id. The
    /// profile syncs only to the person's own devices: nobody else, no
    /// coordinator, ever reads it.
    #[autosurgeon(missing = "Default::default")]
    pub needs_attention: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
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

    fn list_line(doc: &automerge::AutoCommit) -> Option<serde_json::Value> {
        <Self as crate::document::Listed>::line_of(doc)
    }
}

impl Profile {
    pub fn new(display_name: &str) -> Self {
        Self::with_member_id(display_name, "")
    }

    pub fn with_member_id(display_name: &str, member_id: &str) -> Self {
        Profile {
            kind: DocumentKind::Profile.as_str().to_owned(),
            schema: Self::SCHEMA,
            member_id: member_id.to_owned(),
            display_name: display_name.to_owned(),
            roles: Vec::new(),
            department: String::new(),
            career_stage: None,
            topics: Vec::new(),
            contact_channels: Vec::new(),
            boundaries: Text::with_value(""),
            needs_attention: Vec::new(),
        }
    }

    /// Mark (or unmark) the person of `match_id` as needing attention.
    pub fn mark_needs_attention(&mut self, match_id: &str, needs: bool) {
        self.needs_attention.retain(|m| m != match_id);
        if needs {
            self.needs_attention.push(match_id.to_owned());
        }
    }
}

impl Role {
    pub const ALL: [(Role, &'static str); 4] = [
        (Role::Mentee, "Mentee"),
        (Role::Mentor, "Mentor or advisor"),
        (Role::Coordinator, "Program coordinator"),
        (Role::Facilitator, "Workshop facilitator"),
    ];
}

impl CareerStage {
    pub const ALL: [(CareerStage, &'static str); 3] =
        [(CareerStage::Early, "Early career"), (CareerStage::Mid, "Mid career"), (CareerStage::Late, "Late career")];
}

impl ChannelKind {
    pub const ALL: [(ChannelKind, &'static str); 4] =
        [(ChannelKind::Email, "Email"), (ChannelKind::Phone, "Phone"), (ChannelKind::Chat, "Chat"), (ChannelKind::InPerson, "In person")];
}
