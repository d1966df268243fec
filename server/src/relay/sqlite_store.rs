//! The embedded relay store: SQLite in the data folder, WAL mode, every
//! write synced before it returns.
//!
//! `items` holds each document's chunks and each inbox's letters, numbered;
//! `ids` one row per document or inbox: its next sequence number (assigned
//! inside the storing transaction), bytes and letters held, and whether its
//! owner retired it. One writer thread takes every append waiting and
//! stores them in one transaction, one sync to disk for all (group
//! commit); reads go through a second connection, so they never wait on a
//! write.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{mpsc, Arc, Mutex};

use confidant_shared::sync::relay::StoredItem;
use confidant_shared::sync::SyncId;
use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::oneshot;

use super::{refusal, AppendError, IdState, Page, RelayStore, RelayStoreError, StoreFuture, StoreLimits};

/// Appends one commit takes at most.
const GROUP_COMMIT: usize = 256;

pub struct SqliteStore {
    writes: mpsc::Sender<Write>,
    reader: Arc<Mutex<Connection>>,
    writer: Option<std::thread::JoinHandle<()>>,
}

impl Drop for SqliteStore {
    /// Dropped, the store has finished every write and closed its files.
    fn drop(&mut self) {
        self.writes = mpsc::channel().0;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// A write for the writer thread, and where its answer goes.
enum Write {
    Append { item: StoredItem, now_ms: i64, done: oneshot::Sender<Result<u64, AppendError>> },
    DeleteLetters { inbox: SyncId, through_seq: u64, done: oneshot::Sender<Result<(), RelayStoreError>> },
    Expire { before_ms: i64, done: oneshot::Sender<Result<u64, RelayStoreError>> },
}

fn storage(err: impl std::fmt::Display) -> RelayStoreError {
    RelayStoreError::Storage(err.to_string())
}

/// The writer thread is gone (it only stops when the store is dropped).
fn stopped<T>(_: T) -> RelayStoreError {
    RelayStoreError::Storage("the store's writer stopped".into())
}

/// The schema this build writes (`PRAGMA user_version`).
const SCHEMA: i64 = 2;

impl SqliteStore {
    /// Open (creating if needed) `relay.sqlite3` in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Self, RelayStoreError> {
        Self::open_with(data_dir, StoreLimits::default())
    }

    pub fn open_with(data_dir: &Path, limits: StoreLimits) -> Result<Self, RelayStoreError> {
        let path = data_dir.join("relay.sqlite3");
        let mut writer = Connection::open(&path).map_err(storage)?;
        // WAL keeps readers off the writer's back; FULL syncs each commit, so
        // an acknowledged chunk survives a crash or power loss.
        writer.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;").map_err(storage)?;
        // Another process on the same file waits its turn rather than fails.
        writer.busy_timeout(std::time::Duration::from_secs(10)).map_err(storage)?;
        migrate(&writer)?;
        let reader = Connection::open(&path).map_err(storage)?;
        let (writes, queue) = mpsc::channel();
        let writer = std::thread::Builder::new()
            .name("relay-sqlite-writer".into())
            .spawn(move || {
                while let Ok(first) = queue.recv() {
                    let mut batch = vec![first];
                    while batch.len() < GROUP_COMMIT {
                        match queue.try_recv() {
                            Ok(next) => batch.push(next),
                            Err(_) => break,
                        }
                    }
                    write_batch(&mut writer, batch, &limits);
                }
            })
            .map_err(storage)?;
        Ok(SqliteStore { writes, reader: Arc::new(Mutex::new(reader)), writer: Some(writer) })
    }

    fn read<T: Send + 'static>(&self, f: impl FnOnce(&Connection) -> Result<T, RelayStoreError> + Send + 'static) -> StoreFuture<'_, Result<T, RelayStoreError>> {
        let reader = self.reader.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let connection = reader.lock().map_err(|_| storage("store lock poisoned"))?;
                f(&connection)
            })
            .await
            .map_err(storage)?
        })
    }

    fn write<T: Send + 'static>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Write) -> Result<oneshot::Receiver<T>, RelayStoreError> {
        let (done, answer) = oneshot::channel();
        self.writes.send(make(done)).map_err(stopped)?;
        Ok(answer)
    }
}

