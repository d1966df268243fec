//! The running relay: the shared state machine, each connection's outbox,
//! and the store. Carries out the state machine's effects.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use confidant_shared::sync::relay::{ConnectionId, Effect, Relay, Shared};
use confidant_shared::sync::relay_limits::RelayLimits;
use confidant_shared::sync::wire::{encode, ErrorCode, RelayMessage};
use confidant_shared::sync::SyncId;
use tokio::sync::mpsc;

use super::admission::{Admission, Admissions, ConnectionLimits, Refused};
use super::{AppendError, RelayStore, StoreLimits, StoreRefusal};

/// What a connection's writer sends: frames encoded once and shared by
/// every subscriber they go to, or a ping.
#[derive(Debug, Clone)]
pub enum OutboxFrame {
    Binary(Bytes),
    Ping,
}

/// Frames waiting for one connection's socket, and their bytes.
#[derive(Debug, Clone)]
pub struct Outbox {
    sender: mpsc::UnboundedSender<OutboxFrame>,
    queued: Arc<AtomicUsize>,
}

/// Bytes one connection may have waiting before it counts as stalled (a
/// client that stops reading is disconnected rather than growing the
/// relay's memory; it reconnects and catches up from its sequence number).
pub const OUTBOX_BYTES: usize = 8 << 20;

impl Outbox {
    /// An outbox, and the receiving end its writer drains.
    pub fn new() -> (Outbox, OutboxReceiver) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let queued = Arc::new(AtomicUsize::new(0));
        (Outbox { sender, queued: queued.clone() }, OutboxReceiver { receiver, queued })
    }

    /// Queue a frame; false if the outbox is over its byte limit (stalled).
    fn push(&self, frame: OutboxFrame) -> bool {
        let size = match &frame {
            OutboxFrame::Binary(bytes) => bytes.len(),
            OutboxFrame::Ping => 0,
        };
        if self.queued.load(Ordering::Relaxed) + size > OUTBOX_BYTES {
            return false;
        }
        self.queued.fetch_add(size, Ordering::Relaxed);
        let _ = self.sender.send(frame);
        true
    }

    /// Ask the writer to ping the client.
    pub fn ping(&self) {
        self.push(OutboxFrame::Ping);
    }
}

/// The writer's end of an outbox.
pub struct OutboxReceiver {
    receiver: mpsc::UnboundedReceiver<OutboxFrame>,
    queued: Arc<AtomicUsize>,
}

impl OutboxReceiver {
    /// The next frame (its bytes no longer count as waiting).
    pub async fn recv(&mut self) -> Option<OutboxFrame> {
        let frame = self.receiver.recv().await?;
        if let OutboxFrame::Binary(bytes) = &frame {
            self.queued.fetch_sub(bytes.len(), Ordering::Relaxed);
        }
        Some(frame)
    }
}

pub struct RelayHub {
    relay: Mutex<Relay>,
    outboxes: Mutex<HashMap<ConnectionId, Outbox>>,
    store: Arc<dyn RelayStore>,
    store_limits: StoreLimits,
    admissions: Admissions,
    next_connection: AtomicU64,
    counters: Counters,
    /// Seconds between comparisons with the store's heads; 0 when no other
    /// instance shares the store.
    compare_heads_every: AtomicU64,
    /// A fetch failed: compare heads at the next tick.
    catch_up_due: std::sync::atomic::AtomicBool,
    /// Flips to true when the server shuts down, so every socket closes
    /// (a graceful shutdown otherwise waits for them for ever).
    closing: tokio::sync::watch::Sender<bool>,
}

/// Running totals for `/metrics`. Counts and sizes only: never content.
#[derive(Default)]
struct Counters {
    frames_in: AtomicU64,
    bytes_in: AtomicU64,
    messages_out: AtomicU64,
    errors_out: AtomicU64,
    stalled: AtomicU64,
    refused_connections: AtomicU64,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The relay could not make a challenge: no randomness, no connection.
#[derive(Debug, thiserror::Error)]
#[error("the relay could not draw random bytes for a challenge")]
pub struct NoRandomness;

impl RelayHub {
    pub fn new(store: Arc<dyn RelayStore>, limits: RelayLimits) -> Self {
        Self::with_limits(store, limits, StoreLimits::default(), ConnectionLimits::default())
    }

