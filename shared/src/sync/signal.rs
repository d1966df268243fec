//! Momentary signals between the members of a document: forwarded by the
//! relay, never stored. Each carries the time it was sent (on the relay's
//! clock) and counts only while fresh, so a signal the relay replays later
//! is ignored.

use serde::{Deserialize, Serialize};

/// How long a signal counts after it was sent (and how far ahead a sender's
/// clock may be).
pub const SIGNAL_VALID_MS: i64 = 30_000;
/// The most heads one signal lists.
pub const MAX_HEADS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Signal {
    /// A page has the document open (see `presence`). `page` is random per
    /// page, so one person in two tabs counts once per tab.
    Presence { page: [u8; 8], name: Option<String>, sent_at_ms: i64 },
    /// What the sender knows the relay holds of the document: the heads of
    /// the changes it received from the relay or had acknowledged, and the
    /// sequence number up to which it has read the relay without a gap (see
    /// `heads_exchange`).
    Heads { at_relay: Vec<[u8; 32]>, through_seq: u64, sent_at_ms: i64 },
}

impl Signal {
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("signals serialize")
    }

    /// Read a signal another member sent; `None` if it is malformed, too
    /// big, or not fresh at `now_ms` (relay time).
    pub fn decode_fresh(bytes: &[u8], now_ms: i64) -> Option<Signal> {
        let (signal, rest): (Signal, _) = postcard::take_from_bytes(bytes).ok()?;
        if !rest.is_empty() {
            return None;
        }
        let sent = match &signal {
            Signal::Presence { sent_at_ms, name, .. } => {
                if name.as_ref().is_some_and(|n| n.chars().count() > super::member::MAX_NAME_CHARS) {
                    return None;
                }
                *sent_at_ms
            }
            Signal::Heads { at_relay, sent_at_ms, .. } => {
                if at_relay.len() > MAX_HEADS {
                    return None;
                }
                *sent_at_ms
            }
        };
        let age = now_ms.checked_sub(sent)?;
        ((-SIGNAL_VALID_MS / 6..=SIGNAL_VALID_MS).contains(&age)).then_some(signal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_future_and_oversized_signals_are_ignored() {
        let presence = Signal::Presence { page: [1; 8], name: Some("Sam".into()), sent_at_ms: 100_000 };
        assert_eq!(Signal::decode_fresh(&presence.encode(), 100_500), Some(presence.clone()));
        assert_eq!(Signal::decode_fresh(&presence.encode(), 100_000 + SIGNAL_VALID_MS + 1), None, "a replay");
        assert_eq!(Signal::decode_fresh(&presence.encode(), 100_000 - SIGNAL_VALID_MS), None, "from the future");
        let heads = Signal::Heads { at_relay: vec![[0; 32]; MAX_HEADS + 1], through_seq: 1, sent_at_ms: 0 };
        assert_eq!(Signal::decode_fresh(&heads.encode(), 0), None);
        assert_eq!(Signal::decode_fresh(b"\xff\xff", 0), None);
        let ancient = Signal::Presence { page: [1; 8], name: None, sent_at_ms: i64::MIN };
        assert_eq!(Signal::decode_fresh(&ancient.encode(), 100_000), None, "no overflow");
        let far = Signal::Presence { page: [1; 8], name: None, sent_at_ms: i64::MAX };
        assert_eq!(Signal::decode_fresh(&far.encode(), -100_000), None);
    }
}
