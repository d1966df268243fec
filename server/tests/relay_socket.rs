//! The relay over real WebSockets against the real server: push, durable
//! acknowledgement and broadcast; a restart between writes loses nothing
//! acknowledged; the relay's files hold no plaintext; reading without proof of
//! the key is refused; partners pushing at once while other devices subscribe
//! lose no change; with a public host set, proofs must name it. (Floods,
//! oversized frames and silent clients: relay_floods.rs.) See: issue 4,
//! issue 10.

use std::net::SocketAddr;
use std::time::Duration;

use confidant_server::config::Limits;
use confidant_server::{AppState, ServerConfig};
use confidant_shared::sync::relay_limits::MAX_PUSH_BYTES;
use confidant_shared::sync::wire::{decode, encode, ClientMessage, ErrorCode, RelayMessage, PROTOCOL_VERSION};
use confidant_shared::sync::{DocumentKeys, MemberKeys, Purpose, RelayHeads, Role, SealedChunk};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Relay {
    addr: SocketAddr,
    metrics: std::sync::Arc<confidant_server::relay::RelayHub>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// A change sealed by the document's owner.
fn seal(keys: &DocumentKeys, nonce: u8, text: &[u8]) -> SealedChunk {
    let member = MemberKeys::issue(keys, Role::Owner, [99; 32]).unwrap();
    SealedChunk::seal(keys, &member, Purpose::Change, [nonce; 24], text).unwrap()
}

fn opened(keys: &DocumentKeys, chunk: &SealedChunk) -> Vec<u8> {
    chunk.open(keys).unwrap().body
}

async fn start(dir: &std::path::Path, addr: SocketAddr) -> Relay {
    start_with(dir, addr, Limits::default()).await
}

async fn start_with(dir: &std::path::Path, addr: SocketAddr, limits: Limits) -> Relay {
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<html></html>").unwrap();
    let config = ServerConfig { listen: addr, dist_dir: dist, data_dir: dir.join("data"), metrics_listen: None, public_host: None, database_url: None };
    let state = AppState::load_with(&config, limits).unwrap();
    let metrics = state.relay_hub();
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(confidant_server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    Relay { addr, metrics, stop: Some(stop), task }
}

impl Relay {
    async fn stop(mut self) -> SocketAddr {
        let _ = self.stop.take().unwrap().send(());
        let _ = tokio::time::timeout(Duration::from_secs(5), self.task).await;
        self.addr
    }
}

async fn receive(socket: &mut Socket) -> RelayMessage {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next()).await.expect("a message in time").unwrap().unwrap();
        if let Message::Binary(bytes) = message {
            return decode(&bytes).unwrap();
        }
    }
}

async fn send(socket: &mut Socket, message: &ClientMessage) {
    socket.send(Message::Binary(encode(message).into())).await.unwrap();
}

/// Connect, greet, and subscribe with proof of `keys`.
async fn join(addr: SocketAddr, keys: &DocumentKeys, from_seq: u64) -> Socket {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync")).await.unwrap();
    let RelayMessage::Welcome { challenge, version, .. } = receive(&mut socket).await else { panic!("no welcome") };
    assert_eq!(version, PROTOCOL_VERSION);
    send(&mut socket, &ClientMessage::Hello { version: PROTOCOL_VERSION }).await;
    let subscribe = ClientMessage::Subscribe { public: *keys.public(), from_seq, proof: keys.subscribe_proof(&addr.to_string(), &challenge) };
    send(&mut socket, &subscribe).await;
    socket
}