/// Carry out a batch: runs of appends in one transaction each, deletes
/// and expiry alone; answer each only after its commit.
fn write_batch(connection: &mut Connection, batch: Vec<Write>, limits: &StoreLimits) {
    let mut appends = Vec::new();
    for write in batch {
        match write {
            Write::Append { item, now_ms, done } => appends.push((item, now_ms, done)),
            Write::DeleteLetters { inbox, through_seq, done } => {
                append_all(connection, std::mem::take(&mut appends), limits);
                let _ = done.send(delete_letters(connection, &inbox, through_seq));
            }
            Write::Expire { before_ms, done } => {
                append_all(connection, std::mem::take(&mut appends), limits);
                let _ = done.send(expire_letters(connection, before_ms));
            }
        }
    }
    append_all(connection, appends, limits);
}

type Answer = oneshot::Sender<Result<u64, AppendError>>;

/// Store every append in one transaction: one sync to disk for all.
fn append_all(connection: &mut Connection, appends: Vec<(StoredItem, i64, Answer)>, limits: &StoreLimits) {
    if appends.is_empty() {
        return;
    }
    let mut answers = Vec::with_capacity(appends.len());
    let stored = (|| -> Result<Vec<Result<u64, AppendError>>, RelayStoreError> {
        // Take the write lock at once: a read first would have to upgrade,
        // which fails rather than waits when another writer holds the file.
        let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(storage)?;
        let mut rows: HashMap<SyncId, IdState> = HashMap::new();
        let mut results = Vec::with_capacity(appends.len());
        for (item, now_ms, done) in appends {
            answers.push(done);
            let body = encode(&item)?;
            let id = item.id();
            let held = match rows.get(&id) {
                Some(row) => *row,
                None => read_row(&tx, &id)?,
            };
            if let Some(refused) = refusal(&item, &held, body.len() as u64, limits) {
                rows.insert(id, held);
                results.push(Err(AppendError::Refused(refused)));
                continue;
            }
            tx.prepare_cached("INSERT INTO items (id, seq, body, stored_ms) VALUES (?1, ?2, ?3, ?4)")
                .and_then(|mut insert| insert.execute(params![&id.as_bytes()[..], held.next_seq as i64, &body, now_ms]))
                .map_err(storage)?;
            rows.insert(id, held.after(&item, body.len() as u64));
            results.push(Ok(held.next_seq));
        }
        for (id, row) in &rows {
            tx.prepare_cached(
                "INSERT INTO ids (id, next_seq, bytes, letters, introductions, retired) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET next_seq = excluded.next_seq, bytes = excluded.bytes,
                     letters = excluded.letters, introductions = excluded.introductions, retired = excluded.retired",
            )
            .and_then(|mut upsert| {
                upsert.execute(params![&id.as_bytes()[..], row.next_seq as i64, row.bytes as i64, row.letters as i64, row.introductions as i64, i64::from(row.retired)])
            })
            .map_err(storage)?;
        }
        tx.commit().map_err(storage)?;
        Ok(results)
    })();
    super::answer_batch(answers, stored);
}

fn read_row(tx: &rusqlite::Transaction<'_>, id: &SyncId) -> Result<IdState, RelayStoreError> {
    let row = tx
        .prepare_cached("SELECT next_seq, bytes, letters, introductions, retired FROM ids WHERE id = ?1")
        .map_err(storage)?
        .query_row(params![&id.as_bytes()[..]], |row| {
            Ok(IdState {
                next_seq: row.get::<_, i64>(0)? as u64,
                bytes: row.get::<_, i64>(1)? as u64,
                letters: row.get::<_, i64>(2)? as u64,
                introductions: row.get::<_, i64>(3)? as u64,
                retired: row.get::<_, i64>(4)? != 0,
            })
        })
        .optional()
        .map_err(storage)?;
    Ok(row.unwrap_or_default())
}

fn delete_letters(connection: &mut Connection, inbox: &SyncId, through_seq: u64) -> Result<(), RelayStoreError> {
    let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(storage)?;
    tx.execute("DELETE FROM items WHERE id = ?1 AND seq <= ?2", params![&inbox.as_bytes()[..], through_seq as i64]).map_err(storage)?;
    recount(&tx, inbox)?;
    tx.commit().map_err(storage)
}

