//! Keeping a device in line with its person's keyring, as pure rules the
//! sync engine carries out (it does the IO between the two halves):
//!
//! 1. [`catch_up`]: what to do so this device follows what the keyring says:
//!    copies whose keys moved follow them, documents left elsewhere are left
//!    here too, documents listed by other devices are followed, and personal
//!    documents nobody shares yet are shared.
//! 2. [`listing`]: the keyring after that, listing everything this device
//!    follows and the device itself.

use std::collections::BTreeSet;

use super::{is_personal, Keyring};
use crate::document::DocumentKind;
use crate::sync::inbox::InboxAddress;
use crate::sync::{Invite, SyncId};

/// What this device must do to follow its keyring. `L` is the adapter's
/// local document id.
#[derive(Debug, Clone)]
pub struct CatchUp<L> {
    /// Follow the document's new keys instead of the old ones.
    pub follow_moved: Vec<(SyncId, Invite)>,
    /// Stop following: the person left it on another device.
    pub leave: Vec<SyncId>,
    /// Start following: another device listed it.
    pub follow: Vec<Invite>,
    /// Start sharing: a personal document on this device nobody shares yet.
    pub share: Vec<(L, DocumentKind)>,
}

/// Step 1. `followed` is what this device follows now; `on_device` every
/// document stored here with its kind; `shared_locals` those of them that
/// are shared already.
pub fn catch_up<L: Ord + Clone>(keyring: &Keyring, followed: &[SyncId], on_device: &[(L, DocumentKind)], shared_locals: &BTreeSet<L>) -> CatchUp<L> {
    let mut following: BTreeSet<SyncId> = followed.iter().copied().collect();
    let mut follow_moved = Vec::new();
    for doc in followed {
        if let Some(to) = keyring.moved_to(doc) {
            // Moved to keys the person has since left: nothing to follow.
            if keyring.has_left(&to.keys.id()) {
                continue;
            }
            if following.insert(to.keys.id()) {
                follow_moved.push((*doc, to));
            }
        }
    }
    let leave: Vec<SyncId> = followed.iter().copied().filter(|doc| keyring.has_left(doc)).collect();
    let follow = keyring
        .invites()
        .into_iter()
        .filter(|invite| {
            let doc = invite.keys.id();
            !following.contains(&doc) && !keyring.moved.contains_key(&doc.to_string()) && !keyring.has_left(&doc)
        })
        .collect();
    let share = on_device
        .iter()
        .filter(|(local, kind)| is_personal(*kind) && !shared_locals.contains(local))
        .cloned()
        .collect();
    CatchUp { follow_moved, leave, follow, share }
}

/// One document this device follows, for [`listing`].
#[derive(Debug, Clone)]
pub struct Following {
    pub invite: Option<Invite>,
    pub retired: bool,
}

/// Step 2: the keyring listing every document this device follows (not the
/// keyring itself, not retired ones) and this device, linked on `today`.
pub fn listing(keyring: &Keyring, following: &[Following], device: &InboxAddress, device_name: &str, today: chrono::NaiveDate) -> Keyring {
    let mut edited = keyring.clone();
    for share in following.iter().filter(|s| !s.retired) {
        if let Some(invite) = &share.invite {
            edited.add(invite);
        }
    }
    edited.add_device(device, device_name, today);
    edited
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::keys::DocumentKeys;
    use crate::sync::member::MemberKeys;
    use crate::sync::Role;

    fn invite(kind: DocumentKind, n: u8) -> Invite {
        let keys = DocumentKeys::create([n; 32]);
        let member = MemberKeys::issue(&keys, Role::Owner, [n.wrapping_add(100); 32]).unwrap();
        Invite { kind, keys: keys.for_role(Role::Owner).unwrap(), member }
    }

    #[test]
    fn a_device_follows_what_others_listed_and_not_what_it_follows_already() {
        let (mine, theirs) = (invite(DocumentKind::Journal, 1), invite(DocumentKind::GoalPlan, 2));
        let mut keyring = Keyring::default();
        keyring.add(&mine);
        keyring.add(&theirs);
        let plan = catch_up::<u8>(&keyring, &[mine.keys.id()], &[], &BTreeSet::new());
        assert_eq!(plan.follow.iter().map(|i| i.keys.id()).collect::<Vec<_>>(), [theirs.keys.id()]);
        assert!(plan.follow_moved.is_empty() && plan.leave.is_empty() && plan.share.is_empty());
    }

    #[test]
    fn a_moved_document_is_followed_at_its_new_keys_once_and_never_as_a_new_one() {
        let (old, new) = (invite(DocumentKind::GoalPlan, 1), invite(DocumentKind::GoalPlan, 2));
        let mut keyring = Keyring::default();
        keyring.add(&old);
        keyring.record_move(&old.keys.id(), &new);
        let plan = catch_up::<u8>(&keyring, &[old.keys.id()], &[], &BTreeSet::new());
        assert_eq!(plan.follow_moved.len(), 1);
        assert_eq!(plan.follow_moved[0].1.keys.id(), new.keys.id());
        assert!(plan.follow.is_empty(), "the new keys are the moved copy, not a second document");

        // A device that never followed the old keys follows the new ones as listed.
        let fresh = catch_up::<u8>(&keyring, &[], &[], &BTreeSet::new());
        assert_eq!(fresh.follow.iter().map(|i| i.keys.id()).collect::<Vec<_>>(), [new.keys.id()]);
    }

    #[test]
    fn a_document_left_elsewhere_is_left_here_and_never_listed_again() {
        let doc = invite(DocumentKind::Partnership, 3);
        let mut keyring = Keyring::default();
        keyring.add(&doc);
        keyring.remove(&doc.keys.id());
        keyring.record_leave(&doc.keys.id(), "2026-11-30");
        let plan = catch_up::<u8>(&keyring, &[doc.keys.id()], &[], &BTreeSet::new());
        assert_eq!(plan.leave, [doc.keys.id()]);
        let listed = listing(&keyring, &[Following { invite: Some(doc.clone()), retired: false }], &crate::sync::inbox::InboxKeys::from_seed([9; 32]).address(), "Laptop", chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert!(listed.invites().is_empty(), "a device still following it does not list it again");
    }

    #[test]
    fn personal_documents_nobody_shares_are_shared_and_partners_documents_are_not() {
        let on_device = [(1u8, DocumentKind::Journal), (2, DocumentKind::Partnership), (3, DocumentKind::GoalPlan), (4, DocumentKind::Profile)];
        let shared: BTreeSet<u8> = [3].into();
        let plan = catch_up(&Keyring::default(), &[], &on_device, &shared);
        assert_eq!(plan.share, [(1, DocumentKind::Journal), (4, DocumentKind::Profile)]);
    }

    #[test]
    fn the_listing_names_every_followed_document_but_retired_ones_and_this_device() {
        let (kept, retired) = (invite(DocumentKind::Journal, 1), invite(DocumentKind::Journal, 2));
        let device = crate::sync::inbox::InboxKeys::from_seed([9; 32]).address();
        let listed = listing(
            &Keyring::default(),
            &[Following { invite: Some(kept.clone()), retired: false }, Following { invite: Some(retired), retired: true }, Following { invite: None, retired: false }],
            &device,
            "Laptop",
            chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        );
        assert_eq!(listed.invites().iter().map(|i| i.keys.id()).collect::<Vec<_>>(), [kept.keys.id()]);
        assert_eq!(listed.linked_devices().len(), 1);
    }
}
