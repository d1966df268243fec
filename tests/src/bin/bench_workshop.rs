//! Workshop benchmark against the real relay: one facilitator's device and
//! PARTICIPANTS phones, each a real sync client (`SyncClient`, the state
//! machine the app runs) with its own WebSocket and its own Automerge copy
//! of the workshop, all in this process; the relay in its own.
//!
//! 1. Joins: every phone sends its join request (a signed, sealed letter to
//!    the facilitator's inbox) in one burst. The facilitator's device admits
//!    each as the app does (`Workshop::admit`, then the rounds planned again)
//!    and pushes its changes; the time until every phone's copy holds the
//!    whole roster is recorded, and that no join was lost.
//! 2. Phase changes: the facilitator moves the room on (start, pause,
//!    resume, one more minute ...) and pushes; the time from that push to
//!    each phone having applied it is recorded (p50, p99, max).
//!
//! The phones share this machine's two cores with the relay, so times
//! include 200 clients decrypting and applying on the same CPUs.
//!
//! Run with `scripts/bench` (it builds the relay first).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use automerge::{AutoCommit, ChangeHash, ReadDoc};
use confidant_e2e::bench_relay_process::{start_relay, Sink, Socket};
use confidant_shared::sync::client::{ClientEffect, SyncClient};
use confidant_shared::sync::inbox::{InboxAddress, InboxKeys};
use confidant_shared::sync::notice::Notice;
use confidant_shared::sync::wire::encode;
use confidant_shared::sync::{DocumentKeys, MemberKeys, Role, SyncId};
use confidant_shared::workshop::roster::JoinRequest;
use confidant_shared::workshop::timeline::Anchor;
use confidant_shared::workshop::Workshop;
use futures_util::stream::SplitStream;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

/// Pushes by the facilitator's device (the joins' cost on every phone).
static PUSHES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
const QUICK: bool = option_env!("CONFIDANT_BENCH_QUICK").is_some();
const PARTICIPANTS: usize = if QUICK { 10 } else { 200 };
const PHASE_CHANGES: usize = if QUICK { 3 } else { 20 };

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

fn seed(kind: u8, n: u64) -> [u8; 32] {
    let mut seed = [kind; 32];
    seed[..8].copy_from_slice(&n.to_le_bytes());
    seed
}

/// Fresh-enough bytes for nonces in a benchmark (never reused).
fn unique<const N: usize>(counter: &mut u64, who: u64) -> [u8; N] {
    *counter += 1;
    let mut bytes = [0u8; N];
    bytes[..8].copy_from_slice(&counter.to_le_bytes());
    bytes[8..16].copy_from_slice(&who.to_le_bytes());
    bytes
}

/// What one frame gave: changes applied, signed letters, caught up.
type Handled = (bool, Vec<(Notice, InboxAddress)>, bool);

/// One device: its socket, its sync client and its copy of the workshop.
struct Device {
    sink: Sink,
    stream: SplitStream<Socket>,
    client: SyncClient,
    doc: AutoCommit,
    counter: u64,
    who: u64,
}

impl Device {
    async fn connect(addr: &str, who: u64) -> anyhow::Result<Device> {
        let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync")).await?;
        let (sink, stream) = socket.split();
        Ok(Device { sink, stream, client: SyncClient::new(addr, Vec::new()), doc: AutoCommit::new(), counter: 0, who })
    }

    /// Send what the client asks to; return the changes and letters it gave.
    async fn carry_out(&mut self, effects: Vec<ClientEffect>) -> anyhow::Result<Handled> {
        let (mut changed, mut letters, mut caught_up) = (false, Vec::new(), false);
        for effect in effects {
            match effect {
                ClientEffect::Send(message) => self.sink.send(Message::Binary(encode(&message).into())).await?,
                ClientEffect::Deliver { changes, .. } => {
                    self.doc.load_incremental(&changes)?;
                    changed = true;
                }
                ClientEffect::Letter { letter, .. } => {
                    if let (Ok(sender), Some(notice)) = (letter.named_sender(), Notice::decode(&letter.body)) {
                        letters.push((notice, *sender));
                    }
                }
                ClientEffect::CaughtUp { .. } => caught_up = true,
                ClientEffect::Refused { code, message, .. } => eprintln!("  refused: {code:?}: {message}"),
                _ => {}
            }
        }
        Ok((changed, letters, caught_up))
    }

    /// The next frame from the relay, handled.
    async fn next(&mut self) -> anyhow::Result<Handled> {
        loop {
            match self.stream.next().await {
                Some(Ok(Message::Binary(bytes))) => {
                    let effects = self.client.handle_frame(&bytes, now_ms());
                    return self.carry_out(effects).await;
                }
                Some(Ok(_)) => continue,
                other => bail!("the relay closed the socket: {other:?}"),
            }
        }
    }

    async fn start(&mut self) -> anyhow::Result<()> {
        let effects = self.client.handle_connected();
        self.carry_out(effects).await?;
        Ok(())
    }

