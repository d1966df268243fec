//! The relay as a state machine: events in, effects out, no IO.
//!
//! Call order for an adapter (the axum server):
//! 1. a socket opens: [`Relay::handle_connect`] with a fresh random challenge
//!    and the origin (host) the client connected to;
//! 2. each binary frame: [`Relay::handle_frame`]; a pong or any other sign of
//!    life: [`Relay::handle_heard`]; every second or so: [`Relay::handle_tick`]
//!    (closes connections past the hello deadline or the idle timeout);
//! 3. after carrying out [`Effect::Store`] durably: [`Relay::handle_stored`]
//!    (only then is the sender acknowledged and the chunk forwarded); if
//!    the store refuses (the document is retired, a quota is reached):
//!    [`Relay::handle_store_refused`]. Stores may run concurrently and
//!    finish in any order;
//! 4. after carrying out [`Effect::LoadSince`]: [`Relay::handle_loaded`];
//!    after [`Effect::Fetch`]: [`Relay::handle_fetched`];
//! 5. another relay instance on the same store stored `(id, seq)` (a
//!    notification, late, twice or never), or a timer read the heads of
//!    [`Relay::followed`] from the store: [`Relay::handle_stored_elsewhere`];
//!    it passed on a signal or a rendezvous side ([`Effect::Share`]):
//!    [`Relay::handle_shared`];
//! 6. the socket closes: [`Relay::handle_disconnect`].
//!
//! Several instances may share one store: the store numbers each
//! document's items inside its storing transaction and commits them in
//! that order, and each instance forwards a document's items to its own
//! subscribers strictly in sequence, fetching from the store whatever it
//! has not seen (stored by another instance, or a concurrent store of its
//! own that finished first). A lost notification only delays delivery.
//!
//! The relay checks signatures, purposes and subscribe proofs but never holds
//! a key and never sees plaintext. What it enforces:
//! - changes need the writer key, retirement the owner key, introductions and
//!   signals the reader key every member has; a signal is never stored and a
//!   stored purpose never sent as a signal;
//! - reading needs a proof of the reader key (or the inbox key) made for this
//!   relay's origin and this connection's challenge;
//! - the limits in [`RelayLimits`], per connection.

use std::collections::{BTreeSet, HashMap};

use super::inbox::{delete_message, inbox_id_for, InboxPost};
use super::keys::{subscribe_message, verify, DocumentPublic};
use super::purpose::Purpose;
use super::relay_limits::{RelayLimits, Window, MAX_NOTICE_BYTES, MAX_SIGNAL_BYTES};
use super::rendezvous::{Rendezvous, RendezvousRefusal};
use super::role::Role;
use super::sealed_chunk::{ChunkError, SealedChunk};
use super::sync_id::SyncId;
use super::wire::{decode, ClientMessage, ErrorCode, RelayMessage, PROTOCOL_VERSION};

/// A connection, numbered by the adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnectionId(pub u64);

/// What the relay keeps: a document's chunk or an inbox's letter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StoredItem {
    Chunk(SealedChunk),
    Letter(InboxPost),
}

impl StoredItem {
    /// The document or inbox it belongs to.
    pub fn id(&self) -> SyncId {
        match self {
            StoredItem::Chunk(chunk) => chunk.document(),
            StoredItem::Letter(post) => post.inbox_id(),
        }
    }

    /// Whether storing it retires its document (no later writes).
    pub fn retires(&self) -> bool {
        matches!(self, StoredItem::Chunk(chunk) if chunk.purpose == Purpose::Retire)
    }

    /// Bytes it holds (what limits count).
    pub fn size(&self) -> usize {
        match self {
            StoredItem::Chunk(chunk) => chunk.ciphertext.len(),
            StoredItem::Letter(post) => post.ciphertext.len(),
        }
    }

    fn into_message(self, seq: u64) -> RelayMessage {
        match self {
            StoredItem::Chunk(chunk) => RelayMessage::Chunk { seq, chunk },
            StoredItem::Letter(post) => RelayMessage::Letter { seq, post },
        }
    }
}

