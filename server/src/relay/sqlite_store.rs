//! The embedded relay store: SQLite in the data folder, WAL mode, every
//! write synced before it returns.
//!
//! `items` holds each document's chunks and each inbox's letters, numbered;
//! `ids` one row per document or inbox: its next sequence number (assigned
//! inside the storing transaction), bytes and letters held, and whether its
//! owner retired it. Metrics read `ids` on a second connection, so they
//! never scan the items or wait on a write.

use std::path::Path;
use std::sync::Mutex;

use confidant_shared::sync::relay::StoredItem;
use confidant_shared::sync::{Purpose, SyncId};
use rusqlite::{params, Connection, OptionalExtension};

use super::{AppendError, RelayStore, RelayStoreError, StoreLimits, StoreRefusal};

pub struct SqliteStore {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    limits: StoreLimits,
}

fn storage(err: impl std::fmt::Display) -> RelayStoreError {
    RelayStoreError::Storage(err.to_string())
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
        let writer = Connection::open(&path).map_err(storage)?;
        // WAL keeps readers off the writer's back; FULL syncs each commit, so
        // an acknowledged chunk survives a crash or power loss.
        writer.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;").map_err(storage)?;
        migrate(&writer)?;
        let reader = Connection::open(&path).map_err(storage)?;
        Ok(SqliteStore { writer: Mutex::new(writer), reader: Mutex::new(reader), limits })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T, RelayStoreError>) -> Result<T, RelayStoreError> {
        let mut connection = self.writer.lock().map_err(|_| storage("store lock poisoned"))?;
        f(&mut connection)
    }
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

