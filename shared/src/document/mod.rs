//! What every Confidant document has in common: an id, a kind, a schema
//! version and the migrations between versions.
//!
//! Each document type (profile, journal, goal plan, partnership, workshop,
//! program) is a Rust struct mapped onto an Automerge document with
//! autosurgeon, and implements [`Schema`]. Long free text is Automerge text
//! (`autosurgeon::Text`), so two people's offline edits to one paragraph merge
//! character by character. Collections that people reorder or edit
//! concurrently are maps keyed by stable ids, with order kept apart.

mod document_id;
pub mod fields;
mod kind;
mod listed;
mod migration;

pub use document_id::{BadDocumentId, DocumentId};
pub use listed::Listed;
pub use kind::DocumentKind;
pub use migration::{open, repair, root_field, stored_schema, MigrationError, Opened, Schema};
