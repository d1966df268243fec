//! What this device keeps to sync shared documents: one share record per
//! shared document (its keys and member key, how far it has read the relay,
//! what the relay already has, who the other members are) and the outbox of
//! sealed changes and letters the relay has not yet acknowledged. Both
//! survive reloads and browser restarts.
//!
//! Records written by protocol 1 are migrated as they are read (see
//! `confidant_shared::sync::migration`): same local document, keys derived
//! from the old ones, everything pushed again. Their outbox entries, sealed
//! the old way, are dropped: the changes are still in the documents.

use std::collections::BTreeMap;

use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::sync::client::Outgoing;
use confidant_shared::sync::migration::migrate_v1_invite;
use confidant_shared::sync::rotation::KnownMember;
use confidant_shared::sync::wire::{decode, encode};
use confidant_shared::sync::{DocumentKeys, Invite, MemberCert, MemberInfo, RelayHeads, Role, SyncId};
use indexed_db_futures::prelude::*;
use indexed_db_futures::typed_array::TypedArray;
use serde::{Deserialize, Serialize};

use super::database::{read_error, write_error, Store, StoreError, OUTBOX, SHARES};
use super::random_bytes;

/// One shared document on this device.
#[derive(Clone, Serialize, Deserialize)]
pub struct ShareRecord {
    /// The document's id in local storage (for accepted invites, the sync
    /// id it was first accepted under; it stays when the keys move).
    pub local_id: String,
    pub kind: DocumentKind,
    /// This device's invite: its role's keys and member key. Stays here.
    pub invite: String,
    /// The relay's sequence number up to which it was read without a gap.
    pub last_seq: u64,
    pub relay_heads: RelayHeads,
    /// Protocol 1: this device shared it. Protocol 2 reads the role instead.
    #[serde(default)]
    pub owner: bool,
    /// The protocol the record was written for (1 when missing).
    #[serde(default = "protocol_1")]
    pub protocol: u8,
    /// The highest sequence number the relay gave one of this device's pushes.
    #[serde(default)]
    pub acked_through: u64,
    /// Other members as they introduced themselves, by member key (hex).
    #[serde(default)]
    pub members: BTreeMap<String, MemberRecord>,
    /// This device introduced itself to the other members.
    #[serde(default)]
    pub introduced: bool,
    /// The owner retired the document: nothing more is sent or received.
    #[serde(default)]
    pub retired: bool,
    /// Sync ids this document had before its keys moved: an invite to one
    /// of them (an old link, a partnership's old goal-plan link) is this
    /// document, never a second copy.
    #[serde(default)]
    pub moved_from: Vec<String>,
    /// Its bytes made the app stop (see `load_guard`): set aside, not followed.
    #[serde(default)]
    pub set_aside: bool,
}

impl std::fmt::Debug for ShareRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The invite holds keys: never print it.
        write!(f, "ShareRecord({}, {:?}, read to {})", self.local_id, self.kind, self.last_seq)
    }
}

fn protocol_1() -> u8 {
    1
}

/// A member of a shared document, as this device knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub cert: MemberCert,
    pub info: MemberInfo,
}

impl ShareRecord {
    pub fn new(local_id: DocumentId, invite: &Invite) -> Self {
        ShareRecord {
            local_id: local_id.to_string(),
            kind: invite.kind,
            invite: invite.fragment(),
            last_seq: 0,
            relay_heads: RelayHeads::default(),
            owner: invite.keys.role() == Role::Owner,
            protocol: 2,
            acked_through: 0,
            members: BTreeMap::new(),
            introduced: false,
            retired: false,
            moved_from: Vec::new(),
            set_aside: false,
        }
    }

    /// The same local document under new keys (moved by its owner): read
    /// from the start, everything pushed again; members re-introduce.
    pub fn moved_to(&self, invite: &Invite, members: &[KnownMember]) -> Self {
        let local: DocumentId = self.local_id.parse().unwrap_or_else(|_| DocumentId::from_random(*invite.keys.id().as_bytes()));
        let mut record = ShareRecord::new(local, invite);
        record.moved_from = self.moved_from.clone();
        if let Some(old) = self.sync_id() {
            record.moved_from.push(old.to_string());
        }
        for member in members {
            record.members.insert(hex::encode(member.cert.member), MemberRecord { cert: member.cert.clone(), info: member.info.clone() });
        }
        record
    }

