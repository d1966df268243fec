//! What a sealed chunk is for. The purpose is signed by the role key and
//! bound into the encryption, so the relay can refuse a chunk sent the wrong
//! way (a presence signal pushed to be stored, a change sent as a signal)
//! and a member's app opens a chunk only as what it was sealed for.

use serde::{Deserialize, Serialize};

use super::role::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Purpose {
    /// Automerge changes: stored. Signed with the writer key.
    Change,
    /// A member introduces themselves (name, inboxes): stored. Any member.
    Member,
    /// The owner closes the document (its keys were replaced, or a device
    /// was unlinked): stored, and the relay refuses every later write.
    Retire,
    /// A momentary signal (presence, document heads): forwarded, never
    /// stored. Any member.
    Signal,
}

impl Purpose {
    pub(crate) const fn tag(self) -> u8 {
        match self {
            Purpose::Change => 1,
            Purpose::Member => 2,
            Purpose::Retire => 3,
            Purpose::Signal => 4,
        }
    }

    /// The role whose key signs chunks of this purpose (the relay checks it).
    pub const fn signer(self) -> Role {
        match self {
            Purpose::Change => Role::Writer,
            Purpose::Member | Purpose::Signal => Role::Reader,
            Purpose::Retire => Role::Owner,
        }
    }

    /// The least role an author's certificate needs (members' apps check it).
    pub const fn author_role(self) -> Role {
        self.signer()
    }

    /// Whether the relay stores it (a push) or only forwards it (ephemeral).
    pub const fn is_stored(self) -> bool {
        !matches!(self, Purpose::Signal)
    }
}