async fn caught_up(socket: &mut Socket) -> Vec<(u64, SealedChunk)> {
    let mut chunks = Vec::new();
    loop {
        match receive(socket).await {
            RelayMessage::Chunk { seq, chunk } => chunks.push((seq, chunk)),
            RelayMessage::CaughtUp { .. } => return chunks,
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn chunks_are_acknowledged_broadcast_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let keys = DocumentKeys::create([1; 32]);
    let relay = start(dir.path(), "127.0.0.1:0".parse().unwrap()).await;

    let mut alice = join(relay.addr, &keys, 0).await;
    assert!(caught_up(&mut alice).await.is_empty());
    let mut bob = join(relay.addr, &keys, 0).await;
    caught_up(&mut bob).await;

    let chunk = seal(&keys, 7, b"SECRET-MARKER goal: get tenure");
    send(&mut alice, &ClientMessage::Push { chunk, client_ref: 1 }).await;
    assert_eq!(receive(&mut alice).await, RelayMessage::Ack { client_ref: 1, seq: 1 });
    let RelayMessage::Chunk { seq: 1, chunk } = receive(&mut bob).await else { panic!("bob got nothing") };
    assert_eq!(opened(&keys, &chunk), b"SECRET-MARKER goal: get tenure");

    // The figures count traffic, never content; the public address does not serve them.
    let metrics = relay.metrics.metrics().await;
    assert!(metrics.contains("confidant_relay_connections 2"), "{metrics}");
    assert!(metrics.contains("confidant_relay_documents 1"), "{metrics}");
    assert!(!metrics.contains("SECRET-MARKER"));
    let public = http_get(relay.addr, "/metrics").await;
    assert!(!public.contains("confidant_relay_connections"), "metrics stay off the public address");

    // Restart the relay between writes.
    drop(alice);
    drop(bob);
    let addr = relay.stop().await;
    let relay = start(dir.path(), addr).await;
    let mut carol = join(relay.addr, &keys, 0).await;
    let chunks = caught_up(&mut carol).await;
    assert_eq!(chunks.len(), 1, "the acknowledged chunk survived the restart");
    send(&mut carol, &ClientMessage::Push { chunk: seal(&keys, 8, b"SECRET-MARKER second"), client_ref: 5 }).await;
    assert_eq!(receive(&mut carol).await, RelayMessage::Ack { client_ref: 5, seq: 2 });
    drop(carol);
    relay.stop().await;

    for entry in std::fs::read_dir(dir.path().join("data")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("SECRET-MARKER"), "no plaintext on the relay's disk");
    }
}

/// Random letters: about a byte a letter in Automerge's encoding.
fn notes(seed: u64, chars: usize) -> String {
    let mut s = seed;
    (0..chars)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            char::from(b'a' + (s >> 59) as u8 % 26)
        })
        .collect()
}

