//! The relay state machine, driven directly with an in-memory adapter:
//! pushes are acknowledged only once stored and reach the other subscribers;
//! a late subscriber catches up from its sequence number, a page at a time;
//! chunks are refused unless the role their purpose needs signed them;
//! missing or misdirected proofs, wrong versions, malformed and oversized
//! frames, floods and subscribe bursts are refused with typed errors;
//! a retired document takes no more writes; connections that never say
//! hello or go silent are closed; a rendezvous answers only when two
//! sides posted. See: issue 4, issue 10, issue 13.

use std::collections::{HashMap, HashSet};

use confidant_shared::sync::inbox::InboxKeys;
use confidant_shared::sync::relay::{ConnectionId, Effect, Relay, StoredItem};
use confidant_shared::sync::relay_limits::RelayLimits;
use confidant_shared::sync::wire::{decode, encode, ClientMessage, ErrorCode, RelayMessage, MAX_FRAME_BYTES, PROTOCOL_VERSION};
use confidant_shared::sync::{DocumentKeys, MemberKeys, Purpose, Role, SealedChunk, SyncId};

const ORIGIN: &str = "relay.example.edu";

/// The relay plus what an adapter does: store items, load them, deliver.
struct Harness {
    relay: Relay,
    stored: HashMap<SyncId, Vec<(u64, StoredItem)>>,
    next_seq: HashMap<SyncId, u64>,
    retired: HashSet<SyncId>,
    inbox: HashMap<ConnectionId, Vec<RelayMessage>>,
    closed: Vec<ConnectionId>,
    /// Stores held back, to show nothing is acknowledged before it is durable.
    hold_stores: bool,
    held: Vec<Effect>,
    /// Loads whose answer is held back, as when storage is slow: what was
    /// read when the load ran.
    hold_loads: bool,
    held_loads: Vec<(ConnectionId, SyncId, u64, usize, Vec<(u64, StoredItem)>)>,
    /// Page sizes the relay asked for.
    loads: Vec<usize>,
    now_ms: i64,
}

impl Harness {
    fn new(limits: RelayLimits) -> Self {
        Harness {
            relay: Relay::new(limits),
            stored: HashMap::new(),
            next_seq: HashMap::new(),
            retired: HashSet::new(),
            inbox: HashMap::new(),
            closed: Vec::new(),
            hold_stores: false,
            held: Vec::new(),
            hold_loads: false,
            held_loads: Vec::new(),
            loads: Vec::new(),
            now_ms: 1_000,
        }
    }

    fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send(to, message) => self.inbox.entry(to).or_default().push(message),
                Effect::Broadcast(to, message) => {
                    for conn in to {
                        self.inbox.entry(conn).or_default().push(message.clone());
                    }
                }
                Effect::Close(conn) => {
                    self.closed.push(conn);
                    self.relay.handle_disconnect(conn);
                }
                store @ Effect::Store { .. } if self.hold_stores => self.held.push(store),
                Effect::Store { from, client_ref, item } => {
                    let id = item.id();
                    if self.retired.contains(&id) {
                        let more = self.relay.handle_store_refused(from, client_ref, ErrorCode::Retired, "retired");
                        self.run(more);
                        continue;
                    }
                    if item.retires() {
                        self.retired.insert(id);
                    }
                    let seq = self.next_seq.entry(id).or_insert(0);
                    *seq += 1;
                    let seq = *seq;
                    self.stored.entry(id).or_default().push((seq, item.clone()));
                    let more = self.relay.handle_stored(from, client_ref, seq, item);
                    self.run(more);
                }
                Effect::LoadSince { to, id, after_seq, limit, .. } => {
                    self.loads.push(limit);
                    let read = self.read(id, after_seq, limit);
                    if self.hold_loads {
                        self.held_loads.push((to, id, after_seq, limit, read));
                        continue;
                    }
                    let head = self.head(id);
                    let more = self.relay.handle_loaded(to, id, read, head);
                    self.run(more);
                }
                Effect::Fetch { id, after_seq, limit, .. } => {
                    let (read, head) = (self.read(id, after_seq, limit), self.head(id));
                    let more = self.relay.handle_fetched(id, read, head);
                    self.run(more);
                }
                Effect::Share(_) => {}
                Effect::DeleteLetters { inbox, through_seq } => {
                    if let Some(list) = self.stored.get_mut(&inbox) {
                        list.retain(|(seq, _)| *seq > through_seq);
                    }
                }
            }
        }
    }

    fn read(&self, id: SyncId, after_seq: u64, limit: usize) -> Vec<(u64, StoredItem)> {
        let all = self.stored.get(&id).cloned().unwrap_or_default();
        all.into_iter().filter(|(s, _)| *s > after_seq).take(limit).collect()
    }

    fn head(&self, id: SyncId) -> u64 {
        self.next_seq.get(&id).copied().unwrap_or(0)
    }

    /// Answer the held loads: with what was read when each ran, or (`reread`)
    /// with what storage holds now.
    fn release_loads(&mut self, reread: bool) {
        self.hold_loads = false;
        for (to, id, after_seq, limit, read) in std::mem::take(&mut self.held_loads) {
            let (items, head) = if reread {
                (self.read(id, after_seq, limit), self.head(id))
            } else {
                let head = read.last().map_or(after_seq, |(seq, _)| *seq);
                (read, head)
            };
            let more = self.relay.handle_loaded(to, id, items, head);
            self.run(more);
        }
    }

    fn connect(&mut self, n: u64) -> (ConnectionId, [u8; 32]) {
        let conn = ConnectionId(n);
        let challenge = [n as u8; 32];
        let effects = self.relay.handle_connect(conn, challenge, ORIGIN, self.now_ms);
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
        let message = ClientMessage::Subscribe { public: *keys.public(), from_seq, proof: keys.subscribe_proof(ORIGIN, challenge) };
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

    fn stored_count(&self, keys: &DocumentKeys) -> usize {
        self.stored.get(&keys.id()).map_or(0, Vec::len)
    }
}

fn keys(n: u8) -> DocumentKeys {
    DocumentKeys::create([n; 32])
}

fn member(owner: &DocumentKeys, role: Role) -> MemberKeys {
    MemberKeys::issue(owner, role, [role as u8 + 40; 32]).unwrap()
}

fn sealed(owner: &DocumentKeys, purpose: Purpose, body: &[u8], nonce: u8) -> SealedChunk {
    SealedChunk::seal(owner, &member(owner, Role::Owner), purpose, [nonce; 24], body).unwrap()
}

fn push(harness: &mut Harness, conn: ConnectionId, keys: &DocumentKeys, text: &[u8], client_ref: u64) {
    let chunk = sealed(keys, Purpose::Change, text, client_ref as u8);
    harness.send(conn, &ClientMessage::Push { chunk, client_ref });
}

/// The sequence numbers of the chunks in `messages`, in arrival order.
fn chunk_seqs(messages: &[RelayMessage]) -> Vec<u64> {
    messages.iter().filter_map(|m| match m { RelayMessage::Chunk { seq, .. } => Some(*seq), _ => None }).collect()
}

#[test]
fn a_push_is_acknowledged_once_stored_and_reaches_the_partner() {
    let mut h = Harness::new(RelayLimits::default());
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    let (bob, cb) = h.connect(2);
    assert!(matches!(h.take(alice)[0], RelayMessage::Welcome { version: 2, .. }));
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
    assert_eq!(chunk.open(&plan).unwrap().body, b"goal: apply for the grant");
}

