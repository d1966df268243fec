//! The keyring: how one person's devices find each other's documents.
//!
//! Linking a second device (a pairing both screens confirm, see
//! `sync::device_link`) seals one document's keys to it: the keyring. The
//! keyring lists the invite of every document the person keeps in sync:
//! private ones (profile, journal entries, goal plans) and the ones shared
//! with partners; and the person's linked devices, so Settings can list them
//! and remove one. Each device adds the documents it creates and itself;
//! each device follows every document listed. It travels through the relay
//! encrypted like any document: the relay sees neither the list nor the keys
//! in it.
//!
//! Removing a device starts a fresh keyring with no history (the old one is
//! retired), and moves every document the person owns to new keys, so it gets nothing new.

use std::collections::BTreeMap;

pub mod reconcile;

use autosurgeon::{Hydrate, Reconcile};

use chrono::NaiveDate;

use crate::document::{root_field, DocumentKind, Schema};
use crate::sync::inbox::InboxAddress;
use crate::sync::{Invite, InvitePlace};

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Keyring {
    pub kind: String,
    pub schema: u64,
    /// Invites by the document's sync id (hex). A map, so that two devices
    /// adding documents at the same time both keep theirs.
    pub documents: BTreeMap<String, String>,
    /// The person's linked devices, by their address (text).
    #[autosurgeon(missing = "Default::default")]
    pub devices: BTreeMap<String, LinkedDevice>,
    /// Documents moved to new keys: old sync id to new, so every device
    /// moves its copy instead of following the new keys as a new document.
    #[autosurgeon(missing = "Default::default")]
    pub moved: BTreeMap<String, String>,
    /// Documents the person stopped sharing (sync id to the day): every
    /// device stops following them, and none lists them again.
    #[autosurgeon(missing = "Default::default")]
    pub left: BTreeMap<String, String>,
}

/// One of the person's devices, as Settings lists it.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct LinkedDevice {
    pub name: String,
    /// The day it was linked.
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub linked_on: Option<NaiveDate>,
}

impl Schema for Keyring {
    const KIND: DocumentKind = DocumentKind::Keyring;
    const SCHEMA: u64 = 1;

    fn list_title(doc: &automerge::AutoCommit) -> String {
        let documents = root_field::<BTreeMap<String, String>>(doc, "documents");
        format!("Your linked devices ({} documents in sync)", documents.len())
    }
}

impl Default for Keyring {
    fn default() -> Self {
        Keyring {
            kind: DocumentKind::Keyring.as_str().to_owned(),
            schema: Self::SCHEMA,
            documents: BTreeMap::new(),
            devices: BTreeMap::new(),
            moved: BTreeMap::new(),
            left: BTreeMap::new(),
        }
    }
}

/// Whether documents of this kind belong to one person (and so go to
/// their linked devices even when nobody else shares them).
pub fn is_personal(kind: DocumentKind) -> bool {
    matches!(kind, DocumentKind::Profile | DocumentKind::Journal | DocumentKind::GoalPlan)
}

impl Keyring {
    /// Add a document's invite unless it is listed already (each device
    /// may hold its own invite text for one document: the first listed
    /// stays, so devices do not overwrite each other for ever); returns
    /// whether it was new.
    pub fn add(&mut self, invite: &Invite) -> bool {
        if invite.kind == DocumentKind::Keyring {
            return false; // the keyring never lists itself (or another keyring)
        }
        let id = invite.keys.id().to_string();
        if self.documents.contains_key(&id) || self.left.contains_key(&id) {
            return false;
        }
        self.documents.insert(id, invite.fragment());
        true
    }

    /// Forget a document (left, or its keys replaced); returns whether it was listed.
    pub fn remove(&mut self, id: &crate::sync::SyncId) -> bool {
        self.documents.remove(&id.to_string()).is_some()
    }

    /// Every readable invite. A damaged entry, or one of a kind that never
    /// belongs in a keyring (another keyring), is skipped, not fatal.
    pub fn invites(&self) -> Vec<Invite> {
        self.documents.values().filter_map(|text| Invite::parse_for(text, InvitePlace::KeyringEntry).ok()).collect()
    }

    /// Record that a document moved to new keys: the old entry goes, the
    /// new one is listed, and devices that follow the old one move it.
    pub fn record_move(&mut self, from: &crate::sync::SyncId, to: &Invite) {
        self.remove(from);
        self.add(to);
        self.moved.insert(from.to_string(), to.keys.id().to_string());
    }

    /// Where a document this device follows as `from` went, if it moved.
    pub fn moved_to(&self, from: &crate::sync::SyncId) -> Option<Invite> {
        let mut id = self.moved.get(&from.to_string())?;
        // Moved more than once: follow the chain (bounded, in case of a loop).
        for _ in 0..16 {
            match self.moved.get(id) {
                Some(next) => id = next,
                None => break,
            }
        }
        Invite::parse_for(self.documents.get(id)?, InvitePlace::KeyringEntry).ok()
    }

    /// The person stopped sharing a document: no device follows it any more.
    pub fn record_leave(&mut self, id: &crate::sync::SyncId, on: &str) {
        self.remove(id);
        self.left.insert(id.to_string(), on.to_owned());
    }

    /// Whether the person stopped sharing this document.
    pub fn has_left(&self, id: &crate::sync::SyncId) -> bool {
        self.left.contains_key(&id.to_string())
    }

    /// Forget a device (it was unlinked).
    pub fn remove_device(&mut self, address: &InboxAddress) -> bool {
        self.devices.remove(&address.to_text()).is_some()
    }