fn expire_letters(connection: &mut Connection, before_ms: i64) -> Result<u64, RelayStoreError> {
    let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(storage)?;
    let inboxes: Vec<Vec<u8>> = {
        let mut statement = tx.prepare("SELECT DISTINCT id FROM items WHERE stored_ms < ?1 AND id IN (SELECT id FROM ids WHERE letters > 0)").map_err(storage)?;
        let rows = statement.query_map(params![before_ms], |row| row.get(0)).map_err(storage)?;
        rows.collect::<Result<_, _>>().map_err(storage)?
    };
    let mut deleted = 0;
    for inbox in &inboxes {
        deleted += tx.execute("DELETE FROM items WHERE id = ?1 AND stored_ms < ?2", params![inbox, before_ms]).map_err(storage)? as u64;
        let id: [u8; 16] = inbox.as_slice().try_into().map_err(|_| RelayStoreError::Corrupt("an id of the wrong length".into()))?;
        recount(&tx, &SyncId::from_bytes(id))?;
    }
    tx.commit().map_err(storage)?;
    Ok(deleted)
}

/// Bring the file to [`SCHEMA`]. Protocol 1's chunks cannot be read by
/// protocol 2 clients (they push everything again under migrated keys), so
/// they are kept aside in `chunks_v1`, never deleted by the relay.
fn migrate(connection: &Connection) -> Result<(), RelayStoreError> {
    let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(storage)?;
    if version >= SCHEMA {
        return Ok(());
    }
    let had_v1: bool = connection
        .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'chunks'", [], |row| row.get::<_, i64>(0))
        .map_err(storage)?
        > 0;
    let rename = if had_v1 { "ALTER TABLE chunks RENAME TO chunks_v1;" } else { "" };
    connection
        .execute_batch(&format!(
            "BEGIN;
             {rename}
             CREATE TABLE items (
                 id BLOB NOT NULL,
                 seq INTEGER NOT NULL,
                 body BLOB NOT NULL,
                 stored_ms INTEGER NOT NULL,
                 PRIMARY KEY (id, seq)
             ) WITHOUT ROWID;
             CREATE TABLE ids (
                 id BLOB PRIMARY KEY,
                 next_seq INTEGER NOT NULL,
                 bytes INTEGER NOT NULL,
                 letters INTEGER NOT NULL,
                 introductions INTEGER NOT NULL,
                 retired INTEGER NOT NULL
             ) WITHOUT ROWID;
             PRAGMA user_version = {SCHEMA};
             COMMIT;"
        ))
        .map_err(storage)
}

fn encode(item: &StoredItem) -> Result<Vec<u8>, RelayStoreError> {
    postcard::to_allocvec(item).map_err(storage)
}

fn decode(body: &[u8]) -> Result<StoredItem, RelayStoreError> {
    postcard::from_bytes(body).map_err(|e| RelayStoreError::Corrupt(e.to_string()))
}

impl RelayStore for SqliteStore {
    fn append(&self, item: StoredItem, now_ms: i64) -> StoreFuture<'_, Result<u64, AppendError>> {
        let answer = self.write(|done| Write::Append { item, now_ms, done });
        Box::pin(async move { answer?.await.map_err(stopped)? })
    }

    fn load_since(&self, id: SyncId, after_seq: u64, limit: usize, max_bytes: usize) -> StoreFuture<'_, Result<Page, RelayStoreError>> {
        self.read(move |connection| {
            let head: i64 = connection
                .query_row("SELECT next_seq - 1 FROM ids WHERE id = ?1", params![&id.as_bytes()[..]], |row| row.get(0))
                .optional()
                .map_err(storage)?
                .unwrap_or(0);
            let mut statement = connection
                .prepare_cached("SELECT seq, body FROM items WHERE id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3")
                .map_err(storage)?;
            let rows = statement
                .query_map(params![&id.as_bytes()[..], (after_seq.min(i64::MAX as u64) as i64), limit as i64], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?)))
                .map_err(storage)?;
            let mut items = Vec::new();
            let mut bytes = 0;
            for row in rows {
                let (seq, body) = row.map_err(storage)?;
                bytes += body.len();
                items.push((seq as u64, decode(&body)?));
                if bytes >= max_bytes {
                    break; // the rest comes as the next page
                }
            }
            Ok((items, head as u64))
        })
    }

    fn heads(&self, ids: Vec<SyncId>) -> StoreFuture<'_, Result<Vec<(SyncId, u64)>, RelayStoreError>> {
        self.read(move |connection| {
            let mut statement = connection.prepare_cached("SELECT next_seq - 1 FROM ids WHERE id = ?1").map_err(storage)?;
            let mut heads = Vec::new();
            for id in ids {
                if let Some(head) = statement.query_row(params![&id.as_bytes()[..]], |row| row.get::<_, i64>(0)).optional().map_err(storage)? {
                    heads.push((id, head as u64));
                }
            }
            Ok(heads)
        })
    }

    fn delete_letters(&self, inbox: SyncId, through_seq: u64) -> StoreFuture<'_, Result<(), RelayStoreError>> {
        let answer = self.write(|done| Write::DeleteLetters { inbox, through_seq, done });
        Box::pin(async move { answer?.await.map_err(stopped)? })
    }

    fn expire_letters(&self, before_ms: i64) -> StoreFuture<'_, Result<u64, RelayStoreError>> {
        let answer = self.write(|done| Write::Expire { before_ms, done });
        Box::pin(async move { answer?.await.map_err(stopped)? })
    }

    fn totals(&self) -> StoreFuture<'_, Result<(u64, u64), RelayStoreError>> {
        self.read(|connection| {
            connection
                .query_row("SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM ids", [], |row| Ok((row.get::<_, i64>(0)? as u64, row.get::<_, i64>(1)? as u64)))
                .map_err(storage)
        })
    }
}

