//! The relay as a state machine: events in, effects out, no IO.
//!
//! Call order for an adapter (the axum server):
//! 1. a socket opens: [`Relay::handle_connect`] with a fresh random challenge;
//! 2. each binary frame: [`Relay::handle_frame`];
//! 3. after carrying out [`Effect::Store`] durably: [`Relay::handle_stored`]
//!    (only then is the pusher acknowledged and the chunk broadcast), one
//!    store at a time, so chunks go out in the order they were numbered;
//! 4. after carrying out [`Effect::LoadSince`]: [`Relay::handle_loaded`];
//! 5. the socket closes: [`Relay::handle_disconnect`].
//!
//! The relay checks signatures and subscribe proofs but never holds a key and
//! never sees plaintext.

use std::collections::{BTreeSet, HashMap};

use super::keys::inbox_id_for;
use super::sealed_chunk::{ChunkError, SealedChunk};
use super::wire::{
    check_subscribe_proof, decode, ClientMessage, ErrorCode, RelayMessage, PROTOCOL_VERSION,
};

/// A connection, numbered by the adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnectionId(pub u64);

/// Limits that protect the relay; each breach gets a typed error, never a crash.
#[derive(Debug, Clone, Copy)]
pub struct RelayLimits {
    /// Largest ciphertext in one chunk.
    pub max_chunk_bytes: usize,
    /// Pushes and ephemeral messages one connection may send per window.
    pub messages_per_window: u32,
    pub window_ms: i64,
    /// Chunks a subscriber still loading its backlog may have waiting before
    /// it counts as stalled (closed; it reconnects and resumes from its
    /// sequence number).
    pub max_waiting_while_catching_up: usize,
}

/// The relay's default limit on one chunk's ciphertext.
pub const MAX_CHUNK_BYTES: usize = 512 * 1024;

/// The most a client puts in one push: under [`MAX_CHUNK_BYTES`] with room
/// for the cipher's tag. A longer history goes in several pushes
/// ([`super::RelayHeads::unsent_in_pieces`]).
pub const MAX_PUSH_BYTES: usize = MAX_CHUNK_BYTES - 12 * 1024;

impl Default for RelayLimits {
    fn default() -> Self {
        RelayLimits { max_chunk_bytes: MAX_CHUNK_BYTES, messages_per_window: 200, window_ms: 1_000, max_waiting_while_catching_up: 1024 }
    }
}

/// What the adapter must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Send(ConnectionId, RelayMessage),
    /// Store durably, assign the document's next sequence number, then call
    /// [`Relay::handle_stored`].
    Store { from: ConnectionId, client_ref: u64, chunk: SealedChunk, snapshot_covers: Option<u64> },
    /// Load the document's chunks after `after_seq`, then call [`Relay::handle_loaded`].
    LoadSince { to: ConnectionId, doc: [u8; 16], after_seq: u64 },
    Close(ConnectionId),
}

#[derive(Debug)]
struct Connection {
    challenge: [u8; 32],
    greeted: bool,
    subscriptions: BTreeSet<[u8; 16]>,
    /// Documents whose backlog is still being loaded, with the chunks stored
    /// meanwhile. A client keeps only the highest sequence number it has
    /// seen, so these wait until the backlog is sent rather than overtake it.
    catching_up: HashMap<[u8; 16], Vec<(u64, SealedChunk)>>,
    window_started_ms: i64,
    in_window: u32,
}

/// Every connection and who follows which document.
#[derive(Debug, Default)]
pub struct Relay {
    limits: RelayLimits,
    connections: HashMap<ConnectionId, Connection>,
    subscribers: HashMap<[u8; 16], BTreeSet<ConnectionId>>,
}

fn error(to: ConnectionId, code: ErrorCode, message: impl Into<String>) -> Effect {
    Effect::Send(to, RelayMessage::Error { code, message: message.into() })
}

fn chunk_error_code(err: &ChunkError) -> ErrorCode {
    match err {
        ChunkError::WrongDocument => ErrorCode::WrongDocument,
        ChunkError::BadSignature | ChunkError::CannotDecrypt => ErrorCode::BadSignature,
    }
}

impl Relay {
    pub fn new(limits: RelayLimits) -> Self {
        Relay { limits, ..Relay::default() }
    }

    pub fn connection_count(&self) -> usize {
        self.connections.len()
    }

    pub fn subscriber_count(&self, doc: &[u8; 16]) -> usize {
        self.subscribers.get(doc).map_or(0, BTreeSet::len)
    }