    /// Entries written by protocol 1 (migrated by each device as it reads them).
    pub fn legacy_entries(&self) -> Vec<(String, String)> {
        self.documents
            .iter()
            .filter(|(_, text)| text.split('.').count() == 2)
            .map(|(id, text)| (id.clone(), text.clone()))
            .collect()
    }

    /// Record this device; returns whether anything changed.
    pub fn add_device(&mut self, address: &InboxAddress, name: &str, linked_on: NaiveDate) -> bool {
        let key = address.to_text();
        if self.devices.contains_key(&key) {
            return false;
        }
        self.devices.insert(key, LinkedDevice { name: name.chars().take(60).collect(), linked_on: Some(linked_on) });
        true
    }

    /// The linked devices with their addresses, oldest link first.
    pub fn linked_devices(&self) -> Vec<(InboxAddress, LinkedDevice)> {
        let mut devices: Vec<(InboxAddress, LinkedDevice)> = self
            .devices
            .iter()
            .filter_map(|(text, device)| Some((InboxAddress::parse(text).ok()?, device.clone())))
            .collect();
        crate::sort::by(&mut devices, |a, b| a.1.linked_on.cmp(&b.1.linked_on).then(a.1.name.cmp(&b.1.name)));
        devices
    }
}

#[cfg(test)]
mod tests {
    use automerge::AutoCommit;

    use super::*;
    use crate::sync::inbox::InboxKeys;
    use crate::sync::{DocumentKeys, MemberKeys, Role};

    fn invite(seed: u8, kind: DocumentKind) -> Invite {
        let keys = DocumentKeys::create([seed; 32]);
        Invite { kind, member: MemberKeys::issue(&keys, Role::Owner, [seed.wrapping_add(1); 32]).unwrap(), keys }
    }

    #[test]
    fn two_devices_adding_documents_at_once_both_keep_theirs() {
        let mut laptop = AutoCommit::new();
        autosurgeon::reconcile(&mut laptop, &Keyring::default()).unwrap();
        let mut phone = laptop.fork();
        let entry = invite(1, DocumentKind::Journal);
        let plan = invite(3, DocumentKind::GoalPlan);
        for (doc, invite, seed) in [(&mut laptop, &entry, 5u8), (&mut phone, &plan, 6)] {
            let mut keyring: Keyring = autosurgeon::hydrate(&*doc).unwrap();
            assert!(keyring.add(invite));
            assert!(!keyring.add(invite), "adding twice changes nothing");
            assert!(keyring.add_device(&InboxKeys::from_seed([seed; 32]).address(), "Laptop", NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()));
            autosurgeon::reconcile(doc, &keyring).unwrap();
        }
        laptop.merge(&mut phone).unwrap();
        let merged: Keyring = autosurgeon::hydrate(&laptop).unwrap();
        let ids: Vec<_> = merged.invites().iter().map(|i| i.keys.id()).collect();
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(&entry.keys.id()) && ids.contains(&plan.keys.id()));
        assert_eq!(merged.linked_devices().len(), 2);
        assert_eq!(Keyring::list_title(&laptop), "Your linked devices (2 documents in sync)");
    }

    #[test]
    fn damaged_entries_and_keyrings_are_skipped_and_only_personal_kinds_follow_the_person() {
        let mut keyring = Keyring::default();
        keyring.add(&invite(5, DocumentKind::Profile));
        keyring.documents.insert("bogus".into(), "journal.not-a-key".into());
        let other_keyring = invite(7, DocumentKind::Keyring);
        assert!(!keyring.add(&other_keyring));
        keyring.documents.insert(other_keyring.keys.id().to_string(), other_keyring.fragment());
        assert_eq!(keyring.invites().len(), 1, "a keyring listed in a keyring is never followed");
        assert_eq!(keyring.legacy_entries().len(), 1);
        let profile = invite(5, DocumentKind::Profile);
        assert!(keyring.remove(&profile.keys.id()));
        assert!(keyring.invites().is_empty() && !keyring.remove(&profile.keys.id()));
        assert!(is_personal(DocumentKind::Journal) && is_personal(DocumentKind::Profile));
        assert!(!is_personal(DocumentKind::Workshop) && !is_personal(DocumentKind::Keyring));
    }

    #[test]
    fn a_document_moved_to_new_keys_is_found_from_its_old_id() {
        let mut keyring = Keyring::default();
        let old = invite(1, DocumentKind::GoalPlan);
        let newer = invite(2, DocumentKind::GoalPlan);
        let newest = invite(3, DocumentKind::GoalPlan);
        keyring.add(&old);
        keyring.record_move(&old.keys.id(), &newer);
        keyring.record_move(&newer.keys.id(), &newest);
        assert_eq!(keyring.moved_to(&old.keys.id()).unwrap().keys.id(), newest.keys.id(), "moved twice");
        assert_eq!(keyring.invites().len(), 1);
        assert!(keyring.moved_to(&newest.keys.id()).is_none());
    }

    #[test]
    fn a_document_left_on_one_device_is_never_listed_again() {
        let mut keyring = Keyring::default();
        let plan = invite(1, DocumentKind::GoalPlan);
        keyring.add(&plan);
        keyring.record_leave(&plan.keys.id(), "2026-11-30");
        assert!(keyring.has_left(&plan.keys.id()));
        assert!(!keyring.add(&plan), "another device does not list it back");
        assert!(keyring.invites().is_empty());
    }

    #[test]
    fn a_keyring_written_before_devices_were_listed_still_opens() {
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &Keyring::default()).unwrap();
        automerge::transaction::Transactable::delete(&mut doc, automerge::ROOT, "devices").unwrap();
        let keyring: Keyring = autosurgeon::hydrate(&doc).unwrap();
        assert!(keyring.devices.is_empty());
    }
}
