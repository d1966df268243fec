//! One open document: load it, edit it, save every edit durably.

use automerge::{ActorId, AutoCommit};
use confidant_shared::document::{DocumentId, Schema};
use confidant_shared::storage::StoredDocument;

use super::database::{Store, StoreError};
use super::document_index::DocumentSummary;
use super::random_bytes;

/// What the user should be told after opening a document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpenNotice {
    /// Damaged records set aside (kept in quarantine, not deleted).
    pub quarantined: usize,
    /// The schema version the document was migrated from, if it was.
    pub migrated_from: Option<u64>,
}

impl OpenNotice {
    /// One sentence for the user, if there is anything to say.
    pub fn message(&self) -> Option<String> {
        (self.quarantined > 0).then(|| {
            format!(
                "Part of this document was damaged on this device ({} saved change{} could not be read). \
                 Everything else is here; the damaged part is kept aside, not deleted.",
                self.quarantined,
                if self.quarantined == 1 { "" } else { "s" }
            )
        })
    }
}

/// A document loaded from the store, with its storage bookkeeping.
#[derive(Debug)]
pub struct OpenDocument {
    store: Store,
    stored: StoredDocument,
}

fn actor() -> ActorId {
    ActorId::from(random_bytes::<16>().to_vec())
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

impl OpenDocument {
    /// Create a document holding `value` and save it.
    pub async fn create<T: Schema>(store: &Store, value: &T) -> Result<OpenDocument, StoreError> {
        let id = DocumentId::from_random(random_bytes());
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, value).map_err(|e| StoreError::Document(e.to_string()))?;
        let mut open = OpenDocument { store: store.clone(), stored: StoredDocument::create(id, doc, actor()) };
        open.save::<T>().await?;
        Ok(open)
    }

    /// Load a document, set damaged records aside, and migrate it if it was
    /// saved by an older version (saving the migration once).
    pub async fn open<T: Schema>(store: &Store, id: DocumentId) -> Result<(OpenDocument, T, OpenNotice), StoreError> {
        let records = store.read_records(id).await?;
        if records.is_empty() {
            return Err(StoreError::Document("this document is not on this device".into()));
        }
        let loaded = StoredDocument::load(id, records, actor());
        let bad: Vec<_> = loaded.quarantined.into_iter().map(|(record, _reason)| record).collect();
        store.quarantine(&bad).await?;
        let mut open = OpenDocument { store: store.clone(), stored: loaded.document };
        let opened = confidant_shared::document::open::<T>(open.stored.doc_mut())
            .map_err(|e| StoreError::Document(e.to_string()))?;
        if opened.migrated_from.is_some() {
            open.save::<T>().await?;
        }
        let notice = OpenNotice { quarantined: bad.len(), migrated_from: opened.migrated_from };
        Ok((open, opened.value, notice))
    }

    pub fn id(&self) -> DocumentId {
        self.stored.id()
    }

    /// The document's current value.
    pub fn value<T: Schema>(&self) -> Result<T, StoreError> {
        autosurgeon::hydrate(self.stored.doc()).map_err(|e| StoreError::Document(e.to_string()))
    }

    /// Apply the user's edit to the current value and save it. The value is
    /// hydrated afresh for each edit: autosurgeon refuses to reconcile text
    /// read at older heads, and starting fresh means only this edit's
    /// differences are recorded. Returns the new value.
    pub async fn change<T: Schema>(&mut self, edit: impl FnOnce(&mut T)) -> Result<T, StoreError> {
        let mut value: T = self.value()?;
        edit(&mut value);
        autosurgeon::reconcile(self.stored.doc_mut(), &value).map_err(|e| StoreError::Document(e.to_string()))?;
        self.save::<T>().await?;
        Ok(value)
    }

    /// Write whatever is not yet stored, then compact if it is time.
    pub async fn save<T: Schema>(&mut self) -> Result<(), StoreError> {
        let Some(pending) = self.stored.pending_save() else { return Ok(()) };
        self.store.write_records(std::slice::from_ref(&pending.chunk)).await?;
        self.stored.confirm_saved(pending);
        if let Some(compaction) = self.stored.compaction() {
            self.store.write_compaction(&compaction).await?;
            self.stored.confirm_compacted(compaction);
        }
        let value: T = self.value()?;
        self.store
            .put_summary(&DocumentSummary {
                id: self.id().to_string(),
                kind: T::KIND,
                title: value.list_title(),
                updated_ms: now_ms(),
            })
            .await
    }

    /// Take in what other tabs saved; returns whether anything changed.
    pub async fn refresh(&mut self) -> Result<bool, StoreError> {
        let records = self.store.read_records(self.id()).await?;
        let (changed, bad) = self.stored.absorb(records);
        let bad: Vec<_> = bad.into_iter().map(|(record, _)| record).collect();
        self.store.quarantine(&bad).await?;
        Ok(changed)
    }

    /// Bytes this document occupies in storage.
    pub fn stored_bytes(&self) -> usize {
        self.stored.stored_bytes()
    }
}
