//! One device's side of a relay connection, as a state machine.
//!
//! Call order for an adapter (the app's WebSocket):
//! 1. [`SyncClient::new`] with the relay's origin and what IndexedDB kept
//!    (unacknowledged pushes and letters); [`SyncClient::track`] each shared
//!    document with its last sequence number, [`SyncClient::follow_inbox`]
//!    the device's inbox;
//! 2. socket open: [`SyncClient::handle_connected`]; each frame:
//!    [`SyncClient::handle_frame`]; socket closed:
//!    [`SyncClient::handle_disconnected`] (which says when to reconnect);
//!    after a [`ClientEffect::RetryAfter`] delay: [`SyncClient::handle_retry`];
//! 3. a local edit to send: [`SyncClient::push`] (also `introduce`, `retire`,
//!    `signal`, `post`);
//! 4. carry out every [`ClientEffect`]: persist what it says to persist
//!    before anything else, so nothing unacknowledged is lost on reload.
//!
//! What it refuses to believe of the relay: a document's chunks must come
//! without gaps (a gap is asked for again, and reported as withheld if the
//! relay keeps skipping); a change counts as at the relay only once
//! acknowledged; a chunk whose author is not a member is ignored; signals
//! count only while fresh.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::inbox::{InboxAddress, InboxKeys, InboxPost, Letter, LetterError};
use super::keys::DocumentKeys;
use super::member::{MemberCert, MemberInfo, MemberKeys};
use super::purpose::Purpose;
use super::sealed_chunk::{ChunkError, SealedChunk};
use super::signal::Signal;
use super::sync_id::SyncId;
use super::wire::{decode, ClientMessage, ErrorCode, RelayMessage, PROTOCOL_VERSION};
use crate::SyncStatus;

/// Reconnect delays: doubling from this, capped below.
const BACKOFF_START_MS: f64 = 500.0;
const BACKOFF_CAP_MS: f64 = 30_000.0;
/// Subscriptions sent at once; more follow a second later (the relay limits
/// how many a connection starts per second).
pub const SUBSCRIBE_BATCH: usize = 500;
/// Times a gap is asked for again before it counts as withheld.
const GAP_RETRIES: u32 = 3;
/// How far ahead of what this device has read an acknowledgement may
/// number a chunk; further is a lie (it would switch off the heads exchange).
const ACK_AHEAD: u64 = 1_000_000;

/// Something waiting for the relay's acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outgoing {
    Push(SealedChunk),
    Post(InboxPost),
}

impl Outgoing {
    fn id(&self) -> SyncId {
        match self {
            Outgoing::Push(chunk) => chunk.document(),
            Outgoing::Post(post) => post.inbox_id(),
        }
    }