#[test]
fn a_late_subscriber_catches_up_from_its_sequence_number_a_page_at_a_time() {
    let limits = RelayLimits { backlog_page: 2, ..RelayLimits::default() };
    let mut h = Harness::new(limits);
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    h.subscribe(alice, &ca, &plan, 0);
    for i in 1..=5 {
        push(&mut h, alice, &plan, format!("change {i}").as_bytes(), i);
    }
    let (bob, cb) = h.connect(2);
    h.take(bob);
    h.loads.clear();
    h.subscribe(bob, &cb, &plan, 1);
    let got = h.take(bob);
    assert_eq!(chunk_seqs(&got), [2, 3, 4, 5], "only what it had not seen, in order");
    assert_eq!(got.last(), Some(&RelayMessage::CaughtUp { id: plan.id(), seq: 5 }));
    assert_eq!(h.loads, [2, 2], "the backlog was read in pages, never whole");
}

#[test]
fn a_change_stored_while_a_subscriber_catches_up_reaches_it_after_its_backlog() {
    // A client reads a document's chunks without gaps, so a live chunk
    // overtaking the backlog would look like a gap.
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
    push(&mut h, alice, &plan, b"live change 3", 3);
    push(&mut h, alice, &plan, b"live change 4", 4);
    assert!(chunk_seqs(&h.take(bob)).is_empty(), "nothing reaches Bob ahead of his backlog");

    h.release_loads(false);
    let got = h.take(bob);
    assert_eq!(chunk_seqs(&got), [1, 2, 3, 4], "backlog first, then what came meanwhile");
    assert_eq!(got.last(), Some(&RelayMessage::CaughtUp { id: plan.id(), seq: 4 }));

    push(&mut h, alice, &plan, b"change 5", 5);
    assert_eq!(chunk_seqs(&h.take(bob)), [5]);

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
    assert_eq!(h.relay.subscriber_count(&plan.id()), 1);
}

#[test]
fn a_catching_up_subscriber_holds_back_a_bounded_number_of_bytes_and_re_subscribing_counts() {
    let limits = RelayLimits { max_waiting_bytes: 3_000, subscribes_per_window: 3, ..RelayLimits::default() };
    let mut h = Harness::new(limits);
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    h.subscribe(alice, &ca, &plan, 0);
    let (bob, cb) = h.connect(2);
    h.hold_loads = true;
    h.subscribe(bob, &cb, &plan, 0);
    push(&mut h, alice, &plan, &[1; 1_000], 1);
    push(&mut h, alice, &plan, &[2; 1_000], 2);
    assert!(h.closed.is_empty());
    push(&mut h, alice, &plan, &[3; 1_000], 3);
    assert_eq!(h.closed, [bob], "closed once the bytes held for it pass the limit");
    // Asking for the same document again and again is rate limited too.
    h.take(alice);
    h.subscribe(alice, &ca, &plan, 0);
    h.subscribe(alice, &ca, &plan, 0);
    assert_eq!(h.last_error(alice), None, "three in the window, the first included");
    h.subscribe(alice, &ca, &plan, 0);
    assert_eq!(h.last_error(alice), Some(ErrorCode::RateLimited));
}

#[test]
fn a_subscribe_proof_must_be_made_for_this_relay_and_this_connection() {
    let mut h = Harness::new(RelayLimits::default());
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    h.subscribe(alice, &ca, &plan, 0);
    push(&mut h, alice, &plan, b"private", 1);

    let (eve, challenge) = h.connect(9);
    h.take(eve);
    // Eve knows the public keys, and signs with a key of her own.
    let own = ClientMessage::Subscribe { public: *plan.public(), from_seq: 0, proof: keys(2).subscribe_proof(ORIGIN, &challenge) };
    h.send(eve, &own);
    assert_eq!(h.last_error(eve), Some(ErrorCode::ProofRequired));
    // Replaying Alice's proof (made for Alice's challenge) fails too.
    let replay = ClientMessage::Subscribe { public: *plan.public(), from_seq: 0, proof: plan.subscribe_proof(ORIGIN, &ca) };
    h.send(eve, &replay);
    assert_eq!(h.last_error(eve), Some(ErrorCode::ProofRequired));
    // A proof a member made for another relay (which passed this relay's
    // challenge on) does not work here.
    let elsewhere = ClientMessage::Subscribe { public: *plan.public(), from_seq: 0, proof: plan.subscribe_proof("evil.example", &challenge) };
    h.send(eve, &elsewhere);
    assert_eq!(h.last_error(eve), Some(ErrorCode::ProofRequired));
    assert_eq!(h.relay.subscriber_count(&plan.id()), 1);
}

