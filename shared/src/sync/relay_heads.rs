//! What the relay already holds of one shared document, as far as this
//! device knows: the changes it received from the relay, and those it pushed
//! and the relay acknowledged.
//!
//! After each local save the app asks for [`RelayHeads::unsent_in_pieces`],
//! seals each piece and records it with [`RelayHeads::sent`] under its outbox
//! reference: in flight, not yet at the relay. Only the relay's
//! acknowledgement ([`RelayHeads::acknowledged`]) moves it to the relay's
//! side; if it is dropped instead ([`RelayHeads::dropped`]), its changes count
//! as unsent again. Delivered changes are recorded with
//! [`RelayHeads::absorb_delivered`] so they are not pushed back. Kept as change
//! hashes (hex) in IndexedDB, so changes made while the tab was closed are
//! found and pushed on the next start.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{AutoCommit, ChangeHash};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayHeads {
    /// Every change that is an ancestor of (or is) one of these is at the
    /// relay: received from it, or acknowledged by it.
    hashes: Vec<String>,
    /// Heads of pieces handed to the outbox, by outbox reference.
    #[serde(default)]
    in_flight: BTreeMap<u64, Vec<String>>,
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

fn parse_known(hashes: &[String], doc: &mut AutoCommit) -> Vec<ChangeHash> {
    // A hash this document does not have (a damaged record was set aside)
    // is dropped: then more is pushed, never less.
    hashes
        .iter()
        .filter_map(|h| h.parse().ok())
        .filter(|h| doc.get_change_by_hash(h).is_some())
        .collect()
}

fn to_text(heads: &[ChangeHash]) -> Vec<String> {
    let mut hashes: Vec<String> = heads.iter().map(|h| h.to_string()).collect();
    crate::sort::ascending(&mut hashes);
    hashes.dedup();
    hashes
}

impl RelayHeads {
    /// What the relay holds, as far as this device knows (not what is in flight).
    pub fn at_relay(&self, doc: &mut AutoCommit) -> Vec<ChangeHash> {
        parse_known(&self.hashes, doc)
    }

    /// What the relay holds or will once the outbox is acknowledged.
    fn parsed(&self, doc: &mut AutoCommit) -> Vec<ChangeHash> {
        let mut known = parse_known(&self.hashes, doc);
        for heads in self.in_flight.values() {
            known.extend(parse_known(heads, doc));
        }
        crate::sort::ascending(&mut known);
        known.dedup();
        known
    }

