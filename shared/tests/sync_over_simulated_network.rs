//! Devices and the relay, all state machines, over a simulated network: an
//! edit made offline is kept, sent on reconnecting, acknowledged and
//! delivered; duplicates and replays are ignored; gaps are asked for again;
//! a non-member's change is ignored; a reader cannot write; a retired
//! document takes no more writes; a relay that drops a chunk is caught by the
//! members' heads exchange and the change is pushed again; replacing keys
//! moves the members who stay and leaves the removed one writing to nobody.
//! See: issue 4, issue 10.

use std::collections::{HashMap, HashSet};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ROOT};
use confidant_shared::document::DocumentKind;
use confidant_shared::sync::client::{ClientEffect, Outgoing, PushError, SyncClient};
use confidant_shared::sync::heads_exchange::{compare, my_heads, HeardHeads, Verdict};
use confidant_shared::sync::inbox::{InboxKeys, Sender};
use confidant_shared::sync::notice::{follow_moved, Moving, Notice, RetireReason};
use confidant_shared::sync::relay::{ConnectionId, Effect, Relay, StoredItem};
use confidant_shared::sync::relay_limits::RelayLimits;
use confidant_shared::sync::rotation::{replace_keys, KnownMember};
use confidant_shared::sync::signal::Signal;
use confidant_shared::sync::wire::{encode, ClientMessage, ErrorCode, RelayMessage};
use confidant_shared::sync::{DocumentKeys, MemberInfo, MemberKeys, Purpose, RelayHeads, Role, SealedChunk, SyncId};
use confidant_shared::SyncStatus;

const ORIGIN: &str = "relay.example.edu";

/// A device: its sync client and what it persisted and received.
#[derive(Default)]
struct Device {
    client: Option<SyncClient>,
    conn: u64,
    online: bool,
    persisted: HashMap<u64, Outgoing>,
    acked: Vec<(u64, SyncId, u64)>,
    cursor: HashMap<SyncId, u64>,
    received: Vec<Vec<u8>>,
    signals: Vec<Signal>,
    letters: Vec<(Sender, Vec<u8>)>,
    introduced: Vec<MemberInfo>,
    retired: Vec<SyncId>,
    ignored: Vec<String>,
    refused: Vec<ErrorCode>,
    caught_up: Vec<SyncId>,
    withheld: Vec<SyncId>,
    met: Vec<[u8; 32]>,
    to_relay: Vec<Vec<u8>>,
}

impl Device {
    fn client(&mut self) -> &mut SyncClient {
        self.client.as_mut().expect("a client")
    }
}

/// The relay's storage, and ways for a test to make it misbehave.
struct Network {
    relay: Relay,
    log: HashMap<SyncId, Vec<(u64, StoredItem)>>,
    retired: HashSet<SyncId>,
    devices: Vec<Device>,
    nonce: u8,
    /// The relay acknowledges the next store but keeps and forwards nothing.
    drop_next_store: bool,
    /// The relay leaves this sequence number out when forwarding (to one device).
    skip_forward: Option<(u64, u64)>,
}

impl Network {
    fn new(n: usize) -> Self {
        let devices = (0..n).map(|i| Device { client: Some(SyncClient::new(ORIGIN, Vec::new())), conn: i as u64, ..Device::default() }).collect();
        Network { relay: Relay::new(RelayLimits::default()), log: HashMap::new(), retired: HashSet::new(), devices, nonce: 0, drop_next_store: false, skip_forward: None }
    }

    fn with_document(n: usize, owner: &DocumentKeys) -> Self {
        let mut net = Network::new(n);
        for (i, device) in net.devices.iter_mut().enumerate() {
            let member = MemberKeys::issue(owner, if i == 0 { Role::Owner } else { Role::Writer }, [i as u8 + 100; 32]).unwrap();
            let keys = if i == 0 { owner.clone() } else { owner.for_role(Role::Writer).unwrap() };
            device.client().track(keys, member, 0);
        }
        net
    }

    fn apply_client(&mut self, i: usize, effects: Vec<ClientEffect>) {
        let device = &mut self.devices[i];
        for effect in effects {
            match effect {
                ClientEffect::Send(message) => device.to_relay.push(encode(&message)),
                ClientEffect::Deliver { changes, .. } => device.received.push(changes),
                ClientEffect::Signal { signal, .. } => device.signals.push(signal),
                ClientEffect::PersistPending { client_ref, item } => {
                    device.persisted.insert(client_ref, item);
                }
                ClientEffect::Acknowledged { client_ref, id, seq } => {
                    device.persisted.remove(&client_ref);
                    device.acked.push((client_ref, id, seq));
                }
                ClientEffect::Dropped { client_ref } => {
                    device.persisted.remove(&client_ref);
                }
                ClientEffect::PersistCursor { id, seq } => {
                    device.cursor.insert(id, seq);
                }
                ClientEffect::Letter { letter, .. } => device.letters.push((letter.from, letter.body)),
                ClientEffect::MemberIntroduced { info, .. } => device.introduced.push(info),
                ClientEffect::Retired { doc, .. } => device.retired.push(doc),
                ClientEffect::Ignored { reason, .. } => device.ignored.push(reason),
                ClientEffect::Refused { code, .. } => device.refused.push(code),
                ClientEffect::CaughtUp { doc, .. } => device.caught_up.push(doc),
                ClientEffect::Withheld { doc } => device.withheld.push(doc),
                ClientEffect::Met { token } => device.met.push(token),
                ClientEffect::ReconnectAfter { .. } | ClientEffect::RetryAfter { .. } => {}
            }
        }
    }