    pub fn with_limits(store: Arc<dyn RelayStore>, limits: RelayLimits, store_limits: StoreLimits, connections: ConnectionLimits) -> Self {
        RelayHub {
            relay: Mutex::new(Relay::new(limits)),
            outboxes: Mutex::new(HashMap::new()),
            store,
            store_limits,
            admissions: Admissions::new(connections),
            next_connection: AtomicU64::new(1),
            counters: Counters::default(),
            compare_heads_every: AtomicU64::new(0),
            catch_up_due: std::sync::atomic::AtomicBool::new(false),
            closing: tokio::sync::watch::Sender::new(false),
        }
    }

    /// Ask every connection to close (the server is stopping).
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once [`Self::close_all`] was called.
    pub fn closed(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut closing = self.closing.subscribe();
        async move {
            let _ = closing.wait_for(|closing| *closing).await;
        }
    }

    fn relay(&self) -> std::sync::MutexGuard<'_, Relay> {
        // A panic elsewhere must not take the relay down with it.
        self.relay.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A place for a new connection from `address`, or why there is none.
    pub fn admit(&self, address: Option<IpAddr>) -> Result<Admission, Refused> {
        self.admissions.admit(address).inspect_err(|_| {
            self.counters.refused_connections.fetch_add(1, Ordering::Relaxed);
        })
    }

    /// A new socket to `origin` (the host the client connected to):
    /// register its outbox and greet it.
    pub async fn connect(self: &Arc<Self>, outbox: Outbox, origin: &str) -> Result<ConnectionId, NoRandomness> {
        let mut challenge = [0u8; 32];
        // Randomness fails closed: without a fresh challenge, proofs could be replayed.
        getrandom::fill(&mut challenge).map_err(|_| NoRandomness)?;
        let conn = ConnectionId(self.next_connection.fetch_add(1, Ordering::Relaxed));
        self.outboxes.lock().unwrap_or_else(|p| p.into_inner()).insert(conn, outbox);
        let effects = self.relay().handle_connect(conn, challenge, origin, now_ms());
        self.carry_out(effects).await;
        Ok(conn)
    }

    pub async fn frame(self: &Arc<Self>, conn: ConnectionId, frame: &[u8]) {
        self.counters.frames_in.fetch_add(1, Ordering::Relaxed);
        self.counters.bytes_in.fetch_add(frame.len() as u64, Ordering::Relaxed);
        let effects = self.relay().handle_frame(conn, frame, now_ms());
        self.carry_out(effects).await;
    }

    /// The connection answered a ping.
    pub fn heard(&self, conn: ConnectionId) {
        self.relay().handle_heard(conn, now_ms());
    }

    /// Close connections past the hello deadline or the idle timeout; ping
    /// the others so quiet browsers answer. Called every few seconds.
    pub async fn tick(self: &Arc<Self>) {
        let effects = self.relay().handle_tick(now_ms());
        self.carry_out(effects).await;
    }

    /// Other instances share the store: compare heads every `seconds`, and
    /// pass them signals and wishes.
    pub fn compare_heads_every(&self, seconds: u64) {
        self.relay().share_with_other_instances();
        self.compare_heads_every.store(seconds, Ordering::Relaxed);
    }

    /// The relay's clockwork, until the server stops: deadlines every
    /// second, pings every 30 s, expired letters every hour; and, when
    /// other instances share the store, a comparison of heads every few
    /// seconds, so a lost notification is only late.
    pub async fn run_timers(self: Arc<Self>) {
        let mut second = tokio::time::interval(std::time::Duration::from_secs(1));
        second.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut ticks: u64 = 0;
        loop {
            second.tick().await;
            ticks += 1;
            self.tick().await;
            if ticks % 30 == 0 {
                self.ping_all();
            }
            if ticks % 3_600 == 1 {
                self.expire_letters().await;
            }
            let every = self.compare_heads_every.load(Ordering::Relaxed);
            let due = self.catch_up_due.swap(false, Ordering::Relaxed);
            if due || (every > 0 && ticks % every == 0) {
                // Off the clockwork: a slow database must not hold up
                // deadlines and pings.
                let hub = self.clone();
                tokio::spawn(async move { hub.catch_up().await });
            }
        }
    }

