//! Catching a relay that hides changes.
//!
//! The relay numbers each document's chunks and a device reads them without
//! gaps, but a relay could still leave a chunk out for everyone (acknowledge
//! it, then drop it), roll a document back, or show different members
//! different histories. So members tell each other, through the encrypted
//! channel, what they know the relay holds: a [`Signal::Heads`] with the
//! heads of the changes they received from the relay or had acknowledged by
//! it, and the sequence number up to which they have read the relay without
//! a gap. Comparing that with its own document, a device knows:
//!
//! - **the other lacks something the relay should have given it**: it has
//!   read as far as this device has (and past this device's own
//!   acknowledged pushes), yet lacks changes this device knows are at the
//!   relay. This device pushes them again ([`Verdict::repush`]).
//! - **this device lacks something**: the other knows of changes at the
//!   relay that this device does not have although it has read as far. It
//!   says so by announcing its own heads, so the holder pushes them again,
//!   and counts the document as withheld if they do not arrive
//!   ([`Verdict::lacking`]).
//!
//! [`Signal::Heads`]: super::signal::Signal::Heads

use std::collections::HashSet;

use automerge::{AutoCommit, ChangeHash};

use super::relay_heads::RelayHeads;
use super::signal::{Signal, MAX_HEADS};

/// What another member said they know the relay holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeardHeads {
    pub at_relay: Vec<ChangeHash>,
    pub through_seq: u64,
}

impl HeardHeads {
    /// From a heads signal; `None` for other signals.
    pub fn from_signal(signal: &Signal) -> Option<HeardHeads> {
        match signal {
            Signal::Heads { at_relay, through_seq, .. } => Some(HeardHeads {
                at_relay: at_relay.iter().map(|h| ChangeHash(*h)).collect(),
                through_seq: *through_seq,
            }),
            Signal::Presence { .. } => None,
        }
    }
}

/// What to do after hearing another member's heads. Both can hold at once:
/// a relay that forks a document leaves each side without the other's change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verdict {
    /// The other member lacks changes the relay should have given them:
    /// push these again (Automerge ignores what they already have), in
    /// pieces that each fit one push, in causal order.
    pub repush: Option<Vec<Vec<u8>>>,
    /// This device lacks changes the relay holds: announce own heads so a
    /// holder pushes them again; if they do not come, they were withheld.
    pub lacking: bool,
}

impl Verdict {
    /// Nothing is missing on either side (or reading is still under way).
    pub fn in_step(&self) -> bool {
        self.repush.is_none() && !self.lacking
    }
}

/// This device's heads signal for the document: what it knows the relay
/// holds and how far it has read. `sent_at_ms` is relay time.
pub fn my_heads(doc: &mut AutoCommit, relay: &RelayHeads, through_seq: u64, sent_at_ms: i64) -> Signal {
    let mut at_relay: Vec<[u8; 32]> = relay.at_relay(doc).into_iter().map(|h| h.0).collect();
    at_relay.truncate(MAX_HEADS);
    Signal::Heads { at_relay, through_seq, sent_at_ms }
}

