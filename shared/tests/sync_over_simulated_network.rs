//! Two devices and the relay, all state machines, over a simulated network:
//! an edit made offline is kept, sent on reconnecting, acknowledged and
//! delivered to the partner; duplicates and replays are ignored; reconnects
//! back off with jitter; the status says offline / syncing N / up to date.
//! See: issue 4.

use std::collections::HashMap;

use confidant_shared::sync::client::{ClientEffect, SyncClient};
use confidant_shared::sync::relay::{ConnectionId, Effect, Relay, RelayLimits};
use confidant_shared::sync::inbox::InboxKeys;
use confidant_shared::sync::wire::{encode, ClientMessage, ErrorCode, RelayMessage};
use confidant_shared::sync::{DocumentKeys, SealedChunk};
use confidant_shared::SyncStatus;

/// A device: its sync client and what it persisted and received.
struct Device {
    client: SyncClient,
    conn: ConnectionId,
    online: bool,
    persisted: HashMap<u64, SealedChunk>,
    cursor: HashMap<[u8; 16], u64>,
    received: Vec<Vec<u8>>,
    presence: Vec<Vec<u8>>,
    inbox: Vec<Vec<u8>>,
    refused: Vec<ErrorCode>,
    to_relay: Vec<Vec<u8>>,
}

struct Network {
    relay: Relay,
    log: HashMap<[u8; 16], Vec<SealedChunk>>,
    devices: Vec<Device>,
    nonce: u8,
}

impl Network {
    fn new(keys: &DocumentKeys, n: usize) -> Self {
        let devices = (0..n)
            .map(|i| {
                let mut client = SyncClient::new(Vec::new());
                client.track(keys.clone(), 0);
                Device { client, conn: ConnectionId(i as u64), online: false, persisted: HashMap::new(), cursor: HashMap::new(), received: Vec::new(), presence: Vec::new(), inbox: Vec::new(), refused: Vec::new(), to_relay: Vec::new() }
            })
            .collect();
        Network { relay: Relay::new(RelayLimits::default()), log: HashMap::new(), devices, nonce: 0 }
    }

    fn apply_client(&mut self, i: usize, effects: Vec<ClientEffect>) {
        let device = &mut self.devices[i];
        for effect in effects {
            match effect {
                ClientEffect::Send(message) => device.to_relay.push(encode(&message)),
                ClientEffect::Deliver { changes, .. } => device.received.push(changes),
                ClientEffect::Presence { payload, .. } => device.presence.push(payload),
                ClientEffect::PersistPending { client_ref, chunk } => {
                    device.persisted.insert(client_ref, chunk);
                }
                ClientEffect::ForgetPending { client_ref } => {
                    device.persisted.remove(&client_ref);
                }
                ClientEffect::PersistCursor { doc, seq } => {
                    device.cursor.insert(doc, seq);
                }
                ClientEffect::InboxMessage { message, .. } => device.inbox.push(message),
                ClientEffect::Refused { code, .. } => device.refused.push(code),
                ClientEffect::ReconnectAfter { .. } => {}
            }
        }
    }

