//! The running relay: the shared state machine, each connection's outbox,
//! and the store. Carries out the state machine's effects.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use confidant_shared::sync::relay::{ConnectionId, Effect, Relay, RelayLimits};
use confidant_shared::sync::wire::{ErrorCode, RelayMessage};
use tokio::sync::mpsc;

use super::RelayStore;

/// Messages waiting for one connection's socket. Bounded: a client that
/// stops reading is disconnected rather than growing the relay's memory;
/// it reconnects and catches up from its last sequence number.
pub type Outbox = mpsc::Sender<RelayMessage>;

/// Messages one connection may have waiting before it counts as stalled.
pub const OUTBOX_CAPACITY: usize = 4096;

pub struct RelayHub {
    relay: Mutex<Relay>,
    outboxes: Mutex<HashMap<ConnectionId, Outbox>>,
    store: Arc<dyn RelayStore>,
    next_connection: AtomicU64,
    counters: Counters,
    /// Held from storing a chunk until it is forwarded, so chunks of a
    /// document go out in the order the store numbered them (a client
    /// skips any chunk numbered below one it has seen).
    write_order: tokio::sync::Mutex<()>,
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
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl RelayHub {
    pub fn new(store: Arc<dyn RelayStore>, limits: RelayLimits) -> Self {
        RelayHub {
            relay: Mutex::new(Relay::new(limits)),
            outboxes: Mutex::new(HashMap::new()),
            store,
            next_connection: AtomicU64::new(1),
            counters: Counters::default(),
            write_order: tokio::sync::Mutex::new(()),
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

    /// A new socket: register its outbox and greet it.
    pub async fn connect(self: &Arc<Self>, outbox: Outbox) -> ConnectionId {
        let conn = ConnectionId(self.next_connection.fetch_add(1, Ordering::Relaxed));
        self.outboxes.lock().unwrap_or_else(|p| p.into_inner()).insert(conn, outbox);
        let mut challenge = [0u8; 32];
        let _ = getrandom::fill(&mut challenge);
        let effects = self.relay().handle_connect(conn, challenge, now_ms());
        self.carry_out(effects).await;
        conn
    }

    pub async fn frame(self: &Arc<Self>, conn: ConnectionId, frame: &[u8]) {
        self.counters.frames_in.fetch_add(1, Ordering::Relaxed);
        self.counters.bytes_in.fetch_add(frame.len() as u64, Ordering::Relaxed);
        let effects = self.relay().handle_frame(conn, frame, now_ms());
        self.carry_out(effects).await;
    }

    pub fn disconnect(&self, conn: ConnectionId) {
        self.relay().handle_disconnect(conn);
        self.outboxes.lock().unwrap_or_else(|p| p.into_inner()).remove(&conn);
    }

    fn send(&self, to: ConnectionId, message: RelayMessage) {
        if self.enqueue(to, message) {
            self.stalled(to);
        }
    }

    /// Put a message in a connection's outbox; true if the outbox is full.
    fn enqueue(&self, to: ConnectionId, message: RelayMessage) -> bool {
        if matches!(message, RelayMessage::Error { .. }) {
            self.counters.errors_out.fetch_add(1, Ordering::Relaxed);
        }
        match self.outboxes.lock().unwrap_or_else(|p| p.into_inner()).get(&to) {
            Some(outbox) => {
                self.counters.messages_out.fetch_add(1, Ordering::Relaxed);
                matches!(outbox.try_send(message), Err(mpsc::error::TrySendError::Full(_)))
            }
            None => false,
        }
    }

    fn stalled(&self, conn: ConnectionId) {
        tracing::warn!(connection = conn.0, "a client stopped reading; disconnected");
        self.counters.stalled.fetch_add(1, Ordering::Relaxed);
        self.disconnect(conn);
    }

    /// Let the state machine answer, and queue its messages before anyone
    /// else can: another task's chunk must not slip between a backlog and
    /// the subscription going live, nor between two stored chunks.
    fn answer_in_order(&self, answer: impl FnOnce(&mut Relay) -> Vec<Effect>) {
        let mut closing = Vec::new();
        {
            let mut relay = self.relay();
            for effect in answer(&mut relay) {
                match effect {
                    Effect::Send(to, message) => {
                        if self.enqueue(to, message) {
                            closing.push((to, true));
                        }
                    }
                    Effect::Close(conn) => closing.push((conn, false)),
                    // Stores and loads come from frames, never from these answers.
                    Effect::Store { .. } | Effect::LoadSince { .. } => {
                        tracing::error!("the relay asked for storage while answering; ignored")
                    }
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
    }

    /// Carry out effects; storage runs off the async threads, and a chunk is
    /// acknowledged only after the store returned (durable).
    async fn carry_out(self: &Arc<Self>, effects: Vec<Effect>) {
        let mut queue = std::collections::VecDeque::from(effects);
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Send(to, message) => self.send(to, message),
                Effect::Close(conn) => self.disconnect(conn),
                Effect::Store { from, client_ref, chunk, snapshot_covers } => {
                    let _in_order = self.write_order.lock().await;
                    let store = self.store.clone();
                    let stored = {
                        let chunk = chunk.clone();
                        tokio::task::spawn_blocking(move || match snapshot_covers {
                            Some(covers) => store.append_snapshot(&chunk.doc, &chunk, covers),
                            None => store.append(&chunk.doc, &chunk),
                        })
                        .await
                    };
                    match stored {
                        Ok(Ok(seq)) => self.answer_in_order(|relay| relay.handle_stored(from, client_ref, seq, chunk)),
                        Ok(Err(err)) => {
                            tracing::error!(error = %err, "relay store failed");
                            self.send(from, RelayMessage::Error { code: ErrorCode::Internal, message: "Something went wrong; retry".into() });
                        }
                        Err(err) => tracing::error!(error = %err, "relay store task failed"),
                    }
                }
                Effect::LoadSince { to, doc, after_seq } => {
                    let store = self.store.clone();
                    match tokio::task::spawn_blocking(move || store.load_since(&doc, after_seq)).await {
                        Ok(Ok((chunks, head))) => self.answer_in_order(|relay| relay.handle_loaded(to, doc, chunks, head)),
                        Ok(Err(err)) => {
                            tracing::error!(error = %err, "relay load failed");
                            self.send(to, RelayMessage::Error { code: ErrorCode::Internal, message: "Something went wrong; retry".into() });
                        }
                        Err(err) => tracing::error!(error = %err, "relay load task failed"),
                    }
                }
            }
        }
    }
}

impl RelayHub {
    /// The relay's figures in Prometheus text format.
    pub fn metrics(&self) -> String {
        let connections = self.outboxes.lock().unwrap_or_else(|p| p.into_inner()).len();
        let (documents, stored_bytes) = self.store.totals().unwrap_or((0, 0));
        let c = &self.counters;
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, value: u64| {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"));
        };
        metric("confidant_relay_connections", "gauge", "Open relay connections.", connections as u64);
        metric("confidant_relay_documents", "gauge", "Documents with stored chunks.", documents);
        metric("confidant_relay_stored_bytes", "gauge", "Bytes of stored ciphertext.", stored_bytes);
        metric("confidant_relay_frames_in_total", "counter", "Frames received.", c.frames_in.load(Ordering::Relaxed));
        metric("confidant_relay_bytes_in_total", "counter", "Bytes received.", c.bytes_in.load(Ordering::Relaxed));
        metric("confidant_relay_messages_out_total", "counter", "Messages sent.", c.messages_out.load(Ordering::Relaxed));
        metric("confidant_relay_errors_total", "counter", "Error messages sent to clients.", c.errors_out.load(Ordering::Relaxed));
        metric("confidant_relay_stalled_total", "counter", "Connections closed because they stopped reading.", c.stalled.load(Ordering::Relaxed));
        out
    }
}

#[cfg(test)]
mod tests {
    use confidant_shared::sync::wire::{encode, subscribe_proof, ClientMessage, PROTOCOL_VERSION};
    use confidant_shared::sync::{DocumentKeys, SealedChunk};

    use super::*;
    use crate::relay::SqliteStore;

    /// Connect with an outbox of `capacity`, greet, and subscribe to `keys`.
    async fn join(hub: &Arc<RelayHub>, keys: &DocumentKeys, capacity: usize) -> (ConnectionId, mpsc::Receiver<RelayMessage>) {
        let (outbox, mut inbox) = mpsc::channel(capacity.max(4));
        let conn = hub.connect(outbox).await;
        let Some(RelayMessage::Welcome { challenge, .. }) = inbox.recv().await else { panic!("no welcome") };
        hub.frame(conn, &encode(&ClientMessage::Hello { version: PROTOCOL_VERSION })).await;
        let subscribe = ClientMessage::Subscribe {
            doc: *keys.id().as_bytes(),
            verifying_key: keys.verifying_key(),
            from_seq: 0,
            proof: subscribe_proof(keys, &challenge),
        };
        hub.frame(conn, &encode(&subscribe)).await;
        assert!(matches!(inbox.recv().await, Some(RelayMessage::CaughtUp { .. })));
        (conn, inbox)
    }

    #[tokio::test]
    async fn a_client_that_stops_reading_is_disconnected_and_the_others_carry_on() {
        let dir = tempfile::tempdir().unwrap();
        let hub = Arc::new(RelayHub::new(Arc::new(SqliteStore::open(dir.path()).unwrap()), RelayLimits::default()));
        let keys = DocumentKeys::from_random([1; 32], [2; 32]);
        let (sender, _sender_inbox) = join(&hub, &keys, 64).await;
        let (_reader, mut reader_inbox) = join(&hub, &keys, 64).await;
        let (_stalled, stalled_inbox) = join(&hub, &keys, 4).await;
        for i in 0..8u8 {
            let chunk = SealedChunk::seal(&keys, [i; 24], b"here");
            hub.frame(sender, &encode(&ClientMessage::Ephemeral { chunk })).await;
        }
        for _ in 0..8 {
            assert!(matches!(reader_inbox.recv().await, Some(RelayMessage::Ephemeral { .. })), "a reading client gets everything");
        }
        assert!(hub.metrics().contains("confidant_relay_connections 2\n"), "the stalled client was dropped:\n{}", hub.metrics());
        assert!(hub.metrics().contains("confidant_relay_stalled_total 1\n"));
        drop(stalled_inbox);
    }
}