#[test]
fn a_readers_push_is_refused_and_only_the_owner_retires() {
    let mut h = Harness::new(RelayLimits::default());
    let plan = keys(1);
    let reader = plan.for_role(Role::Reader).unwrap();
    let writer = plan.for_role(Role::Writer).unwrap();
    let (pat, _) = h.connect(1);
    h.take(pat);
    // A reader holds the reader key only: it signs a "change" with it.
    let mut chunk = SealedChunk::seal(&reader, &member(&plan, Role::Reader), Purpose::Member, [1; 24], b"edit").unwrap();
    chunk.purpose = Purpose::Change;
    h.send(pat, &ClientMessage::Push { chunk, client_ref: 1 });
    assert_eq!(h.last_error(pat), Some(ErrorCode::BadSignature));
    // Its introduction (name, inboxes) is taken.
    let hello = SealedChunk::seal(&reader, &member(&plan, Role::Reader), Purpose::Member, [2; 24], b"Pat").unwrap();
    h.send(pat, &ClientMessage::Push { chunk: hello, client_ref: 2 });
    assert!(h.take(pat).contains(&RelayMessage::Ack { client_ref: 2, seq: 1 }));
    // A writer cannot retire the document.
    let mut retire = SealedChunk::seal(&writer, &member(&plan, Role::Writer), Purpose::Change, [3; 24], b"").unwrap();
    retire.purpose = Purpose::Retire;
    h.send(pat, &ClientMessage::Push { chunk: retire, client_ref: 3 });
    assert_eq!(h.last_error(pat), Some(ErrorCode::BadSignature));
    assert_eq!(h.stored_count(&plan), 1);
}

#[test]
fn a_retired_document_takes_no_more_writes_but_can_still_be_read() {
    let mut h = Harness::new(RelayLimits::default());
    let plan = keys(1);
    let (owner, co) = h.connect(1);
    h.subscribe(owner, &co, &plan, 0);
    push(&mut h, owner, &plan, b"before", 1);
    h.send(owner, &ClientMessage::Push { chunk: sealed(&plan, Purpose::Retire, b"keys replaced", 2), client_ref: 2 });
    assert!(h.take(owner).contains(&RelayMessage::Ack { client_ref: 2, seq: 2 }));

    // A removed member, still holding the old keys, writes on.
    let (former, cf) = h.connect(2);
    h.take(former);
    let writer = plan.for_role(Role::Writer).unwrap();
    let late = SealedChunk::seal(&writer, &member(&plan, Role::Writer), Purpose::Change, [3; 24], b"late edit").unwrap();
    h.send(former, &ClientMessage::Push { chunk: late, client_ref: 9 });
    let refusal = h.take(former);
    assert!(
        refusal.iter().any(|m| matches!(m, RelayMessage::Error { code: ErrorCode::Retired, client_ref: Some(9), .. })),
        "{refusal:?}"
    );
    assert_eq!(h.stored_count(&plan), 2, "nothing after the retirement was stored");
    h.subscribe(former, &cf, &plan, 0);
    assert_eq!(chunk_seqs(&h.take(former)), [1, 2], "what was written stays readable");
}

