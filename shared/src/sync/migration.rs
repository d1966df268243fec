//! Moving shares made by protocol 1 to protocol 2, losing nothing.
//!
//! A protocol 1 invite held one symmetric key and one signing key, and every
//! member held both. Each device turns them into protocol 2 keys the same
//! way (the root secret is derived from the old keys), so partners who both
//! update land on the same new document and go on syncing; everything they
//! had is pushed again under the new keys. The device that shared the
//! document becomes its owner; the others writers.

use base64::Engine;

use super::invite::Invite;
use super::keys::DocumentKeys;
use super::member::MemberKeys;
use super::role::Role;
use crate::document::DocumentKind;

const MIGRATED_ROOT: &str = "confidant/1 to 2 migrated document root";

/// Whether `text` looks like protocol 1 keys (86 base64 characters, 64 bytes).
pub(crate) fn is_v1_keys(text: &str) -> bool {
    v1_key_bytes(text).is_some()
}

fn v1_key_bytes(text: &str) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).ok()?;
    (bytes.len() == 64).then(|| zeroize::Zeroizing::new(bytes))
}

/// A protocol 1 invite fragment (`<kind>.<keys>`), as share records and
/// keyrings kept it, turned into a protocol 2 invite. `member_seed` is fresh
/// random bytes for this device's member key. `None` if `text` is not one.
pub fn migrate_v1_invite(text: &str, owner: bool, member_seed: [u8; 32]) -> Option<Invite> {
    let (kind, keys) = text.trim().trim_start_matches('#').split_once('.')?;
    let kind = DocumentKind::parse(kind)?;
    let bytes = v1_key_bytes(keys)?;
    let root = blake3::derive_key(MIGRATED_ROOT, &bytes);
    let owner_keys = DocumentKeys::create(root);
    let role = if owner { Role::Owner } else { Role::Writer };
    let member = MemberKeys::issue(&owner_keys, role, member_seed).ok()?;
    Some(Invite { kind, keys: owner_keys.for_role(role)?, member })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v1_fragment(kind: &str, byte: u8) -> String {
        format!("{kind}.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([byte; 64]))
    }

    #[test]
    fn both_partners_land_on_the_same_document_with_their_roles() {
        let fragment = v1_fragment("goal_plan", 7);
        let owner = migrate_v1_invite(&fragment, true, [1; 32]).unwrap();
        let partner = migrate_v1_invite(&fragment, false, [2; 32]).unwrap();
        assert_eq!(owner.keys.id(), partner.keys.id());
        assert_eq!((owner.keys.role(), partner.keys.role()), (Role::Owner, Role::Writer));
        assert_eq!(partner.kind, DocumentKind::GoalPlan);
        assert!(partner.member.cert().is_valid_for(owner.keys.public()));
        let other = migrate_v1_invite(&v1_fragment("goal_plan", 8), true, [1; 32]).unwrap();
        assert_ne!(other.keys.id(), owner.keys.id());
        assert!(migrate_v1_invite(&owner.fragment(), true, [1; 32]).is_none(), "a protocol 2 invite is not migrated");
        assert!(migrate_v1_invite("goal_plan.short", true, [1; 32]).is_none());
    }
}