    /// Ping every connection (browsers answer pongs on their own).
    pub fn ping_all(&self) {
        for outbox in self.outboxes.lock().unwrap_or_else(|p| p.into_inner()).values() {
            outbox.ping();
        }
    }

    /// Delete letters past their time; returns how many.
    pub async fn expire_letters(self: &Arc<Self>) -> u64 {
        let store = self.store.clone();
        let before = now_ms() - self.store_limits.letter_ttl_ms;
        match store.expire_letters(before).await {
            Ok(n) => n,
            Err(err) => {
                tracing::error!(error = %err, "expiring letters failed");
                0
            }
        }
    }

    /// Another instance stored `(id, seq)` (a notification): forward it,
    /// and anything before it this instance has not forwarded, in order.
    pub async fn stored_elsewhere(self: &Arc<Self>, id: SyncId, seq: u64) {
        let effects = self.relay().handle_stored_elsewhere(id, seq);
        self.carry_out(effects).await;
    }

    /// Another instance passed on a signal or a rendezvous side.
    pub async fn shared_elsewhere(self: &Arc<Self>, shared: Shared) {
        let effects = self.relay().handle_shared(shared, now_ms());
        self.carry_out(effects).await;
    }

    /// Compare every followed id with the store's heads: what notifications
    /// missed goes out now (on a timer, and when the signal reconnects).
    pub async fn catch_up(self: &Arc<Self>) {
        let followed = self.relay().followed();
        if followed.is_empty() {
            return;
        }
        match self.store.heads(followed).await {
            Ok(heads) => {
                for (id, head) in heads {
                    self.stored_elsewhere(id, head).await;
                }
            }
            Err(err) => tracing::warn!(error = %err, "catching up with the store failed"),
        }
    }

    pub fn disconnect(&self, conn: ConnectionId) {
        self.relay().handle_disconnect(conn);
        self.outboxes.lock().unwrap_or_else(|p| p.into_inner()).remove(&conn);
    }

    /// Queue one encoded frame for each connection; returns those that stalled.
    fn enqueue(&self, to: &[ConnectionId], message: &RelayMessage) -> Vec<ConnectionId> {
        if matches!(message, RelayMessage::Error { .. }) {
            self.counters.errors_out.fetch_add(to.len() as u64, Ordering::Relaxed);
        }
        let frame = Bytes::from(encode(message));
        let outboxes = self.outboxes.lock().unwrap_or_else(|p| p.into_inner());
        let mut stalled = Vec::new();
        for conn in to {
            if let Some(outbox) = outboxes.get(conn) {
                self.counters.messages_out.fetch_add(1, Ordering::Relaxed);
                if !outbox.push(OutboxFrame::Binary(frame.clone())) {
                    stalled.push(*conn);
                }
            }
        }
        stalled
    }

    fn stalled(&self, conn: ConnectionId) {
        tracing::warn!(connection = conn.0, "a client stopped reading; disconnected");
        self.counters.stalled.fetch_add(1, Ordering::Relaxed);
        self.disconnect(conn);
    }

    /// Let the state machine answer, and queue its messages before anyone
    /// else can: another task's chunk must not slip between a backlog and
    /// the subscription going live, nor between two stored chunks. Returns
    /// what it asked to load next (a backlog's next page).
    fn answer_in_order(&self, answer: impl FnOnce(&mut Relay) -> Vec<Effect>) -> Vec<Effect> {
        let mut closing = Vec::new();
        let mut next = Vec::new();
        {
            let mut relay = self.relay();
            for effect in answer(&mut relay) {
                match effect {
                    Effect::Send(to, message) => closing.extend(self.enqueue(&[to], &message).into_iter().map(|c| (c, true))),
                    Effect::Broadcast(to, message) => closing.extend(self.enqueue(&to, &message).into_iter().map(|c| (c, true))),
                    Effect::Close(conn) => closing.push((conn, false)),
                    other => next.push(other),
                }
            }
        }
        for (conn, stalled) in closing {
            if stalled {
                self.stalled(conn);
            } else {
                self.disconnect(conn);
            }
        }
        next
    }