#[tokio::test]
async fn a_long_history_goes_in_pieces_the_relay_takes_and_a_partner_rebuilds() {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjType, ReadDoc, ROOT};

    let dir = tempfile::tempdir().unwrap();
    let keys = DocumentKeys::create([3; 32]);
    let relay = start(dir.path(), "127.0.0.1:0".parse().unwrap()).await;

    // A year of meeting notes written before the document was shared (as
    // plain strings: the relay sees bytes, and Text's per-letter operations
    // would only make the test slow).
    let mut doc = AutoCommit::new();
    let log = doc.put_object(ROOT, "meetings", ObjType::Map).unwrap();
    for month in 0..12 {
        doc.put(&log, format!("month-{month}"), notes(month, 60_000)).unwrap();
        doc.commit();
    }
    let mut pushed = RelayHeads::default();
    let whole = pushed.unsent(&mut doc).unwrap();
    assert!(whole.changes.len() > MAX_PUSH_BYTES, "the history must be over the limit: {} bytes", whole.changes.len());

    let mut alice = join(relay.addr, &keys, 0).await;
    caught_up(&mut alice).await;
    let mut bob = join(relay.addr, &keys, 0).await;
    caught_up(&mut bob).await;

    // In one push the relay refuses it, with a clear error.
    send(&mut alice, &ClientMessage::Push { chunk: seal(&keys, 9, &whole.changes), client_ref: 1 }).await;
    let RelayMessage::Error { code: ErrorCode::ChunkTooLarge, client_ref: Some(1), .. } = receive(&mut alice).await else { panic!("the oversized push was not refused") };

    // In pieces, every one is taken.
    let pieces = pushed.unsent_in_pieces(&mut doc, MAX_PUSH_BYTES);
    assert!(!pieces.stuck);
    assert!(pieces.pieces.len() >= 2);
    for (n, piece) in pieces.pieces.iter().enumerate() {
        let client_ref = 10 + n as u64;
        send(&mut alice, &ClientMessage::Push { chunk: seal(&keys, n as u8, &piece.changes), client_ref }).await;
        let RelayMessage::Ack { client_ref: acked, .. } = receive(&mut alice).await else { panic!("piece {n} was not acknowledged") };
        assert_eq!(acked, client_ref);
        pushed.sent(client_ref, piece);
        pushed.acknowledged(client_ref, &mut doc);
    }
    assert!(pushed.unsent(&mut doc).is_none());

    // The partner, live and later from the start, rebuilds the whole document.
    let mut live = AutoCommit::new();
    for _ in &pieces.pieces {
        let RelayMessage::Chunk { chunk, .. } = receive(&mut bob).await else { panic!("bob missed a piece") };
        live.load_incremental(&opened(&keys, &chunk)).unwrap();
    }
    assert_eq!(live.get_heads(), doc.get_heads());
    let mut later = AutoCommit::new();
    let mut carol = join(relay.addr, &keys, 0).await;
    for (_, chunk) in caught_up(&mut carol).await {
        later.load_incremental(&opened(&keys, &chunk)).unwrap();
    }
    assert_eq!(later.get_heads(), doc.get_heads());
    let log = later.get(&ROOT, "meetings").unwrap().unwrap().1;
    let (last, _) = later.get(&log, "month-11").unwrap().unwrap();
    assert_eq!(last.into_string().unwrap(), notes(11, 60_000));
    drop((alice, bob, carol));
    relay.stop().await;
}

#[tokio::test]
async fn reading_without_proof_of_the_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let keys = DocumentKeys::create([1; 32]);
    let relay = start(dir.path(), "127.0.0.1:0".parse().unwrap()).await;
    let mut alice = join(relay.addr, &keys, 0).await;
    caught_up(&mut alice).await;
    send(&mut alice, &ClientMessage::Push { chunk: seal(&keys, 1, b"private"), client_ref: 1 }).await;
    receive(&mut alice).await;

    let (mut eve, _) = tokio_tungstenite::connect_async(format!("ws://{}/sync", relay.addr)).await.unwrap();
    receive(&mut eve).await;
    send(&mut eve, &ClientMessage::Hello { version: PROTOCOL_VERSION }).await;
    let stranger = DocumentKeys::create([9; 32]);
    let attempt = ClientMessage::Subscribe { public: *keys.public(), from_seq: 0, proof: stranger.subscribe_proof(&relay.addr.to_string(), &[0; 32]) };
    send(&mut eve, &attempt).await;
    assert!(matches!(receive(&mut eve).await, RelayMessage::Error { code: ErrorCode::ProofRequired, .. }));
    // A text frame is a malformed frame, not a crash.
    eve.send(Message::Text("hello?".into())).await.unwrap();
    assert!(matches!(receive(&mut eve).await, RelayMessage::Error { code: ErrorCode::MalformedFrame, .. }));
    drop(eve);
    drop(alice);
    relay.stop().await;
}

async fn http_get(addr: SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test]
async fn stopping_the_server_closes_open_sockets_instead_of_waiting_for_them() {
    let dir = tempfile::tempdir().unwrap();
    let relay = start(dir.path(), "127.0.0.1:0".parse().unwrap()).await;
    let keys = DocumentKeys::create([7; 32]);
    let mut socket = join(relay.addr, &keys, 0).await;
    assert!(caught_up(&mut socket).await.is_empty());
    let Relay { stop, task, .. } = relay;
    let _ = stop.unwrap().send(());
    let stopped = tokio::time::timeout(Duration::from_secs(5), task).await;
    assert!(stopped.is_ok(), "graceful shutdown finished although a client was connected");
    // The client sees its socket end (close frame or end of stream) rather than hanging.
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the client was told the relay went away");
}