    fn message(&self, client_ref: u64) -> ClientMessage {
        match self.clone() {
            Outgoing::Push(chunk) => ClientMessage::Push { chunk, client_ref },
            Outgoing::Post(post) => ClientMessage::Post { post, client_ref },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEffect {
    Send(ClientMessage),
    /// A member's changes to load into the document.
    Deliver { doc: SyncId, changes: Vec<u8>, author: MemberCert },
    /// A member introduced themselves (name, inboxes).
    MemberIntroduced { doc: SyncId, author: MemberCert, info: MemberInfo },
    /// The owner retired the document: it takes no more writes here.
    /// `notice` is the owner's reason (see `rotation`), if one came.
    Retired { doc: SyncId, notice: Option<Vec<u8>> },
    /// Keep this until it is acknowledged (IndexedDB).
    PersistPending { client_ref: u64, item: Outgoing },
    /// The relay stored it as `seq`: forget the kept copy; a push's changes
    /// now count as at the relay.
    Acknowledged { client_ref: u64, id: SyncId, seq: u64 },
    /// It will never be accepted (the document was left or retired): forget
    /// the kept copy. The changes stay in the document.
    Dropped { client_ref: u64 },
    /// Remember the last sequence number read without a gap.
    PersistCursor { id: SyncId, seq: u64 },
    /// Open a new socket after this many milliseconds.
    ReconnectAfter { ms: u64 },
    /// Call [`SyncClient::handle_retry`] after this many milliseconds.
    RetryAfter { ms: u64 },
    /// A letter in one of this device's inboxes, opened.
    Letter { inbox: SyncId, seq: u64, letter: Letter },
    /// A member's fresh signal (presence, heads); never stored.
    Signal { doc: SyncId, author: MemberCert, signal: Signal },
    /// Everything the relay holds of the document has been read.
    CaughtUp { doc: SyncId, seq: u64 },
    /// The relay skipped part of the document and kept skipping it.
    Withheld { doc: SyncId },
    /// A chunk or letter was set aside (not a member's, damaged, forged).
    Ignored { id: SyncId, reason: String },
    /// A rendezvous token this device posted met its other side.
    Met { token: [u8; 32] },
    /// The relay refused something for good; show or log it.
    Refused { code: ErrorCode, message: String, id: Option<SyncId> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subscription {
    /// Not yet asked for on this connection.
    Unsent,
    /// Asked for; the backlog is arriving.
    Loading,
    /// Caught up; live chunks arrive as they are stored.
    Live,
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
    member: MemberKeys,
    last_seq: u64,
    /// This device's own acknowledged chunks ahead of `last_seq`: the relay
    /// does not send a device its own chunks.
    own: BTreeSet<u64>,
    subscription: Subscription,
    gap_retries: u32,
    retired: bool,
    withheld: bool,
}

#[derive(Debug)]
struct TrackedInbox {
    keys: InboxKeys,
    last_seq: u64,
    subscription: Subscription,
}

/// Why a local change could not be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    #[error("this document is not shared from this device")]
    NotFollowed,
    #[error("you can read this document but not change it")]
    NotAWriter,
    #[error("its owner closed this document; your changes stay on this device")]
    Retired,
    #[error("this change could not be sealed")]
    CannotSeal,
}

#[derive(Debug)]
pub struct SyncClient {
    origin: String,
    connection: Connection,
    documents: BTreeMap<SyncId, Tracked>,
    inboxes: BTreeMap<SyncId, TrackedInbox>,
    pending: BTreeMap<u64, Outgoing>,
    /// Pending items the relay asked to send again later.
    to_resend: BTreeSet<u64>,
    next_ref: u64,
    /// Rendezvous tokens this device posts, with its side (see `rendezvous`).
    wishes: BTreeMap<[u8; 32], [u8; 32]>,
    /// A refusal that names nothing came while wishes were out: post them
    /// again on the retry (posting a wish twice is harmless).
    resend_wishes: bool,
}

impl SyncClient {
    /// A client for the relay at `origin` (its host, as in the socket's URL),
    /// restored from storage: unacknowledged items by reference.
    pub fn new(origin: &str, pending: Vec<(u64, Outgoing)>) -> Self {
        let next_ref = pending.iter().map(|(r, _)| r + 1).max().unwrap_or(1);
        SyncClient {
            origin: origin.to_owned(),
            connection: Connection::Offline { failures: 0 },
            documents: BTreeMap::new(),
            inboxes: BTreeMap::new(),
            pending: pending.into_iter().collect(),
            to_resend: BTreeSet::new(),
            next_ref,
            wishes: BTreeMap::new(),
            resend_wishes: false,
        }
    }

    /// Post a rendezvous `token` for `side`, now if connected and again on
    /// every connection; the relay answers with [`ClientEffect::Met`] once
    /// the other side posted too.
    pub fn wish(&mut self, token: [u8; 32], side: [u8; 32]) -> Vec<ClientEffect> {
        self.wishes.insert(token, side);
        match self.ready() {
            Some(_) => vec![ClientEffect::Send(ClientMessage::Rendezvous { token, side })],
            None => Vec::new(),
        }
    }

    /// Stop posting `token` again (the event is over). What the relay holds
    /// stays until it expires: a wish, once posted, is not taken back.
    pub fn forget_wish(&mut self, token: &[u8; 32]) {
        self.wishes.remove(token);
    }

    fn ready(&self) -> Option<[u8; 32]> {
        match self.connection {
            Connection::Ready { challenge, .. } => Some(challenge),
            _ => None,
        }
    }

    /// Follow a shared document, having read its chunks up to `last_seq`.
    pub fn track(&mut self, keys: DocumentKeys, member: MemberKeys, last_seq: u64) {
        let id = keys.id();
        self.documents.insert(
            id,
            Tracked { keys, member, last_seq, own: BTreeSet::new(), subscription: Subscription::Unsent, gap_retries: 0, retired: false, withheld: false },
        );
    }

    /// As [`Self::track`], and subscribe at once if connected (a newly
    /// shared or accepted document).
    pub fn follow(&mut self, keys: DocumentKeys, member: MemberKeys, last_seq: u64) -> Vec<ClientEffect> {
        let id = keys.id();
        self.track(keys, member, last_seq);
        self.subscribe(id).into_iter().collect()
    }

    fn subscribe(&mut self, id: SyncId) -> Option<ClientEffect> {
        let challenge = self.ready()?;
        let origin = self.origin.clone();
        if let Some(tracked) = self.documents.get_mut(&id) {
            tracked.subscription = Subscription::Loading;
            return Some(ClientEffect::Send(ClientMessage::Subscribe {
                public: *tracked.keys.public(),
                from_seq: tracked.last_seq,
                proof: tracked.keys.subscribe_proof(&origin, &challenge),
            }));
        }
        let inbox = self.inboxes.get_mut(&id)?;
        inbox.subscription = Subscription::Loading;
        Some(ClientEffect::Send(ClientMessage::SubscribeInbox {
            inbox: inbox.keys.address().verifying_key,
            from_seq: inbox.last_seq,
            proof: inbox.keys.subscribe_proof(&origin, &challenge),
        }))
    }

    /// Stop following a document (the user left it, or it moved to new
    /// keys): unsubscribe, and drop what was waiting to be sent with its
    /// keys, which nobody should receive any more.
    pub fn unfollow(&mut self, doc: &SyncId) -> Vec<ClientEffect> {
        if self.documents.remove(doc).is_none() {
            return Vec::new();
        }
        let mut effects = self.drop_pending_of(doc);
        if self.ready().is_some() {
            effects.push(ClientEffect::Send(ClientMessage::Unsubscribe { id: *doc }));
        }
        effects
    }

    /// Drop what waits to be sent for `id`, but a retirement: the owner
    /// closes a document just before letting go of its keys.
    fn drop_pending_of(&mut self, id: &SyncId) -> Vec<ClientEffect> {
        let retiring = |item: &Outgoing| matches!(item, Outgoing::Push(chunk) if chunk.purpose == Purpose::Retire);
        let dropped: Vec<u64> = self.pending.iter().filter(|(_, item)| item.id() == *id && !retiring(item)).map(|(r, _)| *r).collect();
        dropped
            .into_iter()
            .map(|client_ref| {
                self.pending.remove(&client_ref);
                self.to_resend.remove(&client_ref);
                ClientEffect::Dropped { client_ref }
            })
            .collect()
    }

    /// Fetch one of this device's inboxes, having read it up to `last_seq`;
    /// subscribes at once if connected.
    pub fn follow_inbox(&mut self, keys: InboxKeys, last_seq: u64) -> Vec<ClientEffect> {
        let id = keys.id();
        self.inboxes.insert(id, TrackedInbox { keys, last_seq, subscription: Subscription::Unsent });
        self.subscribe(id).into_iter().collect()
    }

    /// Delete this device's letters up to `through_seq` at the relay, once
    /// they are handled (the relay keeps no more than it must).
    pub fn delete_letters(&self, inbox: &SyncId, through_seq: u64) -> Vec<ClientEffect> {
        let (Some(_), Some(tracked)) = (self.ready(), self.inboxes.get(inbox)) else { return Vec::new() };
        vec![ClientEffect::Send(ClientMessage::DeleteLetters {
            inbox: tracked.keys.address().verifying_key,
            through_seq,
            proof: tracked.keys.delete_proof(&self.origin, through_seq),
        })]
    }

    fn enqueue(&mut self, item: Outgoing) -> Vec<ClientEffect> {
        let client_ref = self.next_ref;
        self.next_ref += 1;
        self.pending.insert(client_ref, item.clone());
        let mut effects = vec![ClientEffect::PersistPending { client_ref, item: item.clone() }];
        if self.ready().is_some() {
            effects.push(ClientEffect::Send(item.message(client_ref)));
        }
        effects
    }

    /// Post `body` sealed to someone's inbox, signed by `sender` (or
    /// anonymous). `ephemeral` and `nonce` must be fresh random bytes.
    /// Kept until acknowledged, like a push.
    pub fn post(&mut self, to: &InboxAddress, sender: Option<&InboxKeys>, ephemeral: [u8; 32], nonce: [u8; 24], body: &[u8]) -> Vec<ClientEffect> {
        let post = to.seal(sender, ephemeral, nonce, body);
        self.enqueue(Outgoing::Post(post))
    }

    fn seal(&self, doc: &SyncId, purpose: Purpose, nonce: [u8; 24], body: &[u8]) -> Result<SealedChunk, PushError> {
        let tracked = self.documents.get(doc).ok_or(PushError::NotFollowed)?;
        if tracked.retired && purpose != Purpose::Signal {
            return Err(PushError::Retired);
        }
        if tracked.keys.role() < purpose.signer() || tracked.member.cert().role < purpose.author_role() {
            return Err(PushError::NotAWriter);
        }
        SealedChunk::seal(&tracked.keys, &tracked.member, purpose, nonce, body).map_err(|_| PushError::CannotSeal)
    }

    /// Local changes to share. `nonce` must be fresh random bytes.
    pub fn push(&mut self, doc: &SyncId, nonce: [u8; 24], changes: &[u8]) -> Result<Vec<ClientEffect>, PushError> {
        let chunk = self.seal(doc, Purpose::Change, nonce, changes)?;
        Ok(self.enqueue(Outgoing::Push(chunk)))
    }

    /// Tell the document's other members who this member is.
    pub fn introduce(&mut self, doc: &SyncId, nonce: [u8; 24], info: &MemberInfo) -> Result<Vec<ClientEffect>, PushError> {
        let body = postcard::to_allocvec(info).map_err(|_| PushError::CannotSeal)?;
        let chunk = self.seal(doc, Purpose::Member, nonce, &body)?;
        Ok(self.enqueue(Outgoing::Push(chunk)))
    }

    /// The owner closes the document: the relay refuses every later write.
    pub fn retire(&mut self, doc: &SyncId, nonce: [u8; 24], notice: &[u8]) -> Result<Vec<ClientEffect>, PushError> {
        let chunk = self.seal(doc, Purpose::Retire, nonce, notice)?;
        Ok(self.enqueue(Outgoing::Push(chunk)))
    }

    /// Retire a document this device no longer follows (it just moved to new
    /// keys): sealed with the old keys, kept until acknowledged.
    pub fn retire_document(&mut self, keys: &DocumentKeys, owner: &MemberKeys, nonce: [u8; 24], notice: &[u8]) -> Result<Vec<ClientEffect>, PushError> {
        let chunk = SealedChunk::seal(keys, owner, Purpose::Retire, nonce, notice).map_err(|_| PushError::NotAWriter)?;
        Ok(self.enqueue(Outgoing::Push(chunk)))
    }

    /// A momentary signal for the document's other members: sent only while
    /// connected, never stored or retried.
    pub fn signal(&self, doc: &SyncId, nonce: [u8; 24], signal: &Signal) -> Vec<ClientEffect> {
        let live = self.documents.get(doc).is_some_and(|t| t.subscription != Subscription::Unsent);
        if self.ready().is_none() || !live {
            return Vec::new();
        }
        match self.seal(doc, Purpose::Signal, nonce, &signal.encode()) {
            Ok(chunk) => vec![ClientEffect::Send(ClientMessage::Ephemeral { chunk })],
            Err(_) => Vec::new(),
        }
    }

    /// What the shell's indicator shows.
    pub fn status(&self) -> SyncStatus {
        if self.ready().is_none() {
            return SyncStatus::Offline;
        }
        if self.documents.values().any(|t| t.withheld) {
            return SyncStatus::Withheld;
        }
        let loading = self.documents.values().filter(|t| t.subscription != Subscription::Live).count()
            + self.inboxes.values().filter(|t| t.subscription != Subscription::Live).count();
        match self.pending.len() + loading {
            0 => SyncStatus::UpToDate,
            _ => SyncStatus::Syncing { pending: self.pending.len() as u32 },
        }
    }

    /// Relay time minus local time, once connected: shared timers (workshop
    /// rounds) and signals use it.
    pub fn relay_offset_ms(&self) -> Option<i64> {
        match self.connection {
            Connection::Ready { relay_offset_ms, .. } => Some(relay_offset_ms),
            _ => None,
        }
    }

    /// The relay's clock at local time `now_ms` (the local clock before the
    /// first connection).
    pub fn relay_now(&self, now_ms: i64) -> i64 {
        now_ms + self.relay_offset_ms().unwrap_or(0)
    }

    /// Whether the document is followed.
    pub fn tracks(&self, doc: &SyncId) -> bool {
        self.documents.contains_key(doc)
    }

    /// The last sequence number read without a gap.
    pub fn last_seq(&self, doc: &SyncId) -> Option<u64> {
        self.documents.get(doc).map(|t| t.last_seq)
    }

    /// Whether everything the relay holds of the document has been read.
    pub fn is_caught_up(&self, doc: &SyncId) -> bool {
        self.documents.get(doc).is_some_and(|t| t.subscription == Subscription::Live)
    }

    /// Mark a document as missing changes that could not be recovered (or
    /// recovered at last): the indicator says so.
    pub fn set_withheld(&mut self, doc: &SyncId, withheld: bool) {
        if let Some(tracked) = self.documents.get_mut(doc) {
            tracked.withheld = withheld;
        }
    }

    pub fn is_retired(&self, doc: &SyncId) -> bool {
        self.documents.get(doc).is_some_and(|t| t.retired)
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
        for tracked in self.documents.values_mut() {
            tracked.subscription = Subscription::Unsent;
            tracked.own.clear();
        }
        for inbox in self.inboxes.values_mut() {
            inbox.subscription = Subscription::Unsent;
        }
        self.to_resend.clear();
        let delay = (BACKOFF_START_MS * 2f64.powi(failures as i32 - 1)).min(BACKOFF_CAP_MS);
        // Full jitter in the upper half, so a room of clients does not return at once.
        let ms = delay * (0.5 + jitter.clamp(0.0, 1.0) * 0.5);
        vec![ClientEffect::ReconnectAfter { ms: ms as u64 }]
    }

    /// The delay after a [`ClientEffect::RetryAfter`] passed: send what the
    /// relay asked to have again, and the next batch of subscriptions.
    pub fn handle_retry(&mut self) -> Vec<ClientEffect> {
        if self.ready().is_none() {
            return Vec::new();
        }
        let mut effects: Vec<ClientEffect> = std::mem::take(&mut self.to_resend)
            .into_iter()
            .filter_map(|r| self.pending.get(&r).map(|item| ClientEffect::Send(item.message(r))))
            .collect();
        effects.extend(self.subscribe_batch());
        if std::mem::take(&mut self.resend_wishes) {
            effects.extend(self.wishes.iter().map(|(token, side)| ClientEffect::Send(ClientMessage::Rendezvous { token: *token, side: *side })));
        }
        effects
    }

    /// Up to [`SUBSCRIBE_BATCH`] subscriptions not yet sent; a retry for the rest.
    fn subscribe_batch(&mut self) -> Vec<ClientEffect> {
        let unsent: Vec<SyncId> = self
            .inboxes
            .iter()
            .filter(|(_, t)| t.subscription == Subscription::Unsent)
            .map(|(id, _)| *id)
            .chain(self.documents.iter().filter(|(_, t)| t.subscription == Subscription::Unsent).map(|(id, _)| *id))
            .collect();
        let mut effects: Vec<ClientEffect> = unsent.iter().take(SUBSCRIBE_BATCH).filter_map(|id| self.subscribe(*id)).collect();
        if unsent.len() > SUBSCRIBE_BATCH {
            effects.push(ClientEffect::RetryAfter { ms: 1_000 });
        }
        effects
    }

    pub fn handle_frame(&mut self, frame: &[u8], now_ms: i64) -> Vec<ClientEffect> {
        let message = match decode::<RelayMessage>(frame) {
            Ok(message) => message,
            Err(err) => return vec![ClientEffect::Refused { code: err.code(), message: err.to_string(), id: None }],
        };
        match message {
            RelayMessage::Welcome { challenge, relay_time_ms, .. } => {
                self.connection = Connection::Ready { relay_offset_ms: relay_time_ms - now_ms, challenge };
                let mut effects = self.subscribe_batch();
                // Everything not yet acknowledged goes again, oldest first;
                // the relay may store a duplicate, which Automerge ignores.
                effects.extend(self.pending.iter().map(|(r, item)| ClientEffect::Send(item.message(*r))));
                // Wishes go again on every connection (the relay keeps them in memory only).
                effects.extend(self.wishes.iter().map(|(token, side)| ClientEffect::Send(ClientMessage::Rendezvous { token: *token, side: *side })));
                effects
            }
            RelayMessage::Chunk { seq, chunk } => self.chunk(seq, chunk),
            RelayMessage::Letter { seq, post } => self.letter(seq, post),
            RelayMessage::CaughtUp { id, seq } => self.caught_up(id, seq),
            RelayMessage::Ack { client_ref, seq } => self.acknowledged(client_ref, seq),
            RelayMessage::Ephemeral { chunk } => self.ephemeral(chunk, now_ms),
            RelayMessage::Met { token } => {
                if self.wishes.contains_key(&token) {
                    vec![ClientEffect::Met { token }]
                } else {
                    Vec::new()
                }
            }
            RelayMessage::Error { code, message, client_ref, id, retry_after_ms } => self.refused(code, message, client_ref, id, retry_after_ms),
        }
    }

    /// Move `last_seq` over this device's own chunks that follow it.
    fn advance(tracked: &mut Tracked) -> bool {
        let mut moved = false;
        while tracked.own.remove(&(tracked.last_seq + 1)) {
            tracked.last_seq += 1;
            moved = true;
        }
        tracked.own.retain(|s| *s > tracked.last_seq);
        moved
    }

    /// A gap before `seq`: ask for the document again from the last chunk
    /// read, or, after [`GAP_RETRIES`], go on and report it withheld.
    fn gap(&mut self, doc: SyncId) -> Vec<ClientEffect> {
        let Some(tracked) = self.documents.get_mut(&doc) else { return Vec::new() };
        tracked.gap_retries += 1;
        if tracked.gap_retries > GAP_RETRIES {
            tracked.withheld = true;
            return vec![ClientEffect::Withheld { doc }];
        }
        let mut effects = vec![ClientEffect::Send(ClientMessage::Unsubscribe { id: doc })];
        effects.extend(self.subscribe(doc));
        effects
    }

    fn chunk(&mut self, seq: u64, chunk: SealedChunk) -> Vec<ClientEffect> {
        let doc = chunk.document();
        let Some(tracked) = self.documents.get_mut(&doc) else { return Vec::new() };
        Self::advance(tracked);
        if seq <= tracked.last_seq {
            return Vec::new(); // read already (a replay, or an overlap after reconnecting)
        }
        if seq != tracked.last_seq + 1 {
            let gave_up = tracked.gap_retries > GAP_RETRIES;
            if tracked.subscription == Subscription::Loading && !gave_up {
                // Left over from before a re-subscription: the backlog resends it.
                return Vec::new();
            }
            if !gave_up {
                return self.gap(doc);
            }
        }
        let tracked = self.documents.get_mut(&doc).expect("looked up above");
        tracked.last_seq = seq;
        Self::advance(tracked);
        let mut effects = match chunk.open(&tracked.keys) {
            Ok(opened) => match opened.purpose {
                Purpose::Change => vec![ClientEffect::Deliver { doc, changes: opened.body, author: opened.author }],
                Purpose::Member => match postcard::from_bytes::<MemberInfo>(&opened.body) {
                    Ok(info) => vec![ClientEffect::MemberIntroduced { doc, author: opened.author, info: info.bounded() }],
                    Err(_) => vec![ClientEffect::Ignored { id: doc, reason: "an unreadable introduction".into() }],
                },
                Purpose::Retire => {
                    tracked.retired = true;
                    let mut effects = vec![ClientEffect::Retired { doc, notice: Some(opened.body) }];
                    effects.extend(self.drop_pending_of(&doc));
                    effects
                }
                Purpose::Signal => vec![ClientEffect::Ignored { id: doc, reason: "a signal stored as a change".into() }],
            },
            Err(err @ (ChunkError::NotAMember | ChunkError::RoleTooLow)) => vec![ClientEffect::Ignored { id: doc, reason: err.to_string() }],
            Err(err) => vec![ClientEffect::Ignored { id: doc, reason: format!("the relay sent a damaged chunk: {err}") }],
        };
        let last_seq = self.documents.get(&doc).map_or(seq, |t| t.last_seq);
        effects.push(ClientEffect::PersistCursor { id: doc, seq: last_seq });
        effects
    }

    fn letter(&mut self, seq: u64, post: InboxPost) -> Vec<ClientEffect> {
        let id = post.inbox_id();
        let Some(inbox) = self.inboxes.get_mut(&id) else { return Vec::new() };
        if seq <= inbox.last_seq {
            return Vec::new();
        }
        // Letters may be deleted or expire at the relay: gaps are normal here.
        inbox.last_seq = seq;
        let mut effects = match inbox.keys.open(&post) {
            Ok(letter) => vec![ClientEffect::Letter { inbox: id, seq, letter }],
            // Junk anyone could post: set it aside, but move past it.
            Err(err @ (LetterError::ForgedSender | LetterError::CannotOpen | LetterError::WrongInbox | LetterError::Anonymous)) => {
                vec![ClientEffect::Ignored { id, reason: err.to_string() }]
            }
        };
        effects.push(ClientEffect::PersistCursor { id, seq });
        effects
    }

    fn caught_up(&mut self, id: SyncId, seq: u64) -> Vec<ClientEffect> {
        if let Some(inbox) = self.inboxes.get_mut(&id) {
            inbox.subscription = Subscription::Live;
            return Vec::new();
        }
        let Some(tracked) = self.documents.get_mut(&id) else { return Vec::new() };
        Self::advance(tracked);
        if seq > tracked.last_seq && tracked.gap_retries <= GAP_RETRIES {
            // The relay says it holds more than it sent.
            return self.gap(id);
        }
        let tracked = self.documents.get_mut(&id).expect("looked up above");
        tracked.subscription = Subscription::Live;
        if seq <= tracked.last_seq {
            tracked.gap_retries = 0;
        }
        vec![ClientEffect::CaughtUp { doc: id, seq: tracked.last_seq }]
    }

    fn acknowledged(&mut self, client_ref: u64, seq: u64) -> Vec<ClientEffect> {
        let Some(item) = self.pending.get(&client_ref) else { return Vec::new() };
        let id = item.id();
        if self.documents.get(&id).is_some_and(|t| seq > t.last_seq.saturating_add(ACK_AHEAD)) {
            // Kept, and sent again on the next connection.
            return vec![ClientEffect::Refused { code: ErrorCode::MalformedFrame, message: format!("an acknowledgement numbered {seq} is not believed"), id: Some(id) }];
        }
        let Some(item) = self.pending.remove(&client_ref) else { return Vec::new() };
        self.to_resend.remove(&client_ref);
        let id = item.id();
        let mut effects = vec![ClientEffect::Acknowledged { client_ref, id, seq }];
        if let Some(tracked) = self.documents.get_mut(&id) {
            if seq > tracked.last_seq {
                tracked.own.insert(seq);
            }
            if Self::advance(tracked) {
                effects.push(ClientEffect::PersistCursor { id, seq: tracked.last_seq });
            }
        }
        effects
    }

    fn ephemeral(&mut self, chunk: SealedChunk, now_ms: i64) -> Vec<ClientEffect> {
        let doc = chunk.document();
        let now = self.relay_now(now_ms);
        let Some(tracked) = self.documents.get(&doc) else { return Vec::new() };
        match chunk.open(&tracked.keys) {
            Ok(opened) if opened.purpose == Purpose::Signal => match Signal::decode_fresh(&opened.body, now) {
                Some(signal) => vec![ClientEffect::Signal { doc, author: opened.author, signal }],
                None => Vec::new(), // stale (a replay) or malformed
            },
            _ => Vec::new(),
        }
    }

    fn refused(&mut self, code: ErrorCode, message: String, client_ref: Option<u64>, id: Option<SyncId>, retry_after_ms: Option<u64>) -> Vec<ClientEffect> {
        let retry = |ms: Option<u64>| ClientEffect::RetryAfter { ms: ms.unwrap_or(2_000).clamp(100, 60_000) };
        if let Some(client_ref) = client_ref {
            let Some(item) = self.pending.get(&client_ref) else { return Vec::new() };
            let doc = item.id();
            if code.is_transient() {
                self.to_resend.insert(client_ref);
                return vec![retry(retry_after_ms)];
            }
            // It will not be taken: forget the copy (the change stays in the
            // document). A refusal is only the relay's word: the document
            // counts as retired only once its owner's signed retirement is read.
            self.pending.remove(&client_ref);
            return vec![ClientEffect::Dropped { client_ref }, ClientEffect::Refused { code, message, id: Some(doc) }];
        }
        if let Some(id) = id {
            if let Some(tracked) = self.documents.get_mut(&id) {
                tracked.subscription = Subscription::Unsent;
            } else if let Some(inbox) = self.inboxes.get_mut(&id) {
                inbox.subscription = Subscription::Unsent;
            }
            if code.is_transient() {
                return vec![retry(retry_after_ms)];
            }
        }
        // Only wishes and signals are refused naming nothing; a signal is
        // momentary, a wish must get through.
        if id.is_none() && code.is_transient() && !self.wishes.is_empty() {
            self.resend_wishes = true;
            return vec![retry(retry_after_ms)];
        }
        vec![ClientEffect::Refused { code, message, id }]
    }
}