impl RelayStore for SqliteStore {
    fn append(&self, item: &StoredItem, now_ms: i64) -> Result<u64, AppendError> {
        let body = encode(item)?;
        let id = item.id();
        let is_letter = matches!(item, StoredItem::Letter(_));
        let purpose = match item {
            StoredItem::Chunk(chunk) => Some(chunk.purpose),
            StoredItem::Letter(_) => None,
        };
        let limits = self.limits;
        Ok(self.with(|connection| {
            let tx = connection.transaction().map_err(storage)?;
            let row: Option<(i64, i64, i64, i64, bool)> = tx
                .query_row("SELECT next_seq, bytes, letters, introductions, retired FROM ids WHERE id = ?1", params![&id.as_bytes()[..]], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get::<_, i64>(4)? != 0))
                })
                .optional()
                .map_err(storage)?;
            let (next_seq, bytes, letters, introductions, retired) = row.unwrap_or((1, 0, 0, 0, false));
            let bytes = bytes as u64 + body.len() as u64;
            let introduction = purpose == Some(Purpose::Member);
            let refusal = if retired {
                Some(StoreRefusal::Retired)
            } else if purpose == Some(Purpose::Retire) {
                None
            } else if is_letter && (bytes > limits.inbox_bytes || letters as u64 >= limits.inbox_letters) {
                Some(StoreRefusal::QuotaExceeded)
            } else if !is_letter && bytes > limits.document_bytes {
                Some(StoreRefusal::QuotaExceeded)
            } else if introduction && introductions as u64 >= limits.introductions {
                Some(StoreRefusal::QuotaExceeded)
            } else {
                None
            };
            if let Some(refusal) = refusal {
                return Ok(Err(refusal));
            }
            tx.execute(
                "INSERT INTO items (id, seq, body, stored_ms) VALUES (?1, ?2, ?3, ?4)",
                params![&id.as_bytes()[..], next_seq, &body, now_ms],
            )
            .map_err(storage)?;
            tx.execute(
                "INSERT INTO ids (id, next_seq, bytes, letters, introductions, retired) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET next_seq = excluded.next_seq, bytes = excluded.bytes,
                     letters = excluded.letters, introductions = excluded.introductions, retired = excluded.retired",
                params![
                    &id.as_bytes()[..],
                    next_seq + 1,
                    bytes as i64,
                    letters + i64::from(is_letter),
                    introductions + i64::from(introduction),
                    i64::from(item.retires())
                ],
            )
            .map_err(storage)?;
            tx.commit().map_err(storage)?;
            Ok(Ok(next_seq as u64))
        })??)
    }

    fn load_since(&self, id: &SyncId, after_seq: u64, limit: usize, max_bytes: usize) -> Result<(Vec<(u64, StoredItem)>, u64), RelayStoreError> {
        let connection = self.reader.lock().map_err(|_| storage("store lock poisoned"))?;
        let head: i64 = connection
            .query_row("SELECT next_seq - 1 FROM ids WHERE id = ?1", params![&id.as_bytes()[..]], |row| row.get(0))
            .optional()
            .map_err(storage)?
            .unwrap_or(0);
        let mut statement = connection
            .prepare_cached("SELECT seq, body FROM items WHERE id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3")
            .map_err(storage)?;
        let rows = statement
            .query_map(params![&id.as_bytes()[..], after_seq as i64, limit as i64], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?)))
            .map_err(storage)?;
        let mut items = Vec::new();
        let mut bytes = 0;
        for row in rows {
            let (seq, body) = row.map_err(storage)?;
            bytes += body.len();
            let item = postcard::from_bytes(&body).map_err(|e| RelayStoreError::Corrupt(e.to_string()))?;
            items.push((seq as u64, item));
            if bytes >= max_bytes {
                break; // the rest comes as the next page
            }
        }
        Ok((items, head as u64))
    }

    fn delete_letters(&self, inbox: &SyncId, through_seq: u64) -> Result<(), RelayStoreError> {
        self.with(|connection| {
            let tx = connection.transaction().map_err(storage)?;
            tx.execute("DELETE FROM items WHERE id = ?1 AND seq <= ?2", params![&inbox.as_bytes()[..], through_seq as i64]).map_err(storage)?;
            recount(&tx, inbox)?;
            tx.commit().map_err(storage)
        })
    }

    fn expire_letters(&self, before_ms: i64) -> Result<u64, RelayStoreError> {
        self.with(|connection| {
            let tx = connection.transaction().map_err(storage)?;
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
        })
    }

    fn totals(&self) -> Result<(u64, u64), RelayStoreError> {
        let connection = self.reader.lock().map_err(|_| storage("store lock poisoned"))?;
        connection
            .query_row("SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM ids", [], |row| Ok((row.get::<_, i64>(0)? as u64, row.get::<_, i64>(1)? as u64)))
            .map_err(storage)
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
    use super::*;
    use confidant_shared::sync::inbox::InboxKeys;
    use confidant_shared::sync::{DocumentKeys, MemberKeys, Purpose, Role, SealedChunk};

    fn chunk(keys: &DocumentKeys, purpose: Purpose, n: u8, text: &str) -> StoredItem {
        let member = MemberKeys::issue(keys, Role::Owner, [9; 32]).unwrap();
        StoredItem::Chunk(SealedChunk::seal(keys, &member, purpose, [n; 24], text.as_bytes()).unwrap())
    }

    #[test]
    fn chunks_are_numbered_kept_across_restarts_and_stored_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let keys = DocumentKeys::create([1; 32]);
        {
            let store = SqliteStore::open(dir.path()).unwrap();
            assert_eq!(store.append(&chunk(&keys, Purpose::Change, 1, "PLAINTEXT-MARKER one"), 0).unwrap(), 1);
            assert_eq!(store.append(&chunk(&keys, Purpose::Change, 2, "PLAINTEXT-MARKER two"), 0).unwrap(), 2);
        }
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(store.append(&chunk(&keys, Purpose::Change, 3, "three"), 0).unwrap(), 3);
        let (items, head) = store.load_since(&keys.id(), 1, 10, usize::MAX).unwrap();
        assert_eq!(head, 3);
        assert_eq!(items.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [2, 3]);
        let StoredItem::Chunk(second) = &items[0].1 else { panic!() };
        assert_eq!(second.open(&keys).unwrap().body, b"PLAINTEXT-MARKER two");
        let (page, _) = store.load_since(&keys.id(), 0, 2, usize::MAX).unwrap();
        assert_eq!(page.len(), 2, "a page at most");
        let (small, _) = store.load_since(&keys.id(), 0, 10, 1).unwrap();
        assert_eq!(small.len(), 1, "a page stops at its bytes, after one item at least");

        drop(store);
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            assert!(!String::from_utf8_lossy(&bytes).contains("PLAINTEXT-MARKER"), "the relay's files hold no plaintext");
        }
    }

    #[test]
    fn a_retired_document_and_a_full_quota_refuse_what_comes_next() {
        let dir = tempfile::tempdir().unwrap();
        let limits = StoreLimits { document_bytes: 2_000, inbox_letters: 2, introductions: 3, ..StoreLimits::default() };
        let store = SqliteStore::open_with(dir.path(), limits).unwrap();
        let plan = DocumentKeys::create([1; 32]);
        store.append(&chunk(&plan, Purpose::Change, 1, "edit"), 0).unwrap();
        assert_eq!(store.append(&chunk(&plan, Purpose::Retire, 2, ""), 0).unwrap(), 2);
        assert!(matches!(store.append(&chunk(&plan, Purpose::Change, 3, "late"), 0), Err(AppendError::Refused(StoreRefusal::Retired))));
        assert_eq!(store.load_since(&plan.id(), 0, 10, usize::MAX).unwrap().0.len(), 2);

        let big = DocumentKeys::create([2; 32]);
        store.append(&chunk(&big, Purpose::Change, 1, &"x".repeat(1_000)), 0).unwrap();
        assert!(matches!(store.append(&chunk(&big, Purpose::Change, 2, &"y".repeat(1_000)), 0), Err(AppendError::Refused(StoreRefusal::QuotaExceeded))));
        assert!(store.append(&chunk(&big, Purpose::Retire, 3, ""), 0).is_ok(), "a full document can still be retired");

        let crowded = DocumentKeys::create([4; 32]);
        for n in 0..3 {
            store.append(&chunk(&crowded, Purpose::Member, n, "Pat"), 0).unwrap();
        }
        assert!(matches!(store.append(&chunk(&crowded, Purpose::Member, 9, "Pat"), 0), Err(AppendError::Refused(StoreRefusal::QuotaExceeded))), "introductions have their own limit");
        assert!(store.append(&chunk(&crowded, Purpose::Change, 10, "edit"), 0).is_ok(), "changes still go in");

        let inbox = InboxKeys::from_seed([3; 32]);
        let letter = |n: u8| StoredItem::Letter(inbox.address().seal(None, [n; 32], [n; 24], b"hello"));
        store.append(&letter(1), 0).unwrap();
        store.append(&letter(2), 0).unwrap();
        assert!(matches!(store.append(&letter(3), 0), Err(AppendError::Refused(StoreRefusal::QuotaExceeded))), "the inbox is full");
        store.delete_letters(&inbox.id(), 1).unwrap();
        assert_eq!(store.append(&letter(4), 0).unwrap(), 3, "room again once its owner deleted what it read; numbering goes on");
        assert_eq!(store.expire_letters(1).unwrap(), 2, "letters expire");
        assert!(store.load_since(&inbox.id(), 0, 10, usize::MAX).unwrap().0.is_empty());
        assert_eq!(store.totals().unwrap().0, 4);
    }

    #[test]
    fn a_protocol_1_file_is_kept_aside_and_numbering_starts_afresh() {
        let dir = tempfile::tempdir().unwrap();
        {
            let old = Connection::open(dir.path().join("relay.sqlite3")).unwrap();
            old.execute_batch("CREATE TABLE chunks (doc BLOB NOT NULL, seq INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (doc, seq)) WITHOUT ROWID;
                               INSERT INTO chunks VALUES (x'00', 1, x'01');").unwrap();
        }
        let store = SqliteStore::open(dir.path()).unwrap();
        let keys = DocumentKeys::create([1; 32]);
        assert_eq!(store.append(&chunk(&keys, Purpose::Change, 1, "new"), 0).unwrap(), 1);
        let kept: i64 = store.reader.lock().unwrap().query_row("SELECT COUNT(*) FROM chunks_v1", [], |r| r.get(0)).unwrap();
        assert_eq!(kept, 1);
        drop(store);
        SqliteStore::open(dir.path()).unwrap();
    }
}
