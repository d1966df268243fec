//! Relay load benchmark, on loopback, bounded in time and count.
//!
//! Starts the real relay binary (`target/server/confidant-server`, or
//! `CONFIDANT_SERVER_BIN`) as its own process, so its memory can be read
//! from /proc, and drives it from this process over real WebSockets:
//!
//! 1. memory per idle connection: RSS growth for CLIENTS greeted connections;
//! 2. memory per document: RSS growth when each client follows a document
//!    of its own that holds one stored chunk;
//! 3. fan-out latency: the clients in groups of GROUP follow a group
//!    document; one member of each group pushes durable chunks at a steady
//!    rate; time from push to arrival at every other member, p50/p99;
//! 4. throughput: every member sends presence messages as fast as the
//!    per-connection rate limit allows; relayed messages per second.
//!
//! Run with `scripts/bench` (it builds the relay first).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::bail;
use confidant_e2e::bench_relay_process::{receive, rss_kib, send, settled_rss, start_relay, Sink, Socket};
use confidant_shared::sync::wire::{decode, ClientMessage, RelayMessage, PROTOCOL_VERSION};
use confidant_shared::sync::{DocumentKeys, MemberKeys, Purpose, Role, SealedChunk};
use futures_util::stream::SplitStream;
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

/// `scripts/bench --quick` (run by the test command) proves the benchmark
/// still runs, on small sizes; its figures mean nothing.
const QUICK: bool = option_env!("CONFIDANT_BENCH_QUICK").is_some();
const CLIENTS: usize = if QUICK { 40 } else { 1_000 };
const GROUP: usize = 10;
const LATENCY_SECONDS: u64 = if QUICK { 1 } else { 10 };
/// Durable pushes per second per group during the latency phase.
const PUSHES_PER_GROUP_PER_SECOND: u64 = 5;
const THROUGHPUT_SECONDS: u64 = if QUICK { 1 } else { 5 };
/// Presence messages per second per client in the throughput phase (the
/// relay allows 200 per second per connection).
const PRESENCE_PER_CLIENT_PER_SECOND: u64 = 20;

struct Client {
    sink: Sink,
    stream: SplitStream<Socket>,
    challenge: [u8; 32],
    /// The relay's host, as subscription proofs name it.
    origin: String,
}

async fn connect(addr: &str) -> anyhow::Result<Client> {
    let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync")).await?;
    let (mut sink, mut stream) = socket.split();
    let RelayMessage::Welcome { challenge, .. } = receive(&mut stream).await? else { bail!("no welcome") };
    send(&mut sink, &ClientMessage::Hello { version: PROTOCOL_VERSION }).await?;
    Ok(Client { sink, stream, challenge, origin: addr.to_owned() })
}

impl Client {
    /// Subscribe and wait until caught up.
    async fn follow(&mut self, keys: &DocumentKeys) -> anyhow::Result<()> {
        let subscribe = ClientMessage::Subscribe { public: *keys.public(), from_seq: 0, proof: keys.subscribe_proof(&self.origin, &self.challenge) };
        send(&mut self.sink, &subscribe).await?;
        loop {
            match receive(&mut self.stream).await? {
                RelayMessage::CaughtUp { .. } => return Ok(()),
                RelayMessage::Error { code, message, .. } => bail!("refused: {code:?} {message}"),
                _ => {}
            }
        }
    }

    /// Push a chunk and wait for its acknowledgement.
    async fn push(&mut self, chunk: SealedChunk) -> anyhow::Result<()> {
        send(&mut self.sink, &ClientMessage::Push { chunk, client_ref: 1 }).await?;
        loop {
            match receive(&mut self.stream).await? {
                RelayMessage::Ack { .. } => return Ok(()),
                RelayMessage::Error { code, message, .. } => bail!("refused: {code:?} {message}"),
                _ => {}
            }
        }
    }
}

