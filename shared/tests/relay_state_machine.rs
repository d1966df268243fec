//! The relay state machine, driven directly with an in-memory adapter:
//! pushes are acknowledged only once stored and reach the other subscribers;
//! a late subscriber catches up from its sequence number; forged chunks,
//! missing proofs, wrong versions, malformed and oversized frames and floods
//! are refused with typed errors. See: issue 4.

use std::collections::HashMap;

use confidant_shared::sync::relay::{ConnectionId, Effect, Relay, RelayLimits};
use confidant_shared::sync::wire::{
    decode, encode, subscribe_proof, ClientMessage, ErrorCode, RelayMessage, MAX_FRAME_BYTES, PROTOCOL_VERSION,
};
use confidant_shared::sync::{DocumentKeys, SealedChunk};

/// The relay plus what an adapter does: store chunks, load them, deliver.
struct Harness {
    relay: Relay,
    stored: HashMap<[u8; 16], Vec<SealedChunk>>,
    inbox: HashMap<ConnectionId, Vec<RelayMessage>>,
    closed: Vec<ConnectionId>,
    /// Stores held back, to show nothing is acknowledged before it is durable.
    hold_stores: bool,
    held: Vec<Effect>,
    /// Loads whose answer is held back, as when storage is slow: what was
    /// read when the load ran, and the load itself to read again later.
    hold_loads: bool,
    held_loads: Vec<(ConnectionId, [u8; 16], u64, Vec<(u64, SealedChunk)>)>,
    now_ms: i64,
}

impl Harness {
    fn new(limits: RelayLimits) -> Self {
        Harness { relay: Relay::new(limits), stored: HashMap::new(), inbox: HashMap::new(), closed: Vec::new(), hold_stores: false, held: Vec::new(), hold_loads: false, held_loads: Vec::new(), now_ms: 1_000 }
    }

    fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send(to, message) => self.inbox.entry(to).or_default().push(message),
                Effect::Close(conn) => {
                    self.closed.push(conn);
                    self.relay.handle_disconnect(conn);
                }
                store @ Effect::Store { .. } if self.hold_stores => self.held.push(store),
                Effect::Store { from, client_ref, chunk, .. } => {
                    let list = self.stored.entry(chunk.doc).or_default();
                    list.push(chunk.clone());
                    let seq = list.len() as u64;
                    let more = self.relay.handle_stored(from, client_ref, seq, chunk);
                    self.run(more);
                }
                Effect::LoadSince { to, doc, after_seq } if self.hold_loads => {
                    let read = self.read(doc, after_seq);
                    self.held_loads.push((to, doc, after_seq, read));
                }
                Effect::LoadSince { to, doc, after_seq } => {
                    let chunks = self.read(doc, after_seq);
                    let head = self.head(doc);
                    let more = self.relay.handle_loaded(to, doc, chunks, head);
                    self.run(more);
                }
            }
        }
    }

    fn read(&self, doc: [u8; 16], after_seq: u64) -> Vec<(u64, SealedChunk)> {
        let all = self.stored.get(&doc).cloned().unwrap_or_default();
        all.into_iter().enumerate().map(|(i, c)| (i as u64 + 1, c)).filter(|(s, _)| *s > after_seq).collect()
    }

    fn head(&self, doc: [u8; 16]) -> u64 {
        self.stored.get(&doc).map_or(0, |all| all.len() as u64)
    }

    /// Answer the held loads: with what was read when each ran, or (`reread`)
    /// with what storage holds now.
    fn release_loads(&mut self, reread: bool) {
        self.hold_loads = false;
        for (to, doc, after_seq, read) in std::mem::take(&mut self.held_loads) {
            let (chunks, head) = if reread {
                (self.read(doc, after_seq), self.head(doc))
            } else {
                let head = read.last().map_or(after_seq, |(seq, _)| *seq);
                (read, head)
            };
            let more = self.relay.handle_loaded(to, doc, chunks, head);
            self.run(more);
        }
    }

    fn connect(&mut self, n: u64) -> (ConnectionId, [u8; 32]) {
        let conn = ConnectionId(n);
        let challenge = [n as u8; 32];
        let effects = self.relay.handle_connect(conn, challenge, self.now_ms);
        self.run(effects);
        self.send(conn, &ClientMessage::Hello { version: PROTOCOL_VERSION });
        (conn, challenge)
    }

    fn send(&mut self, conn: ConnectionId, message: &ClientMessage) {
        self.send_frame(conn, &encode(message));
    }

    fn send_frame(&mut self, conn: ConnectionId, frame: &[u8]) {
        let effects = self.relay.handle_frame(conn, frame, self.now_ms);
        self.run(effects);
    }

    fn subscribe(&mut self, conn: ConnectionId, challenge: &[u8; 32], keys: &DocumentKeys, from_seq: u64) {
        let message = ClientMessage::Subscribe {
            doc: *keys.id().as_bytes(),
            verifying_key: keys.verifying_key(),
            from_seq,
            proof: subscribe_proof(keys, challenge),
        };
        self.send(conn, &message);
    }

    fn take(&mut self, conn: ConnectionId) -> Vec<RelayMessage> {
        self.inbox.remove(&conn).unwrap_or_default()
    }

    fn last_error(&mut self, conn: ConnectionId) -> Option<ErrorCode> {
        self.take(conn).into_iter().rev().find_map(|m| match m {
            RelayMessage::Error { code, .. } => Some(code),
            _ => None,
        })
    }
}

