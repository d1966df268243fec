//! What this device keeps to sync shared documents: one share record per
//! shared document (its keys, how far it has read the relay, what the relay
//! already has) and the outbox of sealed changes the relay has not yet
//! acknowledged. Both survive reloads and browser restarts.

use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::sync::wire::{decode, encode};
use confidant_shared::sync::{DocumentKeys, Invite, RelayHeads, SealedChunk};
use indexed_db_futures::prelude::*;
use indexed_db_futures::typed_array::TypedArray;
use serde::{Deserialize, Serialize};

use super::database::{read_error, write_error, Store, StoreError, OUTBOX, SHARES};

/// One shared document on this device.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShareRecord {
    /// The document's id in local storage (its own id for accepted invites).
    pub local_id: String,
    pub kind: DocumentKind,
    /// The invite fragment: the document's keys. Stays on this device.
    pub invite: String,
    /// The relay's sequence number of the last chunk taken in.
    pub last_seq: u64,
    pub relay_heads: RelayHeads,
    /// This device shared it (rather than accepting an invite): it may
    /// replace the keys.
    #[serde(default)]
    pub owner: bool,
}

impl ShareRecord {
    pub fn new(local_id: DocumentId, invite: &Invite) -> Self {
        ShareRecord {
            local_id: local_id.to_string(),
            kind: invite.kind,
            invite: invite.fragment(),
            last_seq: 0,
            relay_heads: RelayHeads::default(),
            owner: false,
        }
    }

    pub fn invite(&self) -> Option<Invite> {
        Invite::parse(&self.invite).ok()
    }

    pub fn keys(&self) -> Option<DocumentKeys> {
        self.invite().map(|invite| invite.keys)
    }

    pub fn local(&self) -> Option<DocumentId> {
        self.local_id.parse().ok()
    }
}

fn outbox_key(client_ref: u64) -> String {
    // Zero-padded so the outbox reads back oldest first.
    format!("{client_ref:020}")
}

impl Store {
    /// Every shared document on this device; unreadable records are skipped.
    pub async fn shares(&self) -> Result<Vec<ShareRecord>, StoreError> {
        let tx = self.read_only(SHARES)?;
        let store = tx.object_store(SHARES).map_err(read_error)?;
        let rows: Vec<String> = store
            .get_all()
            .primitive()
            .map_err(read_error)?
            .await
            .map_err(read_error)?
            .collect::<Result<_, _>>()
            .map_err(read_error)?;
        Ok(rows.iter().filter_map(|row| serde_json::from_str(row).ok()).collect())
    }

    /// Forget a share (the document itself stays on this device).
    pub async fn delete_share(&self, local_id: &str) -> Result<(), StoreError> {
        let tx = self.readwrite(SHARES)?;
        let store = tx.object_store(SHARES).map_err(write_error)?;
        store.delete(local_id.to_string()).primitive().map_err(write_error)?;
        tx.commit().await.map_err(write_error)
    }

    pub async fn put_share(&self, share: &ShareRecord) -> Result<(), StoreError> {
        let tx = self.readwrite(SHARES)?;
        let store = tx.object_store(SHARES).map_err(write_error)?;
        put_share_in(&store, share)?;
        tx.commit().await.map_err(write_error)
    }

    /// Keep a sealed change until the relay acknowledges it, and record in
    /// the same transaction that the share's changes are in the outbox.
    pub async fn put_outbox(&self, client_ref: u64, chunk: &SealedChunk, share: Option<&ShareRecord>) -> Result<(), StoreError> {
        let bytes = encode(chunk);
        let tx = self.readwrite([OUTBOX, SHARES])?;
        let outbox = tx.object_store(OUTBOX).map_err(write_error)?;
        outbox.put(TypedArray::new(bytes)).with_key(outbox_key(client_ref)).primitive().map_err(write_error)?;
        if let Some(share) = share {
            put_share_in(&tx.object_store(SHARES).map_err(write_error)?, share)?;
        }
        tx.commit().await.map_err(write_error)
    }

    pub async fn forget_outbox(&self, client_ref: u64) -> Result<(), StoreError> {
        let tx = self.readwrite(OUTBOX)?;
        let store = tx.object_store(OUTBOX).map_err(write_error)?;
        store.delete(outbox_key(client_ref)).primitive().map_err(write_error)?;
        tx.commit().await.map_err(write_error)
    }

    /// Everything not yet acknowledged, oldest first. A damaged entry is
    /// skipped (the change itself is still in the document and is pushed
    /// again from there).
    pub async fn outbox(&self) -> Result<Vec<(u64, SealedChunk)>, StoreError> {
        let tx = self.read_only(OUTBOX)?;
        let store = tx.object_store(OUTBOX).map_err(read_error)?;
        let keys: Vec<String> = store
            .get_all_keys()
            .primitive()
            .map_err(read_error)?
            .await
            .map_err(read_error)?
            .collect::<Result<_, _>>()
            .map_err(read_error)?;
        let values: Vec<TypedArray<u8>> = store
            .get_all()
            .primitive()
            .map_err(read_error)?
            .await
            .map_err(read_error)?
            .collect::<Result<_, _>>()
            .map_err(read_error)?;
        Ok(keys
            .into_iter()
            .zip(values)
            .filter_map(|(key, bytes)| {
                let bytes: Vec<u8> = bytes.into();
                Some((key.parse().ok()?, decode(&bytes).ok()?))
            })
            .collect())
    }
}

fn put_share_in(store: &indexed_db_futures::object_store::ObjectStore<'_>, share: &ShareRecord) -> Result<(), StoreError> {
    let json = serde_json::to_string(share).map_err(write_error)?;
    store.put(json).with_key(share.local_id.clone()).primitive().map_err(write_error)?;
    Ok(())
}
