//! Several relay instances sharing one store (issue 16): each runs its own
//! state machine and hears of the others' stores only through hints that
//! come late, twice, out of order or never, and stores finish in any order.
//! Every subscriber on every instance must still get every chunk once, in
//! sequence order, without a gap its client would have to repair. Signals
//! and mutual wishes, never stored, reach the other instances too.

use std::collections::{BTreeMap, HashMap};

use confidant_shared::sync::rendezvous::token_for;
use confidant_shared::sync::relay::{ConnectionId, Effect, Relay, Shared, StoredItem};
use confidant_shared::sync::relay_limits::RelayLimits;
use confidant_shared::sync::wire::{encode, ClientMessage, RelayMessage, PROTOCOL_VERSION};
use confidant_shared::sync::{DocumentKeys, MemberKeys, Purpose, Role, SealedChunk, SyncId};

const ORIGIN: &str = "relay.example.edu";

/// Something under way whose end the schedule picks at random.
enum Task {
    /// A store's transaction: numbers the item and commits it.
    Commit { instance: usize, from: ConnectionId, client_ref: u64, item: StoredItem },
    /// The committed item's answer reaching its own instance.
    Stored { instance: usize, from: ConnectionId, client_ref: u64, seq: u64, item: StoredItem },
    /// A notification reaching another instance.
    Hint { instance: usize, id: SyncId, seq: u64 },
    Load { instance: usize, to: ConnectionId, id: SyncId, after_seq: u64, limit: usize },
    Fetch { instance: usize, id: SyncId, after_seq: u64, limit: usize },
    /// A signal or rendezvous side passed to another instance.
    Shared { instance: usize, shared: Shared },
}

/// A fixed-seed generator: each seed is one schedule.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

struct World {
    relays: Vec<Relay>,
    store: HashMap<SyncId, Vec<(u64, StoredItem)>>,
    tasks: Vec<Task>,
    received: BTreeMap<ConnectionId, Vec<u64>>,
    acked: BTreeMap<ConnectionId, Vec<u64>>,
    messages: BTreeMap<ConnectionId, Vec<RelayMessage>>,
    /// Where each reader asked to start.
    starts: BTreeMap<ConnectionId, u64>,
    rng: Rng,
    /// Out of 10: how often a notification is lost, and sent twice.
    lose: usize,
    twice: usize,
}

impl World {
    fn new(instances: usize, seed: u64, lose: usize, twice: usize) -> Self {
        let limits = RelayLimits { backlog_page: 3, messages_per_window: 100_000, subscribes_per_window: 100_000, ..RelayLimits::default() };
        World {
            relays: (0..instances)
                .map(|_| {
                    let mut relay = Relay::new(limits);
                    relay.share_with_other_instances();
                    relay
                })
                .collect(),
            store: HashMap::new(),
            tasks: Vec::new(),
            received: BTreeMap::new(),
            acked: BTreeMap::new(),
            messages: BTreeMap::new(),
            starts: BTreeMap::new(),
            rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
            lose,
            twice,
        }
    }

    fn head(&self, id: &SyncId) -> u64 {
        self.store.get(id).and_then(|items| items.last()).map_or(0, |(seq, _)| *seq)
    }

    fn read(&self, id: &SyncId, after_seq: u64, limit: usize) -> Vec<(u64, StoredItem)> {
        self.store.get(id).into_iter().flatten().filter(|(seq, _)| *seq > after_seq).take(limit).cloned().collect()
    }