/// What the adapter must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Send(ConnectionId, RelayMessage),
    /// The same message to several connections: encode it once.
    Broadcast(Vec<ConnectionId>, RelayMessage),
    /// Store durably as the id's next sequence number (refusing it if the
    /// document is retired or over its quota), then call
    /// [`Relay::handle_stored`] or [`Relay::handle_store_refused`].
    Store { from: ConnectionId, client_ref: u64, item: StoredItem },
    /// Load at most `limit` items after `after_seq`, stopping after the item
    /// that brings the page to `max_bytes` (at least one item), then call
    /// [`Relay::handle_loaded`].
    LoadSince { to: ConnectionId, id: SyncId, after_seq: u64, limit: usize, max_bytes: usize },
    /// Load what this instance has not yet forwarded of a document or inbox
    /// (as [`Effect::LoadSince`]), then call [`Relay::handle_fetched`].
    Fetch { id: SyncId, after_seq: u64, limit: usize, max_bytes: usize },
    /// Delete an inbox's letters up to `through_seq` (its owner read them).
    DeleteLetters { inbox: SyncId, through_seq: u64 },
    Close(ConnectionId),
    /// Tell the other relay instances sharing the store, if any; they pass
    /// it to [`Relay::handle_shared`].
    Share(Shared),
}

/// What relay instances sharing a store tell each other besides stored
/// items: what is never stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Shared {
    /// A signal (presence, heads) for the document's members on every instance.
    Signal(SealedChunk),
    /// A side of a mutual wish, which may meet one posted on another instance.
    Rendezvous { token: [u8; 32], side: [u8; 32] },
}

/// How far this instance has forwarded one document's (or inbox's) items
/// to its subscribers. Kept while it has subscribers here.
#[derive(Debug, Default)]
struct Cursor {
    /// The last item forwarded; unknown until a first backlog says where
    /// the store stands.
    forwarded: Option<u64>,
    /// The highest sequence number heard of (stored here or elsewhere).
    heard: u64,
    /// A fetch is under way: hints meanwhile only raise `heard`.
    fetching: bool,
    /// `heard` when the fetch under way was asked for.
    heard_at_fetch: u64,
}

#[derive(Debug)]
struct Connection {
    challenge: [u8; 32],
    /// The host the client connected to: proofs must name it.
    origin: String,
    greeted: bool,
    connected_ms: i64,
    heard_ms: i64,
    subscriptions: BTreeSet<SyncId>,
    /// Subscriptions whose backlog is still being loaded, with the chunks
    /// stored meanwhile: these wait until the backlog is sent rather than
    /// overtake it.
    catching_up: HashMap<SyncId, CatchingUp>,
    /// Per live subscription, the last sequence number sent: a backlog may
    /// have read further than this instance had forwarded.
    sent: HashMap<SyncId, u64>,
    messages: Window,
    subscribes: Window,
}

/// A subscription whose backlog is loading.
#[derive(Debug, Default)]
struct CatchingUp {
    /// The last sequence number sent to it so far (from where it asked).
    sent: u64,
    /// The highest sequence number of an item actually read for it: what
    /// it asked for says nothing of where the store stands.
    read: u64,
    /// Items forwarded meanwhile, in order.
    waiting: Vec<(u64, StoredItem)>,
}

/// Every connection and who follows which document or inbox.
#[derive(Debug, Default)]
pub struct Relay {
    limits: RelayLimits,
    connections: HashMap<ConnectionId, Connection>,
    subscribers: HashMap<SyncId, BTreeSet<ConnectionId>>,
    /// Per followed id: what has gone out, so items go out in order.
    cursors: HashMap<SyncId, Cursor>,
    /// Other instances share the store: pass them signals and wishes.
    shared: bool,
    /// Mutual wishes waiting for their other side.
    rendezvous: Rendezvous,
}

fn error(to: ConnectionId, code: ErrorCode, message: impl Into<String>) -> Effect {
    Effect::Send(to, RelayMessage::Error { code, message: message.into(), client_ref: None, id: None, retry_after_ms: None })
}

fn refused(to: ConnectionId, client_ref: u64, code: ErrorCode, message: impl Into<String>, retry_after_ms: Option<u64>) -> Effect {
    Effect::Send(to, RelayMessage::Error { code, message: message.into(), client_ref: Some(client_ref), id: None, retry_after_ms })
}