    /// Outbox references of the pieces still in flight.
    pub fn in_flight(&self) -> impl Iterator<Item = u64> + '_ {
        self.in_flight.keys().copied()
    }

    /// The changes the relay does not have yet (and that are not on their
    /// way to it), if any.
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
    /// shared after a year of use) still fits the relay's chunk limit.
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

    /// The piece was sealed and handed to the outbox as `client_ref`.
    pub fn sent(&mut self, client_ref: u64, unsent: &Unsent) {
        self.in_flight.insert(client_ref, to_text(&unsent.heads));
    }

    /// The relay acknowledged `client_ref`: its changes are at the relay.
    pub fn acknowledged(&mut self, client_ref: u64, doc: &mut AutoCommit) {
        let Some(heads) = self.in_flight.remove(&client_ref) else { return };
        self.hashes.extend(heads);
        crate::sort::ascending(&mut self.hashes);
        self.hashes.dedup();
        self.collapse(doc);
    }

    /// `client_ref` will never be acknowledged (left, retired, or lost from
    /// the outbox): its changes count as unsent again.
    pub fn dropped(&mut self, client_ref: u64) {
        self.in_flight.remove(&client_ref);
    }

    /// Forget pieces in flight whose outbox entries are gone.
    pub fn keep_in_flight(&mut self, outbox: &BTreeSet<u64>) {
        self.in_flight.retain(|client_ref, _| outbox.contains(client_ref));
    }

    /// Start over: the relay holds nothing (new keys).
    pub fn reset(&mut self) {
        *self = RelayHeads::default();
    }

    /// When nothing local is waiting, the relay has the document's heads:
    /// keep just those.
    fn collapse(&mut self, doc: &mut AutoCommit) {
        let known = parse_known(&self.hashes, doc);
        if self.in_flight.is_empty() && doc.get_changes(&known).is_empty() {
            self.hashes = to_text(&doc.get_heads());
        }
    }

    /// Changes arrived from the relay; `heads_before` are the document's heads
    /// before they were applied.
    pub fn absorb_delivered(&mut self, doc: &mut AutoCommit, heads_before: &[ChangeHash]) {
        let mut known = parse_known(&self.hashes, doc);
        known.extend(doc.get_changes(heads_before).iter().map(|c| c.hash()));
        self.hashes = to_text(&known);
        self.collapse(doc);
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

    /// Hand `unsent` to the outbox as `client_ref` and have it acknowledged.
    fn push(relay: &mut RelayHeads, doc: &mut AutoCommit, client_ref: u64, unsent: &Unsent) {
        relay.sent(client_ref, unsent);
        relay.acknowledged(client_ref, doc);
    }

    #[test]
    fn only_what_the_relay_lacks_is_pushed() {
        let mut doc = AutoCommit::new();
        let mut relay = RelayHeads::default();
        edit(&mut doc, "title", "Career plan");
        let first = relay.unsent(&mut doc).expect("a new document is unsent");
        push(&mut relay, &mut doc, 1, &first);
        assert!(relay.unsent(&mut doc).is_none(), "nothing new, nothing to push");
        edit(&mut doc, "horizon", "6 months");
        let second = relay.unsent(&mut doc).unwrap();
        assert!(second.changes.len() < first.changes.len() + 64);
        let mut other = AutoCommit::load(&first.changes).unwrap();
        other.load_incremental(&second.changes).unwrap();
        assert_eq!(other.get_heads(), doc.get_heads(), "the increments rebuild the document");
    }

    #[test]
    fn a_change_counts_as_at_the_relay_only_once_acknowledged() {
        let mut doc = AutoCommit::new();
        let mut relay = RelayHeads::default();
        edit(&mut doc, "title", "Plan");
        let first = relay.unsent(&mut doc).unwrap();
        relay.sent(7, &first);
        assert!(relay.unsent(&mut doc).is_none(), "in flight: not pushed twice");
        assert!(relay.at_relay(&mut doc).is_empty(), "but not at the relay either");
        // The outbox entry is lost (or the push refused for good): it goes again.
        relay.dropped(7);
        assert!(relay.unsent(&mut doc).is_some());
        relay.sent(8, &first);
        relay.keep_in_flight(&BTreeSet::new());
        assert!(relay.unsent(&mut doc).is_some(), "an in-flight piece without its outbox entry is unsent");
        relay.sent(9, &first);
        relay.acknowledged(9, &mut doc);
        assert_eq!(relay.at_relay(&mut doc), doc.get_heads());
        assert_eq!(relay.in_flight().count(), 0);
    }

    #[test]
    fn delivered_changes_are_not_pushed_back_but_local_ones_still_are() {
        let mut mine = AutoCommit::new();
        edit(&mut mine, "title", "Plan");
        let mut relay = RelayHeads::default();
        let first = relay.unsent(&mut mine).unwrap();
        push(&mut relay, &mut mine, 1, &first);
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
        let first = relay.unsent(&mut doc).unwrap();
        push(&mut relay, &mut doc, 1, &first);
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
        for (n, piece) in pieces.pieces.iter().enumerate() {
            assert!(piece.changes.len() <= max, "a piece of {} bytes", piece.changes.len());
            // Each piece applies on top of the ones before: nothing waits for a missing change.
            partner.load_incremental(&piece.changes).unwrap();
            assert!(partner.get_missing_deps(&[]).is_empty(), "a piece arrived before what it builds on");
            relay.sent(10 + n as u64, piece);
        }
        assert_eq!(partner.get_heads(), doc.get_heads(), "the pieces rebuild the document");
        assert!(relay.unsent(&mut doc).is_none(), "everything is in flight");
        for n in 0..pieces.pieces.len() {
            relay.acknowledged(10 + n as u64, &mut doc);
        }
        assert_eq!(relay.at_relay(&mut doc), doc.get_heads());
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
        let unsent = relay.unsent(&mut doc).unwrap();
        push(&mut relay, &mut doc, 1, &unsent);
        let json = serde_json::to_string(&relay).unwrap();
        let back: RelayHeads = serde_json::from_str(&json).unwrap();
        assert!(back.unsent(&mut doc).is_none());
        // A record written before pieces in flight were kept still reads.
        let old: RelayHeads = serde_json::from_str(r#"{"hashes":[]}"#).unwrap();
        assert!(old.unsent(&mut doc).is_some());
        // A document that lost the recorded change pushes everything it has.
        let mut fresh = AutoCommit::new();
        edit(&mut fresh, "title", "Other");
        assert!(back.unsent(&mut fresh).is_some());
    }
}