    fn carry_out(&mut self, instance: usize, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send(to, message) => self.deliver(to, message),
                Effect::Broadcast(to, message) => {
                    for conn in to {
                        self.deliver(conn, message.clone());
                    }
                }
                Effect::Store { from, client_ref, item } => self.tasks.push(Task::Commit { instance, from, client_ref, item }),
                Effect::LoadSince { to, id, after_seq, limit, .. } => self.tasks.push(Task::Load { instance, to, id, after_seq, limit }),
                Effect::Fetch { id, after_seq, limit, .. } => self.tasks.push(Task::Fetch { instance, id, after_seq, limit }),
                Effect::DeleteLetters { .. } => {}
                Effect::Share(shared) => {
                    for other in (0..self.relays.len()).filter(|o| *o != instance) {
                        self.tasks.push(Task::Shared { instance: other, shared: shared.clone() });
                    }
                }
                Effect::Close(conn) => panic!("{conn:?} was closed: nothing here should overflow"),
            }
        }
    }

    fn deliver(&mut self, to: ConnectionId, message: RelayMessage) {
        self.messages.entry(to).or_default().push(message.clone());
        match message {
            RelayMessage::Chunk { seq, .. } => self.received.entry(to).or_default().push(seq),
            RelayMessage::Ack { seq, .. } => self.acked.entry(to).or_default().push(seq),
            RelayMessage::Error { message, .. } => panic!("{to:?} was refused: {message}"),
            _ => {}
        }
    }

    /// Finish one task chosen at random.
    fn step(&mut self) -> bool {
        if self.tasks.is_empty() {
            return false;
        }
        let task = self.tasks.swap_remove(self.rng.below(self.tasks.len()));
        match task {
            Task::Commit { instance, from, client_ref, item } => {
                let id = item.id();
                let seq = self.head(&id) + 1;
                self.store.entry(id).or_default().push((seq, item.clone()));
                self.tasks.push(Task::Stored { instance, from, client_ref, seq, item });
                for other in 0..self.relays.len() {
                    // Instances hear their own notifications too.
                    if self.rng.below(10) >= self.lose {
                        self.tasks.push(Task::Hint { instance: other, id, seq });
                    }
                    if self.rng.below(10) < self.twice {
                        self.tasks.push(Task::Hint { instance: other, id, seq });
                    }
                }
            }
            Task::Stored { instance, from, client_ref, seq, item } => {
                let effects = self.relays[instance].handle_stored(from, client_ref, seq, item);
                self.carry_out(instance, effects);
            }
            Task::Hint { instance, id, seq } => {
                let effects = self.relays[instance].handle_stored_elsewhere(id, seq);
                self.carry_out(instance, effects);
            }
            Task::Load { instance, to, id, after_seq, limit } => {
                let (items, head) = (self.read(&id, after_seq, limit), self.head(&id));
                let effects = self.relays[instance].handle_loaded(to, id, items, head);
                self.carry_out(instance, effects);
            }
            Task::Shared { instance, shared } => {
                let effects = self.relays[instance].handle_shared(shared, 1_000);
                self.carry_out(instance, effects);
            }
            Task::Fetch { instance, id, after_seq, limit } => {
                let (items, head) = (self.read(&id, after_seq, limit), self.head(&id));
                let effects = self.relays[instance].handle_fetched(id, items, head);
                self.carry_out(instance, effects);
            }
        }
        true
    }

    /// Each instance's timer: compare what it follows with the store's heads.
    fn timers(&mut self) {
        for instance in 0..self.relays.len() {
            for id in self.relays[instance].followed() {
                let head = self.head(&id);
                let effects = self.relays[instance].handle_stored_elsewhere(id, head);
                self.carry_out(instance, effects);
            }
        }
    }

    fn send(&mut self, instance: usize, conn: ConnectionId, message: &ClientMessage) {
        let effects = self.relays[instance].handle_frame(conn, &encode(message), 1_000);
        self.carry_out(instance, effects);
    }

    fn connect(&mut self, instance: usize, conn: ConnectionId, keys: &DocumentKeys, subscribe: bool) {
        self.connect_from(instance, conn, keys, subscribe, 0);
    }

    /// Connect and (if `subscribe`) follow from `from_seq`, as a device
    /// that read that far before does.
    fn connect_from(&mut self, instance: usize, conn: ConnectionId, keys: &DocumentKeys, subscribe: bool, from_seq: u64) {
        let challenge = [conn.0 as u8; 32];
        let effects = self.relays[instance].handle_connect(conn, challenge, ORIGIN, 1_000);
        self.carry_out(instance, effects);
        self.send(instance, conn, &ClientMessage::Hello { version: PROTOCOL_VERSION });
        if subscribe {
            let proof = keys.subscribe_proof(ORIGIN, &challenge);
            self.send(instance, conn, &ClientMessage::Subscribe { public: *keys.public(), from_seq, proof });
        }
    }
}

