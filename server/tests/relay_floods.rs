//! A relay that cannot be starved, over real sockets: floods of connections
//! and subscriptions from one address are refused past the limits while
//! `/healthz` goes on answering and memory stays bounded; a client that
//! never speaks, or falls silent, is closed; a frame over the protocol's
//! limit is refused from its header, before it is read; a client that
//! trickles its request headers is cut off. See: issue 10.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use confidant_server::config::Limits;
use confidant_server::{AppState, ServerConfig};
use confidant_shared::sync::relay_limits::RelayLimits;
use confidant_shared::sync::wire::{decode, encode, ClientMessage, ErrorCode, RelayMessage, PROTOCOL_VERSION};
use confidant_shared::sync::DocumentKeys;
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Relay {
    addr: SocketAddr,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start(limits: Limits) -> Relay {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<html></html>").unwrap();
    let config = ServerConfig { listen: "127.0.0.1:0".parse().unwrap(), dist_dir: dist, data_dir: dir.path().join("data"), metrics_listen: None, public_host: None, database_url: None };
    let state = AppState::load_with(&config, limits).unwrap();
    let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(confidant_server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    Relay { addr, _dir: dir, _stop: stop }
}

/// This process's resident memory, in KiB (server and clients together).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.trim().trim_end_matches(" kB").parse().ok()).unwrap()
}

async fn healthz(addr: SocketAddr) -> bool {
    let Ok(Ok(mut stream)) = tokio::time::timeout(Duration::from_secs(5), tokio::net::TcpStream::connect(addr)).await else { return false };
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    let mut out = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut out)).await;
    out.starts_with("HTTP/1.1 200")
}

async fn receive(socket: &mut Socket) -> Option<RelayMessage> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), socket.next()).await.ok()?? {
            Ok(Message::Binary(bytes)) => return decode(&bytes).ok(),
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
}

async fn greeted(addr: SocketAddr) -> (Socket, [u8; 32]) {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync")).await.unwrap();
    let Some(RelayMessage::Welcome { challenge, .. }) = receive(&mut socket).await else { panic!("no welcome") };
    socket.send(Message::Binary(encode(&ClientMessage::Hello { version: PROTOCOL_VERSION }).into())).await.unwrap();
    (socket, challenge)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn floods_of_connections_and_subscriptions_from_one_address_are_refused_while_the_relay_answers() {
    let limits = Limits::default();
    let relay = start(limits).await;
    let before = rss_kib();

    // 2,000 idle connections from one address.
    let mut open = Vec::new();
    let mut refused = 0;
    for _ in 0..2_000 {
        match tokio_tungstenite::connect_async(format!("ws://{}/sync", relay.addr)).await {
            Ok((socket, _)) => open.push(socket),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), 503);
                refused += 1;
            }
            Err(err) => panic!("{err}"),
        }
    }
    assert_eq!(open.len(), limits.connections.per_address, "taken up to the per-address limit");
    assert_eq!(refused, 2_000 - limits.connections.per_address);
    assert!(healthz(relay.addr).await, "/healthz answers during the flood");
    let with_connections = rss_kib();

    // 10,000 subscriptions on one of them, as fast as it can send.
    drop(open.pop());
    let (mut flood, challenge) = greeted(relay.addr).await;
    let origin = relay.addr.to_string();
    let started = Instant::now();
    for n in 0..10_000u32 {
        let mut root = [0u8; 32];
        root[..4].copy_from_slice(&n.to_le_bytes());
        let keys = DocumentKeys::create(root);
        let subscribe = ClientMessage::Subscribe { public: *keys.public(), from_seq: 0, proof: keys.subscribe_proof(&origin, &challenge) };
        flood.feed(Message::Binary(encode(&subscribe).into())).await.unwrap();
    }
    flood.flush().await.unwrap();
    let (mut accepted, mut limited) = (0, 0);
    while accepted + limited < 10_000 {
        match receive(&mut flood).await.expect("an answer to every subscription") {
            RelayMessage::CaughtUp { .. } => accepted += 1,
            RelayMessage::Error { code: ErrorCode::RateLimited, retry_after_ms: Some(_), id: Some(_), .. } => limited += 1,
            other => panic!("{other:?}"),
        }
    }
    let windows = started.elapsed().as_millis() as u32 / RelayLimits::default().window_ms as u32 + 1;
    assert!(accepted <= windows * RelayLimits::default().subscribes_per_window, "{accepted} taken in {windows} windows");
    assert!(limited >= 10_000 - windows * RelayLimits::default().subscribes_per_window);
    assert!(healthz(relay.addr).await, "/healthz answers after the flood");
    let after = rss_kib();
    eprintln!(
        "RSS: {before} KiB at start, {with_connections} KiB with {} relay connections open (and their client ends), {after} KiB after 10,000 subscribes ({accepted} taken)",
        open.len() + 1
    );
    assert!(after - before < 256 * 1024, "memory stayed bounded: {before} KiB -> {after} KiB");
}