    fn deliver(&mut self, to: ConnectionId, message: &RelayMessage) {
        if let Some(i) = self.devices.iter().position(|d| d.conn == to.0 && d.online) {
            if let (RelayMessage::Chunk { seq, .. }, Some((device, skipped))) = (message, self.skip_forward) {
                if device == to.0 && *seq == skipped {
                    self.skip_forward = None;
                    return;
                }
            }
            let out = self.devices[i].client().handle_frame(&encode(message), 0);
            self.apply_client(i, out);
        }
    }

    fn apply_relay(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send(to, message) => self.deliver(to, &message),
                Effect::Broadcast(to, message) => {
                    for conn in to {
                        self.deliver(conn, &message);
                    }
                }
                Effect::Store { from, client_ref, item } => {
                    let id = item.id();
                    if self.retired.contains(&id) {
                        let more = self.relay.handle_store_refused(from, client_ref, ErrorCode::Retired, "retired");
                        self.apply_relay(more);
                        continue;
                    }
                    if item.retires() {
                        self.retired.insert(id);
                    }
                    let log = self.log.entry(id).or_default();
                    let seq = log.last().map_or(1, |(s, _)| s + 1);
                    if std::mem::take(&mut self.drop_next_store) {
                        // A lying relay: it acknowledges, then gives the number to the next chunk.
                        self.deliver(from, &RelayMessage::Ack { client_ref, seq });
                        continue;
                    }
                    log.push((seq, item.clone()));
                    let more = self.relay.handle_stored(from, client_ref, seq, item);
                    self.apply_relay(more);
                }
                Effect::LoadSince { to, id, after_seq, limit, .. } => {
                    let all = self.log.get(&id).cloned().unwrap_or_default();
                    let head = all.last().map_or(0, |(s, _)| *s);
                    let items = all.into_iter().filter(|(s, _)| *s > after_seq).take(limit).collect();
                    let more = self.relay.handle_loaded(to, id, items, head);
                    self.apply_relay(more);
                }
                Effect::Fetch { id, after_seq, limit, .. } => {
                    let all = self.log.get(&id).cloned().unwrap_or_default();
                    let head = all.last().map_or(0, |(s, _)| *s);
                    let items = all.into_iter().filter(|(s, _)| *s > after_seq).take(limit).collect();
                    let more = self.relay.handle_fetched(id, items, head);
                    self.apply_relay(more);
                }
                Effect::Share(_) => {}
                Effect::DeleteLetters { inbox, through_seq } => {
                    if let Some(log) = self.log.get_mut(&inbox) {
                        log.retain(|(seq, _)| *seq > through_seq);
                    }
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
            let conn = ConnectionId(self.devices[i].conn);
            for frame in frames {
                let effects = self.relay.handle_frame(conn, &frame, 0);
                self.apply_relay(effects);
            }
        }
    }

    fn connect(&mut self, i: usize) {
        self.devices[i].online = true;
        self.devices[i].conn += 1_000;
        let hello = self.devices[i].client().handle_connected();
        self.apply_client(i, hello);
        let conn = ConnectionId(self.devices[i].conn);
        let welcome = self.relay.handle_connect(conn, [i as u8 + 1; 32], ORIGIN, 0);
        self.apply_relay(welcome);
        self.run();
    }

    fn disconnect(&mut self, i: usize) {
        self.devices[i].online = false;
        self.devices[i].to_relay.clear();
        self.relay.handle_disconnect(ConnectionId(self.devices[i].conn));
        let effects = self.devices[i].client().handle_disconnected(0.5);
        self.apply_client(i, effects);
    }

    fn next_nonce(&mut self) -> [u8; 24] {
        self.nonce += 1;
        [self.nonce; 24]
    }

    fn edit(&mut self, i: usize, doc: &SyncId, bytes: &[u8]) {
        let nonce = self.next_nonce();
        let effects = self.devices[i].client().push(doc, nonce, bytes).expect("a writer pushes");
        self.apply_client(i, effects);
        self.run();
    }

    fn send_signal(&mut self, i: usize, doc: &SyncId, signal: &Signal) {
        let nonce = self.next_nonce();
        let effects = self.devices[i].client().signal(doc, nonce, signal);
        self.apply_client(i, effects);
        self.run();
    }
}

fn plan() -> DocumentKeys {
    DocumentKeys::create([1; 32])
}

