//! One device's side of a relay connection, as a state machine.
//!
//! Call order for an adapter (the app's WebSocket):
//! 1. [`SyncClient::new`] with what IndexedDB kept: unacknowledged chunks and
//!    each document's last sequence number; [`SyncClient::track`] each
//!    shared document;
//! 2. socket open: [`SyncClient::handle_connected`]; each frame:
//!    [`SyncClient::handle_frame`]; socket closed:
//!    [`SyncClient::handle_disconnected`] (which says when to reconnect);
//! 3. a local edit to send: [`SyncClient::push`];
//! 4. carry out every [`ClientEffect`]: persist what it says to persist
//!    before anything else, so nothing unacknowledged is lost on reload.

use std::collections::BTreeMap;

use super::inbox::{InboxAddress, InboxKeys};
use super::keys::DocumentKeys;
use super::sealed_chunk::SealedChunk;
use super::wire::{decode, subscribe_proof, ClientMessage, ErrorCode, RelayMessage, PROTOCOL_VERSION};
use crate::SyncStatus;

/// Reconnect delays: doubling from this, capped below.
const BACKOFF_START_MS: f64 = 500.0;
const BACKOFF_CAP_MS: f64 = 30_000.0;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEffect {
    Send(ClientMessage),
    /// Decrypted change bytes from the relay: load them into the document.
    Deliver { doc: [u8; 16], changes: Vec<u8> },
    /// Keep this chunk until it is acknowledged (IndexedDB).
    PersistPending { client_ref: u64, chunk: SealedChunk },
    /// The relay stored it: forget the kept copy.
    ForgetPending { client_ref: u64 },
    /// Remember the last sequence number seen for the document.
    PersistCursor { doc: [u8; 16], seq: u64 },
    /// Open a new socket after this many milliseconds.
    ReconnectAfter { ms: u64 },
    /// A message posted to one of this device's inboxes, opened.
    InboxMessage { inbox: [u8; 16], message: Vec<u8> },
    /// A partner's momentary signal (presence), decrypted; never stored.
    Presence { doc: [u8; 16], payload: Vec<u8> },
    /// The relay refused something; show or log it.
    Refused { code: ErrorCode, message: String },
}

#[derive(Debug)]
enum Connection {
    Offline { failures: u32 },
    Greeting,
    Ready { relay_offset_ms: i64, challenge: [u8; 32] },
}

#[derive(Debug)]
struct Tracked {
    keys: DocumentKeys,
    last_seq: u64,
}

#[derive(Debug)]
pub struct SyncClient {
    connection: Connection,
    documents: BTreeMap<[u8; 16], Tracked>,
    inboxes: BTreeMap<[u8; 16], (InboxKeys, u64)>,
    pending: BTreeMap<u64, SealedChunk>,
    next_ref: u64,
}

impl SyncClient {
    /// A client restored from storage: unacknowledged chunks by reference.
    pub fn new(pending: Vec<(u64, SealedChunk)>) -> Self {
        let next_ref = pending.iter().map(|(r, _)| r + 1).max().unwrap_or(1);
        SyncClient {
            connection: Connection::Offline { failures: 0 },
            documents: BTreeMap::new(),
            inboxes: BTreeMap::new(),
            pending: pending.into_iter().collect(),
            next_ref,
        }
    }

    /// Follow a shared document, having seen its chunks up to `last_seq`.
    pub fn track(&mut self, keys: DocumentKeys, last_seq: u64) {
        self.documents.insert(*keys.id().as_bytes(), Tracked { keys, last_seq });
    }

    /// Follow a document from now on: as [`Self::track`], and subscribe at
    /// once if connected (a newly shared or accepted document).
    pub fn follow(&mut self, keys: DocumentKeys, last_seq: u64) -> Vec<ClientEffect> {
        let subscribe = match self.connection {
            Connection::Ready { challenge, .. } => Some(ClientMessage::Subscribe {
                doc: *keys.id().as_bytes(),
                verifying_key: keys.verifying_key(),
                from_seq: last_seq,
                proof: subscribe_proof(&keys, &challenge),
            }),
            _ => None,
        };
        self.track(keys, last_seq);
        subscribe.map(ClientEffect::Send).into_iter().collect()
    }