/// After deleting letters: what an inbox holds now.
fn recount(tx: &rusqlite::Transaction<'_>, inbox: &SyncId) -> Result<(), RelayStoreError> {
    tx.execute(
        "UPDATE ids SET bytes = (SELECT COALESCE(SUM(LENGTH(body)), 0) FROM items WHERE id = ?1),
                        letters = (SELECT COUNT(*) FROM items WHERE id = ?1) WHERE id = ?1",
        params![&inbox.as_bytes()[..]],
    )
    .map_err(storage)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    //! What only SQLite has: files in the data folder. The rules every
    //! store keeps are in `tests/store_conformance.rs`.
    use super::*;
    use confidant_shared::sync::{DocumentKeys, MemberKeys, Purpose, Role, SealedChunk};

    fn chunk(keys: &DocumentKeys, n: u8, text: &str) -> StoredItem {
        let member = MemberKeys::issue(keys, Role::Owner, [9; 32]).unwrap();
        StoredItem::Chunk(SealedChunk::seal(keys, &member, Purpose::Change, [n; 24], text.as_bytes()).unwrap())
    }

    #[tokio::test]
    async fn chunks_are_kept_across_restarts_and_the_files_hold_no_plaintext() {
        let dir = tempfile::tempdir().unwrap();
        let keys = DocumentKeys::create([1; 32]);
        {
            let store = SqliteStore::open(dir.path()).unwrap();
            assert_eq!(store.append(chunk(&keys, 1, "PLAINTEXT-MARKER one"), 0).await.unwrap(), 1);
            assert_eq!(store.append(chunk(&keys, 2, "PLAINTEXT-MARKER two"), 0).await.unwrap(), 2);
        }
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(store.append(chunk(&keys, 3, "three"), 0).await.unwrap(), 3);
        drop(store);
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            assert!(!String::from_utf8_lossy(&bytes).contains("PLAINTEXT-MARKER"), "the relay's files hold no plaintext");
        }
    }

    #[tokio::test]
    async fn a_protocol_1_file_is_kept_aside_and_numbering_starts_afresh() {
        let dir = tempfile::tempdir().unwrap();
        {
            let old = Connection::open(dir.path().join("relay.sqlite3")).unwrap();
            old.execute_batch("CREATE TABLE chunks (doc BLOB NOT NULL, seq INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (doc, seq)) WITHOUT ROWID;
                               INSERT INTO chunks VALUES (x'00', 1, x'01');").unwrap();
        }
        let store = SqliteStore::open(dir.path()).unwrap();
        let keys = DocumentKeys::create([1; 32]);
        assert_eq!(store.append(chunk(&keys, 1, "new"), 0).await.unwrap(), 1);
        let kept: i64 = store.reader.lock().unwrap().query_row("SELECT COUNT(*) FROM chunks_v1", [], |r| r.get(0)).unwrap();
        assert_eq!(kept, 1);
        drop(store);
        SqliteStore::open(dir.path()).unwrap();
    }
}