fn subscription_error(to: ConnectionId, id: SyncId, code: ErrorCode, message: &str) -> Effect {
    Effect::Send(to, RelayMessage::Error { code, message: message.into(), client_ref: None, id: Some(id), retry_after_ms: None })
}

fn chunk_error_code(err: &ChunkError) -> ErrorCode {
    match err {
        ChunkError::BadSignature => ErrorCode::BadSignature,
        _ => ErrorCode::MalformedFrame,
    }
}

impl Relay {
    pub fn new(limits: RelayLimits) -> Self {
        Relay { limits, ..Relay::default() }
    }

    pub fn limits(&self) -> &RelayLimits {
        &self.limits
    }

    /// Other relay instances share the store: signals and mutual wishes
    /// posted here go to them too ([`Effect::Share`]).
    pub fn share_with_other_instances(&mut self) {
        self.shared = true;
    }

    pub fn connection_count(&self) -> usize {
        self.connections.len()
    }

    pub fn subscriber_count(&self, id: &SyncId) -> usize {
        self.subscribers.get(id).map_or(0, BTreeSet::len)
    }

    /// Subscriptions one connection holds (for tests and metrics).
    pub fn subscriptions_of(&self, conn: ConnectionId) -> usize {
        self.connections.get(&conn).map_or(0, |c| c.subscriptions.len())
    }

    /// A socket opened. `challenge` must be fresh random bytes; `origin` is
    /// the host the client connected to (the `Host` header).
    pub fn handle_connect(&mut self, conn: ConnectionId, challenge: [u8; 32], origin: &str, now_ms: i64) -> Vec<Effect> {
        self.connections.insert(
            conn,
            Connection {
                challenge,
                origin: origin.to_owned(),
                greeted: false,
                connected_ms: now_ms,
                heard_ms: now_ms,
                subscriptions: BTreeSet::new(),
                catching_up: HashMap::new(),
                sent: HashMap::new(),
                messages: Window::new(now_ms),
                subscribes: Window::new(now_ms),
            },
        );
        vec![Effect::Send(conn, RelayMessage::Welcome { version: PROTOCOL_VERSION, challenge, relay_time_ms: now_ms })]
    }

    /// The connection showed it is alive (a pong).
    pub fn handle_heard(&mut self, conn: ConnectionId, now_ms: i64) {
        if let Some(connection) = self.connections.get_mut(&conn) {
            connection.heard_ms = now_ms;
        }
    }

    /// Close connections that did not say hello in time or went silent.
    pub fn handle_tick(&mut self, now_ms: i64) -> Vec<Effect> {
        let limits = self.limits;
        let late: Vec<(ConnectionId, &'static str)> = self
            .connections
            .iter()
            .filter_map(|(conn, c)| {
                if !c.greeted && now_ms - c.connected_ms >= limits.hello_deadline_ms {
                    Some((*conn, "no hello in time"))
                } else if now_ms - c.heard_ms >= limits.idle_timeout_ms {
                    Some((*conn, "silent for too long"))
                } else {
                    None
                }
            })
            .collect();
        self.rendezvous.expire(now_ms);
        let mut effects = Vec::new();
        for (conn, why) in late {
            self.handle_disconnect(conn);
            effects.push(error(conn, ErrorCode::Timeout, why));
            effects.push(Effect::Close(conn));
        }
        effects
    }

    /// One binary frame from a connection.
    pub fn handle_frame(&mut self, conn: ConnectionId, frame: &[u8], now_ms: i64) -> Vec<Effect> {
        let Some(connection) = self.connections.get_mut(&conn) else { return Vec::new() };
        connection.heard_ms = now_ms;
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
            ClientMessage::Subscribe { public, from_seq, proof } => self.subscribe_document(conn, public, from_seq, &proof, now_ms),
            ClientMessage::SubscribeInbox { inbox, from_seq, proof } => self.subscribe_inbox(conn, inbox, from_seq, &proof, now_ms),
            ClientMessage::Unsubscribe { id } => {
                if let Some(connection) = self.connections.get_mut(&conn) {
                    connection.subscriptions.remove(&id);
                    connection.catching_up.remove(&id);
                    connection.sent.remove(&id);
                }
                self.unsubscribe(conn, id);
                Vec::new()
            }
            ClientMessage::Push { chunk, client_ref } => self.push(conn, chunk, client_ref, now_ms),
            ClientMessage::Post { post, client_ref } => self.post(conn, post, client_ref, now_ms),
            ClientMessage::Ephemeral { chunk } => self.signal(conn, chunk, now_ms),
            ClientMessage::DeleteLetters { inbox, through_seq, proof } => {
                let id = inbox_id_for(&inbox);
                let Some(connection) = self.connections.get(&conn) else { return Vec::new() };
                if !verify(&inbox, &delete_message(&connection.origin, &id, through_seq), &proof) {
                    return vec![error(conn, ErrorCode::ProofRequired, "only the inbox's owner may delete its letters")];
                }
                vec![Effect::DeleteLetters { inbox: id, through_seq }]
            }
            ClientMessage::Rendezvous { token, side } => self.meet(conn, token, side, now_ms),
        }
    }

