//! Mutual wishes met at the relay, so that a one-sided wish is never seen.
//!
//! After a workshop round, two partners may each say "I'd like to keep in
//! touch". From a secret only the two of them can compute, each device
//! derives the pair's two side tags and, from both, the token
//! ([`token_for`]; see `workshop::keep_in_touch`). Each posts the token
//! with its own side. The relay answers only when two sides that make the
//! token have been posted, and then tells both. So:
//! - a wish nobody returns gets no answer, to anyone;
//! - the partner cannot find out whether a wish waits for them short of
//!   posting their own side, which is their own wish: the wisher hears of
//!   it too (a made-up side does not make the token; the wisher's own side
//!   is the same side again);
//! - nobody else can make the token at all.
//!
//! The relay learns which connections posted a token that met, not what
//! the token is about; a device that also follows its inbox on the same
//! connection is known to the relay by that inbox.
//!
//! The table lives in the relay's memory: devices post their wishes again
//! on every connection, so a restart loses nothing that matters. Relay
//! instances sharing a store tell each other of every side posted
//! ([`Rendezvous::post_elsewhere`]), so two partners on two instances meet. It is
//! bounded: per connection, and overall (the oldest tokens make room).

use std::collections::{BTreeSet, HashMap, VecDeque};

use super::relay::ConnectionId;

/// How long a token is kept after its first post.
pub const TOKEN_TTL_MS: i64 = 24 * 60 * 60 * 1000;
/// Tokens one connection may wait on at once.
pub const MAX_WAITING_PER_CONNECTION: usize = 256;
/// Tokens one connection may post in its life (met or not).
pub const MAX_POSTS_PER_CONNECTION: usize = 1_024;
/// Tokens the relay keeps at once (each under 300 bytes); the oldest go first.
pub const MAX_TOKENS: usize = 200_000;
/// Sides kept per token: the two real ones and a little room for junk.
const MAX_SIDES: usize = 4;

const TOKEN: &str = "confidant/2 rendezvous token";

/// The token two sides make together, whichever posts first.
pub fn token_for(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    let mut hasher = blake3::Hasher::new_derive_key(TOKEN);
    hasher.update(first);
    hasher.update(second);
    hasher.finalize().into()
}

#[derive(Debug)]
struct Meeting {
    sides: Vec<[u8; 32]>,
    /// Connections that posted and wait to hear.
    waiting: BTreeSet<ConnectionId>,
    met: bool,
}

/// Why a post was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RendezvousRefusal {
    /// This connection waits on, or has posted, as many tokens as one may.
    TooMany,
}

#[derive(Debug, Default)]
pub struct Rendezvous {
    meetings: HashMap<[u8; 32], Meeting>,
    /// Tokens by first post, oldest first: expiry and eviction in order.
    by_age: VecDeque<(i64, [u8; 32])>,
    /// What each connection waits on, and how many it ever posted.
    waiting_of: HashMap<ConnectionId, BTreeSet<[u8; 32]>>,
    posted_by: HashMap<ConnectionId, usize>,
}

impl Rendezvous {
    /// `conn` posts `token` for `side`. Returns the connections to tell
    /// that the token met (empty while it has not).
    pub fn post(&mut self, conn: ConnectionId, token: [u8; 32], side: [u8; 32], now_ms: i64) -> Result<Vec<ConnectionId>, RendezvousRefusal> {
        if let Some(meeting) = self.meetings.get(&token) {
            if meeting.met {
                return Ok(vec![conn]);
            }
        }
        let waits = self.waiting_of.get(&conn).map_or(0, BTreeSet::len);
        let posted = self.posted_by.get(&conn).copied().unwrap_or(0);
        let new_wait = !self.meetings.get(&token).is_some_and(|m| m.waiting.contains(&conn));
        if new_wait && (waits >= MAX_WAITING_PER_CONNECTION || posted >= MAX_POSTS_PER_CONNECTION) {
            return Err(RendezvousRefusal::TooMany);
        }
        *self.posted_by.entry(conn).or_default() += 1;
        Ok(self.add_side(token, side, Some(conn), now_ms))
    }

    /// A side of `token` was posted on another relay instance sharing the
    /// store: it may meet a side posted here. Returns the connections here
    /// to tell that the token met.
    pub fn post_elsewhere(&mut self, token: [u8; 32], side: [u8; 32], now_ms: i64) -> Vec<ConnectionId> {
        if self.meetings.get(&token).is_some_and(|m| m.met) {
            return Vec::new();
        }
        self.add_side(token, side, None, now_ms)
    }

    fn add_side(&mut self, token: [u8; 32], side: [u8; 32], conn: Option<ConnectionId>, now_ms: i64) -> Vec<ConnectionId> {
        if !self.meetings.contains_key(&token) {
            while self.meetings.len() >= MAX_TOKENS {
                let Some((_, oldest)) = self.by_age.pop_front() else { break };
                self.drop_meeting(&oldest);
            }
            self.meetings.insert(token, Meeting { sides: Vec::new(), waiting: BTreeSet::new(), met: false });
            self.by_age.push_back((now_ms, token));
        }
        let meeting = self.meetings.get_mut(&token).expect("inserted above");
        // Met only by two sides that make the token: a made-up side never does.
        if meeting.sides.iter().any(|other| *other != side && token_for(other, &side) == token) {
            meeting.met = true;
            meeting.sides.clear();
            let mut told: Vec<ConnectionId> = std::mem::take(&mut meeting.waiting).into_iter().collect();
            for waited in &told {
                if let Some(tokens) = self.waiting_of.get_mut(waited) {
                    tokens.remove(&token);
                }
            }
            if let Some(conn) = conn.filter(|c| !told.contains(c)) {
                told.push(conn);
            }
            return told;
        }
        if !meeting.sides.contains(&side) && meeting.sides.len() < MAX_SIDES {
            meeting.sides.push(side);
        }
        if let Some(conn) = conn {
            meeting.waiting.insert(conn);
            self.waiting_of.entry(conn).or_default().insert(token);
        }
        Vec::new()
    }

