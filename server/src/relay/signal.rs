//! How relay instances sharing a store hear of each other's stores: hints
//! carrying only `(id, sequence number)`, never content. The instance
//! fetches the items from the store itself, in order ([`RelayHub::stored_elsewhere`]).
//!
//! On PostgreSQL the store's own transaction sends the hint
//! (`pg_notify`, delivered at commit) and [`listen_postgres`] receives
//! them. A message bus (NATS, say) could take its place: publish each
//! `(id, seq)` after the store commits, and feed what arrives into
//! [`follow`] as [`Hint`]s. A lost hint only delays delivery: each instance
//! also compares heads with the store on a timer and after reconnecting.

use std::sync::Arc;
use std::time::Duration;

use confidant_shared::sync::SyncId;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, NoTls};

use super::postgres_store::CHANNEL;
use super::RelayHub;

/// What the signal says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Some instance stored `seq` of `id`.
    Stored { id: SyncId, seq: u64 },
    /// Hints may have been missed (the signal reconnected): compare heads.
    Resync,
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
pub fn listen_postgres(url: String) -> mpsc::UnboundedReceiver<Hint> {
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
                                    if let Some((id, seq)) = read_hint(note.payload()) {
                                        let _ = forward.send(Hint::Stored { id, seq });
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
        for junk in ["", "07:1", "zz:1", &format!("{}:-1", hex::encode([7; 16])), &format!("{}", hex::encode([7; 16]))] {
            assert_eq!(read_hint(junk), None, "{junk}");
        }
    }
}