fn keys(n: u8) -> DocumentKeys {
    DocumentKeys::from_random([n; 32], [n + 50; 32])
}

fn push(harness: &mut Harness, conn: ConnectionId, keys: &DocumentKeys, text: &[u8], client_ref: u64) {
    let chunk = SealedChunk::seal(keys, [client_ref as u8; 24], text);
    harness.send(conn, &ClientMessage::Push { chunk, client_ref });
}

#[test]
fn a_push_is_acknowledged_once_stored_and_reaches_the_partner() {
    let mut h = Harness::new(RelayLimits::default());
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    let (bob, cb) = h.connect(2);
    assert!(matches!(h.take(alice)[0], RelayMessage::Welcome { version: 1, .. }));
    h.subscribe(alice, &ca, &plan, 0);
    h.subscribe(bob, &cb, &plan, 0);
    h.take(alice);
    h.take(bob);

    h.hold_stores = true;
    push(&mut h, alice, &plan, b"goal: apply for the grant", 7);
    assert!(h.take(alice).is_empty(), "no ack before the chunk is durable");
    assert!(h.take(bob).is_empty(), "nothing forwarded before it is durable");

    h.hold_stores = false;
    let held = std::mem::take(&mut h.held);
    h.run(held);
    assert_eq!(h.take(alice), vec![RelayMessage::Ack { client_ref: 7, seq: 1 }]);
    let to_bob = h.take(bob);
    assert_eq!(to_bob.len(), 1);
    let RelayMessage::Chunk { seq: 1, chunk } = &to_bob[0] else { panic!("{to_bob:?}") };
    assert_eq!(chunk.open(&plan).unwrap(), b"goal: apply for the grant");
}

/// The sequence numbers of the chunks in `messages`, in arrival order.
fn chunk_seqs(messages: &[RelayMessage]) -> Vec<u64> {
    messages.iter().filter_map(|m| match m { RelayMessage::Chunk { seq, .. } => Some(*seq), _ => None }).collect()
}

#[test]
fn a_late_subscriber_catches_up_from_its_sequence_number() {
    let mut h = Harness::new(RelayLimits::default());
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    h.subscribe(alice, &ca, &plan, 0);
    for i in 1..=3 {
        push(&mut h, alice, &plan, format!("change {i}").as_bytes(), i);
    }
    let (bob, cb) = h.connect(2);
    h.take(bob);
    h.subscribe(bob, &cb, &plan, 1);
    let got = h.take(bob);
    assert_eq!(chunk_seqs(&got), [2, 3], "only what it had not seen");
    assert_eq!(got.last(), Some(&RelayMessage::CaughtUp { doc: *plan.id().as_bytes(), seq: 3 }));
}

