//! Journal: a person's private, dated entries (meeting notes, reflections,
//! preparation, questions), tagged by topic and linked to a partnership or a
//! workshop round. Never leaves the user's own devices unencrypted.
//!
//! Each entry is its own document. A journal grows to thousands of entries,
//! and one Automerge document holding them all takes seconds to load (about a
//! million text operations for 10,000 entries); as separate documents, the
//! journal opens from the document list (title and date of each entry) and
//! an entry opens in milliseconds.

mod entry;
mod markdown;
mod search;

pub use entry::{EntryKind, JournalEntry};
pub use markdown::{entry_file_name, entry_markdown, journal_markdown, kind_label};
pub use search::JournalFilter;