    fn drop_meeting(&mut self, token: &[u8; 32]) {
        if let Some(meeting) = self.meetings.remove(token) {
            for conn in meeting.waiting {
                if let Some(tokens) = self.waiting_of.get_mut(&conn) {
                    tokens.remove(token);
                }
            }
        }
    }

    /// The connection closed: it waits on nothing any more.
    pub fn disconnect(&mut self, conn: ConnectionId) {
        self.posted_by.remove(&conn);
        for token in self.waiting_of.remove(&conn).unwrap_or_default() {
            if let Some(meeting) = self.meetings.get_mut(&token) {
                meeting.waiting.remove(&conn);
            }
        }
    }

    /// Forget tokens past their time (oldest first: only those are looked at).
    pub fn expire(&mut self, now_ms: i64) {
        while let Some((first_ms, token)) = self.by_age.front().copied() {
            if now_ms - first_ms < TOKEN_TTL_MS {
                break;
            }
            self.by_age.pop_front();
            self.drop_meeting(&token);
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
    const SIDE_A: [u8; 32] = [1; 32];
    const SIDE_B: [u8; 32] = [2; 32];

    fn token() -> [u8; 32] {
        token_for(&SIDE_A, &SIDE_B)
    }

    #[test]
    fn a_one_sided_wish_is_never_answered_and_cannot_be_probed() {
        let mut table = Rendezvous::default();
        assert_eq!(table.post(A, token(), SIDE_A, 0), Ok(vec![]));
        // B probes with A's side, or with made-up sides: nothing meets.
        assert_eq!(table.post(B, token(), SIDE_A, 1), Ok(vec![]));
        for junk in [[9; 32], [8; 32], [7; 32], [6; 32]] {
            assert_eq!(table.post(B, token(), junk, 1), Ok(vec![]), "a made-up side does not make the token");
        }
        // B's own side is B's own wish: both are told (the junk filled no slot that matters).
        let mut told = table.post(B, token(), SIDE_B, 3).unwrap();
        told.sort();
        assert_eq!(told, [A, B]);
        // Later posts (a device reconnecting) hear it at once.
        assert_eq!(table.post(A, token(), SIDE_A, 4), Ok(vec![A]));
    }

    #[test]
    fn a_partner_who_posted_and_left_hears_on_returning() {
        let mut table = Rendezvous::default();
        table.post(A, token(), SIDE_A, 0).unwrap();
        table.disconnect(A);
        assert_eq!(table.post(B, token(), SIDE_B, 1), Ok(vec![B]), "A is gone: only B is told now");
        assert_eq!(table.post(ConnectionId(9), token(), SIDE_A, 2), Ok(vec![ConnectionId(9)]), "A, back, is told");
    }

    #[test]
    fn one_connection_cannot_fill_the_table() {
        let numbered = |i: usize, tag: u8| {
            let mut bytes = [tag; 32];
            bytes[..8].copy_from_slice(&(i as u64).to_le_bytes());
            bytes
        };
        let mut table = Rendezvous::default();
        for i in 0..MAX_WAITING_PER_CONNECTION {
            table.post(A, numbered(i, 0), SIDE_A, 0).unwrap();
        }
        assert_eq!(table.post(A, numbered(100_000, 0), SIDE_A, 0), Err(RendezvousRefusal::TooMany), "waiting on as many as one may");
        // Meeting its own tokens (both sides from one connection) frees no budget.
        let mut posts = 0;
        for i in 0..MAX_POSTS_PER_CONNECTION {
            let (x, y) = (numbered(i, 1), numbered(i, 2));
            let token = token_for(&x, &y);
            if table.post(B, token, x, 0).is_err() {
                break;
            }
            posts += 1;
            table.post(B, token, y, 0).unwrap();
            posts += 1;
        }
        assert_eq!(posts, MAX_POSTS_PER_CONNECTION);
        // Others are not held back, and leaving gives the budget back.
        assert_eq!(table.post(ConnectionId(3), numbered(7, 9), SIDE_A, 0), Ok(vec![]));
        table.disconnect(A);
        assert_eq!(table.post(A, numbered(100_000, 0), SIDE_A, 0), Ok(vec![]));
    }

    #[test]
    fn tokens_expire_oldest_first() {
        let mut table = Rendezvous::default();
        table.post(A, [1; 32], SIDE_A, 0).unwrap();
        table.post(A, [2; 32], SIDE_A, 10).unwrap();
        table.expire(TOKEN_TTL_MS + 5);
        assert_eq!(table.len(), 1);
        table.expire(TOKEN_TTL_MS + 10);
        assert!(table.is_empty());
        assert_eq!(table.post(A, [1; 32], SIDE_A, TOKEN_TTL_MS + 10), Ok(vec![]), "room again after expiry");
    }
}