/// The plan's owner and a writer, both connected.
fn connected_pair() -> (DocumentKeys, SyncId, Network) {
    let keys = plan();
    let doc = keys.id();
    let mut net = Network::with_document(2, &keys);
    net.connect(0);
    net.connect(1);
    (keys, doc, net)
}

#[test]
fn an_offline_edit_is_kept_sent_on_reconnect_and_reaches_the_partner() {
    let keys = plan();
    let doc = keys.id();
    let mut net = Network::with_document(2, &keys);
    net.connect(1);
    assert_eq!(net.devices[0].client().status(), SyncStatus::Offline);

    net.edit(0, &doc, b"milestone: draft chapter 2");
    assert_eq!(net.devices[0].persisted.len(), 1, "kept until acknowledged");
    assert!(net.devices[1].received.is_empty());

    net.connect(0);
    assert_eq!(net.devices[0].client().status(), SyncStatus::UpToDate);
    assert!(net.devices[0].persisted.is_empty(), "acknowledged, so forgotten");
    assert_eq!(net.devices[0].acked, [(1, doc, 1)], "the acknowledgement names the document and its place");
    assert_eq!(net.devices[1].received, [b"milestone: draft chapter 2".to_vec()]);
}

#[test]
fn a_device_restarted_with_its_pending_chunks_sends_them() {
    let keys = plan();
    let doc = keys.id();
    let mut net = Network::with_document(2, &keys);
    net.connect(1);
    net.edit(0, &doc, b"typed before the browser closed");
    let kept: Vec<_> = net.devices[0].persisted.iter().map(|(r, c)| (*r, c.clone())).collect();
    let mut client = SyncClient::new(ORIGIN, kept);
    client.track(keys.clone(), MemberKeys::issue(&keys, Role::Owner, [100; 32]).unwrap(), 0);
    net.devices[0].client = Some(client);
    net.connect(0);
    assert_eq!(net.devices[1].received, [b"typed before the browser closed".to_vec()]);
    assert!(net.devices[0].persisted.is_empty());
}

#[test]
fn a_device_that_was_away_catches_up_once_and_ignores_replays() {
    let (_, doc, mut net) = connected_pair();
    net.edit(0, &doc, b"one");
    net.disconnect(1);
    net.edit(0, &doc, b"two");
    net.edit(0, &doc, b"three");
    net.connect(1);
    assert_eq!(net.devices[1].received, [b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]);
    assert_eq!(net.devices[1].cursor[&doc], 3);
    assert_eq!(net.devices[1].client().status(), SyncStatus::UpToDate);

    let replay = RelayMessage::Chunk { seq: 2, chunk: match &net.log[&doc][1].1 { StoredItem::Chunk(c) => c.clone(), _ => unreachable!() } };
    let effects = net.devices[1].client().handle_frame(&encode(&replay), 0);
    assert!(effects.is_empty());
}

#[test]
fn the_writer_skips_its_own_chunks_without_seeing_a_gap() {
    let (_, doc, mut net) = connected_pair();
    net.edit(0, &doc, b"mine");
    net.edit(1, &doc, b"theirs");
    net.edit(0, &doc, b"mine again");
    assert_eq!(net.devices[0].cursor[&doc], 3, "its own acknowledged chunks count as read");
    assert!(net.devices[0].withheld.is_empty() && net.devices[1].withheld.is_empty());
    assert_eq!(net.devices[1].received, [b"mine".to_vec(), b"mine again".to_vec()]);
}

#[test]
fn a_gap_in_what_the_relay_forwards_is_asked_for_again() {
    let (_, doc, mut net) = connected_pair();
    net.edit(0, &doc, b"one");
    net.skip_forward = Some((net.devices[1].conn, 2));
    net.edit(0, &doc, b"two (left out)");
    net.edit(0, &doc, b"three");
    assert_eq!(net.devices[1].received, [b"one".to_vec(), b"two (left out)".to_vec(), b"three".to_vec()], "the gap was filled, in order");
    assert!(net.devices[1].withheld.is_empty());
}

#[test]
fn syncing_counts_changes_waiting_for_the_relay_and_up_to_date_waits_for_the_backlog() {
    let keys = plan();
    let doc = keys.id();
    let mut client = SyncClient::new(ORIGIN, Vec::new());
    client.track(keys.clone(), MemberKeys::issue(&keys, Role::Owner, [1; 32]).unwrap(), 0);
    client.handle_connected();
    let welcome = RelayMessage::Welcome { version: 2, challenge: [0; 32], relay_time_ms: 10_000 };
    client.handle_frame(&encode(&welcome), 9_000);
    assert_eq!(client.relay_offset_ms(), Some(1_000), "relay clock is one second ahead");
    assert_eq!(client.status(), SyncStatus::Syncing { pending: 0 }, "subscribed, backlog not read yet");
    client.handle_frame(&encode(&RelayMessage::CaughtUp { id: doc, seq: 0 }), 9_000);
    assert_eq!(client.status(), SyncStatus::UpToDate);
    client.push(&doc, [1; 24], b"a").unwrap();
    client.push(&doc, [2; 24], b"b").unwrap();
    assert_eq!(client.status(), SyncStatus::Syncing { pending: 2 });
    client.handle_frame(&encode(&RelayMessage::Ack { client_ref: 1, seq: 1 }), 9_000);
    assert_eq!(client.status(), SyncStatus::Syncing { pending: 1 });
}

