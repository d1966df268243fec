//! Two relay processes on one PostgreSQL database (issue 16): twenty
//! clients spread over both push to four shared documents, each following
//! its document; the database is stopped at once and started again while
//! they push. Every client ends with every chunk of its document, in order,
//! each once, nothing the relay acknowledged is missing from the database,
//! and the database's files hold no plaintext.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use confidant_e2e::bench_relay_process::{debug_server_binary, receive, send, start_relay_with, Sink, Socket};
use confidant_e2e::postgres::Postgres;
use confidant_server::relay::{PostgresStore, RelayStore, StoreLimits};
use confidant_shared::sync::wire::{ClientMessage, ErrorCode, RelayMessage, PROTOCOL_VERSION};
use confidant_shared::sync::{DocumentKeys, MemberKeys, Purpose, Role, SealedChunk};
use futures_util::stream::SplitStream;
use futures_util::StreamExt;

const HOST: &str = "relay.test";
const CLIENTS: u64 = 20;
const DOCUMENTS: u64 = 4;
const PUSHES: u64 = 12;

/// One client's view: the sequence numbers it was sent, and its own acknowledged.
#[derive(Default)]
struct Seen {
    received: Vec<u64>,
    acked: BTreeMap<u64, [u8; 24]>,
}

impl Seen {
    fn note(&mut self, message: &RelayMessage) {
        if let RelayMessage::Chunk { seq, .. } = message {
            self.received.push(*seq);
        }
    }

    fn all(&self) -> BTreeSet<u64> {
        self.received.iter().chain(self.acked.keys()).copied().collect()
    }
}

struct Client {
    sink: Sink,
    stream: SplitStream<Socket>,
    seen: Seen,
}

async fn connect(addr: &str, keys: &DocumentKeys) -> anyhow::Result<Client> {
    let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync")).await?;
    let (mut sink, mut stream) = socket.split();
    let RelayMessage::Welcome { challenge, .. } = receive(&mut stream).await? else { anyhow::bail!("no welcome") };
    send(&mut sink, &ClientMessage::Hello { version: PROTOCOL_VERSION }).await?;
    send(&mut sink, &ClientMessage::Subscribe { public: *keys.public(), from_seq: 0, proof: keys.subscribe_proof(HOST, &challenge) }).await?;
    let mut seen = Seen::default();
    loop {
        let message = receive(&mut stream).await?;
        seen.note(&message);
        if matches!(message, RelayMessage::CaughtUp { .. }) {
            return Ok(Client { sink, stream, seen });
        }
    }
}

