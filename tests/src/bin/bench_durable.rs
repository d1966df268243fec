//! Durable relaying, on loopback (issue 16): one workload on three set-ups.
//!
//! The workload: a writer and a reader on each of DOCUMENTS documents; each
//! writer keeps IN_FLIGHT changes of 200 bytes in flight, sending the next
//! as one is acknowledged (stored durably), for SECONDS. Figures: changes
//! acknowledged per second, and changes reaching the readers per second.
//!
//! 1. one relay on SQLite in its data folder (appends share one commit);
//! 2. one relay on PostgreSQL (a throwaway cluster, fsync on);
//! 3. two relays on that PostgreSQL, each document's writer on one and its
//!    reader on the other: every change crosses through a notification.
//!
//! Last, the notifications' own ceiling: how many `(id, seq)` notifications
//! per second one listening connection takes, sent in commits of 100 as the
//! relay's group commit sends them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use confidant_e2e::bench_relay_process::{receive, send, server_binary, start_relay_with, Relay};
use confidant_e2e::postgres::Postgres;
use confidant_shared::sync::wire::{decode, ClientMessage, ErrorCode, RelayMessage, PROTOCOL_VERSION};
use confidant_shared::sync::{DocumentKeys, MemberKeys, Purpose, Role, SealedChunk};
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

const QUICK: bool = option_env!("CONFIDANT_BENCH_QUICK").is_some();
const DOCUMENTS: usize = if QUICK { 10 } else { 100 };

/// Documents, unless CONFIDANT_BENCH_DOCUMENTS says otherwise.
fn documents() -> usize {
    std::env::var("CONFIDANT_BENCH_DOCUMENTS").ok().and_then(|n| n.parse().ok()).unwrap_or(DOCUMENTS)
}
const IN_FLIGHT: usize = 20;
const SECONDS: u64 = if QUICK { 1 } else { 10 };
const HOST: &str = "bench.relay";
/// Changes sealed ahead per writer (sealing is not what is measured).
const SEALED: u64 = if QUICK { 200 } else { 2_000 };

async fn follow(addr: &str, keys: &DocumentKeys) -> anyhow::Result<(confidant_e2e::bench_relay_process::Sink, futures_util::stream::SplitStream<confidant_e2e::bench_relay_process::Socket>)> {
    // As a browser does, small frames go out at once (no Nagle).
    let (socket, _) = tokio_tungstenite::connect_async_with_config(format!("ws://{addr}/sync"), None, true).await?;
    let (mut sink, mut stream) = socket.split();
    let RelayMessage::Welcome { challenge, .. } = receive(&mut stream).await? else { bail!("no welcome") };
    send(&mut sink, &ClientMessage::Hello { version: PROTOCOL_VERSION }).await?;
    send(&mut sink, &ClientMessage::Subscribe { public: *keys.public(), from_seq: 0, proof: keys.subscribe_proof(HOST, &challenge) }).await?;
    loop {
        if matches!(receive(&mut stream).await?, RelayMessage::CaughtUp { .. }) {
            return Ok((sink, stream));
        }
    }
}