    fn apply_relay(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send(to, message) => {
                    if let Some(i) = self.devices.iter().position(|d| d.conn == to && d.online) {
                        let out = self.devices[i].client.handle_frame(&encode(&message), 0);
                        self.apply_client(i, out);
                    }
                }
                Effect::Store { from, client_ref, chunk, .. } => {
                    let log = self.log.entry(chunk.doc).or_default();
                    log.push(chunk.clone());
                    let seq = log.len() as u64;
                    let more = self.relay.handle_stored(from, client_ref, seq, chunk);
                    self.apply_relay(more);
                }
                Effect::LoadSince { to, doc, after_seq } => {
                    let all = self.log.get(&doc).cloned().unwrap_or_default();
                    let chunks = all.iter().cloned().enumerate().map(|(i, c)| (i as u64 + 1, c)).filter(|(s, _)| *s > after_seq).collect();
                    let more = self.relay.handle_loaded(to, doc, chunks, all.len() as u64);
                    self.apply_relay(more);
                }
                Effect::Close(conn) => self.relay.handle_disconnect(conn),
            }
        }
    }

    /// Deliver every queued frame until nothing moves.
    fn run(&mut self) {
        loop {
            let Some(i) = self.devices.iter().position(|d| d.online && !d.to_relay.is_empty()) else { return };
            let frames = std::mem::take(&mut self.devices[i].to_relay);
            let conn = self.devices[i].conn;
            for frame in frames {
                let effects = self.relay.handle_frame(conn, &frame, 0);
                self.apply_relay(effects);
            }
        }
    }

    fn connect(&mut self, i: usize) {
        self.devices[i].online = true;
        let hello = self.devices[i].client.handle_connected();
        self.apply_client(i, hello);
        let conn = self.devices[i].conn;
        let welcome = self.relay.handle_connect(conn, [i as u8 + 1; 32], 0);
        self.apply_relay(welcome);
        self.run();
    }

    fn disconnect(&mut self, i: usize) {
        self.devices[i].online = false;
        self.devices[i].to_relay.clear();
        self.relay.handle_disconnect(self.devices[i].conn);
        let effects = self.devices[i].client.handle_disconnected(0.5);
        self.apply_client(i, effects);
    }

    fn edit(&mut self, i: usize, keys: &DocumentKeys, text: &str) {
        self.nonce += 1;
        let effects = self.devices[i].client.push(keys, [self.nonce; 24], text.as_bytes());
        self.apply_client(i, effects);
        self.run();
    }
}

fn plan_keys() -> DocumentKeys {
    DocumentKeys::from_random([1; 32], [2; 32])
}

#[test]
fn an_offline_edit_is_kept_sent_on_reconnect_and_reaches_the_partner() {
    let keys = plan_keys();
    let mut net = Network::new(&keys, 2);
    net.connect(1);
    assert_eq!(net.devices[0].client.status(), SyncStatus::Offline);

    net.edit(0, &keys, "milestone: draft chapter 2");
    assert_eq!(net.devices[0].client.status(), SyncStatus::Offline);
    assert_eq!(net.devices[0].persisted.len(), 1, "kept until acknowledged");
    assert!(net.devices[1].received.is_empty());

    net.connect(0);
    assert_eq!(net.devices[0].client.status(), SyncStatus::UpToDate);
    assert!(net.devices[0].persisted.is_empty(), "acknowledged, so forgotten");
    assert_eq!(net.devices[1].received, [b"milestone: draft chapter 2".to_vec()]);
}

#[test]
fn a_device_restarted_with_its_pending_chunks_sends_them() {
    let keys = plan_keys();
    let mut net = Network::new(&keys, 2);
    net.connect(1);
    net.edit(0, &keys, "typed before the browser closed");
    // The browser restarts: a new client from what IndexedDB kept.
    let kept: Vec<_> = net.devices[0].persisted.iter().map(|(r, c)| (*r, c.clone())).collect();
    let mut client = SyncClient::new(kept);
    client.track(keys.clone(), 0);
    net.devices[0].client = client;
    net.connect(0);
    assert_eq!(net.devices[1].received, [b"typed before the browser closed".to_vec()]);
    assert!(net.devices[0].persisted.is_empty());
}

#[test]
fn a_device_that_was_away_catches_up_once_and_ignores_replays() {
    let keys = plan_keys();
    let mut net = Network::new(&keys, 2);
    net.connect(0);
    net.connect(1);
    net.edit(0, &keys, "one");
    net.disconnect(1);
    net.edit(0, &keys, "two");
    net.edit(0, &keys, "three");
    net.connect(1);
    assert_eq!(net.devices[1].received, [b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]);
    assert_eq!(net.devices[1].cursor[keys.id().as_bytes()], 3);

    // The relay sends an old chunk again: nothing is delivered twice.
    let replay = RelayMessage::Chunk { seq: 2, chunk: net.log[keys.id().as_bytes()][1].clone() };
    let effects = net.devices[1].client.handle_frame(&encode(&replay), 0);
    assert!(effects.is_empty());
}

