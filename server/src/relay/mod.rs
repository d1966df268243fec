//! The relay's side of sync: where encrypted chunks and letters are kept,
//! and the hub that carries out the relay state machine.
//!
//! The protocol rules live in `confidant_shared::sync::relay` (a state
//! machine); this module is the storage and the sockets it asks for.
//! [`RelayStore`] is the storage boundary, async: [`SqliteStore`] is the
//! embedded default, in the data folder; [`PostgresStore`] lets several
//! relay instances share one database, hearing of each other's stores
//! through [`signal`]. Only ciphertext is ever written.

mod admission;
mod hub;
mod postgres_store;
pub mod signal;
mod sqlite_store;

pub use admission::{Admission, Admissions, ConnectionLimits, Refused};
pub use hub::{Outbox, OutboxFrame, RelayHub, OUTBOX_BYTES};
pub use postgres_store::PostgresStore;
pub use sqlite_store::SqliteStore;

use confidant_shared::sync::relay::{Shared, StoredItem};
use confidant_shared::sync::SyncId;

/// Why storage failed (internal: the client sees "Something went wrong").
#[derive(Debug, thiserror::Error)]
pub enum RelayStoreError {
    #[error("relay storage: {0}")]
    Storage(String),
    #[error("a stored chunk is unreadable: {0}")]
    Corrupt(String),
}

impl RelayStoreError {
    /// The same error again, for each of the writes a failed commit held.
    pub fn again(&self) -> Self {
        match self {
            RelayStoreError::Storage(why) => RelayStoreError::Storage(why.clone()),
            RelayStoreError::Corrupt(why) => RelayStoreError::Corrupt(why.clone()),
        }
    }
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

/// What a store's call resolves to, once it is done (or durable).
pub type StoreFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// A page of items after a sequence number, and the id's last sequence number.
pub type Page = (Vec<(u64, StoredItem)>, u64);

/// Durable, ordered storage of each document's chunks and each inbox's
/// letters, shared by every relay instance that uses it.
///
/// Each id's next sequence number is assigned inside the storing
/// transaction (a per-id counter row) and each id's items commit in that
/// order, so a reader never sees an item before one numbered below it.
/// Concurrent appends share one commit (group commit).
pub trait RelayStore: Send + Sync + 'static {
    /// Store an item as its document's (or inbox's) next sequence number,
    /// refusing it if the document is retired or the quota is reached (a
    /// retirement is never refused for quota: the owner can always close a
    /// full document); a retiring chunk retires the document in the same
    /// transaction. Resolves only once the item is durable (the relay
    /// acknowledges after this), and tells the other instances.
    fn append(&self, item: StoredItem, now_ms: i64) -> StoreFuture<'_, Result<u64, AppendError>>;

    /// At most `limit` items after `after_seq`, in order, stopping after the
    /// item that brings their bytes to `max_bytes`; and the id's last
    /// sequence number.
    fn load_since(&self, id: SyncId, after_seq: u64, limit: usize, max_bytes: usize) -> StoreFuture<'_, Result<Page, RelayStoreError>>;

    /// Each id's last sequence number (ids with nothing stored are left out).
    fn heads(&self, ids: Vec<SyncId>) -> StoreFuture<'_, Result<Vec<(SyncId, u64)>, RelayStoreError>>;

    /// Delete an inbox's letters up to `through_seq` (its owner read them).
    fn delete_letters(&self, inbox: SyncId, through_seq: u64) -> StoreFuture<'_, Result<(), RelayStoreError>>;

    /// Delete letters stored before `before_ms`; returns how many.
    fn expire_letters(&self, before_ms: i64) -> StoreFuture<'_, Result<u64, RelayStoreError>>;

    /// How many documents and inboxes, and stored bytes (for metrics).
    fn totals(&self) -> StoreFuture<'_, Result<(u64, u64), RelayStoreError>>;

    /// Pass what is never stored (a signal, a rendezvous side) to the other
    /// instances on this store; nothing when no other can share it.
    fn share(&self, _shared: Shared) -> StoreFuture<'_, Result<(), RelayStoreError>> {
        Box::pin(async { Ok(()) })
    }
}

/// Whether storing `item` on top of what its id holds is refused; the
/// same rule for every store.
pub(crate) fn refusal(item: &StoredItem, held: &IdState, body_len: u64, limits: &StoreLimits) -> Option<StoreRefusal> {
    let is_letter = matches!(item, StoredItem::Letter(_));
    let purpose = match item {
        StoredItem::Chunk(chunk) => Some(chunk.purpose),
        StoredItem::Letter(_) => None,
    };
    let bytes = held.bytes + body_len;
    if held.retired {
        Some(StoreRefusal::Retired)
    } else if purpose == Some(confidant_shared::sync::Purpose::Retire) {
        None
    } else if is_letter && (bytes > limits.inbox_bytes || held.letters >= limits.inbox_letters) {
        Some(StoreRefusal::QuotaExceeded)
    } else if !is_letter && bytes > limits.document_bytes {
        Some(StoreRefusal::QuotaExceeded)
    } else if purpose == Some(confidant_shared::sync::Purpose::Member) && held.introductions >= limits.introductions {
        Some(StoreRefusal::QuotaExceeded)
    } else {
        None
    }
}

/// Tell each append of a batch how it ended: its own result once the batch
/// committed; if the commit failed, nothing of the batch was kept and every
/// sender is told so (none is acknowledged).
pub(crate) fn answer_batch(answers: Vec<tokio::sync::oneshot::Sender<Result<u64, AppendError>>>, stored: Result<Vec<Result<u64, AppendError>>, RelayStoreError>) {
    match stored {
        Ok(results) => {
            for (done, result) in answers.into_iter().zip(results) {
                let _ = done.send(result);
            }
        }
        Err(err) => {
            for done in answers {
                let _ = done.send(Err(AppendError::Store(err.again())));
            }
        }
    }
}

/// One id's counter row: its next sequence number and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IdState {
    pub next_seq: u64,
    pub bytes: u64,
    pub letters: u64,
    pub introductions: u64,
    pub retired: bool,
}

impl Default for IdState {
    fn default() -> Self {
        IdState { next_seq: 1, bytes: 0, letters: 0, introductions: 0, retired: false }
    }
}

impl IdState {
    /// The row once `item` (of `body_len` bytes) is stored as `next_seq`.
    pub fn after(&self, item: &StoredItem, body_len: u64) -> IdState {
        let member = matches!(item, StoredItem::Chunk(chunk) if chunk.purpose == confidant_shared::sync::Purpose::Member);
        IdState {
            next_seq: self.next_seq + 1,
            bytes: self.bytes + body_len,
            letters: self.letters + u64::from(matches!(item, StoredItem::Letter(_))),
            introductions: self.introductions + u64::from(member),
            retired: self.retired || item.retires(),
        }
    }
}