    /// A socket opened. `challenge` must be fresh random bytes.
    pub fn handle_connect(&mut self, conn: ConnectionId, challenge: [u8; 32], now_ms: i64) -> Vec<Effect> {
        self.connections.insert(
            conn,
            Connection {
                challenge,
                greeted: false,
                subscriptions: BTreeSet::new(),
                catching_up: HashMap::new(),
                window_started_ms: now_ms,
                in_window: 0,
            },
        );
        vec![Effect::Send(conn, RelayMessage::Welcome { version: PROTOCOL_VERSION, challenge, relay_time_ms: now_ms })]
    }

    /// One binary frame from a connection.
    pub fn handle_frame(&mut self, conn: ConnectionId, frame: &[u8], now_ms: i64) -> Vec<Effect> {
        let Some(connection) = self.connections.get_mut(&conn) else { return Vec::new() };
        let message = match decode::<ClientMessage>(frame) {
            Ok(message) => message,
            Err(err) => return vec![error(conn, err.code(), err.to_string())],
        };
        if !connection.greeted {
            return match message {
                ClientMessage::Hello { version } if version == PROTOCOL_VERSION => {
                    connection.greeted = true;
                    Vec::new()
                }
                ClientMessage::Hello { version } => vec![
                    error(conn, ErrorCode::UnsupportedVersion, format!("protocol {version} is not supported; this relay speaks {PROTOCOL_VERSION}")),
                    Effect::Close(conn),
                ],
                _ => vec![error(conn, ErrorCode::MalformedFrame, "say hello first"), Effect::Close(conn)],
            };
        }
        match message {
            ClientMessage::Hello { .. } => Vec::new(),
            ClientMessage::Subscribe { doc, verifying_key, from_seq, proof } => {
                if !check_subscribe_proof(&doc, &verifying_key, &connection.challenge, &proof) {
                    return vec![error(conn, ErrorCode::ProofRequired, "no proof of the document key")];
                }
                connection.subscriptions.insert(doc);
                connection.catching_up.entry(doc).or_default();
                self.subscribers.entry(doc).or_default().insert(conn);
                vec![Effect::LoadSince { to: conn, doc, after_seq: from_seq }]
            }
            ClientMessage::Unsubscribe { doc } => {
                connection.subscriptions.remove(&doc);
                connection.catching_up.remove(&doc);
                self.unsubscribe(conn, doc);
                Vec::new()
            }
            ClientMessage::Push { chunk, client_ref } => self.accept(conn, chunk, client_ref, None, now_ms),
            ClientMessage::Snapshot { chunk, covers_through, client_ref } => {
                self.accept(conn, chunk, client_ref, Some(covers_through), now_ms)
            }
            ClientMessage::Post { chunk, client_ref } => {
                if let Some(refused) = self.check_limits(conn, &chunk, now_ms) {
                    return vec![refused];
                }
                if inbox_id_for(&chunk.verifying_key).as_bytes() != &chunk.doc {
                    return vec![error(conn, ErrorCode::WrongDocument, "posts go to inboxes only")];
                }
                vec![Effect::Store { from: conn, client_ref, chunk, snapshot_covers: None }]
            }
            ClientMessage::Ephemeral { chunk } => {
                if let Some(refused) = self.check(conn, &chunk, now_ms) {
                    return vec![refused];
                }
                if !self.is_subscribed(conn, &chunk.doc) {
                    return vec![error(conn, ErrorCode::NotSubscribed, "subscribe before sending presence")];
                }
                self.others(conn, &chunk.doc)
                    .map(|to| Effect::Send(to, RelayMessage::Ephemeral { chunk: chunk.clone() }))
                    .collect()
            }
        }
    }

    fn is_subscribed(&self, conn: ConnectionId, doc: &[u8; 16]) -> bool {
        self.connections.get(&conn).is_some_and(|c| c.subscriptions.contains(doc))
    }

    /// Rate, size and signature checks shared by pushes and ephemeral messages.
    fn check(&mut self, conn: ConnectionId, chunk: &SealedChunk, now_ms: i64) -> Option<Effect> {
        if let Some(refused) = self.check_limits(conn, chunk, now_ms) {
            return Some(refused);
        }
        chunk.verify().err().map(|e| error(conn, chunk_error_code(&e), e.to_string()))
    }