#[test]
fn reconnects_back_off_with_jitter_up_to_a_cap() {
    let mut client = SyncClient::new(ORIGIN, Vec::new());
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
    let welcome = RelayMessage::Welcome { version: 2, challenge: [0; 32], relay_time_ms: 0 };
    client.handle_frame(&encode(&welcome), 0);
    assert_eq!(delay(client.handle_disconnected(1.0)), 500, "a good connection resets the backoff");
}

#[test]
fn a_rate_limited_push_is_sent_again_after_the_delay_the_relay_gave() {
    let keys = plan();
    let doc = keys.id();
    let mut client = SyncClient::new(ORIGIN, Vec::new());
    client.track(keys.clone(), MemberKeys::issue(&keys, Role::Owner, [1; 32]).unwrap(), 0);
    client.handle_connected();
    client.handle_frame(&encode(&RelayMessage::Welcome { version: 2, challenge: [0; 32], relay_time_ms: 0 }), 0);
    client.push(&doc, [1; 24], b"a").unwrap();
    let refusal = RelayMessage::Error { code: ErrorCode::RateLimited, message: "slow".into(), client_ref: Some(1), id: None, retry_after_ms: Some(700) };
    assert_eq!(client.handle_frame(&encode(&refusal), 0), [ClientEffect::RetryAfter { ms: 700 }]);
    let again = client.handle_retry();
    assert!(matches!(&again[..], [ClientEffect::Send(ClientMessage::Push { client_ref: 1, .. })]), "{again:?}");
    assert!(client.handle_retry().is_empty(), "sent once per refusal");
}

/// Keep in touch over the relay: Sam's wish, made while Ana is offline,
/// reaches nobody; when Ana comes online and wishes too, both hear, and
/// Sam hears again after reconnecting (wishes go again on every
/// connection). See: issue 13.
#[test]
fn a_mutual_wish_meets_over_the_relay_and_a_one_sided_one_stays_unheard() {
    let mut net = Network::new(2);
    net.connect(0);
    let (sam_side, ana_side) = ([1; 32], [2; 32]);
    let token = confidant_shared::sync::rendezvous::token_for(&sam_side, &ana_side);
    let out = net.devices[0].client().wish(token, sam_side);
    net.apply_client(0, out);
    net.run();
    net.connect(1);
    // Ana's device posts Sam's side tag: still only one side.
    let out = net.devices[1].client().wish(token, sam_side);
    net.apply_client(1, out);
    net.run();
    assert!(net.devices[0].met.is_empty() && net.devices[1].met.is_empty(), "a one-sided wish is heard by nobody");
    net.devices[1].client().forget_wish(&token);
    let out = net.devices[1].client().wish(token, ana_side);
    net.apply_client(1, out);
    net.run();
    assert_eq!((net.devices[0].met.as_slice(), net.devices[1].met.as_slice()), (&[token][..], &[token][..]));
    net.disconnect(0);
    net.connect(0);
    assert_eq!(net.devices[0].met, [token, token], "told again after reconnecting");
}

/// A keep-in-touch wish made offline goes out on connecting, and again on
/// every later connection (the relay keeps wishes in memory only); a `Met`
/// for a token this device never posted is nothing to it. See: issue 13.
#[test]
fn a_wish_is_posted_on_every_connection_and_only_its_own_meeting_is_heard() {
    let mut client = SyncClient::new(ORIGIN, Vec::new());
    let (token, side) = ([3; 32], [4; 32]);
    assert!(client.wish(token, side).is_empty(), "offline: kept for later");
    let welcome = encode(&RelayMessage::Welcome { version: 2, challenge: [0; 32], relay_time_ms: 0 });
    for _ in 0..2 {
        client.handle_connected();
        let sent = client.handle_frame(&welcome, 0);
        assert!(sent.contains(&ClientEffect::Send(ClientMessage::Rendezvous { token, side })), "{sent:?}");
        client.handle_disconnected(1.0);
    }
    client.handle_connected();
    client.handle_frame(&welcome, 0);
    assert_eq!(client.handle_frame(&encode(&RelayMessage::Met { token }), 0), [ClientEffect::Met { token }]);
    assert!(client.handle_frame(&encode(&RelayMessage::Met { token: [9; 32] }), 0).is_empty());
    // Refused for a burst (it names nothing): posted again on the retry.
    let refusal = RelayMessage::Error { code: ErrorCode::RateLimited, message: "slow".into(), client_ref: None, id: None, retry_after_ms: Some(300) };
    assert_eq!(client.handle_frame(&encode(&refusal), 0), [ClientEffect::RetryAfter { ms: 300 }]);
    assert!(client.handle_retry().contains(&ClientEffect::Send(ClientMessage::Rendezvous { token, side })));
}

