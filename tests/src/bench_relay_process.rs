//! The relay as its own process for the benchmarks (`bench-relay`,
//! `bench-workshop`): started from its binary on a free loopback port, its
//! memory read from /proc, spoken to over real WebSockets.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use confidant_shared::sync::wire::{decode, encode, ClientMessage, RelayMessage};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;
pub type Sink = SplitSink<Socket, Message>;

pub struct Relay {
    pub child: Child,
    pub addr: String,
    _dir: tempfile::TempDir,
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn server_binary() -> PathBuf {
    std::env::var_os("CONFIDANT_SERVER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/server/confidant-server"))
}

/// The relay binary of this checkout's debug build, built if need be (the
/// native test layer has built it already), for tests that run it as its
/// own process.
pub fn debug_server_binary() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo).args(["build", "--quiet", "-p", "confidant-server", "--bin", "confidant-server"]).status()?;
    if !status.success() {
        bail!("cannot build the relay");
    }
    Ok(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/debug/confidant-server"))
}

/// Start the relay binary on a free loopback port, allowing `connections`
/// from one address (every benchmark client comes from 127.0.0.1).
pub async fn start_relay(connections: usize) -> anyhow::Result<Relay> {
    start_relay_with(&server_binary(), connections, &[], None, None).await
}

/// As [`start_relay`], with more flags (`--database-url …`), serving the
/// app in `dist` if given, on `port` if given (a restarted instance comes
/// back where it was).
pub async fn start_relay_with(binary: &std::path::Path, connections: usize, flags: &[String], dist: Option<&std::path::Path>, port: Option<u16>) -> anyhow::Result<Relay> {
    let dir = tempfile::tempdir()?;
    let dist = match dist {
        Some(dist) => dist.to_path_buf(),
        None => {
            std::fs::create_dir_all(dir.path().join("dist"))?;
            std::fs::write(dir.path().join("dist/index.html"), "<!doctype html><title>bench</title>")?;
            dir.path().join("dist")
        }
    };
    let port = match port {
        Some(port) => port,
        None => std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port(),
    };
    let binary = binary.to_path_buf();
    let child = Command::new(&binary)
        .args(flags)
        .args(["--port", &port.to_string(), "--host", "127.0.0.1"])
        .args(["--connections-per-address", &connections.to_string()])
        .arg("--dist-dir")
        .arg(&dist)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env("CONFIDANT_LOG", std::env::var("CONFIDANT_BENCH_LOG").unwrap_or_else(|_| "warn".into()))
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("start {} (scripts/bench builds it)", binary.display()))?;
    let addr = format!("127.0.0.1:{port}");
    let relay = Relay { child, addr, _dir: dir };
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(&relay.addr).await.is_err() {
        if Instant::now() > deadline {
            bail!("the relay did not start");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(relay)
}

pub fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).context("no VmRSS")?;
    Ok(line.split_whitespace().nth(1).context("no value")?.parse()?)
}

/// RSS once it has stopped moving (allocators settle after a burst).
pub async fn settled_rss(pid: u32) -> anyhow::Result<u64> {
    let mut last = rss_kib(pid)?;
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = rss_kib(pid)?;
        if now == last {
            break;
        }
        last = now;
    }
    Ok(last)
}

pub async fn receive(stream: &mut SplitStream<Socket>) -> anyhow::Result<RelayMessage> {
    loop {
        match tokio::time::timeout(Duration::from_secs(30), stream.next()).await? {
            Some(Ok(Message::Binary(bytes))) => return Ok(decode(&bytes)?),
            Some(Ok(_)) => continue,
            other => bail!("the relay closed the socket: {other:?}"),
        }
    }
}

pub async fn send(sink: &mut Sink, message: &ClientMessage) -> anyhow::Result<()> {
    sink.send(Message::Binary(encode(message).into())).await?;
    Ok(())
}