#[test]
fn signals_are_forwarded_never_stored_and_stored_purposes_are_never_forwarded_as_signals() {
    let mut h = Harness::new(RelayLimits::default());
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    let (bob, cb) = h.connect(2);
    h.subscribe(alice, &ca, &plan, 0);
    h.subscribe(bob, &cb, &plan, 0);
    h.take(alice);
    h.take(bob);
    let here = sealed(&plan, Purpose::Signal, b"alice is here", 1);
    h.send(alice, &ClientMessage::Ephemeral { chunk: here.clone() });
    assert_eq!(h.take(bob), vec![RelayMessage::Ephemeral { chunk: here.clone() }]);
    // Pushed to be stored, a signal is refused.
    h.send(alice, &ClientMessage::Push { chunk: here, client_ref: 4 });
    assert_eq!(h.last_error(alice), Some(ErrorCode::WrongPurpose));
    // A change sent as a signal is refused too (it would skip the store).
    h.send(alice, &ClientMessage::Ephemeral { chunk: sealed(&plan, Purpose::Change, b"x", 2) });
    assert_eq!(h.last_error(alice), Some(ErrorCode::WrongPurpose));
    assert!(h.take(bob).is_empty());
    assert!(h.stored.is_empty());

    h.relay.handle_disconnect(bob);
    assert_eq!(h.relay.subscriber_count(&plan.id()), 1);
    let frame = encode(&ClientMessage::Hello { version: PROTOCOL_VERSION });
    assert!(h.relay.handle_frame(bob, &frame, 0).is_empty(), "a frame from a closed connection is ignored");
}

/// Keep in touch: a wish posted by one side gets no answer, even when the
/// other side's device posts the same token under the first side's tag or
/// a made-up one; once the other side posts its own, both connections
/// hear. Nothing is stored. See: issue 13.
#[test]
fn a_rendezvous_answers_only_two_sides_and_stores_nothing() {
    let mut h = Harness::new(RelayLimits::default());
    let (sam, _) = h.connect(1);
    let (ana, _) = h.connect(2);
    h.take(sam);
    h.take(ana);
    let (sam_side, ana_side) = ([1; 32], [2; 32]);
    let token = confidant_shared::sync::rendezvous::token_for(&sam_side, &ana_side);
    h.send(sam, &ClientMessage::Rendezvous { token, side: sam_side });
    h.send(ana, &ClientMessage::Rendezvous { token, side: sam_side });
    h.send(ana, &ClientMessage::Rendezvous { token, side: [3; 32] });
    assert!(h.take(sam).is_empty() && h.take(ana).is_empty(), "a one-sided wish, even probed, is not answered");
    h.send(ana, &ClientMessage::Rendezvous { token, side: ana_side });
    assert_eq!(h.take(sam), vec![RelayMessage::Met { token }]);
    assert_eq!(h.take(ana), vec![RelayMessage::Met { token }]);
    assert!(h.stored.is_empty());
}

#[test]
fn nobody_can_make_the_relay_drop_history() {
    // Protocol 1 let any key holder send a snapshot covering everything, and
    // the relay deleted the history. Protocol 2 has no such request: a frame
    // shaped like it is malformed, and every chunk stays.
    let mut h = Harness::new(RelayLimits::default());
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    h.subscribe(alice, &ca, &plan, 0);
    for i in 1..=3 {
        push(&mut h, alice, &plan, b"edit", i);
    }
    h.take(alice);
    let mut snapshot = vec![4u8]; // protocol 1's `Snapshot` variant
    snapshot.extend(encode(&sealed(&plan, Purpose::Change, b"everything", 9)));
    snapshot.extend([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 1]);
    h.send_frame(alice, &snapshot);
    assert!(h.last_error(alice).is_some());
    assert_eq!(h.stored_count(&plan), 3);
}

