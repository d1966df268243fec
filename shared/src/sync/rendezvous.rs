//! Mutual wishes met at the relay, so that a one-sided wish is never seen.
//!
//! After a workshop round, two partners may each say "I'd like to keep in
//! touch". Both devices can compute the same token from their pair secret
//! (see `workshop::keep_in_touch`), which nobody else can; each posts the
//! token with its own side tag. The relay answers only when two different
//! sides posted the same token, and then tells both. So:
//! - a wish nobody returns gets no answer, to anyone;
//! - the partner cannot find out whether a wish waits for them without
//!   posting their own side, which is their own wish (posting the other's
//!   side tag changes nothing: it is the same side);
//! - the relay sees tokens it cannot link to people's names.
//!
//! The table lives in the relay's memory: devices post their wishes again
//! on every connection, so a restart loses nothing that matters.

use std::collections::{BTreeSet, HashMap};

use super::relay::ConnectionId;

/// How long a token is kept after its first post.
pub const TOKEN_TTL_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// Tokens one connection may wait on at once.
pub const MAX_WAITING_PER_CONNECTION: usize = 256;
/// Tokens the relay keeps at once (each well under 200 bytes).
pub const MAX_TOKENS: usize = 500_000;

#[derive(Debug)]
struct Meeting {
    /// The distinct sides that posted (at most two are kept).
    sides: Vec<[u8; 32]>,
    /// Connections that posted and wait to hear.
    waiting: BTreeSet<ConnectionId>,
    first_ms: i64,
}

impl Meeting {
    fn met(&self) -> bool {
        self.sides.len() >= 2
    }
}

/// Why a post was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RendezvousRefusal {
    /// This connection waits on as many tokens as one may.
    TooManyWaiting,
    /// The relay holds as many tokens as it keeps.
    Full,
}

#[derive(Debug, Default)]
pub struct Rendezvous {
    meetings: HashMap<[u8; 32], Meeting>,
    waiting_of: HashMap<ConnectionId, usize>,
}

impl Rendezvous {
    /// `conn` posts `token` for `side`. Returns the connections to tell
    /// that the token met (empty while only one side posted).
    pub fn post(&mut self, conn: ConnectionId, token: [u8; 32], side: [u8; 32], now_ms: i64) -> Result<Vec<ConnectionId>, RendezvousRefusal> {
        if !self.meetings.contains_key(&token) && self.meetings.len() >= MAX_TOKENS {
            return Err(RendezvousRefusal::Full);
        }
        let meeting = self.meetings.entry(token).or_insert_with(|| Meeting { sides: Vec::new(), waiting: BTreeSet::new(), first_ms: now_ms });
        if !meeting.met() && !meeting.sides.contains(&side) {
            meeting.sides.push(side);
        }
        if meeting.met() {
            let mut told: Vec<ConnectionId> = std::mem::take(&mut meeting.waiting).into_iter().collect();
            for waited in &told {
                if let Some(n) = self.waiting_of.get_mut(waited) {
                    *n = n.saturating_sub(1);
                }
            }
            if !told.contains(&conn) {
                told.push(conn);
            }
            return Ok(told);
        }
        if !meeting.waiting.contains(&conn) {
            let count = self.waiting_of.entry(conn).or_default();
            if *count >= MAX_WAITING_PER_CONNECTION {
                return Err(RendezvousRefusal::TooManyWaiting);
            }
            *count += 1;
            meeting.waiting.insert(conn);
        }
        Ok(Vec::new())
    }

    /// The connection closed: it waits on nothing any more.
    pub fn disconnect(&mut self, conn: ConnectionId) {
        if self.waiting_of.remove(&conn).is_some() {
            for meeting in self.meetings.values_mut() {
                meeting.waiting.remove(&conn);
            }
        }
    }

    /// Forget tokens past their time.
    pub fn expire(&mut self, now_ms: i64) {
        let before = self.meetings.len();
        self.meetings.retain(|_, m| now_ms - m.first_ms < TOKEN_TTL_MS);
        if self.meetings.len() != before {
            let mut counts: HashMap<ConnectionId, usize> = HashMap::new();
            for conn in self.meetings.values().flat_map(|m| m.waiting.iter()) {
                *counts.entry(*conn).or_default() += 1;
            }
            self.waiting_of = counts;
        }
    }

    /// Tokens held (for tests and metrics).
    pub fn len(&self) -> usize {
        self.meetings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.meetings.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: ConnectionId = ConnectionId(1);
    const B: ConnectionId = ConnectionId(2);
    const TOKEN: [u8; 32] = [7; 32];
    const SIDE_A: [u8; 32] = [1; 32];
    const SIDE_B: [u8; 32] = [2; 32];

    #[test]
    fn a_one_sided_wish_is_never_answered_and_cannot_be_probed() {
        let mut table = Rendezvous::default();
        assert_eq!(table.post(A, TOKEN, SIDE_A, 0), Ok(vec![]));
        // B probes with A's side: the same side, no answer.
        assert_eq!(table.post(B, TOKEN, SIDE_A, 1), Ok(vec![]));
        // A again: nothing.
        assert_eq!(table.post(A, TOKEN, SIDE_A, 2), Ok(vec![]));
        // B's own side is B's own wish: both are told.
        let mut told = table.post(B, TOKEN, SIDE_B, 3).unwrap();
        told.sort();
        assert_eq!(told, [A, B]);
        // Later posts (a device reconnecting) hear it at once.
        assert_eq!(table.post(A, TOKEN, SIDE_A, 4), Ok(vec![A]));
    }

    #[test]
    fn a_partner_who_posted_and_left_hears_on_returning() {
        let mut table = Rendezvous::default();
        table.post(A, TOKEN, SIDE_A, 0).unwrap();
        table.disconnect(A);
        assert_eq!(table.post(B, TOKEN, SIDE_B, 1), Ok(vec![B]), "A is gone: only B is told now");
        assert_eq!(table.post(ConnectionId(9), TOKEN, SIDE_A, 2), Ok(vec![ConnectionId(9)]), "A, back, is told");
    }

    #[test]
    fn limits_hold_and_tokens_expire() {
        let mut table = Rendezvous::default();
        for i in 0..MAX_WAITING_PER_CONNECTION {
            let mut token = [0u8; 32];
            token[..8].copy_from_slice(&(i as u64).to_le_bytes());
            table.post(A, token, SIDE_A, 0).unwrap();
        }
        assert_eq!(table.post(A, [0xff; 32], SIDE_A, 0), Err(RendezvousRefusal::TooManyWaiting));
        assert_eq!(table.post(B, [0xff; 32], SIDE_A, 0), Ok(vec![]), "others are not held back");
        table.expire(TOKEN_TTL_MS);
        assert!(table.is_empty());
        assert_eq!(table.post(A, [0xff; 32], SIDE_A, TOKEN_TTL_MS), Ok(vec![]), "room again after expiry");
    }
}