    /// Whether this is the document `id` names (now or before its keys moved).
    pub fn answers_to(&self, id: &SyncId) -> bool {
        self.sync_id().as_ref() == Some(id) || self.moved_from.contains(&id.to_string())
    }

    pub fn invite(&self) -> Option<Invite> {
        Invite::parse_record(&self.invite).ok()
    }

    pub fn keys(&self) -> Option<DocumentKeys> {
        self.invite().map(|invite| invite.keys)
    }

    pub fn sync_id(&self) -> Option<SyncId> {
        self.keys().map(|keys| keys.id())
    }

    pub fn local(&self) -> Option<DocumentId> {
        self.local_id.parse().ok()
    }

    pub fn is_owner(&self) -> bool {
        self.keys().is_some_and(|keys| keys.role() == Role::Owner)
    }

    /// The other members, for replacing keys.
    pub fn known_members(&self) -> Vec<KnownMember> {
        self.members.values().map(|m| KnownMember { cert: m.cert.clone(), info: m.info.clone() }).collect()
    }

    /// A protocol 1 record as protocol 2 (same local document; read from the
    /// start and pushed again), or `None` if it is not one.
    fn migrated(&self) -> Result<Option<ShareRecord>, StoreError> {
        if self.protocol >= 2 || Invite::parse_record(&self.invite).is_ok() {
            return Ok(None);
        }
        let Some(invite) = migrate_v1_invite(&self.invite, self.owner, random_bytes()?) else { return Ok(None) };
        let Some(local) = self.local() else { return Ok(None) };
        Ok(Some(ShareRecord::new(local, &invite)))
    }
}

fn outbox_key(client_ref: u64) -> String {
    // Zero-padded so the outbox reads back oldest first.
    format!("{client_ref:020}")
}

impl Store {
    /// Every shared document on this device; unreadable records are
    /// skipped, and protocol 1 records migrated (and saved) as they are read.
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
        drop(tx);
        let mut shares = Vec::new();
        for record in rows.iter().filter_map(|row| serde_json::from_str::<ShareRecord>(row).ok()) {
            match record.migrated()? {
                Some(migrated) => {
                    self.put_share(&migrated).await?;
                    shares.push(migrated);
                }
                None => shares.push(record),
            }
        }
        Ok(shares)
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

    /// Keep an item until the relay acknowledges it, and record in the same
    /// transaction that the share's changes are in the outbox.
    pub async fn put_outbox(&self, client_ref: u64, item: &Outgoing, share: Option<&ShareRecord>) -> Result<(), StoreError> {
        let bytes = encode(item);
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

    /// Everything not yet acknowledged, oldest first. An entry that does not
    /// read (damaged, or sealed by protocol 1) is deleted: its changes are
    /// still in the document and are pushed again from there.
    pub async fn outbox(&self) -> Result<Vec<(u64, Outgoing)>, StoreError> {
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
        drop(tx);
        let mut items = Vec::new();
        for (key, bytes) in keys.into_iter().zip(values) {
            let bytes: Vec<u8> = bytes.into();
            match (key.parse::<u64>(), decode::<Outgoing>(&bytes)) {
                (Ok(client_ref), Ok(item)) => items.push((client_ref, item)),
                (Ok(client_ref), Err(_)) => self.forget_outbox(client_ref).await?,
                _ => {}
            }
        }
        Ok(items)
    }
}

fn put_share_in(store: &indexed_db_futures::object_store::ObjectStore<'_>, share: &ShareRecord) -> Result<(), StoreError> {
    let json = serde_json::to_string(share).map_err(write_error)?;
    store.put(json).with_key(share.local_id.clone()).primitive().map_err(write_error)?;
    Ok(())
}