    /// A side posts a rendezvous token: answered only once two sides have.
    fn meet(&mut self, conn: ConnectionId, token: [u8; 32], side: [u8; 32], now_ms: i64) -> Vec<Effect> {
        let limits = self.limits;
        let Some(connection) = self.connections.get_mut(&conn) else { return Vec::new() };
        if let Err(wait) = connection.messages.take(now_ms, limits.window_ms, limits.messages_per_window) {
            return vec![Effect::Send(
                conn,
                RelayMessage::Error { code: ErrorCode::RateLimited, message: "too many messages at once; retry shortly".into(), client_ref: None, id: None, retry_after_ms: Some(wait) },
            )];
        }
        let share = self.shared.then_some(Effect::Share(Shared::Rendezvous { token, side }));
        match self.rendezvous.post(conn, token, side, now_ms) {
            Ok(told) if told.is_empty() => share.into_iter().collect(),
            Ok(told) => std::iter::once(Effect::Broadcast(told, RelayMessage::Met { token })).chain(share).collect(),
            Err(RendezvousRefusal::TooMany) => vec![error(conn, ErrorCode::QuotaExceeded, "this connection has posted as many wishes as one may")],
        }
    }

    /// Count a subscription against the connection's rate and size limits.
    fn admit_subscription(&mut self, conn: ConnectionId, id: SyncId, now_ms: i64) -> Result<(), Effect> {
        let limits = self.limits;
        let connection = self.connections.get_mut(&conn).expect("checked by the caller");
        let refuse = |code, message: &str, retry_after_ms| {
            Effect::Send(conn, RelayMessage::Error { code, message: message.into(), client_ref: None, id: Some(id), retry_after_ms })
        };
        // A subscription asked for again (to read a backlog again) counts
        // against the rate like a new one.
        if !connection.subscriptions.contains(&id) && connection.subscriptions.len() >= limits.max_subscriptions {
            return Err(refuse(ErrorCode::TooManySubscriptions, "this connection follows as many documents as one may", None));
        }
        connection
            .subscribes
            .take(now_ms, limits.window_ms, limits.subscribes_per_window)
            .map_err(|wait| refuse(ErrorCode::RateLimited, "too many subscriptions at once; retry shortly", Some(wait)))
    }

    fn subscribe_document(&mut self, conn: ConnectionId, public: DocumentPublic, from_seq: u64, proof: &[u8], now_ms: i64) -> Vec<Effect> {
        let id = public.id();
        // The cheap checks first: a flood costs no signature checks.
        if let Err(refusal) = self.admit_subscription(conn, id, now_ms) {
            return vec![refusal];
        }
        let Some(connection) = self.connections.get(&conn) else { return Vec::new() };
        let message = subscribe_message(&connection.origin, &id, &connection.challenge);
        if !public.verify(Role::Reader, &message, proof) {
            return vec![subscription_error(conn, id, ErrorCode::ProofRequired, "no proof of the document's reader key for this relay")];
        }
        self.start_subscription(conn, id, from_seq)
    }