    /// Stop following a document (the user left it, or its keys were
    /// replaced): unsubscribe, and drop what was waiting to be sent with its
    /// keys, which nobody should receive any more.
    pub fn unfollow(&mut self, doc: &[u8; 16]) -> Vec<ClientEffect> {
        if self.documents.remove(doc).is_none() {
            return Vec::new();
        }
        let dropped: Vec<u64> = self.pending.iter().filter(|(_, chunk)| chunk.doc == *doc).map(|(r, _)| *r).collect();
        let mut effects: Vec<ClientEffect> = dropped
            .into_iter()
            .map(|client_ref| {
                self.pending.remove(&client_ref);
                ClientEffect::ForgetPending { client_ref }
            })
            .collect();
        if matches!(self.connection, Connection::Ready { .. }) {
            effects.push(ClientEffect::Send(ClientMessage::Unsubscribe { doc: *doc }));
        }
        effects
    }

    /// Fetch one of this device's inboxes, having seen it up to `last_seq`;
    /// subscribes at once if connected.
    pub fn follow_inbox(&mut self, keys: InboxKeys, last_seq: u64) -> Vec<ClientEffect> {
        let subscribe = match self.connection {
            Connection::Ready { challenge, .. } => Some(inbox_subscribe(&keys, last_seq, &challenge)),
            _ => None,
        };
        self.inboxes.insert(*keys.id().as_bytes(), (keys, last_seq));
        subscribe.map(ClientEffect::Send).into_iter().collect()
    }

    /// Post `message` sealed to someone's inbox. `ephemeral` and `nonce`
    /// must be fresh random bytes. Kept until acknowledged, like a push.
    pub fn post(&mut self, to: &InboxAddress, ephemeral: [u8; 32], nonce: [u8; 24], message: &[u8]) -> Vec<ClientEffect> {
        let chunk = to.seal(ephemeral, nonce, message);
        let client_ref = self.next_ref;
        self.next_ref += 1;
        self.pending.insert(client_ref, chunk.clone());
        let mut effects = vec![ClientEffect::PersistPending { client_ref, chunk: chunk.clone() }];
        if matches!(self.connection, Connection::Ready { .. }) {
            effects.push(ClientEffect::Send(ClientMessage::Post { chunk, client_ref }));
        }
        effects
    }

    /// What the shell's indicator shows.
    pub fn status(&self) -> SyncStatus {
        match (&self.connection, self.pending.len()) {
            (Connection::Ready { .. }, 0) => SyncStatus::UpToDate,
            (Connection::Ready { .. }, n) => SyncStatus::Syncing { pending: n as u32 },
            _ => SyncStatus::Offline,
        }
    }

    /// Relay time minus local time, once connected: timers shared by a room
    /// (workshop rounds) use it.
    pub fn relay_offset_ms(&self) -> Option<i64> {
        match self.connection {
            Connection::Ready { relay_offset_ms, .. } => Some(relay_offset_ms),
            _ => None,
        }
    }

    pub fn handle_connected(&mut self) -> Vec<ClientEffect> {
        self.connection = Connection::Greeting;
        vec![ClientEffect::Send(ClientMessage::Hello { version: PROTOCOL_VERSION })]
    }

    /// The socket closed or failed. `jitter` is a random number in [0, 1).
    pub fn handle_disconnected(&mut self, jitter: f64) -> Vec<ClientEffect> {
        let failures = match self.connection {
            Connection::Offline { failures } => failures + 1,
            _ => 1,
        };
        self.connection = Connection::Offline { failures };
        let delay = (BACKOFF_START_MS * 2f64.powi(failures as i32 - 1)).min(BACKOFF_CAP_MS);
        // Full jitter in the upper half, so a room of clients does not return at once.
        let ms = delay * (0.5 + jitter.clamp(0.0, 1.0) * 0.5);
        vec![ClientEffect::ReconnectAfter { ms: ms as u64 }]
    }

    /// A local change to share. `nonce` must be fresh random bytes.
    pub fn push(&mut self, keys: &DocumentKeys, nonce: [u8; 24], changes: &[u8]) -> Vec<ClientEffect> {
        let chunk = SealedChunk::seal(keys, nonce, changes);
        let client_ref = self.next_ref;
        self.next_ref += 1;
        self.pending.insert(client_ref, chunk.clone());
        let mut effects = vec![ClientEffect::PersistPending { client_ref, chunk: chunk.clone() }];
        if matches!(self.connection, Connection::Ready { .. }) {
            effects.push(ClientEffect::Send(ClientMessage::Push { chunk, client_ref }));
        }
        effects
    }

    /// A momentary signal for the document's other members (presence): sent
    /// only while connected, never stored or retried.
    pub fn signal(&self, keys: &DocumentKeys, nonce: [u8; 24], payload: &[u8]) -> Vec<ClientEffect> {
        if !matches!(self.connection, Connection::Ready { .. }) || !self.documents.contains_key(keys.id().as_bytes()) {
            return Vec::new();
        }
        let chunk = SealedChunk::seal(keys, nonce, payload);
        vec![ClientEffect::Send(ClientMessage::Ephemeral { chunk })]
    }

