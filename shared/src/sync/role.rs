//! Roles in a shared document: what a member may do.

use serde::{Deserialize, Serialize};

/// A member's role. Ordered: an owner can do all a writer can, a writer all
/// a reader can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Subscribes and decrypts; the relay refuses its changes. Workshop
    /// participants follow the facilitator's control document this way.
    Reader,
    /// Reads and writes the content.
    Writer,
    /// Writes, and alone invites members, replaces the keys and retires
    /// the document.
    Owner,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Writer => "writer",
            Role::Owner => "owner",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [Role::Reader, Role::Writer, Role::Owner].into_iter().find(|r| r.as_str() == text)
    }

    pub(crate) const fn tag(self) -> u8 {
        match self {
            Role::Reader => 1,
            Role::Writer => 2,
            Role::Owner => 3,
        }
    }

    /// What the user reads: "can edit", "can read".
    pub const fn describe(self) -> &'static str {
        match self {
            Role::Reader => "can read",
            Role::Writer => "can edit",
            Role::Owner => "owns it",
        }
    }
}