#[test]
fn presence_reaches_the_partner_decrypted_never_stored_and_a_replay_is_ignored() {
    let (keys, doc, mut net) = connected_pair();
    let here = Signal::Presence { page: [1; 8], name: Some("Sam".into()), sent_at_ms: 0 };
    net.send_signal(0, &doc, &here);
    assert_eq!(net.devices[1].signals, [here.clone()]);
    assert!(net.log.is_empty(), "presence is never stored");

    // The relay replays the signal a minute later: it is stale.
    let mut client = SyncClient::new(ORIGIN, Vec::new());
    client.track(keys.clone(), MemberKeys::issue(&keys, Role::Writer, [3; 32]).unwrap(), 0);
    client.handle_connected();
    client.handle_frame(&encode(&RelayMessage::Welcome { version: 2, challenge: [0; 32], relay_time_ms: 60_000 }), 60_000);
    let owner = MemberKeys::issue(&keys, Role::Owner, [100; 32]).unwrap();
    let chunk = SealedChunk::seal(&keys, &owner, Purpose::Signal, [5; 24], &here.encode()).unwrap();
    assert!(client.handle_frame(&encode(&RelayMessage::Ephemeral { chunk: chunk.clone() }), 60_000).is_empty());
    // Stored by a misbehaving relay and sent as a change, it is set aside.
    let effects = client.handle_frame(&encode(&RelayMessage::Chunk { seq: 1, chunk }), 60_000);
    assert!(effects.iter().any(|e| matches!(e, ClientEffect::Ignored { .. })), "{effects:?}");
    assert!(!effects.iter().any(|e| matches!(e, ClientEffect::Deliver { .. })));
}

#[test]
fn a_document_followed_while_connected_is_subscribed_at_once() {
    let keys = plan();
    let mut net = Network::with_document(2, &keys);
    net.connect(0);
    net.connect(1);
    let later = DocumentKeys::create([7; 32]);
    for i in 0..2 {
        let member = MemberKeys::issue(&later, Role::Writer, [i as u8 + 9; 32]).unwrap();
        let effects = net.devices[i].client().follow(later.clone(), member, 0);
        assert_eq!(effects.len(), 1, "one subscribe, sent at once");
        net.apply_client(i, effects);
    }
    net.run();
    net.edit(0, &later.id(), b"a goal plan shared after connecting");
    assert_eq!(net.devices[1].received, [b"a goal plan shared after connecting".to_vec()]);
    let mut offline = SyncClient::new(ORIGIN, Vec::new());
    assert!(offline.follow(later.clone(), MemberKeys::issue(&later, Role::Writer, [1; 32]).unwrap(), 0).is_empty());
}

#[test]
fn a_letter_waits_until_its_owner_fetches_it_and_says_who_sent_it_or_that_nobody_did() {
    let mut net = Network::new(3);
    let coordinator = InboxKeys::from_seed([42; 32]);
    let mentee = InboxKeys::from_seed([43; 32]);
    let address = coordinator.address();

    net.connect(0);
    let named = net.devices[0].client().post(&address, Some(&mentee), [7; 32], [8; 24], b"intake: career planning");
    net.apply_client(0, named);
    let anonymous = net.devices[0].client().post(&address, None, [9; 32], [10; 24], b"survey: the program helped");
    net.apply_client(0, anonymous);
    net.run();
    assert!(net.devices[0].persisted.is_empty(), "both were acknowledged as durably stored");

    let follow = net.devices[1].client().follow_inbox(coordinator.clone(), 0);
    assert!(follow.is_empty(), "offline: subscribes on connecting");
    net.connect(1);
    assert_eq!(
        net.devices[1].letters,
        [(Sender::Device(mentee.address()), b"intake: career planning".to_vec()), (Sender::Anonymous, b"survey: the program helped".to_vec())]
    );
    let stored: Vec<Vec<u8>> = net.log.values().flatten().map(|(_, item)| encode(item)).collect();
    assert!(stored.iter().all(|bytes| !bytes.windows(6).any(|w| w == b"intake")), "the relay holds them sealed");
    // Read, the owner deletes them at the relay.
    let effects = net.devices[1].client().delete_letters(&coordinator.id(), 2);
    net.apply_client(1, effects);
    net.run();
    assert!(net.log[&coordinator.id()].is_empty(), "deleted once read");

    // Someone else knowing the address can post but not read.
    net.connect(2);
    let stranger = InboxKeys::from_seed([1; 32]);
    let snoop = ClientMessage::SubscribeInbox { inbox: address.verifying_key, from_seq: 0, proof: stranger.subscribe_proof(ORIGIN, &[3; 32]) };
    net.devices[2].to_relay.push(encode(&snoop));
    net.run();
    assert_eq!(net.devices[2].refused, [ErrorCode::ProofRequired]);
    assert!(net.devices[2].letters.is_empty());
}