    fn internal_error(&self, to: ConnectionId, client_ref: Option<u64>) {
        let message = RelayMessage::Error { code: ErrorCode::Internal, message: "Something went wrong; retry".into(), client_ref, id: None, retry_after_ms: Some(2_000) };
        for conn in self.enqueue(&[to], &message) {
            self.stalled(conn);
        }
    }

    /// Carry out effects; storage runs off the async threads, and an item is
    /// acknowledged only after the store returned (durable).
    async fn carry_out(self: &Arc<Self>, effects: Vec<Effect>) {
        let mut queue = VecDeque::from(effects);
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Send(..) | Effect::Broadcast(..) | Effect::Close(_) => {
                    queue.extend(self.answer_in_order(|_| vec![effect]));
                }
                Effect::Store { from, client_ref, item } => {
                    // Stores from many connections run at once and share a
                    // commit; the state machine puts what they forward in order.
                    match self.store.append(item.clone(), now_ms()).await {
                        Ok(seq) => queue.extend(self.answer_in_order(|relay| relay.handle_stored(from, client_ref, seq, item))),
                        Err(AppendError::Refused(refusal)) => {
                            let code = match refusal {
                                StoreRefusal::Retired => ErrorCode::Retired,
                                StoreRefusal::QuotaExceeded => ErrorCode::QuotaExceeded,
                            };
                            queue.extend(self.answer_in_order(|relay| relay.handle_store_refused(from, client_ref, code, &refusal.to_string())));
                        }
                        Err(AppendError::Store(err)) => {
                            tracing::error!(error = %err, "relay store failed");
                            self.internal_error(from, Some(client_ref));
                        }
                    }
                }
                Effect::LoadSince { to, id, after_seq, limit, max_bytes } => match self.store.load_since(id, after_seq, limit, max_bytes).await {
                    Ok((items, head)) => queue.extend(self.answer_in_order(|relay| relay.handle_loaded(to, id, items, head))),
                    Err(err) => {
                        tracing::error!(error = %err, "relay load failed");
                        queue.extend(self.answer_in_order(|relay| relay.handle_load_failed(to, id)));
                    }
                },
                Effect::Fetch { id, after_seq, limit, max_bytes } => match self.store.load_since(id, after_seq, limit, max_bytes).await {
                    Ok((items, head)) => queue.extend(self.answer_in_order(|relay| relay.handle_fetched(id, items, head))),
                    Err(err) => {
                        // The cursor stays; the next comparison of heads
                        // (due now, even with no other instance) asks again.
                        tracing::error!(error = %err, "relay fetch failed");
                        self.relay().handle_fetch_failed(id);
                        self.catch_up_due.store(true, Ordering::Relaxed);
                    }
                },
                Effect::Share(shared) => {
                    if let Err(err) = self.store.share(shared).await {
                        tracing::warn!(error = %err, "passing a signal to the other instances failed");
                    }
                }
                Effect::DeleteLetters { inbox, through_seq } => {
                    if let Err(err) = self.store.delete_letters(inbox, through_seq).await {
                        tracing::error!(error = %err, "deleting letters failed");
                    }
                }
            }
        }
    }
}