#[test]
fn syncing_counts_changes_waiting_for_the_relay() {
    let keys = plan_keys();
    let mut client = SyncClient::new(Vec::new());
    client.track(keys.clone(), 0);
    client.handle_connected();
    let welcome = RelayMessage::Welcome { version: 1, challenge: [0; 32], relay_time_ms: 10_000 };
    client.handle_frame(&encode(&welcome), 9_000);
    assert_eq!(client.relay_offset_ms(), Some(1_000), "relay clock is one second ahead");
    client.push(&keys, [1; 24], b"a");
    client.push(&keys, [2; 24], b"b");
    assert_eq!(client.status(), SyncStatus::Syncing { pending: 2 });
    client.handle_frame(&encode(&RelayMessage::Ack { client_ref: 1, seq: 1 }), 9_000);
    assert_eq!(client.status(), SyncStatus::Syncing { pending: 1 });
}

#[test]
fn reconnects_back_off_with_jitter_up_to_a_cap() {
    let mut client = SyncClient::new(Vec::new());
    let delay = |effects: Vec<ClientEffect>| match effects[..] {
        [ClientEffect::ReconnectAfter { ms }] => ms,
        _ => panic!("{effects:?}"),
    };
    let first = delay(client.handle_disconnected(1.0));
    let second = delay(client.handle_disconnected(1.0));
    assert_eq!((first, second), (500, 1_000));
    for _ in 0..20 {
        client.handle_disconnected(1.0);
    }
    assert_eq!(delay(client.handle_disconnected(1.0)), 30_000);
    assert_eq!(delay(client.handle_disconnected(0.0)), 15_000, "jitter spreads a room's reconnects");
    client.handle_connected();
    let welcome = RelayMessage::Welcome { version: 1, challenge: [0; 32], relay_time_ms: 0 };
    client.handle_frame(&encode(&welcome), 0);
    assert_eq!(delay(client.handle_disconnected(1.0)), 500, "a good connection resets the backoff");
}

#[test]
fn presence_reaches_the_partner_decrypted() {
    let keys = plan_keys();
    let mut net = Network::new(&keys, 2);
    net.connect(0);
    net.connect(1);
    let signal = net.devices[0].client.signal(&keys, [9; 24], b"sam is editing");
    net.apply_client(0, signal);
    net.run();
    assert_eq!(net.devices[1].presence, [b"sam is editing".to_vec()]);
    assert!(net.log.is_empty(), "presence is never stored");
}

#[test]
fn presence_is_not_sent_offline_or_for_untracked_documents() {
    let keys = plan_keys();
    let net = Network::new(&keys, 1);
    assert!(net.devices[0].client.signal(&keys, [1; 24], b"here").is_empty(), "offline: nothing to send");
    let mut net = Network::new(&keys, 1);
    net.connect(0);
    let stranger = DocumentKeys::from_random([5; 32], [6; 32]);
    assert!(net.devices[0].client.signal(&stranger, [1; 24], b"here").is_empty());
    assert_eq!(net.devices[0].client.signal(&keys, [1; 24], b"here").len(), 1);
}

#[test]
fn a_document_followed_while_connected_is_subscribed_at_once() {
    let keys = plan_keys();
    let mut net = Network::new(&keys, 2);
    net.connect(0);
    net.connect(1);
    let shared_later = DocumentKeys::from_random([7; 32], [8; 32]);
    for i in 0..2 {
        let effects = net.devices[i].client.follow(shared_later.clone(), 0);
        assert_eq!(effects.len(), 1, "one subscribe, sent at once");
        net.apply_client(i, effects);
    }
    net.run();
    net.edit(0, &shared_later, "a goal plan shared after connecting");
    assert_eq!(net.devices[1].received, [b"a goal plan shared after connecting".to_vec()]);
    // Offline, following only records the document; the next welcome subscribes.
    let mut offline = SyncClient::new(Vec::new());
    assert!(offline.follow(shared_later, 0).is_empty());
}

