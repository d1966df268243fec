//! The keyring: how one person's devices find each other's documents.
//!
//! Linking a second device shares one document, the keyring, through an
//! invite link (QR code). The keyring lists the invite of every document the
//! person keeps in sync: private ones (profile, journal entries, goal plans)
//! and the ones shared with partners. Each device adds the documents it
//! creates; each device follows every document listed. It travels through the
//! relay encrypted like any document: the relay sees neither the list nor
//! the keys in it.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use crate::document::{root_field, DocumentKind, Schema};
use crate::sync::Invite;

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Keyring {
    pub kind: String,
    pub schema: u64,
    /// Invite fragments by the document's sync id (hex). A map, so that two
    /// devices adding documents at the same time both keep theirs.
    pub documents: BTreeMap<String, String>,
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
        Keyring { kind: DocumentKind::Keyring.as_str().to_owned(), schema: Self::SCHEMA, documents: BTreeMap::new() }
    }
}

/// Whether documents of this kind belong to one person (and so go to
/// their linked devices even when nobody else shares them).
pub fn is_personal(kind: DocumentKind) -> bool {
    matches!(kind, DocumentKind::Profile | DocumentKind::Journal | DocumentKind::GoalPlan)
}

impl Keyring {
    /// Add a document's invite; returns whether it was new.
    pub fn add(&mut self, invite: &Invite) -> bool {
        let id = invite.keys.id().to_string();
        if self.documents.contains_key(&id) {
            return false;
        }
        self.documents.insert(id, invite.fragment());
        true
    }

    /// Forget a document (left, or its keys replaced); returns whether it was listed.
    pub fn remove(&mut self, id: &crate::document::DocumentId) -> bool {
        self.documents.remove(&id.to_string()).is_some()
    }

    /// Every readable invite (a damaged entry is skipped, not fatal).
    pub fn invites(&self) -> Vec<Invite> {
        self.documents.values().filter_map(|fragment| Invite::parse(fragment).ok()).collect()
    }
}

#[cfg(test)]
mod tests {
    use automerge::AutoCommit;

    use super::*;
    use crate::sync::DocumentKeys;

    fn invite(seed: u8, kind: DocumentKind) -> Invite {
        Invite { kind, keys: DocumentKeys::from_random([seed; 32], [seed.wrapping_add(1); 32]) }
    }

    #[test]
    fn two_devices_adding_documents_at_once_both_keep_theirs() {
        let mut laptop = AutoCommit::new();
        autosurgeon::reconcile(&mut laptop, &Keyring::default()).unwrap();
        let mut phone = laptop.fork();
        let entry = invite(1, DocumentKind::Journal);
        let plan = invite(3, DocumentKind::GoalPlan);
        for (doc, invite) in [(&mut laptop, &entry), (&mut phone, &plan)] {
            let mut keyring: Keyring = autosurgeon::hydrate(&*doc).unwrap();
            assert!(keyring.add(invite));
            assert!(!keyring.add(invite), "adding twice changes nothing");
            autosurgeon::reconcile(doc, &keyring).unwrap();
        }
        laptop.merge(&mut phone).unwrap();
        let merged: Keyring = autosurgeon::hydrate(&laptop).unwrap();
        let ids: Vec<_> = merged.invites().iter().map(|i| i.keys.id()).collect();
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(&entry.keys.id()) && ids.contains(&plan.keys.id()));
        assert_eq!(Keyring::list_title(&laptop), "Your linked devices (2 documents in sync)");
    }

    #[test]
    fn damaged_entries_are_skipped_and_only_personal_kinds_follow_the_person() {
        let mut keyring = Keyring::default();
        keyring.add(&invite(5, DocumentKind::Profile));
        keyring.documents.insert("bogus".into(), "journal.not-a-key".into());
        assert_eq!(keyring.invites().len(), 1);
        let profile = invite(5, DocumentKind::Profile);
        assert!(keyring.remove(&profile.keys.id()));
        assert!(keyring.invites().is_empty() && !keyring.remove(&profile.keys.id()));
        assert!(is_personal(DocumentKind::Journal) && is_personal(DocumentKind::Profile));
        assert!(!is_personal(DocumentKind::Workshop) && !is_personal(DocumentKind::Keyring));
    }
}
