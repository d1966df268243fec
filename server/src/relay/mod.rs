//! The relay's side of sync: where encrypted chunks and letters are kept,
//! and the hub that carries out the relay state machine.
//!
//! The protocol rules live in `confidant_shared::sync::relay` (a state
//! machine); this module is the storage and the sockets it asks for.
//! [`RelayStore`] is the storage boundary: [`SqliteStore`] is the embedded
//! default, in the data folder. Every method is blocking; the hub calls them
//! from `spawn_blocking`. Only ciphertext is ever written.

mod admission;
mod hub;
mod sqlite_store;

pub use admission::{Admission, Admissions, ConnectionLimits, Refused};
pub use hub::{Outbox, OutboxFrame, RelayHub, OUTBOX_BYTES};
pub use sqlite_store::SqliteStore;

use confidant_shared::sync::relay::StoredItem;
use confidant_shared::sync::SyncId;

/// Why storage failed (internal: the client sees "Something went wrong").
#[derive(Debug, thiserror::Error)]
pub enum RelayStoreError {
    #[error("relay storage: {0}")]
    Storage(String),
    #[error("a stored chunk is unreadable: {0}")]
    Corrupt(String),
}

/// Why the store would not take an item: the sender is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StoreRefusal {
    #[error("the document's owner retired it; it takes no more changes")]
    Retired,
    #[error("the document or inbox holds as much as this relay keeps for one")]
    QuotaExceeded,
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error(transparent)]
    Refused(#[from] StoreRefusal),
    #[error(transparent)]
    Store(#[from] RelayStoreError),
}

/// How much the relay keeps for one document or inbox.
#[derive(Debug, Clone, Copy)]
pub struct StoreLimits {
    /// Bytes of ciphertext one document may hold.
    pub document_bytes: u64,
    /// Bytes of letters waiting in one inbox.
    pub inbox_bytes: u64,
    /// Letters waiting in one inbox.
    pub inbox_letters: u64,
    /// Letters older than this are deleted, read or not.
    pub letter_ttl_ms: i64,
    /// Member introductions one document may hold (any member, readers
    /// included, can send one; this keeps them from filling its quota).
    pub introductions: u64,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits { document_bytes: 256 << 20, inbox_bytes: 32 << 20, inbox_letters: 5_000, letter_ttl_ms: 30 * 24 * 3600 * 1000, introductions: 1_000 }
    }
}

/// Durable, ordered storage of each document's chunks and each inbox's letters.
pub trait RelayStore: Send + Sync + 'static {
    /// Store an item as its document's (or inbox's) next sequence number,
    /// refusing it if the document is retired or the quota is reached (a
    /// retirement is never refused for quota: the owner can always close a
    /// full document); a retiring chunk retires the document in the same
    /// transaction. Returns
    /// only once the item is durable (the relay acknowledges after this).
    fn append(&self, item: &StoredItem, now_ms: i64) -> Result<u64, AppendError>;

    /// At most `limit` items after `after_seq`, in order, stopping after the
    /// item that brings their bytes to `max_bytes`; and the id's last
    /// sequence number.
    fn load_since(&self, id: &SyncId, after_seq: u64, limit: usize, max_bytes: usize) -> Result<(Vec<(u64, StoredItem)>, u64), RelayStoreError>;

    /// Delete an inbox's letters up to `through_seq` (its owner read them).
    fn delete_letters(&self, inbox: &SyncId, through_seq: u64) -> Result<(), RelayStoreError>;

    /// Delete letters stored before `before_ms`; returns how many.
    fn expire_letters(&self, before_ms: i64) -> Result<u64, RelayStoreError>;

    /// How many documents and inboxes, and stored bytes (for metrics).
    fn totals(&self) -> Result<(u64, u64), RelayStoreError>;
}
