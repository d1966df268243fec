//! The IndexedDB database and its record-level operations.

use confidant_shared::document::DocumentId;
use confidant_shared::storage::{ChunkKey, Compaction, StoredChunk};
use indexed_db_futures::database::{Database, ObjectStoreName};
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::transaction::Transaction;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::typed_array::TypedArray;
use indexed_db_futures::KeyRange;

pub(super) const CHUNKS: &str = "chunks";
pub(super) const QUARANTINE: &str = "quarantine";
pub(super) const DOCUMENTS: &str = "documents";
pub(super) const SHARES: &str = "shares";
pub(super) const OUTBOX: &str = "outbox";
pub(super) const DEVICE: &str = "device";
const VERSION: u8 = 3;

/// Why the store could not do what was asked. Messages are for the user.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("this browser would not open local storage ({0}); private browsing can cause this")]
    Open(String),
    #[error("saving on this device failed ({0}); your change is kept in this tab and will be saved again")]
    Write(String),
    #[error("reading from this device failed ({0})")]
    Read(String),
    #[error("{0}")]
    Document(String),
    /// No record of this document is on this device.
    #[error("this document is not on this device")]
    NotHere,
    /// A newer Confidant saved it, in a schema this version does not know.
    #[error("this document was saved by a newer version of Confidant; update the app to open it")]
    MadeByNewerVersion,
    /// Every record was damaged: all were set aside, nothing could be read.
    #[error("this document is damaged on this device; its {kept_aside} saved record(s) are kept aside, not deleted")]
    Damaged { kept_aside: usize },
    #[error("this browser cannot make secure random numbers, so nothing new can be created or shared safely; try an up-to-date browser")]
    NoRandomness,
}

impl StoreError {
    /// One sentence a person can act on, never the browser's own error text
    /// (that goes to the console for whoever debugs).
    pub fn for_user(&self) -> String {
        match self {
            StoreError::Open(detail) | StoreError::Write(detail) | StoreError::Read(detail) => {
                web_sys::console::warn_1(&format!("storage: {detail}").into());
            }
            _ => {}
        }
        match self {
            StoreError::Open(_) => "This browser would not open its storage; private browsing can cause this.".into(),
            StoreError::Write(_) => "Saving on this device failed; your change is kept in this tab and saved again in a moment.".into(),
            StoreError::Read(_) => "Reading from this device's storage failed; try again in a moment.".into(),
            StoreError::NotHere => "This is not on this device.".into(),
            other => {
                let text = other.to_string();
                let mut chars = text.chars();
                match chars.next() {
                    Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str().trim_end_matches('.')),
                    None => text,
                }
            }
        }
    }
}

pub(super) fn write_error(err: impl std::fmt::Display) -> StoreError {
    StoreError::Write(err.to_string())
}

pub(super) fn read_error(err: impl std::fmt::Display) -> StoreError {
    StoreError::Read(err.to_string())
}

/// Queue a put of one record; it lands when the transaction commits.
fn put_record(store: &ObjectStore<'_>, record: &StoredChunk) -> Result<(), StoreError> {
    store
        .put(TypedArray::new(record.bytes.clone()))
        .with_key(record.key.to_string())
        .primitive()
        .map_err(write_error)?;
    Ok(())
}

/// A handle on the `confidant` database (cheap to clone).
#[derive(Clone, Debug)]
pub struct Store {
    db: Database,
}

impl Store {
    /// Open (and on first use create) the database called `name`.
    pub async fn open(name: &str) -> Result<Store, StoreError> {
        let db = Database::open(name)
            .with_version(VERSION)
            .with_on_upgrade_needed(|event, db| {
                if event.old_version() < 1.0 {
                    db.create_object_store(CHUNKS).build()?;
                    db.create_object_store(QUARANTINE).build()?;
                    db.create_object_store(DOCUMENTS).build()?;
                }
                if event.old_version() < 2.0 {
                    db.create_object_store(SHARES).build()?;
                    db.create_object_store(OUTBOX).build()?;
                }
                if event.old_version() < 3.0 {
                    db.create_object_store(DEVICE).build()?;
                }
                Ok(())
            })
            .await
            .map_err(|e| StoreError::Open(e.to_string()))?;
        Ok(Store { db })
    }