#[tokio::test]
async fn a_client_that_never_speaks_or_falls_silent_is_closed_at_the_deadline() {
    let relay_limits = RelayLimits { hello_deadline_ms: 1_000, idle_timeout_ms: 2_000, ..RelayLimits::default() };
    let relay = start(Limits { relay: relay_limits, ..Limits::default() }).await;
    let closed = |mut socket: Socket| async move {
        let started = Instant::now();
        loop {
            match tokio::time::timeout(Duration::from_secs(10), socket.next()).await {
                Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return started.elapsed(),
                Ok(Some(Ok(_))) => continue,
                Err(_) => panic!("the relay kept a silent connection open"),
            }
        }
    };
    let (mute, _) = tokio_tungstenite::connect_async(format!("ws://{}/sync", relay.addr)).await.unwrap();
    let (quiet, _) = greeted(relay.addr).await;
    let mute = tokio::spawn(closed(mute));
    let quiet = tokio::spawn(closed(quiet));
    let (mute, quiet) = (mute.await.unwrap(), quiet.await.unwrap());
    assert!(mute < Duration::from_secs(3), "no hello: closed after {mute:?}");
    assert!(quiet >= Duration::from_millis(1_500) && quiet < Duration::from_secs(5), "hello then silence: closed after {quiet:?}");
}

#[tokio::test]
async fn a_twenty_mebibyte_frame_is_refused_from_its_header() {
    let relay = start(Limits::default()).await;
    let mut stream = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
    let handshake = format!(
        "GET /sync HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        relay.addr
    );
    stream.write_all(handshake.as_bytes()).await.unwrap();
    let mut response = vec![0u8; 1024];
    let n = stream.read(&mut response).await.unwrap();
    assert!(String::from_utf8_lossy(&response[..n]).starts_with("HTTP/1.1 101"));
    let before = rss_kib();
    // A masked binary frame announcing 20 MiB.
    let length: u64 = 20 << 20;
    let mut header = vec![0x82, 0x80 | 127];
    header.extend_from_slice(&length.to_be_bytes());
    header.extend_from_slice(&[1, 2, 3, 4]);
    stream.write_all(&header).await.unwrap();
    let block = vec![0u8; 64 * 1024];
    let mut sent = 0u64;
    let refused = loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.write_all(&block)).await {
            Ok(Ok(())) => sent += block.len() as u64,
            Ok(Err(_)) => break true,
            Err(_) => break false,
        }
        if sent >= length {
            break false;
        }
    };
    assert!(refused, "the relay read {sent} bytes of an oversized frame");
    assert!(sent < length / 2, "refused early, after {sent} bytes (the socket's buffers)");
    let grew = rss_kib().saturating_sub(before);
    assert!(grew < 8 * 1024, "the frame was not read into memory: RSS grew by {grew} KiB");
    assert!(healthz(relay.addr).await);
}

#[tokio::test]
async fn a_client_trickling_its_request_headers_is_cut_off() {
    let relay = start(Limits::default()).await;
    let mut stream = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let started = Instant::now();
    let mut buffer = [0u8; 256];
    let ended = tokio::time::timeout(confidant_server::HEADER_READ_TIMEOUT + Duration::from_secs(5), async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the connection was held open");
    assert!(started.elapsed() >= confidant_server::HEADER_READ_TIMEOUT - Duration::from_secs(1));
}
