//! What the relay already holds of one shared document, as far as this
//! device knows: the changes it pushed and the changes it received.
//!
//! After each local save the app asks for [`RelayHeads::unsent`] and pushes
//! it; delivered changes are recorded with [`RelayHeads::absorb_delivered`]
//! so they are not pushed back. Kept as change hashes (hex) in IndexedDB, so
//! changes made while the tab was closed before they could be pushed are
//! found and pushed on the next start.

use automerge::{AutoCommit, ChangeHash};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayHeads {
    /// Every change that is an ancestor of (or is) one of these is at the relay.
    hashes: Vec<String>,
}

/// Changes to push, and the heads to record once they are handed to the outbox.
#[derive(Debug, Clone)]
pub struct Unsent {
    pub changes: Vec<u8>,
    pub heads: Vec<ChangeHash>,
}

impl RelayHeads {
    fn parsed(&self, doc: &mut AutoCommit) -> Vec<ChangeHash> {
        // A hash this document does not have (a damaged record was set
        // aside) is dropped: then more is pushed, never less.
        self.hashes
            .iter()
            .filter_map(|h| h.parse().ok())
            .filter(|h| doc.get_change_by_hash(h).is_some())
            .collect()
    }

    fn set(&mut self, heads: &[ChangeHash]) {
        self.hashes = heads.iter().map(|h| h.to_string()).collect();
        self.hashes.sort();
        self.hashes.dedup();
    }

    /// The changes the relay does not have yet, if any.
    pub fn unsent(&self, doc: &mut AutoCommit) -> Option<Unsent> {
        doc.commit();
        let known = self.parsed(doc);
        if doc.get_changes(&known).is_empty() {
            return None;
        }
        Some(Unsent { changes: doc.save_after(&known), heads: doc.get_heads() })
    }

    /// The unsent changes were sealed and handed to the outbox.
    pub fn sent(&mut self, unsent: &Unsent) {
        self.set(&unsent.heads);
    }

    /// Changes arrived from the relay; `heads_before` are the document's heads
    /// before they were applied.
    pub fn absorb_delivered(&mut self, doc: &mut AutoCommit, heads_before: &[ChangeHash]) {
        let mut known = self.parsed(doc);
        known.extend(doc.get_changes(heads_before).iter().map(|c| c.hash()));
        if doc.get_changes(&known).is_empty() {
            // Nothing local is waiting: the relay has everything.
            known = doc.get_heads();
        }
        self.set(&known);
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::ROOT;

    use super::*;

    fn edit(doc: &mut AutoCommit, key: &str, value: &str) {
        doc.put(ROOT, key, value).unwrap();
        doc.commit();
    }

    #[test]
    fn only_what_the_relay_lacks_is_pushed() {
        let mut doc = AutoCommit::new();
        let mut relay = RelayHeads::default();
        edit(&mut doc, "title", "Career plan");
        let first = relay.unsent(&mut doc).expect("a new document is unsent");
        relay.sent(&first);
        assert!(relay.unsent(&mut doc).is_none(), "nothing new, nothing to push");
        edit(&mut doc, "horizon", "6 months");
        let second = relay.unsent(&mut doc).unwrap();
        assert!(second.changes.len() < first.changes.len() + 64);
        let mut other = AutoCommit::load(&first.changes).unwrap();
        other.load_incremental(&second.changes).unwrap();
        assert_eq!(other.get_heads(), doc.get_heads(), "the increments rebuild the document");
    }

    #[test]
    fn delivered_changes_are_not_pushed_back_but_local_ones_still_are() {
        let mut mine = AutoCommit::new();
        edit(&mut mine, "title", "Plan");
        let mut relay = RelayHeads::default();
        let first = relay.unsent(&mut mine).unwrap();
        relay.sent(&first);
        let mut theirs = AutoCommit::load(&first.changes).unwrap();
        let base = theirs.get_heads();
        edit(&mut theirs, "why", "To lead a lab");
        let from_partner = theirs.save_after(&base);

        // Delivered while nothing local waits: nothing to push.
        let mut copy = mine.fork();
        let before = copy.get_heads();
        copy.load_incremental(&from_partner).unwrap();
        let mut copy_relay = relay.clone();
        copy_relay.absorb_delivered(&mut copy, &before);
        assert!(copy_relay.unsent(&mut copy).is_none());

        // Delivered while a local edit waits: only the local edit goes.
        edit(&mut mine, "horizon", "a year");
        let before = mine.get_heads();
        mine.load_incremental(&from_partner).unwrap();
        relay.absorb_delivered(&mut mine, &before);
        let unsent = relay.unsent(&mut mine).expect("the local edit is still unsent");
        let mut check = theirs.fork();
        check.load_incremental(&unsent.changes).unwrap();
        assert_eq!(check.get_heads().len(), mine.get_heads().len());
        assert_eq!(mine.get_changes(&theirs.get_heads()).len(), 1, "one local change outstanding");
    }

    #[test]
    fn survives_a_round_trip_through_storage_and_unknown_hashes() {
        let mut doc = AutoCommit::new();
        edit(&mut doc, "title", "Plan");
        let mut relay = RelayHeads::default();
        relay.sent(&relay.unsent(&mut doc).unwrap());
        let json = serde_json::to_string(&relay).unwrap();
        let back: RelayHeads = serde_json::from_str(&json).unwrap();
        assert!(back.unsent(&mut doc).is_none());
        // A document that lost the recorded change pushes everything it has.
        let mut fresh = AutoCommit::new();
        edit(&mut fresh, "title", "Other");
        assert!(back.unsent(&mut fresh).is_some());
    }
}