#[test]
fn a_sealed_post_waits_in_the_inbox_until_its_owner_fetches_it() {
    let plan = plan_keys();
    let mut net = Network::new(&plan, 3);
    let coordinator = InboxKeys::from_seed([42; 32]);
    let address = coordinator.address();

    // A mentee posts an intake form while the coordinator is offline.
    net.connect(0);
    let post = net.devices[0].client.post(&address, [7; 32], [8; 24], b"intake: career planning, early career");
    net.apply_client(0, post);
    net.run();
    assert!(net.devices[0].persisted.is_empty(), "the post was acknowledged as durably stored");

    // The coordinator's device follows its inbox and receives it, opened.
    let follow = net.devices[1].client.follow_inbox(coordinator.clone(), 0);
    assert!(follow.is_empty(), "offline: subscribes on connecting");
    net.connect(1);
    assert_eq!(net.devices[1].inbox, [b"intake: career planning, early career".to_vec()]);
    assert!(net.log.values().flatten().all(|c| !c.ciphertext.windows(6).any(|w| w == b"intake")), "the relay holds it sealed");

    // Someone else knowing the address can post but not read.
    net.connect(2);
    // (Device 2's challenge in this network is [3; 32].)
    let stranger = InboxKeys::from_seed([1; 32]);
    for proof in [vec![0; 64], stranger.subscribe_proof(&[3; 32])] {
        let snoop = ClientMessage::Subscribe { doc: *address.id().as_bytes(), verifying_key: address.verifying_key, from_seq: 0, proof };
        net.devices[2].to_relay.push(encode(&snoop));
    }
    net.run();
    assert_eq!(net.devices[2].refused, [ErrorCode::ProofRequired, ErrorCode::ProofRequired]);
    assert!(net.devices[2].inbox.is_empty());
}

#[test]
fn posts_go_only_to_inboxes_and_a_post_sent_offline_goes_on_reconnect() {
    let plan = plan_keys();
    let mut net = Network::new(&plan, 2);
    net.connect(0);
    // An unsigned "post" aimed at a shared document is refused.
    let forged = InboxKeys::from_seed([5; 32]).address().seal([1; 32], [2; 24], b"spam");
    let mut into_plan = forged.clone();
    into_plan.doc = *plan.id().as_bytes();
    into_plan.verifying_key = plan.verifying_key();
    net.devices[0].to_relay.push(encode(&ClientMessage::Post { chunk: into_plan, client_ref: 99 }));
    net.run();
    assert_eq!(net.devices[0].refused, [ErrorCode::WrongDocument]);
    assert!(net.log.is_empty());

    // Posted while offline: kept, then sent as a post (not a push) on reconnect.
    let owner = InboxKeys::from_seed([6; 32]);
    let mut late = SyncClient::new(Vec::new());
    let kept = late.post(&owner.address(), [3; 32], [4; 24], b"survey answer");
    assert_eq!(kept.len(), 1, "offline: only kept");
    net.devices[1].client = late;
    net.connect(1);
    assert_eq!(net.log.get(owner.id().as_bytes()).map(Vec::len), Some(1), "stored on reconnect");
    assert_eq!(owner.open(&net.log[owner.id().as_bytes()][0]).unwrap(), b"survey answer");
}

#[test]
fn a_device_that_left_a_document_gets_and_sends_nothing_more_of_it() {
    let keys = plan_keys();
    let mut net = Network::new(&keys, 2);
    net.connect(0);
    net.connect(1);
    net.edit(0, &keys, "before leaving");
    assert_eq!(net.devices[1].received.len(), 1);

    // Device 1 has an unsent edit, then leaves: the edit is dropped with it.
    net.disconnect(1);
    net.edit(1, &keys, "written, never sent");
    let doc = *keys.id().as_bytes();
    let effects = net.devices[1].client.unfollow(&doc);
    assert!(effects.iter().any(|e| matches!(e, ClientEffect::ForgetPending { .. })));
    net.apply_client(1, effects);
    assert!(net.devices[1].persisted.is_empty());
    net.connect(1);
    net.edit(0, &keys, "after leaving");
    assert_eq!(net.devices[1].received.len(), 1, "nothing arrives after leaving");
    assert_eq!(net.log[&doc].len(), 2, "and the dropped edit never reached the relay");
    assert!(net.devices[1].client.unfollow(&doc).is_empty(), "leaving twice does nothing");
}