#[test]
fn bad_frames_get_typed_errors_and_the_connection_survives() {
    let mut h = Harness::new(RelayLimits::default());
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    h.take(alice);
    let frame = encode(&ClientMessage::Push { chunk: sealed(&plan, Purpose::Change, b"x", 0), client_ref: 1 });
    h.send_frame(alice, &frame[..frame.len() / 2]);
    assert_eq!(h.last_error(alice), Some(ErrorCode::MalformedFrame));
    h.send_frame(alice, &vec![0; MAX_FRAME_BYTES + 1]);
    assert_eq!(h.last_error(alice), Some(ErrorCode::FrameTooLarge));
    let mut altered = sealed(&plan, Purpose::Change, b"real", 0);
    altered.ciphertext[0] ^= 1;
    h.send(alice, &ClientMessage::Push { chunk: altered, client_ref: 2 });
    assert_eq!(h.last_error(alice), Some(ErrorCode::BadSignature));
    h.subscribe(alice, &ca, &plan, 0);
    push(&mut h, alice, &plan, b"after the noise", 5);
    assert!(h.take(alice).contains(&RelayMessage::Ack { client_ref: 5, seq: 1 }));
    assert!(h.closed.is_empty());
}

#[test]
fn a_client_of_another_protocol_version_is_told_and_closed() {
    let mut h = Harness::new(RelayLimits::default());
    let conn = ConnectionId(1);
    let effects = h.relay.handle_connect(conn, [1; 32], ORIGIN, 0);
    h.run(effects);
    h.send(conn, &ClientMessage::Hello { version: 1 });
    assert_eq!(h.last_error(conn), Some(ErrorCode::UnsupportedVersion));
    assert_eq!(h.closed, [conn]);
    assert_eq!(h.relay.connection_count(), 0);
}

#[test]
fn floods_and_oversized_chunks_are_refused_with_a_time_to_retry() {
    let limits = RelayLimits { max_chunk_bytes: 256, messages_per_window: 5, window_ms: 1_000, ..RelayLimits::default() };
    let mut h = Harness::new(limits);
    let plan = keys(1);
    let (alice, ca) = h.connect(1);
    h.subscribe(alice, &ca, &plan, 0);
    h.take(alice);
    push(&mut h, alice, &plan, &[7; 400], 1);
    assert_eq!(h.last_error(alice), Some(ErrorCode::ChunkTooLarge));
    for i in 2..=6 {
        push(&mut h, alice, &plan, b"ok", i);
    }
    let refusal = h.take(alice).into_iter().find(|m| matches!(m, RelayMessage::Error { .. }));
    assert!(
        matches!(refusal, Some(RelayMessage::Error { code: ErrorCode::RateLimited, client_ref: Some(6), retry_after_ms: Some(ms), .. }) if ms <= 1_000),
        "{refusal:?}"
    );
    assert_eq!(h.stored_count(&plan), 4, "the first four of the window were taken");
    h.now_ms += 1_000;
    push(&mut h, alice, &plan, b"next second", 9);
    assert!(h.take(alice).contains(&RelayMessage::Ack { client_ref: 9, seq: 5 }));
}

#[test]
fn a_burst_of_five_thousand_subscribes_is_refused_past_the_limit_with_memory_bounded() {
    let limits = RelayLimits { subscribes_per_window: 1_000, max_subscriptions: 1_500, ..RelayLimits::default() };
    let mut h = Harness::new(limits);
    let (flood, challenge) = h.connect(1);
    h.take(flood);
    let mut refused = 0;
    for n in 0..5_000u32 {
        let mut root = [0u8; 32];
        root[..4].copy_from_slice(&n.to_le_bytes());
        let doc = DocumentKeys::create(root);
        h.subscribe(flood, &challenge, &doc, 0);
        refused += h.take(flood).iter().filter(|m| matches!(m, RelayMessage::Error { code: ErrorCode::RateLimited, retry_after_ms: Some(_), .. })).count();
    }
    assert_eq!(h.relay.subscriptions_of(flood), 1_000, "the window's share, no more");
    assert_eq!(refused, 4_000);
    assert_eq!(h.loads.len(), 1_000, "no backlog is read for a refused subscription");
    // Next window: more, up to the cap on subscriptions per connection.
    h.now_ms += 1_000;
    for n in 5_000..6_000u32 {
        let mut root = [0u8; 32];
        root[..4].copy_from_slice(&n.to_le_bytes());
        h.subscribe(flood, &challenge, &DocumentKeys::create(root), 0);
    }
    assert_eq!(h.relay.subscriptions_of(flood), 1_500);
    assert_eq!(h.last_error(flood), Some(ErrorCode::TooManySubscriptions));
}