impl RelayHub {
    /// The relay's figures in Prometheus text format.
    pub async fn metrics(&self) -> String {
        use prometheus_client::encoding::text::encode;
        use prometheus_client::metrics::counter::ConstCounter;
        use prometheus_client::metrics::gauge::ConstGauge;
        use prometheus_client::registry::Registry;

        let connections = self.outboxes.lock().unwrap_or_else(|p| p.into_inner()).len() as i64;
        let (ids, stored_bytes) = self.store.totals().await.unwrap_or((0, 0));
        let c = &self.counters;
        let mut registry = Registry::with_prefix("confidant_relay");
        let count = |v: &AtomicU64| ConstCounter::new(v.load(Ordering::Relaxed));
        registry.register("connections", "Open relay connections", ConstGauge::new(connections));
        registry.register("documents", "Documents and inboxes with stored items", ConstGauge::new(ids as i64));
        registry.register("stored_bytes", "Bytes of stored ciphertext", ConstGauge::new(stored_bytes as i64));
        registry.register("frames_in", "Frames received", count(&c.frames_in));
        registry.register("bytes_in", "Bytes received", count(&c.bytes_in));
        registry.register("messages_out", "Messages sent", count(&c.messages_out));
        registry.register("errors", "Error messages sent to clients", count(&c.errors_out));
        registry.register("stalled", "Connections closed because they stopped reading", count(&c.stalled));
        registry.register("refused_connections", "Connections refused past the limits", count(&c.refused_connections));
        let mut out = String::new();
        let _ = encode(&mut out, &registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use confidant_shared::sync::wire::{decode, ClientMessage, PROTOCOL_VERSION};
    use confidant_shared::sync::{DocumentKeys, MemberKeys, Purpose, Role, SealedChunk};

    use super::*;
    use crate::relay::SqliteStore;

    /// Connect, greet, and subscribe to `keys`.
    async fn join(hub: &Arc<RelayHub>, keys: &DocumentKeys) -> (ConnectionId, OutboxReceiver) {
        let (outbox, mut inbox) = Outbox::new();
        let conn = hub.connect(outbox, "relay.test").await.unwrap();
        let Some(OutboxFrame::Binary(frame)) = inbox.recv().await else { panic!("no welcome") };
        let RelayMessage::Welcome { challenge, .. } = decode(&frame).unwrap() else { panic!("not a welcome") };
        hub.frame(conn, &encode(&ClientMessage::Hello { version: PROTOCOL_VERSION })).await;
        let subscribe = ClientMessage::Subscribe { public: *keys.public(), from_seq: 0, proof: keys.subscribe_proof("relay.test", &challenge) };
        hub.frame(conn, &encode(&subscribe)).await;
        let Some(OutboxFrame::Binary(frame)) = inbox.recv().await else { panic!() };
        assert!(matches!(decode(&frame).unwrap(), RelayMessage::CaughtUp { .. }));
        (conn, inbox)
    }

    #[tokio::test]
    async fn a_client_that_stops_reading_is_disconnected_and_the_others_carry_on() {
        let dir = tempfile::tempdir().unwrap();
        let limits = RelayLimits { messages_per_window: 100_000, ..RelayLimits::default() };
        let hub = Arc::new(RelayHub::new(Arc::new(SqliteStore::open(dir.path()).unwrap()), limits));
        let keys = DocumentKeys::create([1; 32]);
        let member = MemberKeys::issue(&keys, Role::Owner, [2; 32]).unwrap();
        let (sender, _sender_inbox) = join(&hub, &keys).await;
        let (_reader, mut reader_inbox) = join(&hub, &keys).await;
        let (_stalled, stalled_inbox) = join(&hub, &keys).await;
        // Large signals: the one that does not read falls behind by bytes.
        let big = vec![7u8; 15 * 1024];
        let rounds = OUTBOX_BYTES / big.len() + 2;
        let mut got = 0;
        for i in 0..rounds {
            let chunk = SealedChunk::seal(&keys, &member, Purpose::Signal, [i as u8; 24], &big).unwrap();
            hub.frame(sender, &encode(&ClientMessage::Ephemeral { chunk })).await;
            // The reader keeps up.
            while let Ok(Some(OutboxFrame::Binary(_))) = tokio::time::timeout(std::time::Duration::from_millis(1), reader_inbox.recv()).await {
                got += 1;
            }
        }
        assert!(got > 0, "a reading client gets what is sent");
        let metrics = hub.metrics().await;
        assert!(metrics.contains("confidant_relay_connections 2\n"), "the stalled client was dropped:\n{metrics}");
        assert!(metrics.contains("confidant_relay_stalled_total 1\n"), "{metrics}");
        drop(stalled_inbox);
    }
}