#[test]
fn a_change_stored_while_a_subscriber_catches_up_reaches_it_after_its_backlog() {
    // A client keeps only the highest sequence number it has seen, so a live
    // chunk overtaking the backlog would make it skip the backlog for good.
    let mut h = Harness::new(RelayLimits::default());
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    h.subscribe(alice, &ca, &plan, 0);
    for i in 1..=2 {
        push(&mut h, alice, &plan, format!("offline change {i}").as_bytes(), i);
    }
    let (bob, cb) = h.connect(2);
    h.take(bob);
    h.hold_loads = true;
    h.subscribe(bob, &cb, &plan, 0);
    // Alice goes on while Bob's backlog is still being read.
    push(&mut h, alice, &plan, b"live change 3", 3);
    push(&mut h, alice, &plan, b"live change 4", 4);
    assert!(chunk_seqs(&h.take(bob)).is_empty(), "nothing reaches Bob ahead of his backlog");

    // His backlog was read before Alice's live changes were stored.
    h.release_loads(false);
    let got = h.take(bob);
    assert_eq!(chunk_seqs(&got), [1, 2, 3, 4], "backlog first, then what came meanwhile");
    assert_eq!(got.last(), Some(&RelayMessage::CaughtUp { doc: *plan.id().as_bytes(), seq: 4 }));

    // From then on Bob is live.
    push(&mut h, alice, &plan, b"change 5", 5);
    assert_eq!(chunk_seqs(&h.take(bob)), [5]);

    // A backlog read after the live changes were stored holds them too: each
    // reaches a catching-up subscriber once.
    let (carol, cc) = h.connect(3);
    h.take(carol);
    h.hold_loads = true;
    h.subscribe(carol, &cc, &plan, 3);
    push(&mut h, alice, &plan, b"change 6", 6);
    h.release_loads(true);
    assert_eq!(chunk_seqs(&h.take(carol)), [4, 5, 6]);
}

#[test]
fn a_subscriber_whose_backlog_never_loads_is_closed_rather_than_held_for_ever() {
    let limits = RelayLimits { max_waiting_while_catching_up: 8, ..RelayLimits::default() };
    let mut h = Harness::new(limits);
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    h.subscribe(alice, &ca, &plan, 0);
    let (bob, cb) = h.connect(2);
    h.hold_loads = true;
    h.subscribe(bob, &cb, &plan, 0);
    for i in 0..=limits.max_waiting_while_catching_up as u64 {
        assert!(h.closed.is_empty(), "closed after {i} waiting chunks");
        push(&mut h, alice, &plan, b"change", i + 1);
    }
    assert_eq!(h.closed, [bob], "closed once too much waits for it; it reconnects and resumes");
    assert_eq!(h.relay.subscriber_count(plan.id().as_bytes()), 1);
}

#[test]
fn knowing_a_document_id_is_not_enough_to_subscribe() {
    let mut h = Harness::new(RelayLimits::default());
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    h.subscribe(alice, &ca, &plan, 0);
    push(&mut h, alice, &plan, b"private", 1);

    let (eve, challenge) = h.connect(9);
    h.take(eve);
    // Eve knows the id and the public key, and signs with a key of her own.
    let message = ClientMessage::Subscribe {
        doc: *plan.id().as_bytes(),
        verifying_key: plan.verifying_key(),
        from_seq: 0,
        proof: subscribe_proof(&keys(2), &challenge),
    };
    h.send(eve, &message);
    assert_eq!(h.last_error(eve), Some(ErrorCode::ProofRequired));
    // Replaying Alice's proof (made for Alice's challenge) fails too.
    let replay = ClientMessage::Subscribe {
        doc: *plan.id().as_bytes(),
        verifying_key: plan.verifying_key(),
        from_seq: 0,
        proof: subscribe_proof(&plan, &ca),
    };
    h.send(eve, &replay);
    assert_eq!(h.last_error(eve), Some(ErrorCode::ProofRequired));
    assert_eq!(h.relay.subscriber_count(plan.id().as_bytes()), 1);
}

