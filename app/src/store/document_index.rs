//! The document list: what is stored, without loading any document.

use confidant_shared::document::DocumentKind;
use indexed_db_futures::prelude::*;
use serde::{Deserialize, Serialize};

use super::database::{Store, StoreError, DOCUMENTS};

/// One line of the document list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentSummary {
    pub id: String,
    pub kind: DocumentKind,
    pub title: String,
    /// The date the document is about (journal entries), for sorting.
    #[serde(default)]
    pub date: Option<String>,
    /// Milliseconds since the Unix epoch of the last saved change.
    pub updated_ms: f64,
    /// What lists need of the document (`confidant_shared::document::Listed`),
    /// for the kinds that have a line; absent in entries from older versions
    /// and after a write-ahead replay (then lists open the document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<serde_json::Value>,
}

impl Store {
    /// Record or update a document's line in the list.
    pub async fn put_summary(&self, summary: &DocumentSummary) -> Result<(), StoreError> {
        let json = serde_json::to_string(summary).map_err(|e| StoreError::Write(e.to_string()))?;
        let tx = self.readwrite(DOCUMENTS)?;
        let store = tx.object_store(DOCUMENTS).map_err(|e| StoreError::Write(e.to_string()))?;
        store
            .put(json)
            .with_key(summary.id.clone())
            .primitive()
            .map_err(|e| StoreError::Write(e.to_string()))?;
        tx.commit().await.map_err(|e| StoreError::Write(e.to_string()))
    }

    /// Every stored document, of one kind or all: newest date first, then most
    /// recently changed.
    pub async fn list(&self, kind: Option<DocumentKind>) -> Result<Vec<DocumentSummary>, StoreError> {
        let read = |e: indexed_db_futures::error::Error| StoreError::Read(e.to_string());
        let tx = self.read_only(DOCUMENTS)?;
        let store = tx.object_store(DOCUMENTS).map_err(read)?;
        let rows: Vec<String> = store
            .get_all()
            .primitive()
            .map_err(read)?
            .await
            .map_err(read)?
            .collect::<Result<_, _>>()
            .map_err(read)?;
        let mut list: Vec<DocumentSummary> = rows
            .iter()
            .filter_map(|row| serde_json::from_str(row).ok())
            .filter(|s: &DocumentSummary| kind.is_none_or(|k| s.kind == k))
            .collect();
        // Deleted, with Undo still on offer: in no list.
        let deleted = super::deletion::marked();
        if !deleted.is_empty() {
            list.retain(|s| !deleted.iter().any(|(doc, _)| doc.to_string() == s.id));
        }
        confidant_shared::sort::by(&mut list, |a, b| b.date.cmp(&a.date).then(b.updated_ms.total_cmp(&a.updated_ms)));
        Ok(list)
    }
}

thread_local! {
    static LAST_STAMP: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// When a document changed, for its list line: the clock, but never the
/// same value twice in this tab, so two saves within one millisecond still
/// tell a list that the document changed.
pub fn change_stamp() -> f64 {
    LAST_STAMP.with(|last| {
        let stamp = js_sys::Date::now().max(last.get() + 0.001);
        last.set(stamp);
        stamp
    })
}

/// The list line of a document of `kind`, once it has content (a document
/// accepted from an invite is empty until the first changes arrive).
pub fn summary_of(kind: DocumentKind, id: confidant_shared::document::DocumentId, doc: &automerge::AutoCommit) -> Option<DocumentSummary> {
    use confidant_shared::document::{root_field, Schema};
    use confidant_shared::{goal_plan::GoalPlan, journal::JournalEntry, keyring::Keyring, partnership::Partnership, profile::Profile, program::{page::ProgramPage, Program}, workshop::Workshop};
    fn line<T: Schema>(doc: &automerge::AutoCommit) -> (String, Option<String>, Option<serde_json::Value>) {
        (T::list_title(doc), T::list_date(doc), T::list_line(doc))
    }
    if root_field::<String>(doc, "kind") != kind.as_str() {
        return None;
    }
    let (title, date, line) = match kind {
        DocumentKind::GoalPlan => line::<GoalPlan>(doc),
        DocumentKind::Journal => line::<JournalEntry>(doc),
        DocumentKind::Partnership => line::<Partnership>(doc),
        DocumentKind::Profile => line::<Profile>(doc),
        DocumentKind::Program => line::<Program>(doc),
        DocumentKind::ProgramPage => line::<ProgramPage>(doc),
        DocumentKind::Workshop => line::<Workshop>(doc),
        DocumentKind::Group => line::<confidant_shared::group::Group>(doc),
        DocumentKind::Keyring => line::<Keyring>(doc),
        DocumentKind::Receipt => line::<confidant_shared::program::budget::Receipt>(doc),
    };
    Some(DocumentSummary { id: id.to_string(), kind, title, date, updated_ms: change_stamp(), line })
}

impl Store {
    /// Forget what lists know of a document beyond its title (its records
    /// changed behind the index's back, as a write-ahead replay does), so
    /// the next list opens it. Stamped even when it had no line, so that a
    /// list that opened the document before the change does not fill in a
    /// line without it (`fill_line` keeps only lines of the entry's time).
    pub async fn forget_line(&self, id: confidant_shared::document::DocumentId) -> Result<(), StoreError> {
        if let Some(mut summary) = self.summary(id).await? {
            summary.line = None;
            summary.updated_ms = change_stamp();
            self.put_summary(&summary).await?;
        }
        Ok(())
    }

    /// Give a document's entry the line lists read, worked out from the
    /// document as it stood when the entry last changed (`updated_ms`). An
    /// entry changed since (a save, a replay) is left as it is.
    pub async fn fill_line(&self, id: confidant_shared::document::DocumentId, updated_ms: f64, line: serde_json::Value) -> Result<(), StoreError> {
        let write = |e: indexed_db_futures::error::Error| StoreError::Write(e.to_string());
        // Read and write in one transaction: no save can land in between.
        let tx = self.readwrite(DOCUMENTS)?;
        let store = tx.object_store(DOCUMENTS).map_err(write)?;
        let row: Option<String> = store.get(id.to_string()).primitive().map_err(write)?.await.map_err(write)?;
        let Some(mut summary) = row.and_then(|row| serde_json::from_str::<DocumentSummary>(&row).ok()) else { return Ok(()) };
        if summary.updated_ms != updated_ms || summary.line.is_some_and(|l| l == line) {
            return Ok(());
        }
        summary.line = Some(line);
        let json = serde_json::to_string(&summary).map_err(|e| StoreError::Write(e.to_string()))?;
        store.put(json).with_key(summary.id.clone()).primitive().map_err(write)?;
        tx.commit().await.map_err(write)
    }

    /// One document's line in the list, if it has one.
    pub async fn summary(&self, id: confidant_shared::document::DocumentId) -> Result<Option<DocumentSummary>, StoreError> {
        let read = |e: indexed_db_futures::error::Error| StoreError::Read(e.to_string());
        let tx = self.read_only(DOCUMENTS)?;
        let store = tx.object_store(DOCUMENTS).map_err(read)?;
        let row: Option<String> = store.get(id.to_string()).primitive().map_err(read)?.await.map_err(read)?;
        Ok(row.and_then(|row| serde_json::from_str(&row).ok()))
    }
}