    /// Push the changes made since `since`, as the app pushes unsent ones.
    async fn push_since(&mut self, doc: &SyncId, since: &[ChangeHash]) -> anyhow::Result<Vec<ChangeHash>> {
        let changes = self.doc.save_after(since);
        PUSHES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nonce = unique(&mut self.counter, self.who);
        let effects = self.client.push(doc, nonce, &changes).map_err(|e| anyhow::anyhow!("{e}"))?;
        self.carry_out(effects).await?;
        Ok(self.doc.get_heads())
    }
}

/// What a phone reports: its number, and its copy's roster size and anchor.
struct Seen {
    phone: usize,
    at: Instant,
    roster: usize,
    anchor_set_ms: i64,
}

fn roster_and_anchor(doc: &AutoCommit) -> (usize, i64) {
    let roster = doc.get(automerge::ROOT, "roster").ok().flatten().map_or(0, |(_, id)| doc.length(&id));
    let anchor: Option<Anchor> = doc
        .get(automerge::ROOT, "timeline")
        .ok()
        .flatten()
        .and_then(|_| autosurgeon::hydrate_path(doc, &automerge::ROOT, ["timeline".into(), "anchor".into()]).ok().flatten());
    (roster, anchor.map_or(0, |a| a.set_ms))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let relay = start_relay(2 * PARTICIPANTS + 10).await?;
    println!("workshop benchmark: 1 facilitator and {PARTICIPANTS} phones, each a sync client on its own WebSocket, relay in its own process");

    // The facilitator's device makes the workshop and shares it.
    let owner = DocumentKeys::create(seed(1, 0));
    let doc_id = owner.id();
    let facilitator_inbox = InboxKeys::from_seed(seed(2, 0));
    let mut facilitator = Device::connect(&relay.addr, 0).await?;
    let mut workshop = Workshop::new("Career success", "facilitator");
    workshop.facilitator_inbox = facilitator_inbox.address().to_text();
    autosurgeon::reconcile(&mut facilitator.doc, &workshop)?;
    let owner_member = MemberKeys::issue(&owner, Role::Owner, seed(3, 0)).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let effects = facilitator.client.follow(owner.clone(), owner_member, 0);
    facilitator.carry_out(effects).await?;
    let effects = facilitator.client.follow_inbox(facilitator_inbox, 0);
    facilitator.carry_out(effects).await?;
    facilitator.start().await?;
    loop {
        if facilitator.next().await?.2 {
            break;
        }
    }
    let mut pushed = facilitator.push_since(&doc_id, &[]).await?;

    // The room's one reader invite, on every phone.
    let reader = owner.for_role(Role::Reader).context("reader keys")?;
    let reader_member = MemberKeys::issue(&owner, Role::Reader, seed(4, 0)).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel::<Seen>();
    let (join_tx, join_rx) = watch::channel(false);
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<usize>();
    let mut phones = Vec::new();
    for phone in 0..PARTICIPANTS {
        let mut device = Device::connect(&relay.addr, phone as u64 + 1).await?;
        let inbox = InboxKeys::from_seed(seed(5, phone as u64));
        let effects = device.client.follow(reader.clone(), reader_member.clone(), 0);
        device.carry_out(effects).await?;
        let effects = device.client.follow_inbox(inbox.clone(), 0);
        device.carry_out(effects).await?;
        device.start().await?;
        let (seen_tx, ready_tx, mut join_rx) = (seen_tx.clone(), ready_tx.clone(), join_rx.clone());
        let facilitator_address = facilitator_inbox_address(&workshop)?;
        let workshop_id = doc_id.to_string();
        phones.push(tokio::spawn(async move {
            let mut joined = false;
            let mut ready = false;
            let mut last = (0, 0);
            loop {
                tokio::select! {
                    handled = device.next() => {
                        let (changed, _, caught_up) = handled?;
                        if caught_up && !ready {
                            ready = true;
                            let _ = ready_tx.send(phone);
                        }
                        if changed {
                            let now = roster_and_anchor(&device.doc);
                            if now != last {
                                last = now;
                                let _ = seen_tx.send(Seen { phone, at: Instant::now(), roster: now.0, anchor_set_ms: now.1 });
                            }
                        }
                    }
                    _ = join_rx.changed(), if !joined => {
                        joined = true;
                        let request = JoinRequest { workshop: workshop_id.clone(), name: format!("Participant {phone}"), stage: None, knows: Vec::new(), leaving: false };
                        let ephemeral = unique(&mut device.counter, device.who);
                        let nonce = unique(&mut device.counter, device.who);
                        let effects = device.client.post(&facilitator_address, Some(&inbox), ephemeral, nonce, &Notice::WorkshopJoin(request).encode());
                        device.carry_out(effects).await?;
                    }
                }
            }
            #[allow(unreachable_code)]
            Ok::<(), anyhow::Error>(())
        }));
    }
    for _ in 0..PARTICIPANTS {
        ready_rx.recv().await.context("a phone stopped")?;
    }
    // Every phone has the empty room; drain what they reported of it.
    while seen_rx.try_recv().is_ok() {}

    // 1. Joins, in one burst.
    let burst = Instant::now();
    join_tx.send(true)?;
    let mut admitted = 0;
    let mut all_admitted = Duration::ZERO;
    let mut rosters: HashMap<usize, usize> = HashMap::new();
    let mut converged_at = None;
    let mut last_push = Instant::now();
    let deadline = burst + Duration::from_secs(if QUICK { 30 } else { 120 });
    while converged_at.is_none() {
        if Instant::now() > deadline {
            bail!("joins did not converge: the facilitator admitted {admitted}; phones' rosters: {:?}", summary(&rosters));
        }
        // The facilitator takes in what came, then pushes once (the app
        // pushes after the letters queued with it, as the save announces).
        let handled = tokio::time::timeout(Duration::from_millis(20), facilitator.next()).await;
        let quiet = handled.is_err();
        if let Ok(handled) = handled {
            let (_, letters, _) = handled?;
            for (notice, sender) in letters {
                if let Notice::WorkshopJoin(request) = notice {
                    let mut edited: Workshop = autosurgeon::hydrate(&facilitator.doc)?;
                    if edited.admit(&doc_id.to_string(), &sender, &request).is_ok() {
                        edited.plan_remaining(now_ms());
                        autosurgeon::reconcile(&mut facilitator.doc, &edited)?;
                        admitted += 1;
                        if admitted == PARTICIPANTS {
                            all_admitted = burst.elapsed();
                        }
                    }
                }
            }
        }
        if facilitator.doc.get_heads() != pushed && (quiet || last_push.elapsed() > Duration::from_millis(50)) {
            pushed = facilitator.push_since(&doc_id, &pushed).await?;
            last_push = Instant::now();
        }
        while let Ok(seen) = seen_rx.try_recv() {
            rosters.insert(seen.phone, seen.roster);
        }
        if rosters.len() == PARTICIPANTS && rosters.values().all(|r| *r == PARTICIPANTS) {
            converged_at = Some(burst.elapsed());
        }
    }
    let converged = converged_at.expect("set");
    let final_roster: Workshop = autosurgeon::hydrate(&facilitator.doc)?;
    println!(
        "  {PARTICIPANTS} joins in one burst: all admitted on the facilitator's device after {:.2} s, every phone holds the roster of {} after {:.2} s ({} pushes, none lost)",
        all_admitted.as_secs_f64(),
        final_roster.roster.len(),
        converged.as_secs_f64(),
        PUSHES.load(std::sync::atomic::Ordering::Relaxed)
    );
    if final_roster.roster.len() != PARTICIPANTS {
        bail!("the roster holds {} of {PARTICIPANTS}", final_roster.roster.len());
    }

    // 2. Phase changes.
    let mut latencies: Vec<u64> = Vec::new();
    // The start plans every round: the one heavy change, shown apart.
    let mut start_max = 0u64;
    let mut last_set = 0;
    for change in 0..PHASE_CHANGES {
        // Controls a room sees: start and move on, pause, resume, a minute more.
        let mut edited: Workshop = autosurgeon::hydrate(&facilitator.doc)?;
        let mut now = now_ms();
        if now <= last_set {
            now = last_set + 1;
        }
        match change % 4 {
            0 => edited.timeline.next(now),
            1 => edited.timeline.pause(now),
            2 => edited.timeline.resume(now),
            _ => edited.timeline.extend(now, 60),
        }
        edited.plan_remaining(now);
        let set_ms = edited.timeline.anchor.set_ms;
        last_set = set_ms;
        autosurgeon::reconcile(&mut facilitator.doc, &edited)?;
        let at = Instant::now();
        pushed = facilitator.push_since(&doc_id, &pushed).await?;
        let mut reached = 0;
        let deadline = at + Duration::from_secs(30);
        while reached < PARTICIPANTS {
            // Keep the facilitator's socket read (acks) while waiting.
            tokio::select! {
                seen = seen_rx.recv() => {
                    let seen = seen.context("phones stopped")?;
                    if seen.anchor_set_ms == set_ms {
                        reached += 1;
                        let took = seen.at.duration_since(at).as_micros() as u64;
                        if change == 0 {
                            start_max = start_max.max(took);
                        }
                        latencies.push(took);
                    }
                }
                handled = facilitator.next() => { handled?; }
            }
            if Instant::now() > deadline {
                bail!("phase change {change} reached {reached} of {PARTICIPANTS} phones");
            }
        }
    }
    latencies.sort_unstable();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize] as f64 / 1000.0;
    println!(
        "  phase change to all {PARTICIPANTS} phones ({} changes, {} arrivals): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; the start (which plans every round) reached the last phone in {:.1} ms",
        PHASE_CHANGES,
        latencies.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0),
        start_max as f64 / 1000.0
    );
    for phone in phones {
        phone.abort();
    }
    drop(relay);
    Ok(())
}

fn facilitator_inbox_address(workshop: &Workshop) -> anyhow::Result<InboxAddress> {
    InboxAddress::parse(&workshop.facilitator_inbox).map_err(|_| anyhow::anyhow!("bad facilitator inbox"))
}

fn summary(rosters: &HashMap<usize, usize>) -> String {
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for size in rosters.values() {
        *counts.entry(*size).or_default() += 1;
    }
    format!("{} phones heard; roster sizes {counts:?}", rosters.len())
}