    /// Whether the document is followed.
    pub fn tracks(&self, doc: &[u8; 16]) -> bool {
        self.documents.contains_key(doc)
    }

    pub fn handle_frame(&mut self, frame: &[u8], now_ms: i64) -> Vec<ClientEffect> {
        let message = match decode::<RelayMessage>(frame) {
            Ok(message) => message,
            Err(err) => return vec![ClientEffect::Refused { code: err.code(), message: err.to_string() }],
        };
        match message {
            RelayMessage::Welcome { challenge, relay_time_ms, .. } => {
                self.connection = Connection::Ready { relay_offset_ms: relay_time_ms - now_ms, challenge };
                let mut effects: Vec<ClientEffect> = self
                    .documents
                    .iter()
                    .map(|(doc, tracked)| {
                        ClientEffect::Send(ClientMessage::Subscribe {
                            doc: *doc,
                            verifying_key: tracked.keys.verifying_key(),
                            from_seq: tracked.last_seq,
                            proof: subscribe_proof(&tracked.keys, &challenge),
                        })
                    })
                    .collect();
                effects.extend(self.inboxes.values().map(|(keys, last_seq)| ClientEffect::Send(inbox_subscribe(keys, *last_seq, &challenge))));
                // Everything not yet acknowledged goes again, oldest first;
                // the relay may store a duplicate, which Automerge ignores.
                // Inbox posts are the unsigned ones.
                effects.extend(self.pending.iter().map(|(client_ref, chunk)| {
                    let (chunk, client_ref) = (chunk.clone(), *client_ref);
                    ClientEffect::Send(if chunk.signature.is_empty() {
                        ClientMessage::Post { chunk, client_ref }
                    } else {
                        ClientMessage::Push { chunk, client_ref }
                    })
                }));
                effects
            }
            RelayMessage::Chunk { seq, chunk } if self.inboxes.contains_key(&chunk.doc) => {
                let Some((keys, last_seq)) = self.inboxes.get_mut(&chunk.doc) else { return Vec::new() };
                if seq <= *last_seq {
                    return Vec::new();
                }
                *last_seq = seq;
                let mut effects = match keys.open(&chunk) {
                    Ok(message) => vec![ClientEffect::InboxMessage { inbox: chunk.doc, message }],
                    // Junk anyone could post: skip it, but move past it.
                    Err(err) => vec![ClientEffect::Refused { code: ErrorCode::BadSignature, message: err.to_string() }],
                };
                effects.push(ClientEffect::PersistCursor { doc: chunk.doc, seq });
                effects
            }
            RelayMessage::Chunk { seq, chunk } => {
                let Some(tracked) = self.documents.get_mut(&chunk.doc) else { return Vec::new() };
                if seq <= tracked.last_seq {
                    return Vec::new(); // seen already (a replay or an overlap after reconnecting)
                }
                match chunk.open(&tracked.keys) {
                    Ok(changes) => {
                        tracked.last_seq = seq;
                        vec![
                            ClientEffect::Deliver { doc: chunk.doc, changes },
                            ClientEffect::PersistCursor { doc: chunk.doc, seq },
                        ]
                    }
                    Err(err) => vec![ClientEffect::Refused { code: ErrorCode::BadSignature, message: err.to_string() }],
                }
            }
            RelayMessage::Ack { client_ref, .. } => {
                if self.pending.remove(&client_ref).is_some() {
                    vec![ClientEffect::ForgetPending { client_ref }]
                } else {
                    Vec::new()
                }
            }
            RelayMessage::CaughtUp { .. } => Vec::new(),
            RelayMessage::Ephemeral { chunk } => {
                let Some(tracked) = self.documents.get(&chunk.doc) else { return Vec::new() };
                match chunk.open(&tracked.keys) {
                    Ok(payload) => vec![ClientEffect::Presence { doc: chunk.doc, payload }],
                    Err(_) => Vec::new(),
                }
            }
            RelayMessage::Error { code, message } => vec![ClientEffect::Refused { code, message }],
        }
    }
}

fn inbox_subscribe(keys: &InboxKeys, last_seq: u64, challenge: &[u8; 32]) -> ClientMessage {
    ClientMessage::Subscribe {
        doc: *keys.id().as_bytes(),
        verifying_key: keys.address().verifying_key,
        from_seq: last_seq,
        proof: keys.subscribe_proof(challenge),
    }
}