    fn subscribe_inbox(&mut self, conn: ConnectionId, inbox: [u8; 32], from_seq: u64, proof: &[u8], now_ms: i64) -> Vec<Effect> {
        let id = inbox_id_for(&inbox);
        if let Err(refusal) = self.admit_subscription(conn, id, now_ms) {
            return vec![refusal];
        }
        let Some(connection) = self.connections.get(&conn) else { return Vec::new() };
        if !verify(&inbox, &subscribe_message(&connection.origin, &id, &connection.challenge), proof) {
            return vec![subscription_error(conn, id, ErrorCode::ProofRequired, "no proof of the inbox key for this relay")];
        }
        self.start_subscription(conn, id, from_seq)
    }

    fn start_subscription(&mut self, conn: ConnectionId, id: SyncId, from_seq: u64) -> Vec<Effect> {
        let (limit, max_bytes) = (self.limits.backlog_page, self.limits.backlog_page_bytes);
        let connection = self.connections.get_mut(&conn).expect("admitted");
        connection.subscriptions.insert(id);
        connection.catching_up.insert(id, CatchingUp { sent: from_seq, read: 0, waiting: Vec::new() });
        self.subscribers.entry(id).or_default().insert(conn);
        self.cursors.entry(id).or_default();
        vec![Effect::LoadSince { to: conn, id, after_seq: from_seq, limit, max_bytes }]
    }

    /// Rate and size limits for everything a connection sends to be stored or forwarded.
    fn admit_message(&mut self, conn: ConnectionId, bytes: usize, max: usize, now_ms: i64) -> Result<(), (ErrorCode, String, Option<u64>)> {
        let limits = self.limits;
        let connection = self.connections.get_mut(&conn).ok_or((ErrorCode::Internal, "gone".to_string(), None))?;
        connection
            .messages
            .take(now_ms, limits.window_ms, limits.messages_per_window)
            .map_err(|wait| (ErrorCode::RateLimited, "too many messages; slow down and retry".to_string(), Some(wait)))?;
        if bytes > max {
            return Err((ErrorCode::ChunkTooLarge, format!("{bytes} bytes is over the {max}-byte limit"), None));
        }
        Ok(())
    }

    fn push(&mut self, conn: ConnectionId, chunk: SealedChunk, client_ref: u64, now_ms: i64) -> Vec<Effect> {
        let max = match chunk.purpose {
            Purpose::Change => self.limits.max_chunk_bytes,
            Purpose::Member | Purpose::Retire => MAX_NOTICE_BYTES,
            Purpose::Signal => {
                return vec![refused(conn, client_ref, ErrorCode::WrongPurpose, "signals are forwarded, never stored", None)];
            }
        };
        if let Err((code, message, wait)) = self.admit_message(conn, chunk.ciphertext.len(), max, now_ms) {
            return vec![refused(conn, client_ref, code, message, wait)];
        }
        if let Err(err) = chunk.verify() {
            return vec![refused(conn, client_ref, chunk_error_code(&err), err.to_string(), None)];
        }
        vec![Effect::Store { from: conn, client_ref, item: StoredItem::Chunk(chunk) }]
    }

    fn post(&mut self, conn: ConnectionId, post: InboxPost, client_ref: u64, now_ms: i64) -> Vec<Effect> {
        let max = self.limits.max_chunk_bytes;
        if let Err((code, message, wait)) = self.admit_message(conn, post.ciphertext.len(), max, now_ms) {
            return vec![refused(conn, client_ref, code, message, wait)];
        }
        vec![Effect::Store { from: conn, client_ref, item: StoredItem::Letter(post) }]
    }

    fn signal(&mut self, conn: ConnectionId, chunk: SealedChunk, now_ms: i64) -> Vec<Effect> {
        if chunk.purpose != Purpose::Signal {
            return vec![error(conn, ErrorCode::WrongPurpose, "only signals are forwarded without being stored")];
        }
        if let Err((code, message, _)) = self.admit_message(conn, chunk.ciphertext.len(), MAX_SIGNAL_BYTES, now_ms) {
            return vec![error(conn, code, message)];
        }
        if let Err(err) = chunk.verify() {
            return vec![error(conn, chunk_error_code(&err), err.to_string())];
        }
        let doc = chunk.document();
        if !self.connections.get(&conn).is_some_and(|c| c.subscriptions.contains(&doc)) {
            return vec![error(conn, ErrorCode::NotSubscribed, "subscribe before sending signals")];
        }
        let to: Vec<ConnectionId> = self.others(conn, &doc).collect();
        let mut effects = Vec::new();
        if self.shared {
            effects.push(Effect::Share(Shared::Signal(chunk.clone())));
        }
        if !to.is_empty() {
            effects.push(Effect::Broadcast(to, RelayMessage::Ephemeral { chunk }));
        }
        effects
    }