fn chunk(keys: &DocumentKeys, n: u64) -> SealedChunk {
    let owner = MemberKeys::issue(keys, Role::Owner, [7; 32]).unwrap();
    let mut nonce = [0u8; 24];
    nonce[..8].copy_from_slice(&n.to_le_bytes());
    SealedChunk::seal(keys, &owner, Purpose::Change, nonce, format!("change {n}").as_bytes()).unwrap()
}

/// Writers on every instance push while readers join on every instance at
/// random moments; then everything in flight finishes and each timer runs
/// once. Returns (readers' chunks, writers' chunks and acks, stored count).
fn run_schedule(seed: u64, lose: usize, twice: usize) -> World {
    const INSTANCES: usize = 3;
    const WRITERS: u64 = 3;
    const PUSHES: u64 = 12;
    const READERS: u64 = 6;
    let keys = DocumentKeys::create([3; 32]);
    let mut world = World::new(INSTANCES, seed, lose, twice);
    // Writers follow the document too, as a device does.
    for w in 0..WRITERS {
        world.connect(w as usize % INSTANCES, ConnectionId(100 + w), &keys, true);
    }
    let mut pushes = 0;
    let mut readers = 0;
    while pushes < WRITERS * PUSHES || readers < READERS || !world.tasks.is_empty() {
        match world.rng.below(6) {
            0 if pushes < WRITERS * PUSHES => {
                let w = pushes % WRITERS;
                world.send(w as usize % INSTANCES, ConnectionId(100 + w), &ClientMessage::Push { chunk: chunk(&keys, pushes), client_ref: pushes });
                pushes += 1;
            }
            1 if readers < READERS => {
                // Every other reader read before and asks from the head it
                // knew: a reconnecting device.
                let from = if readers % 2 == 1 { world.head(&keys.id()) } else { 0 };
                world.starts.insert(ConnectionId(200 + readers), from);
                world.connect_from(readers as usize % INSTANCES, ConnectionId(200 + readers), &keys, true, from);
                readers += 1;
            }
            _ => {
                world.step();
            }
        }
    }
    // Lost notifications: each timer compares heads, then all settles.
    world.timers();
    while world.step() {}
    world
}

fn check(world: &World, seed: u64) {
    let all: Vec<u64> = (1..=36).collect();
    for reader in 200..206 {
        let got = world.received.get(&ConnectionId(reader)).cloned().unwrap_or_default();
        let from = world.starts[&ConnectionId(reader)];
        let want: Vec<u64> = all.iter().copied().filter(|s| *s > from).collect();
        assert_eq!(got, want, "seed {seed}: reader {reader} (from {from}) got every chunk after it once, in order");
    }
    for writer in 100..103 {
        let conn = ConnectionId(writer);
        let got = world.received.get(&conn).cloned().unwrap_or_default();
        assert!(got.windows(2).all(|w| w[0] < w[1]), "seed {seed}: writer {writer} got chunks in order, none twice: {got:?}");
        let mut seen: Vec<u64> = got.iter().chain(world.acked.get(&conn).into_iter().flatten()).copied().collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, all, "seed {seed}: writer {writer} has every chunk, its own by their acks");
    }
}

#[test]
fn three_instances_with_late_and_duplicated_notifications_deliver_every_chunk_once_in_order() {
    for seed in 0..300 {
        let world = run_schedule(seed, 0, 3);
        check(&world, seed);
    }
}