    /// A read-only transaction over `stores`.
    pub(super) fn read_only<S: ObjectStoreName>(&self, stores: S) -> Result<Transaction<'_>, StoreError> {
        self.db.transaction(stores).build().map_err(read_error)
    }

    /// A read-write transaction over `stores`; it rolls back unless committed.
    pub(super) fn readwrite<S: ObjectStoreName>(&self, stores: S) -> Result<Transaction<'_>, StoreError> {
        self.db.transaction(stores).with_mode(TransactionMode::Readwrite).build().map_err(write_error)
    }

    /// The database's name (tests reopen it by name).
    pub fn db_name(&self) -> String {
        self.db.name()
    }

    /// Close the connection (another tab may then upgrade the database).
    pub fn close(self) {
        self.db.close();
    }

    /// Every record of one document.
    pub async fn read_records(&self, doc: DocumentId) -> Result<Vec<StoredChunk>, StoreError> {
        let (low, high) = ChunkKey::range_of(doc);
        let tx = self.read_only(CHUNKS)?;
        let store = tx.object_store(CHUNKS).map_err(read_error)?;
        let keys: Vec<String> = store
            .get_all_keys()
            .with_query::<String, _>(KeyRange::from(low.clone()..high.clone()))
            .primitive()
            .map_err(read_error)?
            .await
            .map_err(read_error)?
            .collect::<Result<_, _>>()
            .map_err(read_error)?;
        let values: Vec<TypedArray<u8>> = store
            .get_all()
            .with_query::<String, _>(KeyRange::from(low..high))
            .primitive()
            .map_err(read_error)?
            .await
            .map_err(read_error)?
            .collect::<Result<_, _>>()
            .map_err(read_error)?;
        let mut records = Vec::with_capacity(keys.len());
        for (key, bytes) in keys.into_iter().zip(values) {
            // A key that does not parse is not ours to interpret; skip it.
            if let Ok(key) = key.parse::<ChunkKey>() {
                records.push(StoredChunk { key, bytes: bytes.into() });
            }
        }
        Ok(records)
    }

    /// Every record of each of `docs`, in one transaction whose requests run
    /// together (a list of hundreds of documents pays for one transaction,
    /// not hundreds).
    pub async fn read_records_of(&self, docs: &[DocumentId]) -> Result<Vec<Vec<StoredChunk>>, StoreError> {
        let tx = self.read_only(CHUNKS)?;
        let store = tx.object_store(CHUNKS).map_err(read_error)?;
        let mut reads = Vec::with_capacity(docs.len());
        for doc in docs {
            let (low, high) = ChunkKey::range_of(*doc);
            let keys = store.get_all_keys().with_query::<String, _>(KeyRange::from(low.clone()..high.clone())).primitive().map_err(read_error)?;
            let values = store.get_all().with_query::<String, _>(KeyRange::from(low..high)).primitive().map_err(read_error)?;
            reads.push(async move {
                let keys: Vec<String> = keys.await.map_err(read_error)?.collect::<Result<_, _>>().map_err(read_error)?;
                let values: Vec<TypedArray<u8>> = values.await.map_err(read_error)?.collect::<Result<_, _>>().map_err(read_error)?;
                let records = keys
                    .into_iter()
                    .zip(values)
                    .filter_map(|(key, bytes)| Some(StoredChunk { key: key.parse::<ChunkKey>().ok()?, bytes: bytes.into() }))
                    .collect::<Vec<_>>();
                Ok::<_, StoreError>(records)
            });
        }
        futures::future::join_all(reads).await.into_iter().collect()
    }

    /// Durably write records; resolves once the transaction committed.
    pub async fn write_records(&self, records: &[StoredChunk]) -> Result<(), StoreError> {
        let tx = self.readwrite(CHUNKS)?;
        let store = tx.object_store(CHUNKS).map_err(write_error)?;
        for record in records {
            put_record(&store, record)?;
        }
        tx.commit().await.map_err(write_error)
    }

    /// Write a compacted snapshot and delete what it replaces, atomically.
    pub async fn write_compaction(&self, compaction: &Compaction) -> Result<(), StoreError> {
        let tx = self.readwrite(CHUNKS)?;
        let store = tx.object_store(CHUNKS).map_err(write_error)?;
        put_record(&store, &compaction.snapshot)?;
        for key in &compaction.replaces {
            store.delete(key.to_string()).primitive().map_err(write_error)?;
        }
        tx.commit().await.map_err(write_error)
    }

    /// Move damaged records out of `chunks` into `quarantine`, atomically.
    pub async fn quarantine(&self, records: &[StoredChunk]) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let tx = self.readwrite([CHUNKS, QUARANTINE])?;
        let chunks = tx.object_store(CHUNKS).map_err(write_error)?;
        let quarantine = tx.object_store(QUARANTINE).map_err(write_error)?;
        for record in records {
            put_record(&quarantine, record)?;
            chunks.delete(record.key.to_string()).primitive().map_err(write_error)?;
        }
        tx.commit().await.map_err(write_error)?;
        // What lists knew of these documents may rest on what was set aside.
        let docs: std::collections::BTreeSet<DocumentId> = records.iter().map(|r| r.key.doc).collect();
        for doc in docs {
            self.forget_line(doc).await?;
        }
        Ok(())
    }

    /// Remove a document from this device: its records, its list line and
    /// its share record in one transaction, and any unsaved copy.
    pub async fn delete_document(&self, doc: DocumentId) -> Result<(), StoreError> {
        let keys: Vec<String> = self.read_records(doc).await?.iter().map(|r| r.key.to_string()).collect();
        let tx = self.readwrite([CHUNKS, DOCUMENTS, SHARES])?;
        let chunks = tx.object_store(CHUNKS).map_err(write_error)?;
        for key in keys {
            chunks.delete(key).primitive().map_err(write_error)?;
        }
        tx.object_store(DOCUMENTS).map_err(write_error)?.delete(doc.to_string()).primitive().map_err(write_error)?;
        tx.object_store(SHARES).map_err(write_error)?.delete(doc.to_string()).primitive().map_err(write_error)?;
        tx.commit().await.map_err(write_error)?;
        super::write_ahead::forget(doc);
        Ok(())
    }

    /// Keys of the records in quarantine.
    pub async fn quarantined_keys(&self) -> Result<Vec<String>, StoreError> {
        let tx = self.read_only(QUARANTINE)?;
        let store = tx.object_store(QUARANTINE).map_err(read_error)?;
        store
            .get_all_keys()
            .primitive()
            .map_err(read_error)?
            .await
            .map_err(read_error)?
            .collect::<Result<_, _>>()
            .map_err(read_error)
    }

    /// Bytes of every record of every document (for Settings and benchmarks).
    pub async fn stored_bytes(&self) -> Result<usize, StoreError> {
        let tx = self.read_only(CHUNKS)?;
        let store = tx.object_store(CHUNKS).map_err(read_error)?;
        let values: Vec<TypedArray<u8>> = store
            .get_all()
            .primitive()
            .map_err(read_error)?
            .await
            .map_err(read_error)?
            .collect::<Result<_, _>>()
            .map_err(read_error)?;
        Ok(values.iter().map(|v| v.len()).sum())
    }
}
