//! Replacing a document's keys: how an owner removes a member (or a lost
//! device's access) and every remaining member follows by themselves.
//!
//! The owner makes new keys and, for each member who stays, a new member key
//! of the same role, sent as a [`Notice::Moved`] sealed to each of that
//! member's inboxes (their devices move on receipt). The old document is then
//! retired: the relay refuses every later write to it, so a removed member's
//! edits reach nobody. Members who never said where to reach them get their
//! new invite back here, for the owner to pass on by hand.

use super::inbox::InboxAddress;
use super::invite::Invite;
use super::keys::DocumentKeys;
use super::member::{MemberCert, MemberError, MemberInfo, MemberKeys};
use super::notice::{Notice, RetireReason};
use super::role::Role;
use crate::document::DocumentKind;

/// A member as this device knows them: their certificate and what they said
/// about themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownMember {
    pub cert: MemberCert,
    pub info: MemberInfo,
}

/// The outcome of replacing keys: carry it out in this order (share the new
/// document, post the letters, retire the old one).
#[derive(Debug, Clone)]
pub struct Replacement {
    /// The owner's own invite to the new document.
    pub invite: Invite,
    /// Letters to post, sealed to each remaining member's devices.
    pub letters: Vec<(InboxAddress, Notice)>,
    /// New invites for remaining members with no known inbox.
    pub by_hand: Vec<(MemberCert, Invite)>,
    /// What to say when retiring the old document.
    pub retire: RetireReason,
    /// The remaining members under their new certificates, with what they
    /// said of themselves before: the owner can reach them again (another
    /// removal, say) before they introduce themselves anew.
    pub members: Vec<KnownMember>,
}

/// Replace `old`'s keys, keeping `keep` (members of the old document). `root`
/// and each `seed()` must be fresh random bytes. The owner's own linked
/// devices are not in `keep`: they move through the keyring.
pub fn replace_keys(
    old: &DocumentKeys,
    kind: DocumentKind,
    keep: &[KnownMember],
    root: [u8; 32],
    mut seed: impl FnMut() -> [u8; 32],
    retire: RetireReason,
) -> Result<Replacement, MemberError> {
    if old.role() != Role::Owner {
        return Err(MemberError::NotOwner);
    }
    let keys = DocumentKeys::create(root);
    let invite = Invite { kind, keys: keys.clone(), member: MemberKeys::issue(&keys, Role::Owner, seed())? };
    let mut letters = Vec::new();
    let mut by_hand = Vec::new();
    let mut members = Vec::new();
    for member in keep.iter().filter(|m| m.cert.is_valid_for(old.public())) {
        let role = member.cert.role.min(Role::Writer);
        let theirs = Invite { kind, keys: keys.for_role(role).ok_or(MemberError::RoleAboveKeys)?, member: MemberKeys::issue(&keys, role, seed())? };
        members.push(KnownMember { cert: theirs.member.cert().clone(), info: member.info.clone() });
        if member.info.inboxes.is_empty() {
            by_hand.push((member.cert.clone(), theirs));
            continue;
        }
        let notice = Notice::moved(old, &member.cert.member, &theirs).ok_or(MemberError::NotOwner)?;
        letters.extend(member.info.inboxes.iter().map(|inbox| (*inbox, notice.clone())));
    }
    Ok(Replacement { invite, letters, by_hand, retire, members })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::inbox::InboxKeys;
    use crate::sync::notice::{follow_moved, Moving};

    #[test]
    fn members_who_stay_get_new_keys_by_letter_and_the_removed_one_gets_nothing() {
        let old = DocumentKeys::create([1; 32]);
        let stays = KnownMember {
            cert: MemberKeys::issue(&old, Role::Writer, [2; 32]).unwrap().cert().clone(),
            info: MemberInfo { name: Some("Ana".into()), inboxes: vec![InboxKeys::from_seed([3; 32]).address(), InboxKeys::from_seed([4; 32]).address()] },
        };
        let quiet = KnownMember { cert: MemberKeys::issue(&old, Role::Reader, [5; 32]).unwrap().cert().clone(), info: MemberInfo::default() };
        let mut n = 10u8;
        let replacement = replace_keys(&old, DocumentKind::GoalPlan, &[stays.clone(), quiet], [9; 32], || {
            n += 1;
            [n; 32]
        }, RetireReason::KeysReplaced)
        .unwrap();
        assert_ne!(replacement.invite.keys.id(), old.id());
        assert_eq!(replacement.letters.len(), 2, "one letter per device of the member who stays");
        let Notice::Moved { from, member, invite, signature } = &replacement.letters[0].1 else { panic!() };
        let moving = Moving { old: old.public(), kind: DocumentKind::GoalPlan, member: &stays.cert.member };
        let theirs = follow_moved(moving, from, member, invite, signature).unwrap();
        assert_eq!(theirs.keys.id(), replacement.invite.keys.id());
        assert_eq!(theirs.member.cert().role, Role::Writer);
        assert_eq!(replacement.by_hand.len(), 1);
        assert_eq!(replacement.by_hand[0].1.keys.role(), Role::Reader, "roles are kept");
        assert_eq!(replacement.members.len(), 2);
        assert!(replacement.members.iter().all(|m| m.cert.is_valid_for(replacement.invite.keys.public())), "known under the new keys");
        assert_eq!(replacement.members[0].info.name.as_deref(), Some("Ana"));
        // Only the owner replaces keys.
        let writer = old.for_role(Role::Writer).unwrap();
        assert!(replace_keys(&writer, DocumentKind::GoalPlan, &[stays], [9; 32], || [1; 32], RetireReason::KeysReplaced).is_err());
    }
}
