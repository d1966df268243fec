//! What devices send each other in sealed letters, and what an owner says
//! when retiring a document.

use serde::{Deserialize, Serialize};

use super::domain::Domain;
use super::invite::{Invite, InviteError, InvitePlace};
use super::keys::{DocumentKeys, DocumentPublic};
use super::member::owner_signed;
use super::role::Role;
use super::sync_id::SyncId;

/// The body of a sealed letter between devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    /// The owner moved a document to new keys; these are the recipient's.
    /// `signature` is the old document's owner key over (from, invite).
    Moved { from: SyncId, invite: String, signature: Vec<u8> },
    /// A new device asks to be linked (see `device_link`).
    LinkRequest { device_name: String, proof: [u8; 32] },
    /// The pairing was confirmed: the keyring's invite.
    LinkGranted { keyring: String },
}

/// The most a notice may hold.
pub const MAX_NOTICE_BYTES: usize = 8 * 1024;

impl Notice {
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("notices serialize")
    }

    pub fn decode(bytes: &[u8]) -> Option<Notice> {
        if bytes.len() > MAX_NOTICE_BYTES {
            return None;
        }
        let (notice, rest) = postcard::take_from_bytes(bytes).ok()?;
        rest.is_empty().then_some(notice)
    }

    /// A moved notice for `invite`, signed by the old document's owner.
    pub fn moved(old: &DocumentKeys, invite: &Invite) -> Option<Notice> {
        let from = old.id();
        let invite = invite.fragment();
        let signature = old.sign_as(Role::Owner, &moved_message(&from, &invite))?.to_vec();
        Some(Notice::Moved { from, invite, signature })
    }
}

fn moved_message(from: &SyncId, invite: &str) -> Vec<u8> {
    Domain::Moved.bytes(&[from.as_bytes(), invite.as_bytes()])
}

/// Why a moved notice is not followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MovedError {
    #[error("the notice is for a document this device does not follow")]
    UnknownDocument,
    #[error("the notice was not signed by the document's owner")]
    NotTheOwner,
    #[error("the new keys are for another kind of document")]
    WrongKind,
    #[error(transparent)]
    BadInvite(#[from] InviteError),
}

/// Check a moved notice against the document it claims to move (whose
/// public keys this device holds) and read the new invite.
pub fn follow_moved(old: &DocumentPublic, old_kind: crate::document::DocumentKind, from: &SyncId, invite: &str, signature: &[u8]) -> Result<Invite, MovedError> {
    if old.id() != *from {
        return Err(MovedError::UnknownDocument);
    }
    if !owner_signed(old, &moved_message(from, invite), signature) {
        return Err(MovedError::NotTheOwner);
    }
    let place = if old_kind == crate::document::DocumentKind::Keyring { InvitePlace::DeviceLink } else { InvitePlace::KeyringEntry };
    let invite = Invite::parse_for(invite, place)?;
    if invite.kind != old_kind {
        return Err(MovedError::WrongKind);
    }
    Ok(invite)
}

/// Why the owner retired a document (the body of its `Retire` chunk).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RetireReason {
    /// The owner replaced the keys; members who stay were sent new ones.
    KeysReplaced,
    /// A device was unlinked (the keyring, and the documents it could read).
    DevicesUnlinked { removed: Vec<[u8; 32]> },
}

impl RetireReason {
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("reasons serialize")
    }

    pub fn decode(bytes: &[u8]) -> Option<RetireReason> {
        postcard::from_bytes(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;
    use crate::sync::member::MemberKeys;

    #[test]
    fn only_the_owner_can_move_a_document() {
        let old = DocumentKeys::create([1; 32]);
        let new = DocumentKeys::create([2; 32]);
        let invite = Invite { kind: DocumentKind::GoalPlan, keys: new.for_role(Role::Writer).unwrap(), member: MemberKeys::issue(&new, Role::Writer, [3; 32]).unwrap() };
        let Some(Notice::Moved { from, invite: text, signature }) = Notice::moved(&old, &invite) else { panic!() };
        let back = Notice::decode(&Notice::Moved { from, invite: text.clone(), signature: signature.clone() }.encode()).unwrap();
        assert!(matches!(back, Notice::Moved { .. }));
        let moved = follow_moved(old.public(), DocumentKind::GoalPlan, &from, &text, &signature).unwrap();
        assert_eq!(moved.keys.id(), new.id());
        assert_eq!(follow_moved(old.public(), DocumentKind::Partnership, &from, &text, &signature).unwrap_err(), MovedError::WrongKind);
        // A writer of the old document tries to move everyone to its own copy.
        let writer = old.for_role(Role::Writer).unwrap();
        assert!(Notice::moved(&writer, &invite).is_none());
        let forged = new.sign_as(Role::Owner, &moved_message(&from, &text)).unwrap();
        assert_eq!(follow_moved(old.public(), DocumentKind::GoalPlan, &from, &text, &forged).unwrap_err(), MovedError::NotTheOwner);
        let other = DocumentKeys::create([4; 32]);
        assert_eq!(follow_moved(other.public(), DocumentKind::GoalPlan, &from, &text, &signature).unwrap_err(), MovedError::UnknownDocument);
    }
}
