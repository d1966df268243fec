//! What the relay already holds of one shared document, as far as this
//! device knows: the changes it pushed and the changes it received.
//!
//! After each local save the app asks for [`RelayHeads::unsent`] and pushes
//! it; delivered changes are recorded with [`RelayHeads::absorb_delivered`]
//! so they are not pushed back. Kept as change hashes (hex) in IndexedDB, so
//! changes made while the tab was closed before they could be pushed are
//! found and pushed on the next start.

use std::collections::BTreeSet;

use automerge::{AutoCommit, ChangeHash};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayHeads {
    /// Every change that is an ancestor of (or is) one of these is at the relay.
    hashes: Vec<String>,
}

/// What is unsent, as pushes that each fit the relay's limit.
#[derive(Debug, Clone, Default)]
pub struct Pieces {
    pub pieces: Vec<Unsent>,
    /// A single change is bigger than the limit: it and everything after it
    /// stay on this device (nothing is lost; it cannot be shared).
    pub stuck: bool,
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

    /// As [`RelayHeads::unsent`], cut into pushes of at most `max_bytes`
    /// each, in causal order, so a long history (weeks offline, a document
    /// shared after a year of use) still fits the relay's chunk limit. Record
    /// each piece with [`RelayHeads::sent`] once it is handed to the outbox.
    pub fn unsent_in_pieces(&self, doc: &mut AutoCommit, max_bytes: usize) -> Pieces {
        let Some(whole) = self.unsent(doc) else { return Pieces::default() };
        if whole.changes.len() <= max_bytes {
            return Pieces { pieces: vec![whole], stuck: false };
        }
        // Too big in one go: the changes one by one, as many per piece as fit.
        let mut heads: BTreeSet<ChangeHash> = self.parsed(doc).into_iter().collect();
        let mut pieces = Vec::new();
        let mut bytes = Vec::new();
        let mut stuck = false;
        for change in doc.get_changes(&heads.iter().copied().collect::<Vec<_>>()) {
            let raw = change.raw_bytes();
            if raw.len() > max_bytes {
                stuck = true;
                break;
            }
            if bytes.len() + raw.len() > max_bytes {
                pieces.push(Unsent { changes: std::mem::take(&mut bytes), heads: heads.iter().copied().collect() });
            }
            for dep in change.deps() {
                heads.remove(dep);
            }
            heads.insert(change.hash());
            bytes.extend_from_slice(raw);
        }
        if !bytes.is_empty() {
            pieces.push(Unsent { changes: bytes, heads: heads.into_iter().collect() });
        }
        Pieces { pieces, stuck }
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
    fn a_long_history_goes_in_pieces_that_each_fit_and_rebuild_it_in_order() {
        let mut doc = AutoCommit::new();
        edit(&mut doc, "title", "Meeting notes");
        let mut relay = RelayHeads::default();
        relay.sent(&relay.unsent(&mut doc).unwrap());
        let mut partner = AutoCommit::load(&doc.save()).unwrap();
        // A year of notes written offline: varied text, so it compresses badly.
        let mut seed = 7u64;
        for note in 0..300 {
            let text: String = (0..400)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    char::from(b'a' + (seed >> 59) as u8 % 26)
                })
                .collect();
            edit(&mut doc, &format!("note-{note}"), &text);
        }
        let max = 16 * 1024;
        assert!(relay.unsent(&mut doc).unwrap().changes.len() > max, "the test needs a history over the limit");

        let pieces = relay.unsent_in_pieces(&mut doc, max);
        assert!(!pieces.stuck);
        assert!(pieces.pieces.len() > 2, "{} pieces", pieces.pieces.len());
        for piece in &pieces.pieces {
            assert!(piece.changes.len() <= max, "a piece of {} bytes", piece.changes.len());
            // Each piece applies on top of the ones before: nothing waits for a missing change.
            partner.load_incremental(&piece.changes).unwrap();
            assert!(partner.get_missing_deps(&[]).is_empty(), "a piece arrived before what it builds on");
            relay.sent(piece);
        }
        assert_eq!(partner.get_heads(), doc.get_heads(), "the pieces rebuild the document");
        assert!(relay.unsent(&mut doc).is_none(), "everything is recorded as sent");
        // Small enough: one piece, as before.
        edit(&mut doc, "title", "Meeting notes, year two");
        let next = relay.unsent_in_pieces(&mut doc, max);
        assert_eq!(next.pieces.len(), 1);
    }

    #[test]
    fn a_single_change_over_the_limit_stays_local_and_says_so() {
        let mut doc = AutoCommit::new();
        edit(&mut doc, "title", "Plan");
        let relay = RelayHeads::default();
        let mut seed = 1u64;
        let huge: String = (0..40_000)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                char::from(b'a' + (seed >> 59) as u8 % 26)
            })
            .collect();
        edit(&mut doc, "pasted", &huge);
        let pieces = relay.unsent_in_pieces(&mut doc, 8 * 1024);
        assert!(pieces.stuck, "the pasted change cannot be pushed");
        assert_eq!(pieces.pieces.len(), 1, "what came before it still goes");
        let mut partner = AutoCommit::load(&pieces.pieces[0].changes).unwrap();
        assert_eq!(partner.get_heads().len(), 1);
        assert!(partner.get_heads() != doc.get_heads());
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