#[test]
fn lost_notifications_only_delay_delivery_until_the_timer_compares_heads() {
    for seed in 0..300 {
        let world = run_schedule(seed, 4, 2);
        check(&world, seed);
    }
}

#[test]
fn with_every_notification_lost_the_timer_alone_delivers() {
    let world = run_schedule(7, 10, 0);
    check(&world, 7);
}

#[test]
fn signals_and_mutual_wishes_reach_members_on_the_other_instances() {
    let keys = DocumentKeys::create([3; 32]);
    let mut world = World::new(2, 1, 0, 0);
    world.connect(0, ConnectionId(1), &keys, true);
    world.connect(1, ConnectionId(2), &keys, true);
    while world.step() {}

    // A signal sent on instance 0 reaches the member on instance 1.
    let owner = MemberKeys::issue(&keys, Role::Owner, [7; 32]).unwrap();
    let signal = SealedChunk::seal(&keys, &owner, Purpose::Signal, [5; 24], b"here").unwrap();
    world.send(0, ConnectionId(1), &ClientMessage::Ephemeral { chunk: signal.clone() });
    while world.step() {}
    let got = |world: &World, conn: u64| world.messages.get(&ConnectionId(conn)).cloned().unwrap_or_default();
    assert!(got(&world, 2).contains(&RelayMessage::Ephemeral { chunk: signal.clone() }), "the member on the other instance hears it");
    assert!(!got(&world, 1).iter().any(|m| matches!(m, RelayMessage::Ephemeral { .. })), "the sender does not hear itself");

    // Passed on by another instance, a change is not a signal: dropped.
    let change = SealedChunk::seal(&keys, &owner, Purpose::Change, [6; 24], b"edit").unwrap();
    assert!(world.relays[1].handle_shared(Shared::Signal(change), 1_000).is_empty());

    // Two sides of a wish posted on two instances meet; both are told.
    let (side_a, side_b) = ([1u8; 32], [2u8; 32]);
    let token = token_for(&side_a, &side_b);
    world.send(0, ConnectionId(1), &ClientMessage::Rendezvous { token, side: side_a });
    while world.step() {}
    assert!(!got(&world, 1).iter().any(|m| matches!(m, RelayMessage::Met { .. })), "one side alone hears nothing");
    world.send(1, ConnectionId(2), &ClientMessage::Rendezvous { token, side: side_b });
    while world.step() {}
    for conn in [1, 2] {
        assert!(got(&world, conn).contains(&RelayMessage::Met { token }), "connection {conn} is told they met");
    }
    // A made-up side from elsewhere meets nothing.
    let lone = token_for(&[8; 32], &[9; 32]);
    world.send(0, ConnectionId(1), &ClientMessage::Rendezvous { token: lone, side: [8; 32] });
    assert!(world.relays[1].handle_shared(Shared::Rendezvous { token: lone, side: [7; 32] }, 1_000).is_empty());
}

#[test]
fn a_subscriber_asking_from_past_the_head_does_not_stop_what_others_are_sent() {
    let keys = DocumentKeys::create([3; 32]);
    let mut world = World::new(1, 1, 0, 0);
    // The first to follow asks from far past anything stored.
    world.connect_from(0, ConnectionId(1), &keys, true, 1_000_000);
    while world.step() {}
    world.connect(0, ConnectionId(2), &keys, true);
    world.connect(0, ConnectionId(3), &keys, true);
    while world.step() {}
    for n in 0..3 {
        world.send(0, ConnectionId(2), &ClientMessage::Push { chunk: chunk(&keys, n), client_ref: n });
        while world.step() {}
    }
    assert_eq!(world.received.get(&ConnectionId(3)).cloned().unwrap_or_default(), vec![1, 2, 3], "the others still get every change");
    assert_eq!(world.relays[0].forwarded(&keys.id()), Some(3));
}