#[test]
fn a_device_that_left_a_document_gets_and_sends_nothing_more_of_it() {
    let (_, doc, mut net) = connected_pair();
    net.edit(0, &doc, b"before leaving");
    assert_eq!(net.devices[1].received.len(), 1);

    net.disconnect(1);
    net.edit(1, &doc, b"written, never sent");
    let effects = net.devices[1].client().unfollow(&doc);
    assert!(effects.iter().any(|e| matches!(e, ClientEffect::Dropped { .. })));
    net.apply_client(1, effects);
    assert!(net.devices[1].persisted.is_empty());
    net.connect(1);
    net.edit(0, &doc, b"after leaving");
    assert_eq!(net.devices[1].received.len(), 1, "nothing arrives after leaving");
    assert_eq!(net.log[&doc].len(), 2, "and the dropped edit never reached the relay");
    assert!(net.devices[1].client().unfollow(&doc).is_empty(), "leaving twice does nothing");
}

#[test]
fn a_reader_follows_but_cannot_push() {
    let keys = plan();
    let doc = keys.id();
    let mut net = Network::with_document(2, &keys);
    let reader_member = MemberKeys::issue(&keys, Role::Reader, [60; 32]).unwrap();
    net.devices[1].client = Some(SyncClient::new(ORIGIN, Vec::new()));
    net.devices[1].client().track(keys.for_role(Role::Reader).unwrap(), reader_member, 0);
    net.connect(0);
    net.connect(1);
    net.edit(0, &doc, b"round 2 starts");
    assert_eq!(net.devices[1].received, [b"round 2 starts".to_vec()]);
    assert_eq!(net.devices[1].client().push(&doc, [1; 24], b"skip the round").unwrap_err(), PushError::NotAWriter);
    // Its introduction and presence go through.
    let info = MemberInfo { name: Some("Pat".into()), inboxes: vec![] };
    let effects = net.devices[1].client().introduce(&doc, [2; 24], &info).unwrap();
    net.apply_client(1, effects);
    net.run();
    assert_eq!(net.devices[0].introduced, [info]);
}

#[test]
fn a_change_from_someone_who_is_not_a_member_is_ignored() {
    let keys = plan();
    let doc = keys.id();
    let mut net = Network::with_document(3, &keys);
    // Device 2 got hold of the writer key (a leaked link) and certifies itself.
    let elsewhere = DocumentKeys::create([66; 32]);
    let self_made = MemberKeys::issue(&elsewhere, Role::Writer, [67; 32]).unwrap();
    let forged = SealedChunk::seal(&keys.for_role(Role::Writer).unwrap(), &self_made, Purpose::Change, [9; 24], b"spam").unwrap();
    net.connect(0);
    net.connect(1);
    net.connect(2);
    net.devices[2].to_relay.push(encode(&ClientMessage::Push { chunk: forged, client_ref: 1 }));
    net.run();
    assert_eq!(net.log[&doc].len(), 1, "the relay cannot tell");
    net.edit(0, &doc, b"from the owner");
    assert_eq!(net.devices[1].received, [b"from the owner".to_vec()], "the member's change arrives; the stranger's never does");
    assert_eq!(net.devices[1].ignored.len(), 1);
    assert_eq!(net.devices[1].cursor[&doc], 2, "read past it");
}

#[test]
fn a_removed_members_write_to_the_retired_document_is_refused() {
    let (keys, doc, mut net) = connected_pair();
    net.edit(1, &doc, b"before");
    let retire = net.devices[0].client().retire(&doc, [3; 24], &RetireReason::KeysReplaced.encode()).unwrap();
    net.apply_client(0, retire);
    net.run();
    assert_eq!(net.devices[1].retired, [doc], "the member hears of it");
    assert_eq!(net.devices[1].client().push(&doc, [4; 24], b"late").unwrap_err(), PushError::Retired);
    // A client that missed the retirement pushes anyway; the relay refuses.
    let mut stale = SyncClient::new(ORIGIN, Vec::new());
    stale.track(keys.for_role(Role::Writer).unwrap(), MemberKeys::issue(&keys, Role::Writer, [8; 32]).unwrap(), 0);
    net.devices.push(Device { client: Some(stale), conn: 50, ..Device::default() });
    net.disconnect(1);
    let effects = net.devices[2].client().push(&doc, [5; 24], b"late edit").unwrap();
    net.apply_client(2, effects);
    net.connect(2);
    assert_eq!(net.devices[2].retired, [doc]);
    assert!(net.devices[2].persisted.is_empty(), "dropped from the outbox: it will never be taken");
    assert_eq!(net.log[&doc].len(), 2, "nothing after the retirement");
}

/// Two devices with real documents: what they do with deliveries and
/// acknowledgements, and their heads exchange.
struct Replica {
    doc: AutoCommit,
    relay: RelayHeads,
    refs: HashMap<u64, ()>,
    acked_through: u64,
}

impl Replica {
    fn new() -> Self {
        Replica { doc: AutoCommit::new(), relay: RelayHeads::default(), refs: HashMap::new(), acked_through: 0 }
    }
}