    /// Another relay instance sharing the store passed on a signal or a
    /// rendezvous side. Checked as if a client had sent it: a signal must
    /// be one, within its size, and signed by a member.
    pub fn handle_shared(&mut self, shared: Shared, now_ms: i64) -> Vec<Effect> {
        match shared {
            Shared::Signal(chunk) => {
                // Nobody here follows it: not worth a signature check.
                let to: Vec<ConnectionId> = self.subscribers.get(&chunk.document()).into_iter().flatten().copied().collect();
                if to.is_empty() || chunk.purpose != Purpose::Signal || chunk.ciphertext.len() > MAX_SIGNAL_BYTES || chunk.verify().is_err() {
                    return Vec::new();
                }
                vec![Effect::Broadcast(to, RelayMessage::Ephemeral { chunk })]
            }
            Shared::Rendezvous { token, side } => {
                let told = self.rendezvous.post_elsewhere(token, side, now_ms);
                if told.is_empty() {
                    return Vec::new();
                }
                vec![Effect::Broadcast(told, RelayMessage::Met { token })]
            }
        }
    }

    fn others(&self, conn: ConnectionId, id: &SyncId) -> impl Iterator<Item = ConnectionId> + '_ {
        self.subscribers.get(id).into_iter().flatten().copied().filter(move |c| *c != conn)
    }

    /// The adapter stored an item durably as `seq`: acknowledge it and
    /// forward it to everyone else following its document or inbox (held
    /// back for those still loading their backlog). Stores may finish in
    /// any order: an item that is not the next one to forward makes the
    /// relay fetch what lies between from the store.
    pub fn handle_stored(&mut self, from: ConnectionId, client_ref: u64, seq: u64, item: StoredItem) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.connections.contains_key(&from) {
            effects.push(Effect::Send(from, RelayMessage::Ack { client_ref, seq }));
        }
        effects.extend(self.forward(item.id(), seq, Some((from, item))));
        effects
    }

    /// Another instance sharing the store stored `(id, seq)`, or a timer
    /// read `seq` as the id's head: fetch what this instance has not
    /// forwarded yet. Hints may come late, twice, out of order or never.
    pub fn handle_stored_elsewhere(&mut self, id: SyncId, seq: u64) -> Vec<Effect> {
        self.forward(id, seq, None)
    }

    /// The ids followed here, whose heads a timer compares (a lost
    /// notification is then only late).
    pub fn followed(&self) -> Vec<SyncId> {
        self.cursors.keys().copied().collect()
    }

    /// Items this instance has forwarded of `id` (for tests and metrics).
    pub fn forwarded(&self, id: &SyncId) -> Option<u64> {
        self.cursors.get(id).and_then(|c| c.forwarded)
    }

    fn forward(&mut self, id: SyncId, seq: u64, item: Option<(ConnectionId, StoredItem)>) -> Vec<Effect> {
        let Some(cursor) = self.cursors.get_mut(&id) else { return Vec::new() };
        cursor.heard = cursor.heard.max(seq);
        match (cursor.forwarded, item) {
            // Until a backlog says where the store stands, it sets the start.
            (None, _) => Vec::new(),
            (Some(last), _) if seq <= last => Vec::new(),
            (Some(last), Some((from, item))) if seq == last + 1 && !cursor.fetching => {
                cursor.forwarded = Some(seq);
                self.deliver(Some(from), id, seq, item)
            }
            _ => self.fetch(id),
        }
    }

    /// Ask the store for what follows the cursor, unless a fetch is under way.
    fn fetch(&mut self, id: SyncId) -> Vec<Effect> {
        let (limit, max_bytes) = (self.limits.backlog_page, self.limits.backlog_page_bytes);
        let Some(cursor) = self.cursors.get_mut(&id) else { return Vec::new() };
        match cursor.forwarded {
            Some(after_seq) if !cursor.fetching && cursor.heard > after_seq => {
                cursor.fetching = true;
                cursor.heard_at_fetch = cursor.heard;
                vec![Effect::Fetch { id, after_seq, limit, max_bytes }]
            }
            _ => Vec::new(),
        }
    }

    /// The adapter loaded what followed the cursor: forward it in order,
    /// and fetch again if more was heard of meanwhile. The store is the
    /// truth: it commits each id's items in sequence order, so a gap in
    /// what it returns is an inbox's deleted letters, never a late item.
    pub fn handle_fetched(&mut self, id: SyncId, items: Vec<(u64, StoredItem)>, head_seq: u64) -> Vec<Effect> {
        let Some(cursor) = self.cursors.get_mut(&id) else { return Vec::new() };
        cursor.fetching = false;
        let Some(mut last) = cursor.forwarded else { return Vec::new() };
        let mut effects = Vec::new();
        let mut progressed = false;
        for (seq, item) in items {
            if seq > last {
                last = seq;
                progressed = true;
                effects.extend(self.deliver(None, id, seq, item));
            }
        }
        let Some(cursor) = self.cursors.get_mut(&id) else { return effects };
        if !progressed && head_seq > last {
            // Nothing after the cursor up to the head read first: those
            // items were deleted (an inbox's read letters).
            last = head_seq;
        }
        cursor.forwarded = Some(last);
        cursor.heard = cursor.heard.max(head_seq);
        if !progressed && cursor.heard <= cursor.heard_at_fetch {
            // A hint of something the store does not hold, and nothing new
            // heard meanwhile: let it go (the next hint or comparison of
            // heads asks again if it ever appears).
            cursor.heard = cursor.heard.min(last);
        }
        effects.extend(self.fetch(id));
        effects
    }

    /// The adapter could not fetch: the cursor stays where it was and the
    /// next hint (or comparison of heads) asks again.
    pub fn handle_fetch_failed(&mut self, id: SyncId) {
        if let Some(cursor) = self.cursors.get_mut(&id) {
            cursor.fetching = false;
        }
    }

    /// The adapter could not load a subscriber's backlog: end the
    /// subscription (rather than hold what arrives for it) and tell the
    /// client to subscribe again shortly.
    pub fn handle_load_failed(&mut self, to: ConnectionId, id: SyncId) -> Vec<Effect> {
        let Some(connection) = self.connections.get_mut(&to) else { return Vec::new() };
        connection.subscriptions.remove(&id);
        connection.catching_up.remove(&id);
        connection.sent.remove(&id);
        self.unsubscribe(to, id);
        vec![Effect::Send(
            to,
            RelayMessage::Error { code: ErrorCode::Internal, message: "Something went wrong; subscribe again shortly".into(), client_ref: None, id: Some(id), retry_after_ms: Some(2_000) },
        )]
    }

    /// Send `seq` to every subscriber here but its sender (held back for
    /// those still loading their backlog).
    fn deliver(&mut self, from: Option<ConnectionId>, id: SyncId, seq: u64, item: StoredItem) -> Vec<Effect> {
        let others: Vec<ConnectionId> = self.subscribers.get(&id).into_iter().flatten().copied().filter(|c| Some(*c) != from).collect();
        let mut effects = Vec::new();
        let mut live = Vec::new();
        for to in others {
            let Some(connection) = self.connections.get_mut(&to) else { continue };
            let Some(waiting) = connection.catching_up.get_mut(&id).map(|c| &mut c.waiting) else {
                let sent = connection.sent.entry(id).or_default();
                if *sent < seq {
                    *sent = seq;
                    live.push(to);
                }
                continue;
            };
            let waiting_bytes: usize = waiting.iter().map(|(_, item)| item.size()).sum();
            if waiting.len() >= self.limits.max_waiting_while_catching_up || waiting_bytes + item.size() > self.limits.max_waiting_bytes {
                self.handle_disconnect(to);
                effects.push(Effect::Close(to));
            } else {
                waiting.push((seq, item.clone()));
            }
        }
        if !live.is_empty() {
            effects.push(Effect::Broadcast(live, item.into_message(seq)));
        }
        effects
    }

    /// The store refused an item (the document is retired, or a quota is
    /// reached): tell the sender which push it was.
    pub fn handle_store_refused(&mut self, from: ConnectionId, client_ref: u64, code: ErrorCode, message: &str) -> Vec<Effect> {
        if !self.connections.contains_key(&from) {
            return Vec::new();
        }
        vec![refused(from, client_ref, code, message, None)]
    }

    /// The adapter loaded a page of what a subscriber missed (at most the
    /// limit it was asked for): send it; then the next page, or, once the
    /// backlog is done, what was stored meanwhile and is not in it, in
    /// sequence order. From then on the subscriber gets items as they are
    /// stored. `head_seq` is the id's last sequence number.
    pub fn handle_loaded(&mut self, to: ConnectionId, id: SyncId, items: Vec<(u64, StoredItem)>, head_seq: u64) -> Vec<Effect> {
        let (limit, max_bytes) = (self.limits.backlog_page, self.limits.backlog_page_bytes);
        let Some(connection) = self.connections.get_mut(&to).filter(|c| c.subscriptions.contains(&id)) else {
            return Vec::new();
        };
        let Some(catching_up) = connection.catching_up.get_mut(&id) else { return Vec::new() };
        let more = items.last().is_some_and(|(seq, _)| *seq < head_seq);
        let read_something = !items.is_empty();
        let mut last = items.last().map_or(catching_up.sent, |(seq, _)| *seq).max(catching_up.sent);
        catching_up.sent = last;
        catching_up.read = items.last().map_or(catching_up.read, |(seq, _)| *seq).max(catching_up.read);
        let mut effects: Vec<Effect> = items.into_iter().map(|(seq, item)| Effect::Send(to, item.into_message(seq))).collect();
        // What went out here before this subscription began must be in its
        // backlog; when another backlog set the cursor beyond what this one
        // read, and nothing waiting joins on, read on. An empty page with
        // the head at or past the cursor means the rest was deleted (an
        // inbox's read letters): head numbers never go down.
        let forwarded = self.cursors.get(&id).and_then(|c| c.forwarded);
        let joins = |waiting: &[(u64, StoredItem)]| waiting.first().is_some_and(|(seq, _)| *seq <= last + 1);
        if more || forwarded.is_some_and(|f| f > last && !joins(&catching_up.waiting) && (read_something || head_seq < f)) {
            effects.push(Effect::LoadSince { to, id, after_seq: last, limit, max_bytes });
            return effects;
        }
        let (waiting, mut read) = connection.catching_up.remove(&id).map(|c| (c.waiting, c.read)).unwrap_or_default();
        for (seq, item) in waiting {
            read = read.max(seq);
            if seq > last {
                last = seq;
                effects.push(Effect::Send(to, item.into_message(seq)));
            }
        }
        effects.push(Effect::Send(to, RelayMessage::CaughtUp { id, seq: head_seq.max(last) }));
        connection.sent.insert(id, head_seq.max(last));
        // The first backlog here to finish says where forwarding starts;
        // whatever was heard of beyond it is fetched.
        // Where the store stood, from what was read, never from what the
        // client asked for (a number past the head would stop forwarding).
        if let Some(cursor) = self.cursors.get_mut(&id) {
            if cursor.forwarded.is_none() {
                cursor.forwarded = Some(head_seq.max(read));
                effects.extend(self.fetch(id));
            }
        }
        effects
    }

    fn unsubscribe(&mut self, conn: ConnectionId, id: SyncId) {
        if let Some(set) = self.subscribers.get_mut(&id) {
            set.remove(&conn);
            if set.is_empty() {
                self.subscribers.remove(&id);
                self.cursors.remove(&id);
            }
        }
    }

    /// A socket closed: forget it and its subscriptions.
    pub fn handle_disconnect(&mut self, conn: ConnectionId) {
        self.rendezvous.disconnect(conn);
        if let Some(connection) = self.connections.remove(&conn) {
            for id in connection.subscriptions {
                self.unsubscribe(conn, id);
            }
        }
    }
}