#[tokio::test]
async fn a_sealed_post_is_stored_for_the_inbox_owner_only() {
    use confidant_shared::sync::inbox::InboxKeys;
    let dir = tempfile::tempdir().unwrap();
    let relay = start(dir.path(), "127.0.0.1:0".parse().unwrap()).await;
    let owner = InboxKeys::from_seed([3; 32]);

    // Anyone with the address posts; no subscription or key needed.
    let (mut mentee, _) = tokio_tungstenite::connect_async(format!("ws://{}/sync", relay.addr)).await.unwrap();
    let RelayMessage::Welcome { .. } = receive(&mut mentee).await else { panic!("no welcome") };
    send(&mut mentee, &ClientMessage::Hello { version: PROTOCOL_VERSION }).await;
    let post = owner.address().seal(None, [4; 32], [5; 24], b"SECRET-MARKER intake answers");
    send(&mut mentee, &ClientMessage::Post { post, client_ref: 1 }).await;
    assert_eq!(receive(&mut mentee).await, RelayMessage::Ack { client_ref: 1, seq: 1 });

    // The owner proves the inbox key and fetches it.
    let (mut coordinator, _) = tokio_tungstenite::connect_async(format!("ws://{}/sync", relay.addr)).await.unwrap();
    let RelayMessage::Welcome { challenge, .. } = receive(&mut coordinator).await else { panic!("no welcome") };
    send(&mut coordinator, &ClientMessage::Hello { version: PROTOCOL_VERSION }).await;
    let subscribe = |proof| ClientMessage::SubscribeInbox { inbox: owner.address().verifying_key, from_seq: 0, proof };
    send(&mut coordinator, &subscribe(owner.subscribe_proof(&relay.addr.to_string(), &challenge))).await;
    let RelayMessage::Letter { seq: 1, post } = receive(&mut coordinator).await else { panic!("no letter") };
    assert_eq!(owner.open(&post).unwrap().body, b"SECRET-MARKER intake answers");

    // The poster cannot read the inbox back.
    send(&mut mentee, &subscribe(vec![7; 64])).await;
    assert!(matches!(receive(&mut mentee).await, RelayMessage::Error { code: ErrorCode::ProofRequired, .. }));
    drop((mentee, coordinator));
    relay.stop().await;
    for entry in std::fs::read_dir(dir.path().join("data")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("SECRET-MARKER"), "no plaintext on the relay's disk");
    }
}

/// A device as the app runs it: the real client state machine on a socket,
/// keeping every change it is given.
struct Device {
    client: confidant_shared::sync::client::SyncClient,
    socket: Socket,
    delivered: Vec<Vec<u8>>,
}

impl Device {
    async fn connect(addr: SocketAddr, keys: &DocumentKeys) -> Device {
        use confidant_shared::sync::client::SyncClient;
        let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync")).await.unwrap();
        let mut device = Device { client: SyncClient::new(&addr.to_string(), Vec::new()), socket, delivered: Vec::new() };
        device.client.track(keys.clone(), MemberKeys::issue(keys, Role::Owner, [98; 32]).unwrap(), 0);
        let effects = device.client.handle_connected();
        device.carry_out(effects).await;
        device
    }

    async fn carry_out(&mut self, effects: Vec<confidant_shared::sync::client::ClientEffect>) {
        use confidant_shared::sync::client::ClientEffect;
        for effect in effects {
            match effect {
                ClientEffect::Send(message) => send(&mut self.socket, &message).await,
                ClientEffect::Deliver { changes, .. } => self.delivered.push(changes),
                ClientEffect::Refused { code, message, .. } => panic!("refused: {code:?} {message}"),
                _ => {}
            }
        }
    }