fn sync_replica(net: &mut Network, i: usize, replica: &mut Replica, doc: &SyncId) {
    for changes in std::mem::take(&mut net.devices[i].received) {
        let before = replica.doc.get_heads();
        replica.doc.load_incremental(&changes).unwrap();
        replica.relay.absorb_delivered(&mut replica.doc, &before);
    }
    for (client_ref, _, seq) in std::mem::take(&mut net.devices[i].acked) {
        if replica.refs.remove(&client_ref).is_some() {
            replica.relay.acknowledged(client_ref, &mut replica.doc);
            replica.acked_through = replica.acked_through.max(seq);
        }
    }
    let _ = doc;
}

fn write(net: &mut Network, i: usize, replica: &mut Replica, doc: &SyncId, key: &str, value: &str) {
    replica.doc.put(ROOT, key, value).unwrap();
    replica.doc.commit();
    let unsent = replica.relay.unsent(&mut replica.doc).unwrap();
    let nonce = net.next_nonce();
    let effects = net.devices[i].client().push(doc, nonce, &unsent.changes).unwrap();
    let client_ref = effects.iter().find_map(|e| match e { ClientEffect::PersistPending { client_ref, .. } => Some(*client_ref), _ => None }).unwrap();
    replica.relay.sent(client_ref, &unsent);
    replica.refs.insert(client_ref, ());
    net.apply_client(i, effects);
    net.run();
}

/// Device `from` announces its heads; device `to` compares and acts.
fn exchange(net: &mut Network, from: usize, replicas: &mut [Replica; 2], doc: &SyncId) -> Verdict {
    let to = 1 - from;
    let through = net.devices[from].client().last_seq(doc).unwrap();
    let signal = my_heads(&mut replicas[from].doc, &replicas[from].relay, through, 0);
    net.send_signal(from, doc, &signal);
    let heard = HeardHeads::from_signal(net.devices[to].signals.last().expect("the signal arrived")).unwrap();
    let my_through = net.devices[to].client().last_seq(doc).unwrap();
    let replica = &mut replicas[to];
    compare(&mut replica.doc, &replica.relay, my_through, replica.acked_through, &heard, 64 * 1024)
}

#[test]
fn a_chunk_the_relay_acknowledged_and_dropped_is_detected_and_pushed_again() {
    let keys = plan();
    let doc = keys.id();
    let mut net = Network::with_document(2, &keys);
    let mut replicas = [Replica::new(), Replica::new()];
    net.connect(0);
    net.connect(1);
    write(&mut net, 0, &mut replicas[0], &doc, "title", "Year two");
    sync_replica(&mut net, 0, &mut replicas[0], &doc);
    sync_replica(&mut net, 1, &mut replicas[1], &doc);
    assert_eq!(replicas[1].doc.get(ROOT, "title").unwrap().unwrap().0.to_string(), "\"Year two\"");

    // The relay acknowledges the next change, then drops it, and gives its
    // number to the partner's next change: no gap anyone could see.
    net.drop_next_store = true;
    write(&mut net, 0, &mut replicas[0], &doc, "why", "To lead a lab");
    sync_replica(&mut net, 0, &mut replicas[0], &doc);
    write(&mut net, 1, &mut replicas[1], &doc, "horizon", "6 months");
    sync_replica(&mut net, 0, &mut replicas[0], &doc);
    sync_replica(&mut net, 1, &mut replicas[1], &doc);
    assert!(replicas[1].doc.get(ROOT, "why").unwrap().is_none(), "the partner never got it");
    assert!(net.devices[1].withheld.is_empty(), "sequence numbers alone cannot show it");

    // The relay forked the document: the author also skipped the partner's
    // change, numbered like its own. The partner announces what it has; the
    // author sees what each side lacks.
    let verdict = exchange(&mut net, 1, &mut replicas, &doc);
    assert!(verdict.lacking, "the author sees it lacks the partner's change");
    let Some(pieces) = verdict.repush else { panic!("not detected: {verdict:?}") };
    repush(&mut net, 0, &doc, &pieces);
    // The author announces its heads in turn; the partner pushes its change again.
    let verdict = exchange(&mut net, 0, &mut replicas, &doc);
    let Some(pieces) = verdict.repush else { panic!("the partner did not push again: {verdict:?}") };
    repush(&mut net, 1, &doc, &pieces);
    sync_replica(&mut net, 0, &mut replicas[0], &doc);
    sync_replica(&mut net, 1, &mut replicas[1], &doc);
    assert_eq!(replicas[1].doc.get(ROOT, "why").unwrap().unwrap().0.to_string(), "\"To lead a lab\"", "repaired");
    assert_eq!(replicas[0].doc.get(ROOT, "horizon").unwrap().unwrap().0.to_string(), "\"6 months\"", "repaired");
    assert_eq!(replicas[0].doc.get_heads(), replicas[1].doc.get_heads());
    assert!(exchange(&mut net, 1, &mut replicas, &doc).in_step());
    assert!(exchange(&mut net, 0, &mut replicas, &doc).in_step());
}

