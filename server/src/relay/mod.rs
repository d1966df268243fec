//! The relay's side of sync: where encrypted chunks are kept.
//!
//! The protocol rules live in `confidant_shared::sync::relay` (a state
//! machine); this module is the storage it asks for. [`RelayStore`] is the
//! boundary: [`SqliteStore`] is the embedded default, in the data folder, and
//! a PostgreSQL store for several relay instances can implement the same
//! trait. Every method is blocking; the server calls them from
//! `spawn_blocking`. Only ciphertext is ever written.

mod hub;
mod sqlite_store;

pub use hub::{Outbox, RelayHub, OUTBOX_CAPACITY};
pub use sqlite_store::SqliteStore;

use confidant_shared::sync::SealedChunk;

/// Why storage failed (internal: the client sees "Something went wrong").
#[derive(Debug, thiserror::Error)]
pub enum RelayStoreError {
    #[error("relay storage: {0}")]
    Storage(String),
    #[error("a stored chunk is unreadable: {0}")]
    Corrupt(String),
}

/// Durable, ordered storage of each document's chunks.
pub trait RelayStore: Send + Sync + 'static {
    /// Store a chunk as the document's next sequence number. Returns only
    /// once the chunk is durable (the relay acknowledges after this).
    fn append(&self, doc: &[u8; 16], chunk: &SealedChunk) -> Result<u64, RelayStoreError>;

    /// A snapshot covering chunks up to `covers_through`: store it as the next
    /// sequence number and drop the chunks it covers, atomically.
    fn append_snapshot(&self, doc: &[u8; 16], chunk: &SealedChunk, covers_through: u64) -> Result<u64, RelayStoreError>;

    /// Chunks after `after_seq`, in order, and the document's last sequence number.
    fn load_since(&self, doc: &[u8; 16], after_seq: u64) -> Result<(Vec<(u64, SealedChunk)>, u64), RelayStoreError>;

    /// How many documents and stored bytes (for metrics).
    fn totals(&self) -> Result<(u64, u64), RelayStoreError>;
}