    /// Read frames until `count` changes were delivered (or none came for a while).
    async fn take_until(&mut self, count: usize) {
        while self.delivered.len() < count {
            let Ok(Some(Ok(message))) = tokio::time::timeout(Duration::from_secs(5), self.socket.next()).await else { return };
            if let Message::Binary(frame) = message {
                let effects = self.client.handle_frame(&frame, 0);
                self.carry_out(effects).await;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_pushing_at_once_while_others_subscribe_lose_no_change() {
    // After the relay comes back, both partners push what they wrote offline
    // while their other devices subscribe and read their backlog. The client
    // reads each document's chunks without gaps, so a chunk sent out of
    // sequence order would be a gap that device has to ask for again.
    const EACH: usize = 40;
    let dir = tempfile::tempdir().unwrap();
    let keys = DocumentKeys::create([5; 32]);
    let relay = start(dir.path(), "127.0.0.1:0".parse().unwrap()).await;
    let mut mentee = join(relay.addr, &keys, 0).await;
    caught_up(&mut mentee).await;
    let mut mentor = join(relay.addr, &keys, 0).await;
    caught_up(&mut mentor).await;
    // A device that reads everything as it comes, like an open tab.
    let reading = |device: Device| tokio::spawn(async move {
        let mut device = device;
        device.take_until(2 * EACH).await;
        device
    });
    let mut devices = vec![reading(Device::connect(relay.addr, &keys).await)];

    let pushing = |mut socket: Socket, who: u8| {
        let keys = keys.clone();
        tokio::spawn(async move {
            for n in 0..EACH {
                let text = format!("{who}:{n}");
                let chunk = seal(&keys, who, text.as_bytes());
                send(&mut socket, &ClientMessage::Push { chunk, client_ref: n as u64 + 1 }).await;
            }
            let mut acks = 0;
            while acks < EACH {
                if let RelayMessage::Ack { .. } = receive(&mut socket).await {
                    acks += 1;
                }
            }
            socket
        })
    };
    let mentee = pushing(mentee, 1);
    let mentor = pushing(mentor, 2);
    // Devices joining while the pushes are being stored.
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(15)).await;
        devices.push(reading(Device::connect(relay.addr, &keys).await));
    }
    let (_mentee, _mentor) = (mentee.await.unwrap(), mentor.await.unwrap());

    for (n, device) in devices.into_iter().enumerate() {
        let device = device.await.unwrap();
        let mut got: Vec<String> = device.delivered.iter().map(|c| String::from_utf8(c.clone()).unwrap()).collect();
        got.sort();
        got.dedup();
        assert_eq!(got.len(), 2 * EACH, "device {n} missed {} changes", 2 * EACH - got.len());
    }
    relay.stop().await;
}

#[tokio::test]
async fn with_a_public_host_set_proofs_must_name_it_whatever_host_the_client_sends() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<html></html>").unwrap();
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        dist_dir: dist,
        data_dir: dir.path().join("data"),
        metrics_listen: None,
        public_host: Some("mentor.example.edu".into()),
        database_url: None,
    };
    let state = AppState::load(&config).unwrap();
    let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (_stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(confidant_server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let keys = DocumentKeys::create([4; 32]);
    // A relay in the middle passes the challenge on and sends its own Host
    // header: the proof names the host the client reached, and is refused.
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync")).await.unwrap();
    let RelayMessage::Welcome { challenge, .. } = receive(&mut socket).await else { panic!("no welcome") };
    send(&mut socket, &ClientMessage::Hello { version: PROTOCOL_VERSION }).await;
    for (host, refused) in [(addr.to_string(), true), ("mentor.example.edu".to_string(), false)] {
        send(&mut socket, &ClientMessage::Subscribe { public: *keys.public(), from_seq: 0, proof: keys.subscribe_proof(&host, &challenge) }).await;
        let answer = receive(&mut socket).await;
        assert_eq!(matches!(answer, RelayMessage::Error { code: ErrorCode::ProofRequired, .. }), refused, "{host}: {answer:?}");
    }
}