/// Run the workload with writers on `writers` and readers on `readers`.
async fn workload(writers: &str, readers: &str) -> anyhow::Result<(f64, f64)> {
    let acked = Arc::new(AtomicU64::new(0));
    let ran_out = Arc::new(AtomicU64::new(0));
    let delivered = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    let mut pairs = Vec::new();
    for d in 0..documents() {
        let keys = DocumentKeys::create([(d % 251) as u8, (d / 251) as u8, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]);
        let writer = follow(writers, &keys).await?;
        let reader = follow(readers, &keys).await?;
        let member = MemberKeys::issue(&keys, Role::Owner, [3; 32])?;
        let chunks: Vec<SealedChunk> = (0..SEALED)
            .map(|n| {
                let mut nonce = [0u8; 24];
                nonce[..8].copy_from_slice(&n.to_le_bytes());
                nonce[8..16].copy_from_slice(&(d as u64).to_le_bytes());
                SealedChunk::seal(&keys, &member, Purpose::Change, nonce, &[1u8; 200]).expect("seal")
            })
            .collect();
        pairs.push((chunks, writer, reader));
    }
    let start = Instant::now();
    let end = start + Duration::from_secs(SECONDS);
    let stop = end + Duration::from_secs(2);
    for (chunks, (mut sink, mut stream), (_reader_sink, mut reader)) in pairs {
        let (acked, delivered, ran_out) = (acked.clone(), delivered.clone(), ran_out.clone());
        tasks.push(tokio::spawn(async move {
            let kept = chunks.clone();
            let mut chunks = chunks.into_iter().enumerate();
            for _ in 0..IN_FLIGHT {
                if let Some((n, chunk)) = chunks.next() {
                    send(&mut sink, &ClientMessage::Push { chunk, client_ref: n as u64 }).await?;
                }
            }
            while Instant::now() < end {
                let Ok(Some(Ok(Message::Binary(bytes)))) = tokio::time::timeout(Duration::from_secs(5), stream.next()).await else { break };
                let message = decode::<RelayMessage>(&bytes);
                // Past the per-connection rate, a push is retried as a client
                // does, after the time the relay names.
                if let Ok(RelayMessage::Error { code: ErrorCode::RateLimited, client_ref: Some(n), retry_after_ms, .. }) = &message {
                    tokio::time::sleep(Duration::from_millis(retry_after_ms.unwrap_or(100))).await;
                    send(&mut sink, &ClientMessage::Push { chunk: kept[*n as usize].clone(), client_ref: *n }).await?;
                    continue;
                }
                if let Ok(RelayMessage::Error { code, message, .. }) = &message {
                    bail!("a push was refused: {code:?}: {message}");
                }
                if let Ok(RelayMessage::Ack { .. }) = message {
                    acked.fetch_add(1, Ordering::Relaxed);
                    match chunks.next() {
                        Some((n, chunk)) => send(&mut sink, &ClientMessage::Push { chunk, client_ref: n as u64 }).await?,
                        // Said with the figures: they are then a floor.
                        None => {
                            ran_out.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                    }
                }
            }
            anyhow::Ok(sink)
        }));
        tasks.push(tokio::spawn(async move {
            while Instant::now() < stop {
                let Ok(Some(Ok(Message::Binary(bytes)))) = tokio::time::timeout_at(stop.into(), reader.next()).await else { break };
                if let Ok(RelayMessage::Chunk { .. }) = decode::<RelayMessage>(&bytes) {
                    if Instant::now() < end {
                        delivered.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            anyhow::Ok(_reader_sink)
        }));
    }
    for task in tasks {
        drop(task.await??);
    }
    let seconds = SECONDS as f64;
    if ran_out.load(Ordering::Relaxed) > 0 {
        println!("  ({} writers ran out of sealed changes before the end: the next figure is a floor)", ran_out.load(Ordering::Relaxed));
    }
    Ok((acked.load(Ordering::Relaxed) as f64 / seconds, delivered.load(Ordering::Relaxed) as f64 / seconds))
}

async fn relay(flags: &[String]) -> anyhow::Result<Relay> {
    // The per-connection rate limit is not what is measured.
    let mut all = vec!["--public-host".to_string(), HOST.into(), "--messages-per-second".into(), "1000000".into()];
    all.extend_from_slice(flags);
    start_relay_with(&server_binary(), 4 * documents(), &all, None, None).await
}

/// Notifications per second one listening connection takes.
async fn notification_ceiling(url: &str) -> anyhow::Result<f64> {
    let (listener, mut connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    let received = Arc::new(AtomicU64::new(0));
    let counter = received.clone();
    tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(Ok(message)) = messages.next().await {
            if matches!(message, tokio_postgres::AsyncMessage::Notification(_)) {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    listener.batch_execute("LISTEN confidant_relay").await?;
    let (mut sender, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let total: u64 = if QUICK { 2_000 } else { 100_000 };
    let start = Instant::now();
    for batch in 0..total / 100 {
        let tx = sender.transaction().await?;
        tx.execute("SELECT pg_notify('confidant_relay', '00112233445566778899aabbccddeeff:' || g) FROM generate_series($1::bigint, $1::bigint + 99) g", &[&((batch * 100) as i64)]).await?;
        tx.commit().await?;
    }
    while received.load(Ordering::Relaxed) < total {
        if start.elapsed() > Duration::from_secs(120) {
            bail!("notifications stopped arriving");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(total as f64 / start.elapsed().as_secs_f64())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    println!("durable relaying: {} documents, a writer and a reader each, {IN_FLIGHT} changes of 200 bytes in flight per writer, {SECONDS} s", documents());
    {
        let one = relay(&[]).await?;
        let (stored, relayed) = workload(&one.addr, &one.addr).await?;
        println!("  one relay, SQLite:                 {stored:7.0} changes/s stored, {relayed:7.0}/s reaching readers");
    }
    if std::env::var_os("CONFIDANT_BENCH_SQLITE_ONLY").is_some() {
        return Ok(());
    }
    let postgres = Postgres::start()?;
    {
        let url = postgres.database("one")?;
        let one = relay(&["--database-url".into(), url]).await?;
        let (stored, relayed) = workload(&one.addr, &one.addr).await?;
        println!("  one relay, PostgreSQL:             {stored:7.0} changes/s stored, {relayed:7.0}/s reaching readers");
    }
    {
        let url = postgres.database("two")?;
        let flags = ["--database-url".to_string(), url];
        let (a, b) = (relay(&flags).await?, relay(&flags).await?);
        let (stored, relayed) = workload(&a.addr, &b.addr).await?;
        println!("  two relays, PostgreSQL, crossing:  {stored:7.0} changes/s stored, {relayed:7.0}/s reaching readers on the other relay");
    }
    let url = postgres.database("notify")?;
    println!("  notifications one listener takes:  {:7.0} per second (in commits of 100)", notification_ceiling(&url).await?);
    Ok(())
}
