//! What a list shows of a document, kept beside its title in the document
//! index, so that Home and the partnership list open without opening every
//! document (a coordinator's device holds hundreds).
//!
//! A line is the part of the value the list's rules read (a partnership's
//! names, dates, cadence and meeting days; a goal plan's goals and
//! milestones), never the texts people write at length (agendas, notes,
//! the hand-over note). [`Listed::from_line`] rebuilds a value with those
//! texts empty: good for a list, never for an editor.

use automerge::AutoCommit;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::Schema;

pub trait Listed: Schema + Clone {
    type Line: Serialize + DeserializeOwned;

    fn line(&self) -> Self::Line;

    fn from_line(line: Self::Line) -> Self;

    /// The line of a stored document, as JSON for the index.
    fn line_of(doc: &AutoCommit) -> Option<serde_json::Value> {
        let value: Self = autosurgeon::hydrate(doc).ok()?;
        serde_json::to_value(value.line()).ok()
    }

    /// The value a list works with, from an index entry's line. `None` if
    /// the line does not read (an older index entry): open the document.
    fn from_index(line: &serde_json::Value) -> Option<Self> {
        serde_json::from_value::<Self::Line>(line.clone()).ok().map(Self::from_line)
    }
}
