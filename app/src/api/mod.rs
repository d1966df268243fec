//! Data access for pages, in one place beside the routes (as Leptos's
//! hackernews example keeps its `api.rs`): pages ask here and never open the
//! store themselves; every error comes back as one sentence for the person.
//!
//! - [`use_document`]: open one document by its route id, with every state a
//!   person can meet (loading, waiting for a partner, not here, made by a
//!   newer version, damaged, ready), and [`not_ready`] to show them.
//! - [`documents_of`]: every document of a kind, whole, for list pages that
//!   search or export them, re-reading only what changed; [`lines_of`]: what
//!   Home and the partnership list need, from the document index alone.
//! - [`create_document`], [`open_document`], [`summaries`], [`export_all`],
//!   [`import`]: making and opening documents, the document index, export files.
//! - [`program_calendars`]: the academic calendar each followed program sets.
//! - [`my_profile`]: the person's own profile ([`my_profile_line`]: the part
//!   Home reads, from the index); [`random_id`]: ids for items inside a
//!   document.

mod document;
mod documents;
mod lists;
mod profile;
mod programs;

pub use document::{not_ready, use_document, DocumentState};
pub use documents::{create_document, export_all, import, open_document, summaries};
pub use lists::{documents_of, documents_opened_for_lists, lines_of};
pub use profile::{my_profile, my_profile_line, random_id};
pub use programs::program_calendars;

/// A message (a core error's text, written to follow "…:") as the start of a
/// sentence shown on its own.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
