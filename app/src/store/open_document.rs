//! One open document: load it, edit it, save every edit durably.
//!
//! Edits are synchronous ([`OpenDocument::edit`]) so the page never waits on
//! storage while someone types; [`OpenDocument::save`] writes whatever is
//! pending and may be called as often as wanted (the page coalesces
//! keystrokes and always saves on `pagehide`). The handle is cheap to clone;
//! clones share the document.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use automerge::{ActorId, AutoCommit};
use confidant_shared::document::{DocumentId, MigrationError, Schema};
use confidant_shared::storage::{StoredChunk, StoredDocument};

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
    /// A member's change had made it unreadable; the fields it broke were
    /// put back as they were before it.
    pub repaired: bool,
}

impl OpenNotice {
    /// One sentence for the user, if there is anything to say.
    pub fn message(&self) -> Option<String> {
        if self.repaired {
            return Some(
                "A change made elsewhere left part of this document unreadable, so that part is back as it was before \
                 the change; everything else is as it was, and the fix reaches everyone who shares it."
                    .into(),
            );
        }
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
#[derive(Debug, Clone)]
pub struct OpenDocument {
    store: Store,
    stored: Rc<RefCell<StoredDocument>>,
    /// A save is running; another call only asks it to go round again.
    saving: Rc<Cell<bool>>,
    save_again: Rc<Cell<bool>>,
    /// Names this open copy's write-ahead record (its Automerge actor).
    editor: Rc<str>,
}

fn actor() -> Result<ActorId, StoreError> {
    Ok(ActorId::from(random_bytes::<16>()?.to_vec()))
}

fn document_error(err: impl std::fmt::Display) -> StoreError {
    StoreError::Document(err.to_string())
}

impl OpenDocument {
    fn new(store: &Store, stored: StoredDocument) -> Self {
        let editor: Rc<str> = stored.doc().get_actor().to_hex_string().into();
        OpenDocument {
            editor,
            store: store.clone(),
            stored: Rc::new(RefCell::new(stored)),
            saving: Rc::new(Cell::new(false)),
            save_again: Rc::new(Cell::new(false)),
        }
    }

    /// Create a document holding `value` and save it.
    pub async fn create<T: Schema>(store: &Store, value: &T) -> Result<OpenDocument, StoreError> {
        let id = DocumentId::from_random(random_bytes()?);
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, value).map_err(document_error)?;
        let open = OpenDocument::new(store, StoredDocument::create(id, doc, actor()?));
        open.save::<T>().await?;
        Ok(open)
    }

    /// Load a document, set damaged records aside, and migrate it if it was
    /// saved by an older version (saving the migration once).
    pub async fn open<T: Schema>(store: &Store, id: DocumentId) -> Result<(OpenDocument, T, OpenNotice), StoreError> {
        let records = store.read_records(id).await?;
        OpenDocument::open_records::<T>(store, id, records).await
    }

    /// [`Self::open`] from records already read (a list reads many
    /// documents' records in one transaction).
    pub async fn open_records<T: Schema>(store: &Store, id: DocumentId, records: Vec<StoredChunk>) -> Result<(OpenDocument, T, OpenNotice), StoreError> {
        if records.is_empty() {
            return Err(StoreError::NotHere);
        }
        let actor = actor()?;
        let mut loaded = super::load_guard::guarded(id, || StoredDocument::load(id, records, actor));
        let bad: Vec<_> = loaded.quarantined.into_iter().map(|(record, _reason)| record).collect();
        store.quarantine(&bad).await?;
        if loaded.document.doc_mut().get_heads().is_empty() {
            // Nothing read. If records were set aside it is damaged; if none
            // were, its changes wait for history not here yet (sync brings
            // it): not here, and the page waits for it.
            return Err(if bad.is_empty() { StoreError::NotHere } else { StoreError::Damaged { kept_aside: bad.len() } });
        }
        let (opened, repaired) = match confidant_shared::document::open::<T>(loaded.document.doc_mut()) {
            Ok(opened) => (opened, false),
            // A member's change broke it (a field of the wrong type, an
            // absurd schema number): put back what it broke, if it can be.
            Err(err @ (MigrationError::Shape(_) | MigrationError::TooNew { .. })) => {
                match confidant_shared::document::repair::<T>(loaded.document.doc_mut()) {
                    Some(opened) => (opened, true),
                    None => {
                        return Err(match err {
                            MigrationError::TooNew { .. } => StoreError::MadeByNewerVersion,
                            _ => StoreError::Damaged { kept_aside: 0 },
                        })
                    }
                }
            }
            Err(other) => return Err(document_error(other)),
        };
        let open = OpenDocument::new(store, loaded.document);
        if opened.migrated_from.is_some() || repaired {
            open.save::<T>().await?;
        }
        let notice = OpenNotice { quarantined: bad.len(), migrated_from: opened.migrated_from, repaired };
        Ok((open, opened.value, notice))
    }

    pub fn id(&self) -> DocumentId {
        self.stored.borrow().id()
    }

    /// The document's current value.
    pub fn value<T: Schema>(&self) -> Result<T, StoreError> {
        autosurgeon::hydrate(self.stored.borrow().doc()).map_err(document_error)
    }

    /// Apply the user's edit to the current value, in memory. The value is
    /// hydrated afresh for each edit: autosurgeon refuses to reconcile text
    /// read at older heads, and starting fresh means only this edit's
    /// differences are recorded. Returns the new value; call [`Self::save`].
    pub fn edit<T: Schema>(&self, edit: impl FnOnce(&mut T)) -> Result<T, StoreError> {
        let mut stored = self.stored.borrow_mut();
        let mut value: T = autosurgeon::hydrate(stored.doc()).map_err(document_error)?;
        edit(&mut value);
        autosurgeon::reconcile(stored.doc_mut(), &value).map_err(document_error)?;
        // Before anything asynchronous: the browser may quit next.
        super::write_ahead::keep(stored.id(), &self.editor, stored.unsaved_changes().as_deref());
        Ok(value)
    }

    /// Edit and save, for callers that can wait.
    pub async fn change<T: Schema>(&self, edit: impl FnOnce(&mut T)) -> Result<T, StoreError> {
        let value = self.edit(edit)?;
        self.save::<T>().await?;
        Ok(value)
    }

    /// Write whatever is not yet stored, then compact if it is time. Returns
    /// whether anything was written. If a save is already running, it picks
    /// up the new changes before it finishes.
    pub async fn save<T: Schema>(&self) -> Result<bool, StoreError> {
        if self.saving.get() {
            self.save_again.set(true);
            return Ok(false);
        }
        self.saving.set(true);
        let result = self.save_until_done::<T>().await;
        self.saving.set(false);
        result
    }

    async fn save_until_done<T: Schema>(&self) -> Result<bool, StoreError> {
        let mut wrote = false;
        loop {
            self.save_again.set(false);
            // Borrow only between awaits: edits keep coming while we write.
            let pending = self.stored.borrow_mut().pending_save();
            if let Some(pending) = pending {
                self.store.write_records(std::slice::from_ref(&pending.chunk)).await?;
                self.stored.borrow_mut().confirm_saved(pending);
                wrote = true;
            }
            let compaction = self.stored.borrow_mut().compaction();
            if let Some(compaction) = compaction {
                self.store.write_compaction(&compaction).await?;
                self.stored.borrow_mut().confirm_compacted(compaction);
            }
            if !self.save_again.get() {
                break;
            }
        }
        {
            let mut stored = self.stored.borrow_mut();
            let id = stored.id();
            super::write_ahead::keep(id, &self.editor, stored.unsaved_changes().as_deref());
        }
        if wrote {
            let (title, date, line) = {
                let stored = self.stored.borrow();
                (T::list_title(stored.doc()), T::list_date(stored.doc()), T::list_line(stored.doc()))
            };
            self.store
                .put_summary(&DocumentSummary {
                    id: self.id().to_string(),
                    kind: T::KIND,
                    title,
                    date,
                    updated_ms: super::document_index::change_stamp(),
                    line,
                })
                .await?;
        }
        Ok(wrote)
    }

    /// Take in what other tabs saved; returns whether anything changed.
    pub async fn refresh(&self) -> Result<bool, StoreError> {
        let records = self.store.read_records(self.id()).await?;
        let id = self.id();
        let (changed, bad) = super::load_guard::guarded(id, || self.stored.borrow_mut().absorb(records));
        let bad: Vec<_> = bad.into_iter().map(|(record, _)| record).collect();
        self.store.quarantine(&bad).await?;
        Ok(changed)
    }

    /// Bytes this document occupies in storage.
    pub fn stored_bytes(&self) -> usize {
        self.stored.borrow().stored_bytes()
    }
}

/// Every document of `T`'s kind on this device, for pages that summarise
/// them all (Home, the journal search). Documents that fail to open are left
/// out here; their own page says what is wrong.
pub async fn open_all<T: Schema>(store: &Store) -> Result<Vec<(OpenDocument, T)>, StoreError> {
    let mut all = Vec::new();
    for summary in store.list(Some(T::KIND)).await? {
        let Ok(id) = summary.id.parse::<DocumentId>() else { continue };
        if let Ok((doc, value, _)) = OpenDocument::open::<T>(store, id).await {
            all.push((doc, value));
        }
    }
    Ok(all)
}
