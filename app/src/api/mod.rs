//! Data access for pages, in one place beside the routes (as Leptos's
//! hackernews example keeps its `api.rs`): pages ask here, never the store.
//!
//! - [`use_document`]: open one document by its route id, with every state a
//!   person can meet (loading, waiting for a partner, not here, made by a
//!   newer version, damaged, ready), and [`not_ready`] to show them.
//! - [`documents_of`]: every document of a kind, for list pages, re-reading
//!   only the documents that changed since the tab last read them.
//! - [`my_profile`]: the person's own profile; [`random_id`]: ids for items
//!   inside a document.

mod document;
mod lists;
mod profile;

pub use document::{not_ready, use_document, DocumentState};
pub use lists::{documents_of, documents_opened_for_lists};
pub use profile::{my_profile, random_id};
