//! How relay instances sharing a store hear of each other's stores: hints
//! carrying only `(id, sequence number)`, never content. The instance
//! fetches the items from the store itself, in order ([`RelayHub::stored_elsewhere`]).
//!
//! Signals and rendezvous sides, never stored, go the same way
//! ([`shared_payload`]), each instance skipping its own.
//!
//! On PostgreSQL the store's own transaction sends the hint
//! (`pg_notify`, delivered at commit) and [`listen_postgres`] receives
//! them. A message bus (NATS, say) could take its place: publish each
//! `(id, seq)` after the store commits, and feed what arrives into
//! [`follow`] as [`Hint`]s. A lost hint only delays delivery: each instance
//! also compares heads with the store on a timer and after reconnecting.

use std::sync::Arc;
use std::time::Duration;

use confidant_shared::sync::relay::Shared;
use confidant_shared::sync::SyncId;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, NoTls};

use super::postgres_store::CHANNEL;
use super::RelayHub;

/// What the signal says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// Some instance stored `seq` of `id`.
    Stored { id: SyncId, seq: u64 },
    /// Hints may have been missed (the signal reconnected): compare heads.
    Resync,
    /// Another instance passed on a signal or a rendezvous side.
    Shared(Shared),
}

/// The most a notification's text may hold (PostgreSQL's limit is 8,000 bytes).
const MAX_PAYLOAD: usize = 7_900;

/// What is shared, as a notification's text: `s:`, the sending instance
/// in hex, a colon, the postcard bytes in base64; `None` if too big.
pub fn shared_payload(instance: &[u8; 8], shared: &Shared) -> Option<String> {
    use base64::Engine;
    let bytes = postcard::to_allocvec(shared).ok()?;
    let text = format!("s:{}:{}", hex::encode(instance), base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes));
    (text.len() <= MAX_PAYLOAD).then_some(text)
}

/// Read a notification: a stored item's hint, or what another instance
/// shared (not this one's own). Anything else is ignored.
pub fn read_payload(payload: &str, own: &[u8; 8]) -> Option<Hint> {
    use base64::Engine;
    if let Some(rest) = payload.strip_prefix("s:") {
        let (instance, body) = rest.split_once(':')?;
        if hex::decode(instance).ok()? == own {
            return None;
        }
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD.decode(body).ok()?;
        return postcard::from_bytes(&bytes).ok().map(Hint::Shared);
    }
    read_hint(payload).map(|(id, seq)| Hint::Stored { id, seq })
}

/// How long the listener waits before reconnecting to the database.
const RECONNECT_AFTER: Duration = Duration::from_millis(500);

/// A hint's text: the id in hex, a colon, the sequence number.
pub fn hint_payload(id: &SyncId, seq: u64) -> String {
    format!("{}:{seq}", hex::encode(id.as_bytes()))
}

/// Read a hint's text; anything else is ignored.
pub fn read_hint(payload: &str) -> Option<(SyncId, u64)> {
    let (id, seq) = payload.split_once(':')?;
    let bytes: [u8; 16] = hex::decode(id).ok()?.try_into().ok()?;
    Some((SyncId::from_bytes(bytes), seq.parse().ok()?))
}

/// LISTEN on the database at `url`, reconnecting for as long as the
/// receiver is kept; each (re)connection starts with [`Hint::Resync`].
pub fn listen_postgres(url: String, own: [u8; 8]) -> mpsc::UnboundedReceiver<Hint> {
    let (hints, receiver) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while !hints.is_closed() {
            match tokio_postgres::connect(&url, NoTls).await {
                Ok((client, mut connection)) => {
                    let forward = hints.clone();
                    let driver = tokio::spawn(async move {
                        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
                        while let Some(message) = messages.next().await {
                            match message {
                                Ok(AsyncMessage::Notification(note)) => {
                                    if let Some(hint) = read_payload(note.payload(), &own) {
                                        let _ = forward.send(hint);
                                    }
                                }
                                Ok(_) => {}
                                Err(err) => {
                                    tracing::warn!(error = %err, "the database's notifications stopped");
                                    break;
                                }
                            }
                        }
                    });
                    match client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
                        Ok(()) => {
                            tracing::info!("listening for other relay instances' stores");
                            let _ = hints.send(Hint::Resync);
                            let _ = driver.await;
                        }
                        Err(err) => {
                            tracing::warn!(error = %err, "cannot listen for notifications");
                            driver.abort();
                        }
                    }
                    drop(client);
                }
                Err(err) => tracing::warn!(error = %err, "cannot reach the database for notifications"),
            }
            tokio::time::sleep(RECONNECT_AFTER).await;
        }
    });
    receiver
}

/// Carry hints to the hub until the signal ends.
pub async fn follow(hub: Arc<RelayHub>, mut hints: mpsc::UnboundedReceiver<Hint>) {
    while let Some(hint) = hints.recv().await {
        match hint {
            Hint::Stored { id, seq } => hub.stored_elsewhere(id, seq).await,
            Hint::Resync => hub.catch_up().await,
            Hint::Shared(shared) => hub.shared_elsewhere(shared).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_reads_back_and_anything_else_is_ignored() {
        let id = SyncId::from_bytes([7; 16]);
        assert_eq!(read_hint(&hint_payload(&id, 42)), Some((id, 42)));
        let shared = Shared::Rendezvous { token: [1; 32], side: [2; 32] };
        let text = shared_payload(&[3; 8], &shared).unwrap();
        assert_eq!(read_payload(&text, &[4; 8]), Some(Hint::Shared(shared)), "another instance's");
        assert_eq!(read_payload(&text, &[3; 8]), None, "this instance's own");
        assert_eq!(read_payload("s:0303030303030303:!!", &[4; 8]), None);
        for junk in ["", "07:1", "zz:1", &format!("{}:-1", hex::encode([7; 16])), &format!("{}", hex::encode([7; 16]))] {
            assert_eq!(read_hint(junk), None, "{junk}");
        }
    }
}