    /// Rate and size limits, for everything a connection sends to be stored or forwarded.
    fn check_limits(&mut self, conn: ConnectionId, chunk: &SealedChunk, now_ms: i64) -> Option<Effect> {
        let connection = self.connections.get_mut(&conn)?;
        if now_ms - connection.window_started_ms >= self.limits.window_ms {
            connection.window_started_ms = now_ms;
            connection.in_window = 0;
        }
        connection.in_window += 1;
        if connection.in_window > self.limits.messages_per_window {
            return Some(error(conn, ErrorCode::RateLimited, "too many messages; slow down and retry"));
        }
        if chunk.ciphertext.len() > self.limits.max_chunk_bytes {
            return Some(error(
                conn,
                ErrorCode::DocumentTooLarge,
                format!("chunk of {} bytes is over the {}-byte limit", chunk.ciphertext.len(), self.limits.max_chunk_bytes),
            ));
        }
        None
    }

    fn accept(&mut self, conn: ConnectionId, chunk: SealedChunk, client_ref: u64, snapshot_covers: Option<u64>, now_ms: i64) -> Vec<Effect> {
        if let Some(refused) = self.check(conn, &chunk, now_ms) {
            return vec![refused];
        }
        vec![Effect::Store { from: conn, client_ref, chunk, snapshot_covers }]
    }

    fn others(&self, conn: ConnectionId, doc: &[u8; 16]) -> impl Iterator<Item = ConnectionId> + '_ {
        self.subscribers.get(doc).into_iter().flatten().copied().filter(move |c| *c != conn)
    }

    /// The adapter stored a chunk durably as `seq`: acknowledge it and
    /// forward it to everyone else following the document (held back for
    /// those still loading their backlog).
    ///
    /// Call it in the order the store assigned sequence numbers: a client
    /// skips any chunk numbered below one it has already seen.
    pub fn handle_stored(&mut self, from: ConnectionId, client_ref: u64, seq: u64, chunk: SealedChunk) -> Vec<Effect> {
        let others: Vec<ConnectionId> = self.others(from, &chunk.doc).collect();
        let mut effects = Vec::new();
        for to in others {
            let Some(waiting) = self.connections.get_mut(&to).and_then(|c| c.catching_up.get_mut(&chunk.doc)) else {
                effects.push(Effect::Send(to, RelayMessage::Chunk { seq, chunk: chunk.clone() }));
                continue;
            };
            if waiting.len() >= self.limits.max_waiting_while_catching_up {
                self.handle_disconnect(to);
                effects.push(Effect::Close(to));
            } else {
                waiting.push((seq, chunk.clone()));
            }
        }
        if self.connections.contains_key(&from) {
            effects.insert(0, Effect::Send(from, RelayMessage::Ack { client_ref, seq }));
        }
        effects
    }

    /// The adapter loaded what a new subscriber missed: send it, then what
    /// was stored meanwhile and is not in it, in sequence order; from then
    /// on the subscriber gets chunks as they are stored.
    pub fn handle_loaded(&mut self, to: ConnectionId, doc: [u8; 16], chunks: Vec<(u64, SealedChunk)>, head_seq: u64) -> Vec<Effect> {
        let Some(connection) = self.connections.get_mut(&to).filter(|c| c.subscriptions.contains(&doc)) else {
            return Vec::new();
        };
        let waiting = connection.catching_up.remove(&doc).unwrap_or_default();
        let mut last = chunks.last().map_or(0, |(seq, _)| *seq);
        let mut effects: Vec<Effect> =
            chunks.into_iter().map(|(seq, chunk)| Effect::Send(to, RelayMessage::Chunk { seq, chunk })).collect();
        for (seq, chunk) in waiting {
            if seq > last {
                last = seq;
                effects.push(Effect::Send(to, RelayMessage::Chunk { seq, chunk }));
            }
        }
        effects.push(Effect::Send(to, RelayMessage::CaughtUp { doc, seq: head_seq.max(last) }));
        effects
    }

    fn unsubscribe(&mut self, conn: ConnectionId, doc: [u8; 16]) {
        if let Some(set) = self.subscribers.get_mut(&doc) {
            set.remove(&conn);
            if set.is_empty() {
                self.subscribers.remove(&doc);
            }
        }
    }

    /// A socket closed: forget it and its subscriptions.
    pub fn handle_disconnect(&mut self, conn: ConnectionId) {
        if let Some(connection) = self.connections.remove(&conn) {
            for doc in connection.subscriptions {
                self.unsubscribe(conn, doc);
            }
        }
    }
}