#[test]
fn a_connection_that_never_says_hello_or_goes_silent_is_closed() {
    let limits = RelayLimits { hello_deadline_ms: 10_000, idle_timeout_ms: 60_000, ..RelayLimits::default() };
    let mut h = Harness::new(limits);
    let mute = ConnectionId(1);
    let effects = h.relay.handle_connect(mute, [1; 32], ORIGIN, 0);
    h.run(effects);
    let (talker, _) = h.connect(2);
    let effects = h.relay.handle_tick(9_999);
    assert!(effects.is_empty());
    let effects = h.relay.handle_tick(10_000);
    h.run(effects);
    assert_eq!(h.closed, [mute], "no hello within the deadline");
    assert_eq!(h.last_error(mute), Some(ErrorCode::Timeout));
    h.relay.handle_heard(talker, 50_000);
    let effects = h.relay.handle_tick(100_000);
    assert!(effects.is_empty(), "a pong keeps a quiet connection open");
    let effects = h.relay.handle_tick(110_000);
    h.run(effects);
    assert_eq!(h.closed, [mute, talker]);
    assert_eq!(h.relay.connection_count(), 0);
}

#[test]
fn only_an_inboxs_owner_reads_or_deletes_its_letters() {
    let mut h = Harness::new(RelayLimits::default());
    let coordinator = InboxKeys::from_seed([3; 32]);
    let (mentee, _) = h.connect(1);
    h.take(mentee);
    let letter = coordinator.address().seal(None, [1; 32], [2; 24], b"intake");
    h.send(mentee, &ClientMessage::Post { post: letter, client_ref: 1 });
    assert!(h.take(mentee).contains(&RelayMessage::Ack { client_ref: 1, seq: 1 }));

    let (stranger, cs) = h.connect(2);
    h.take(stranger);
    let imposter = InboxKeys::from_seed([4; 32]);
    let snoop = ClientMessage::SubscribeInbox { inbox: coordinator.address().verifying_key, from_seq: 0, proof: imposter.subscribe_proof(ORIGIN, &cs) };
    h.send(stranger, &snoop);
    assert_eq!(h.last_error(stranger), Some(ErrorCode::ProofRequired));
    let delete = ClientMessage::DeleteLetters { inbox: coordinator.address().verifying_key, through_seq: 1, proof: imposter.delete_proof(ORIGIN, 1) };
    h.send(stranger, &delete);
    assert_eq!(h.last_error(stranger), Some(ErrorCode::ProofRequired));
    assert_eq!(h.stored[&coordinator.id()].len(), 1);

    let (owner, co) = h.connect(3);
    h.take(owner);
    h.send(owner, &ClientMessage::SubscribeInbox { inbox: coordinator.address().verifying_key, from_seq: 0, proof: coordinator.subscribe_proof(ORIGIN, &co) });
    let got = h.take(owner);
    assert!(matches!(got[0], RelayMessage::Letter { seq: 1, .. }), "{got:?}");
    h.send(owner, &ClientMessage::DeleteLetters { inbox: coordinator.address().verifying_key, through_seq: 1, proof: coordinator.delete_proof(ORIGIN, 1) });
    assert!(h.stored[&coordinator.id()].is_empty(), "the owner deleted what it read");
    let welcome = encode(&RelayMessage::Welcome { version: 2, challenge: [0; 32], relay_time_ms: 5 });
    assert!(decode::<RelayMessage>(&welcome).is_ok());
}