/// Compare another member's heads with this device's document.
///
/// `through_seq` is how far this device has read the relay without a gap;
/// `acked_through` the highest sequence number the relay gave one of this
/// device's own pushes that is part of `relay`; `max_piece` the most one
/// push may carry.
///
/// Both sides must have read the relay exactly as far: a member behind has
/// not had the chance to read what is missing yet, and one claiming to be
/// ahead of what this device knows the relay holds is not believed (a
/// member cannot make the others push everything again by claiming it).
pub fn compare(doc: &mut AutoCommit, relay: &RelayHeads, through_seq: u64, acked_through: u64, heard: &HeardHeads, max_piece: usize) -> Verdict {
    let level = heard.through_seq == through_seq && through_seq > 0;
    // Do I lack what they know the relay holds, having read as far as they have?
    let lacking = level && heard.at_relay.iter().any(|h| doc.get_change_by_hash(h).is_none());
    // Do they lack what I know the relay holds, having read past it?
    if !level || through_seq < acked_through {
        return Verdict { repush: None, lacking };
    }
    let theirs: Vec<ChangeHash> = heard.at_relay.iter().copied().filter(|h| doc.get_change_by_hash(h).is_some()).collect();
    let mine = relay.at_relay(doc);
    let not_at_relay: HashSet<ChangeHash> = doc.get_changes(&mine).iter().map(|c| c.hash()).collect();
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    for change in doc.get_changes(&theirs).into_iter().filter(|c| !not_at_relay.contains(&c.hash())) {
        let raw = change.raw_bytes();
        match pieces.last_mut() {
            Some(piece) if piece.len() + raw.len() <= max_piece => piece.extend_from_slice(raw),
            _ => pieces.push(raw.to_vec()),
        }
    }
    Verdict { repush: (!pieces.is_empty()).then_some(pieces), lacking }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::ROOT;

    use super::*;
    use crate::sync::relay_heads::Unsent;

    fn edit(doc: &mut AutoCommit, key: &str, value: &str) {
        doc.put(ROOT, key, value).unwrap();
        doc.commit();
    }

    const MAX: usize = 64 * 1024;

    fn heard(doc: &mut AutoCommit, relay: &RelayHeads, through_seq: u64) -> HeardHeads {
        HeardHeads::from_signal(&my_heads(doc, relay, through_seq, 0)).unwrap()
    }

    #[test]
    fn a_change_the_relay_acknowledged_but_never_passed_on_is_pushed_again() {
        let (mut author, mut author_relay, first) = author_with_a_plan(); // acknowledged as seq 1
        let mut reader = AutoCommit::load(&first.changes).unwrap();
        let mut reader_relay = RelayHeads::default();
        reader_relay.absorb_delivered(&mut reader, &[]);

        edit(&mut author, "why", "To lead a lab");
        let second = author_relay.unsent(&mut author).unwrap();
        author_relay.sent(2, &second);
        author_relay.acknowledged(2, &mut author); // acknowledged as seq 2, then dropped by the relay

        // Both read the relay up to seq 3 (someone else's chunk) without a gap.
        let said = heard(&mut reader, &reader_relay, 3);
        let Some(pieces) = compare(&mut author, &author_relay, 3, 2, &said, MAX).repush else { panic!("not pushed again") };
        for piece in pieces {
            reader.load_incremental(&piece).unwrap();
        }
        assert_eq!(reader.get_heads(), author.get_heads());

        // The reader, hearing the author, knows it lacked something.
        let mut reader_before = AutoCommit::load(&first.changes).unwrap();
        let author_said = heard(&mut author, &author_relay, 3);
        let author_said = HeardHeads { through_seq: 3, ..author_said };
        // (Not knowing the author's heads, it cannot tell what the author has,
        // so it offers all it has: Automerge ignores the duplicates.)
        assert!(compare(&mut reader_before, &reader_relay, 3, 0, &author_said, MAX).lacking);
    }

    #[test]
    fn a_long_re_push_goes_in_pieces_that_each_fit() {
        let (mut author, mut relay, first) = author_with_a_plan();
        let mut reader = AutoCommit::load(&first.changes).unwrap();
        let reader_relay = relay_after(&mut reader);
        for n in 0..40 {
            edit(&mut author, &format!("note-{n}"), &"x".repeat(500 + n));
        }
        let rest = relay.unsent(&mut author).unwrap();
        relay.sent(2, &rest);
        relay.acknowledged(2, &mut author);
        let Some(pieces) = compare(&mut author, &relay, 3, 2, &heard(&mut reader, &reader_relay, 3), 4 * 1024).repush else { panic!() };
        assert!(pieces.len() > 2 && pieces.iter().all(|p| p.len() <= 4 * 1024));
        for piece in pieces {
            reader.load_incremental(&piece).unwrap();
            assert!(reader.get_missing_deps(&[]).is_empty(), "each piece applies on what came before");
        }
        assert_eq!(reader.get_heads(), author.get_heads());
    }

    #[test]
    fn nothing_is_pushed_again_while_the_other_has_not_read_that_far_or_lacks_only_local_edits() {
        let (mut author, mut relay, first) = author_with_a_plan();
        let reader = AutoCommit::load(&first.changes).unwrap();
        let mut reader_relay = RelayHeads::default();
        let mut reader = reader;
        reader_relay.absorb_delivered(&mut reader, &[]);

        edit(&mut author, "why", "acknowledged as 5");
        let second = relay.unsent(&mut author).unwrap();
        relay.sent(2, &second);
        relay.acknowledged(2, &mut author);
        // The reader has read only to 4: the change is on its way.
        assert!(compare(&mut author, &relay, 5, 5, &heard(&mut reader, &reader_relay, 4), MAX).in_step());
        // A member claiming to have read further than the relay holds is not believed.
        assert!(compare(&mut author, &relay, 5, 5, &heard(&mut reader, &reader_relay, u64::MAX), MAX).in_step());
        // A local edit the relay has not acknowledged is not the relay's fault.
        edit(&mut author, "horizon", "not sent yet");
        let Some(pieces) = compare(&mut author, &relay, 5, 5, &heard(&mut reader, &reader_relay, 5), MAX).repush else { panic!() };
        for piece in pieces {
            reader.load_incremental(&piece).unwrap();
        }
        assert!(reader.get_missing_deps(&[]).is_empty());
        assert_ne!(reader.get_heads(), author.get_heads(), "the unsent edit stays out of the re-push");
        let reader_relay = relay_after(&mut reader);
        assert!(compare(&mut author, &relay, 5, 5, &heard(&mut reader, &reader_relay, 5), MAX).in_step());
    }

    /// An author whose first change (a plan's title) the relay acknowledged.
    fn author_with_a_plan() -> (AutoCommit, RelayHeads, Unsent) {
        let mut author = AutoCommit::new();
        edit(&mut author, "title", "Plan");
        let mut relay = RelayHeads::default();
        let first = relay.unsent(&mut author).unwrap();
        relay.sent(1, &first);
        relay.acknowledged(1, &mut author);
        (author, relay, first)
    }

    fn relay_after(doc: &mut AutoCommit) -> RelayHeads {
        let mut relay = RelayHeads::default();
        relay.absorb_delivered(doc, &[]);
        relay
    }
}