fn repush(net: &mut Network, i: usize, doc: &SyncId, pieces: &[Vec<u8>]) {
    for piece in pieces {
        let nonce = net.next_nonce();
        let effects = net.devices[i].client().push(doc, nonce, piece).unwrap();
        net.apply_client(i, effects);
        net.run();
    }
}

#[test]
fn replacing_keys_moves_the_members_who_stay_and_the_removed_one_writes_to_nobody() {
    let old = plan();
    let old_id = old.id();
    let mut net = Network::with_document(3, &old);
    let inboxes: Vec<InboxKeys> = (0..3).map(|i| InboxKeys::from_seed([i as u8 + 70; 32])).collect();
    for (i, inbox) in inboxes.iter().enumerate() {
        let effects = net.devices[i].client().follow_inbox(inbox.clone(), 0);
        net.apply_client(i, effects);
    }
    for i in 0..3 {
        net.connect(i);
    }
    // Members introduce themselves: their names and inboxes.
    for i in 1..3 {
        let info = MemberInfo { name: Some(format!("member {i}")), inboxes: vec![inboxes[i].address()] };
        let effects = net.devices[i].client().introduce(&old_id, [i as u8; 24], &info).unwrap();
        net.apply_client(i, effects);
        net.run();
    }
    assert_eq!(net.devices[0].introduced.len(), 2);

    // The owner removes member 2: everyone else is sent new keys.
    let stays_member = MemberKeys::issue(&old, Role::Writer, [101; 32]).unwrap().cert().member;
    let stays = KnownMember {
        cert: MemberKeys::issue(&old, Role::Writer, [101; 32]).unwrap().cert().clone(),
        info: net.devices[0].introduced[0].clone(),
    };
    let mut seed = 0u8;
    let replacement = replace_keys(&old, DocumentKind::GoalPlan, &[stays], [88; 32], || {
        seed += 1;
        [seed; 32]
    }, RetireReason::KeysReplaced)
    .unwrap();
    let new_id = replacement.invite.keys.id();
    // As the app does it: letters and the retirement queued, then the owner
    // lets go of the old keys (the retirement still goes) and follows the new.
    let sender = inboxes[0].clone();
    for (to, notice) in &replacement.letters {
        let effects = net.devices[0].client().post(to, Some(&sender), [3; 32], [4; 24], &notice.encode());
        net.apply_client(0, effects);
    }
    let effects = net.devices[0].client().retire(&old_id, [5; 24], &replacement.retire.encode()).unwrap();
    net.apply_client(0, effects);
    let effects = net.devices[0].client().unfollow(&old_id);
    assert!(!effects.iter().any(|e| matches!(e, ClientEffect::Dropped { .. })), "the retirement is not dropped with the keys");
    net.apply_client(0, effects);
    let effects = net.devices[0].client().follow(replacement.invite.keys.clone(), replacement.invite.member.clone(), 0);
    net.apply_client(0, effects);
    net.run();

    // Member 1's device moves by itself on the letter.
    let (from, body) = net.devices[1].letters[0].clone();
    assert_eq!(from, Sender::Device(inboxes[0].address()));
    let Some(Notice::Moved { from, member, invite, signature }) = Notice::decode(&body) else { panic!() };
    let moving = Moving { old: old.public(), kind: DocumentKind::GoalPlan, member: &stays_member };
    let moved = follow_moved(moving, &from, &member, &invite, &signature).unwrap();
    let effects = net.devices[1].client().unfollow(&old_id);
    net.apply_client(1, effects);
    let effects = net.devices[1].client().follow(moved.keys, moved.member, 0);
    net.apply_client(1, effects);
    net.run();
    assert!(net.devices[2].letters.is_empty(), "the removed member is sent nothing");

    // Both go on co-editing under the new keys.
    net.edit(0, &new_id, b"after the move, from the owner");
    net.edit(1, &new_id, b"after the move, from member 1");
    assert!(net.devices[1].received.contains(&b"after the move, from the owner".to_vec()));
    assert!(net.devices[0].received.contains(&b"after the move, from member 1".to_vec()));

    // The removed member writes to the old document: refused, reaching nobody.
    assert_eq!(net.devices[2].retired, [old_id]);
    let mut stale = SyncClient::new(ORIGIN, Vec::new());
    stale.track(old.for_role(Role::Writer).unwrap(), MemberKeys::issue(&old, Role::Writer, [102; 32]).unwrap(), 0);
    net.devices[2].client = Some(stale);
    net.disconnect(2);
    let effects = net.devices[2].client().push(&old_id, [6; 24], b"the removed member's late edit").unwrap();
    net.apply_client(2, effects);
    net.connect(2);
    assert!(net.devices[2].retired.len() >= 2, "told the document is closed");
    net.edit(0, &new_id, b"a last edit from the owner");
    assert!(net.devices[1].received.contains(&b"a last edit from the owner".to_vec()), "the path to member 1 works");
    for i in 0..2 {
        assert!(!net.devices[i].received.contains(&b"the removed member's late edit".to_vec()));
    }
}