fn keys(seed: u64) -> DocumentKeys {
    let mut root = [0u8; 32];
    root[..8].copy_from_slice(&seed.to_le_bytes());
    DocumentKeys::create(root)
}

/// Seal as the document's owner: a change, or a signal.
fn seal(keys: &DocumentKeys, purpose: Purpose, nonce: [u8; 24], body: &[u8]) -> SealedChunk {
    let member = MemberKeys::issue(keys, Role::Owner, [3; 32]).expect("the owner issues");
    SealedChunk::seal(keys, &member, purpose, nonce, body).expect("sealed")
}

fn nonce(counter: u64, sender: u64) -> [u8; 24] {
    let mut n = [0u8; 24];
    n[..8].copy_from_slice(&counter.to_le_bytes());
    n[8..16].copy_from_slice(&sender.to_le_bytes());
    n
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Every client comes from this one address.
    let relay = start_relay(2 * CLIENTS).await?;
    let pid = relay.child.id();
    println!("relay load benchmark: {CLIENTS} clients on loopback, relay in its own process (pid {pid})");
    let base = settled_rss(pid).await?;

    // 1. Idle connections.
    let mut clients = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        clients.push(connect(&relay.addr).await?);
    }
    let idle = settled_rss(pid).await?;
    println!("  memory per idle connection:   {:7.1} KiB  (RSS {} -> {} KiB)", (idle - base) as f64 / CLIENTS as f64, base, idle);

    // 2. One document of its own per client, holding one stored chunk.
    for (i, client) in clients.iter_mut().enumerate() {
        let own = keys(1_000_000 + i as u64);
        client.follow(&own).await?;
        client.push(seal(&own, Purpose::Change, nonce(0, i as u64), &[7u8; 200])).await?;
    }
    let with_docs = settled_rss(pid).await?;
    println!("  memory per followed document: {:7.1} KiB  (RSS {} -> {} KiB)", (with_docs - idle) as f64 / CLIENTS as f64, idle, with_docs);

    // Groups of GROUP follow a shared document.
    let groups = CLIENTS / GROUP;
    let group_keys: Vec<DocumentKeys> = (0..groups as u64).map(keys).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        client.follow(&group_keys[i / GROUP]).await?;
    }

    // Receivers: record arrival times by nonce; count everything relayed.
    let sent_at: Arc<Mutex<HashMap<[u8; 24], Instant>>> = Arc::default();
    let latencies: Arc<Mutex<Vec<u64>>> = Arc::default();
    let relayed = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let mut sinks = Vec::with_capacity(CLIENTS);
    let mut readers = Vec::with_capacity(CLIENTS);
    for client in clients {
        sinks.push(client.sink);
        let mut stream = client.stream;
        let (sent_at, latencies, relayed, refused) = (sent_at.clone(), latencies.clone(), relayed.clone(), refused.clone());
        readers.push(tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                let Message::Binary(bytes) = message else { continue };
                match decode::<RelayMessage>(&bytes) {
                    Ok(RelayMessage::Chunk { chunk, .. }) => {
                        relayed.fetch_add(1, Ordering::Relaxed);
                        if let Some(at) = sent_at.lock().unwrap().get(&chunk.nonce) {
                            latencies.lock().unwrap().push(at.elapsed().as_micros() as u64);
                        }
                    }
                    Ok(RelayMessage::Ephemeral { .. }) => {
                        relayed.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(RelayMessage::Error { code, message, .. }) => {
                        if refused.fetch_add(1, Ordering::Relaxed) == 0 {
                            eprintln!("  first refusal: {code:?}: {message}");
                        }
                    }
                    _ => {}
                }
            }
        }));
    }

    // 3. Fan-out latency: one sender per group, steady durable pushes.
    let rounds = LATENCY_SECONDS * PUSHES_PER_GROUP_PER_SECOND;
    let sealed: Vec<Vec<SealedChunk>> = (0..groups)
        .map(|g| (0..rounds).map(|r| seal(&group_keys[g], Purpose::Change, nonce(r + 1, g as u64), &[1u8; 200])).collect())
        .collect();
    let interval = Duration::from_millis(1000 / PUSHES_PER_GROUP_PER_SECOND);
    let mut senders = Vec::new();
    let mut others = Vec::new();
    for (i, sink) in sinks.into_iter().enumerate() {
        if i % GROUP == 0 {
            senders.push(sink);
        } else {
            others.push((i, sink));
        }
    }
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (g, (mut sink, chunks)) in senders.into_iter().zip(sealed).enumerate() {
        let sent_at = sent_at.clone();
        tasks.push(tokio::spawn(async move {
            // Spread the groups over the interval.
            tokio::time::sleep(interval.mul_f64(g as f64 / groups as f64)).await;
            let mut tick = tokio::time::interval(interval);
            for (r, chunk) in chunks.into_iter().enumerate() {
                tick.tick().await;
                sent_at.lock().unwrap().insert(chunk.nonce, Instant::now());
                let _ = send(&mut sink, &ClientMessage::Push { chunk, client_ref: r as u64 + 10 }).await;
            }
            sink
        }));
    }
    let mut senders = Vec::new();
    for (g, task) in tasks.into_iter().enumerate() {
        senders.push((g * GROUP, task.await?));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let elapsed = start.elapsed();
    let mut lat = std::mem::take(&mut *latencies.lock().unwrap());
    lat.sort_unstable();
    let expected = groups as u64 * rounds * (GROUP as u64 - 1);
    println!(
        "  fan-out latency, durable push to each of {} others: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} of {} deliveries, {} pushes/s stored, {:.1} s)",
        GROUP - 1,
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        percentile(&lat, 1.0),
        lat.len(),
        expected,
        groups as u64 * PUSHES_PER_GROUP_PER_SECOND,
        elapsed.as_secs_f64()
    );

    // 4. Throughput: every client sends presence at a fixed rate.
    let mut all_sinks = senders;
    all_sinks.extend(others);
    let per_client = THROUGHPUT_SECONDS * PRESENCE_PER_CLIENT_PER_SECOND;
    let presence: Vec<Vec<SealedChunk>> = all_sinks
        .iter()
        .map(|(i, _)| (0..per_client).map(|r| seal(&group_keys[i / GROUP], Purpose::Signal, nonce(u64::MAX - r, *i as u64), b"here")).collect())
        .collect();
    let before = relayed.load(Ordering::Relaxed);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for ((i, mut sink), chunks) in all_sinks.into_iter().zip(presence) {
        tasks.push(tokio::spawn(async move {
            let spacing = Duration::from_millis(1000 / PRESENCE_PER_CLIENT_PER_SECOND);
            tokio::time::sleep(spacing.mul_f64(i as f64 / CLIENTS as f64)).await;
            let mut tick = tokio::time::interval(spacing);
            for chunk in chunks {
                tick.tick().await;
                if send(&mut sink, &ClientMessage::Ephemeral { chunk }).await.is_err() {
                    break;
                }
            }
            sink
        }));
    }
    for task in tasks {
        let _ = task.await?;
    }
    // Let the queues drain, bounded.
    let target = before + CLIENTS as u64 * per_client * (GROUP as u64 - 1);
    let deadline = Instant::now() + Duration::from_secs(20);
    while relayed.load(Ordering::Relaxed) < target && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let delivered = relayed.load(Ordering::Relaxed) - before;
    println!(
        "  relayed messages per second:   {:8.0}  ({} presence messages fanned out to {} deliveries of {} expected in {:.1} s; {} refused)",
        delivered as f64 / elapsed,
        CLIENTS as u64 * per_client,
        delivered,
        target - before,
        elapsed,
        refused.load(Ordering::Relaxed)
    );
    let peak = rss_kib(pid)?;
    println!("  relay RSS at the end:          {peak} KiB");
    for reader in readers {
        reader.abort();
    }
    Ok(())
}