#[test]
fn forged_chunks_are_refused_and_never_stored() {
    let mut h = Harness::new(RelayLimits::default());
    let plan = keys(1);
    let (mallory, _) = h.connect(3);
    h.take(mallory);
    let mut forged = SealedChunk::seal(&keys(2), [0; 24], b"spam");
    forged.doc = *plan.id().as_bytes();
    h.send(mallory, &ClientMessage::Push { chunk: forged, client_ref: 1 });
    assert_eq!(h.last_error(mallory), Some(ErrorCode::WrongDocument));

    let mut altered = SealedChunk::seal(&plan, [0; 24], b"real");
    altered.ciphertext[0] ^= 1;
    h.send(mallory, &ClientMessage::Push { chunk: altered, client_ref: 2 });
    assert_eq!(h.last_error(mallory), Some(ErrorCode::BadSignature));
    assert!(h.stored.is_empty());
}

#[test]
fn bad_frames_get_typed_errors_and_the_connection_survives() {
    let mut h = Harness::new(RelayLimits::default());
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    h.take(alice);
    let frame = encode(&ClientMessage::Push { chunk: SealedChunk::seal(&plan, [0; 24], b"x"), client_ref: 1 });
    h.send_frame(alice, &frame[..frame.len() / 2]);
    assert_eq!(h.last_error(alice), Some(ErrorCode::MalformedFrame));
    h.send_frame(alice, &vec![0; MAX_FRAME_BYTES + 1]);
    assert_eq!(h.last_error(alice), Some(ErrorCode::FrameTooLarge));
    // Still usable afterwards.
    h.subscribe(alice, &ca, &plan, 0);
    push(&mut h, alice, &plan, b"after the noise", 5);
    assert!(h.take(alice).contains(&RelayMessage::Ack { client_ref: 5, seq: 1 }));
    assert!(h.closed.is_empty());
}

#[test]
fn a_client_of_another_protocol_version_is_told_and_closed() {
    let mut h = Harness::new(RelayLimits::default());
    let conn = ConnectionId(1);
    let effects = h.relay.handle_connect(conn, [1; 32], 0);
    h.run(effects);
    h.send(conn, &ClientMessage::Hello { version: 99 });
    assert_eq!(h.last_error(conn), Some(ErrorCode::UnsupportedVersion));
    assert_eq!(h.closed, [conn]);
    assert_eq!(h.relay.connection_count(), 0);
}

#[test]
fn floods_and_oversized_chunks_are_refused() {
    let limits = RelayLimits { max_chunk_bytes: 64, messages_per_window: 5, window_ms: 1_000, ..RelayLimits::default() };
    let mut h = Harness::new(limits);
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    h.subscribe(alice, &ca, &plan, 0);
    h.take(alice);
    push(&mut h, alice, &plan, &[7; 100], 1);
    assert_eq!(h.last_error(alice), Some(ErrorCode::DocumentTooLarge));
    for i in 2..=6 {
        push(&mut h, alice, &plan, b"ok", i);
    }
    assert_eq!(h.last_error(alice), Some(ErrorCode::RateLimited));
    assert_eq!(h.stored[plan.id().as_bytes()].len(), 4, "the first four of the window were taken");
    h.now_ms += 1_000;
    push(&mut h, alice, &plan, b"next second", 9);
    assert!(h.take(alice).contains(&RelayMessage::Ack { client_ref: 9, seq: 5 }));
}

#[test]
fn presence_is_forwarded_to_subscribers_and_never_stored() {
    let mut h = Harness::new(RelayLimits::default());
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    let (bob, cb) = h.connect(2);
    h.subscribe(alice, &ca, &plan, 0);
    h.subscribe(bob, &cb, &plan, 0);
    h.take(bob);
    let here = SealedChunk::seal(&plan, [1; 24], b"alice is here");
    h.send(alice, &ClientMessage::Ephemeral { chunk: here.clone() });
    assert_eq!(h.take(bob), vec![RelayMessage::Ephemeral { chunk: here }]);
    assert!(h.stored.is_empty());

    h.relay.handle_disconnect(bob);
    assert_eq!(h.relay.subscriber_count(plan.id().as_bytes()), 1);
    // A frame from a connection the relay no longer knows is ignored.
    let frame = encode(&ClientMessage::Hello { version: PROTOCOL_VERSION });
    assert!(h.relay.handle_frame(bob, &frame, 0).is_empty());
    // Decoding what the relay sends works for clients.
    let welcome = encode(&RelayMessage::Welcome { version: 1, challenge: [0; 32], relay_time_ms: 5 });
    assert!(decode::<RelayMessage>(&welcome).is_ok());
}