/// Push `PUSHES` chunks one after another, each until acknowledged (a
/// refusal while the database is away is retried after the time it names).
async fn push_all(client: &mut Client, keys: &DocumentKeys, me: u64, acked_total: &AtomicU64) -> anyhow::Result<()> {
    let member = MemberKeys::issue(keys, Role::Owner, [me as u8; 32])?;
    for n in 0..PUSHES {
        let mut nonce = [0u8; 24];
        nonce[..8].copy_from_slice(&me.to_le_bytes());
        nonce[8..16].copy_from_slice(&n.to_le_bytes());
        let chunk = SealedChunk::seal(keys, &member, Purpose::Change, nonce, format!("PLAINTEXT-MARKER client {me} change {n}").as_bytes())?;
        let mut tries = 0;
        'acked: loop {
            tries += 1;
            anyhow::ensure!(tries < 30, "client {me}: change {n} never acknowledged");
            send(&mut client.sink, &ClientMessage::Push { chunk: chunk.clone(), client_ref: n }).await?;
            loop {
                let message = receive(&mut client.stream).await?;
                client.seen.note(&message);
                match message {
                    RelayMessage::Ack { client_ref, seq } if client_ref == n => {
                        client.seen.acked.insert(seq, nonce);
                        acked_total.fetch_add(1, Ordering::Relaxed);
                        break 'acked;
                    }
                    RelayMessage::Error { client_ref: Some(r), code, retry_after_ms, .. } if r == n => {
                        anyhow::ensure!(code == ErrorCode::Internal, "client {me}: refused {code:?}");
                        tokio::time::sleep(Duration::from_millis(retry_after_ms.unwrap_or(500))).await;
                        continue 'acked;
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_relays_on_one_database_deliver_everything_in_order_through_a_database_restart() {
    let postgres = Arc::new(Postgres::start().unwrap());
    let url = postgres.database("relay").unwrap();
    let binary = debug_server_binary().unwrap();
    let flags = |url: &str| vec!["--database-url".to_string(), url.to_string(), "--public-host".into(), HOST.into()];
    let relays = [start_relay_with(&binary, 100, &flags(&url), None, None).await.unwrap(), start_relay_with(&binary, 100, &flags(&url), None, None).await.unwrap()];
    let documents: Vec<DocumentKeys> = (0..DOCUMENTS).map(|d| DocumentKeys::create([d as u8 + 1; 32])).collect();

    // Everyone follows first, spread over both instances.
    let mut clients = Vec::new();
    for me in 0..CLIENTS {
        let keys = &documents[(me % DOCUMENTS) as usize];
        clients.push(connect(&relays[(me % 2) as usize].addr, keys).await.unwrap());
    }

    // Everyone pushes at once; a third of the way in, the database stops
    // at once (cutting every connection) and starts again.
    let acked_total = Arc::new(AtomicU64::new(0));
    let restarted = {
        let (acked_total, postgres) = (acked_total.clone(), postgres.clone());
        tokio::spawn(async move {
            let deadline = Instant::now() + Duration::from_secs(60);
            while acked_total.load(Ordering::Relaxed) < CLIENTS * PUSHES / 3 {
                assert!(Instant::now() < deadline, "pushes stalled before the restart");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let at = acked_total.load(Ordering::Relaxed);
            tokio::task::spawn_blocking(move || postgres.restart().unwrap()).await.unwrap();
            at
        })
    };
    let mut pushing = Vec::new();
    for (me, mut client) in clients.into_iter().enumerate() {
        let keys = documents[me % DOCUMENTS as usize].clone();
        let acked_total = acked_total.clone();
        pushing.push(tokio::spawn(async move {
            push_all(&mut client, &keys, me as u64, &acked_total).await.unwrap();
            client
        }));
    }
    let mut clients = Vec::new();
    for task in pushing {
        clients.push(task.await.unwrap());
    }
    let restarted_at = restarted.await.unwrap();
    assert!(restarted_at < CLIENTS * PUSHES, "the database restarted while clients pushed");

    // What the database holds now: nothing acknowledged is missing.
    let store = PostgresStore::open(&url, StoreLimits::default()).await.unwrap();
    let mut heads = Vec::new();
    for (d, keys) in documents.iter().enumerate() {
        let (items, head) = store.load_since(keys.id(), 0, 10_000, usize::MAX).await.unwrap();
        assert_eq!(items.len() as u64, head, "document {d}: numbered without gaps");
        let stored: BTreeMap<u64, [u8; 24]> = items.iter().map(|(seq, item)| match item {
            confidant_shared::sync::relay::StoredItem::Chunk(chunk) => (*seq, chunk.nonce),
            other => panic!("a letter in a document: {other:?}"),
        }).collect();
        for client in clients.iter().skip(d).step_by(DOCUMENTS as usize) {
            for (seq, nonce) in &client.seen.acked {
                assert_eq!(stored.get(seq), Some(nonce), "document {d}: acknowledged change {seq} is stored as it was sent");
            }
        }
        heads.push(head);
    }

    // Every client gets every chunk of its document, in order, each once.
    let mut waiting = Vec::new();
    for (me, mut client) in clients.into_iter().enumerate() {
        let head = heads[me % DOCUMENTS as usize];
        waiting.push(tokio::spawn(async move {
            while client.seen.all().len() < head as usize {
                let message = receive(&mut client.stream).await.unwrap_or_else(|err| panic!("client {me}: {err} with {} of {head}", client.seen.all().len()));
                client.seen.note(&message);
            }
            assert_eq!(client.seen.all(), (1..=head).collect(), "client {me} has every chunk of its document");
            assert!(client.seen.received.windows(2).all(|w| w[0] < w[1]), "client {me} got chunks in order, each once: {:?}", client.seen.received);
        }));
    }
    for task in waiting {
        task.await.unwrap();
    }
    drop(relays);

    // The database's files (tables and write-ahead log) hold ciphertext only.
    let mut files = vec![postgres.dir().to_path_buf()];
    let mut scanned = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if let Ok(bytes) = std::fs::read(&path) {
            scanned += bytes.len();
            assert!(!bytes.windows(16).any(|w| w == b"PLAINTEXT-MARKER"), "{} holds plaintext", path.display());
        }
    }
    assert!(scanned > 1_000_000, "the database's files were read ({scanned} bytes)");
}

/// Receive until `want` matches, noting everything else.
async fn until(stream: &mut SplitStream<Socket>, what: &str, want: impl Fn(&RelayMessage) -> bool) -> RelayMessage {
    loop {
        let message = receive(stream).await.unwrap_or_else(|err| panic!("waiting for {what}: {err}"));
        if want(&message) {
            return message;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn letters_signals_and_mutual_wishes_cross_from_one_relay_to_the_other() {
    use confidant_shared::sync::inbox::InboxKeys;
    use confidant_shared::sync::rendezvous::token_for;

    let postgres = Postgres::start().unwrap();
    let url = postgres.database("relay").unwrap();
    let binary = debug_server_binary().unwrap();
    let flags = vec!["--database-url".to_string(), url.clone(), "--public-host".into(), HOST.into()];
    let relays = [start_relay_with(&binary, 100, &flags, None, None).await.unwrap(), start_relay_with(&binary, 100, &flags, None, None).await.unwrap()];
    let keys = DocumentKeys::create([9; 32]);
    let mut one = connect(&relays[0].addr, &keys).await.unwrap();
    let mut two = connect(&relays[1].addr, &keys).await.unwrap();

    // The coordinator's inbox is followed on the second relay; a letter
    // sealed to it is posted on the first.
    let inbox = InboxKeys::from_seed([4; 32]);
    let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{}/sync", relays[1].addr)).await.unwrap();
    let (mut owner_sink, mut owner) = socket.split();
    let RelayMessage::Welcome { challenge, .. } = receive(&mut owner).await.unwrap() else { panic!("no welcome") };
    send(&mut owner_sink, &ClientMessage::Hello { version: PROTOCOL_VERSION }).await.unwrap();
    let subscribe = ClientMessage::SubscribeInbox { inbox: inbox.address().verifying_key, from_seq: 0, proof: inbox.subscribe_proof(HOST, &challenge) };
    send(&mut owner_sink, &subscribe).await.unwrap();
    until(&mut owner, "the inbox caught up", |m| matches!(m, RelayMessage::CaughtUp { .. })).await;
    let post = inbox.address().seal(None, [1; 32], [2; 24], b"an intake form");
    send(&mut one.sink, &ClientMessage::Post { post: post.clone(), client_ref: 1 }).await.unwrap();
    until(&mut one.stream, "the letter acknowledged", |m| matches!(m, RelayMessage::Ack { client_ref: 1, .. })).await;
    let letter = until(&mut owner, "the letter on the other relay", |m| matches!(m, RelayMessage::Letter { .. })).await;
    assert_eq!(letter, RelayMessage::Letter { seq: 1, post });

    // A member's presence signal sent on the first reaches the member on the second.
    let member = MemberKeys::issue(&keys, Role::Owner, [3; 32]).unwrap();
    let signal = SealedChunk::seal(&keys, &member, Purpose::Signal, [7; 24], b"here").unwrap();
    send(&mut one.sink, &ClientMessage::Ephemeral { chunk: signal.clone() }).await.unwrap();
    let heard = until(&mut two.stream, "the signal on the other relay", |m| matches!(m, RelayMessage::Ephemeral { .. })).await;
    assert_eq!(heard, RelayMessage::Ephemeral { chunk: signal });

    // Two partners' sides of a mutual wish, on two relays, meet; both are told.
    let (side_a, side_b) = ([5u8; 32], [6u8; 32]);
    let token = token_for(&side_a, &side_b);
    send(&mut one.sink, &ClientMessage::Rendezvous { token, side: side_a }).await.unwrap();
    // Whichever relay hears of the other side first tells its own.
    send(&mut two.sink, &ClientMessage::Rendezvous { token, side: side_b }).await.unwrap();
    until(&mut two.stream, "met, on the second relay", |m| *m == RelayMessage::Met { token }).await;
    until(&mut one.stream, "met, on the first relay", |m| *m == RelayMessage::Met { token }).await;
}
