//! How a document is kept in storage: the rules, without the IO.
//!
//! A document is stored as records ([`StoredChunk`]): compacted snapshots and
//! incremental chunks of changes. Keys are content-addressed, so two tabs (or
//! two devices' imports) writing the same bytes write the same record, and
//! different bytes never overwrite each other.
//!
//! Typical workflow for an adapter (the app's IndexedDB store):
//! 1. read every record of a document and call [`StoredDocument::load`];
//!    put the returned quarantined records aside and tell the user;
//! 2. after each edit, call [`StoredDocument::pending_save`], write its chunk,
//!    then [`StoredDocument::confirm_saved`]; until confirmed, the changes stay
//!    pending and are offered again;
//! 3. when [`StoredDocument::compaction`] returns a plan, write its snapshot
//!    and delete the records it replaces, in one transaction;
//! 4. when another tab wrote records, pass them to [`StoredDocument::absorb`].

mod chunk;
mod screen;
mod stored_document;

pub use chunk::{ChunkKey, ChunkKind, StoredChunk};
pub use screen::{screen, Unscreened};
pub use stored_document::{Compaction, Loaded, PendingSave, StoredDocument};
