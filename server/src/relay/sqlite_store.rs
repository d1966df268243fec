//! The embedded relay store: SQLite in the data folder, WAL mode, every
//! write synced before it returns.

use std::path::Path;
use std::sync::Mutex;

use confidant_shared::sync::SealedChunk;
use rusqlite::{params, Connection, OptionalExtension};

use super::{RelayStore, RelayStoreError};

pub struct SqliteStore {
    connection: Mutex<Connection>,
}

fn storage(err: impl std::fmt::Display) -> RelayStoreError {
    RelayStoreError::Storage(err.to_string())
}

impl SqliteStore {
    /// Open (creating if needed) `relay.sqlite3` in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Self, RelayStoreError> {
        let connection = Connection::open(data_dir.join("relay.sqlite3")).map_err(storage)?;
        // WAL keeps readers off the writer's back; FULL syncs each commit, so
        // an acknowledged chunk survives a crash or power loss.
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;
                 CREATE TABLE IF NOT EXISTS chunks (
                     doc BLOB NOT NULL,
                     seq INTEGER NOT NULL,
                     body BLOB NOT NULL,
                     PRIMARY KEY (doc, seq)
                 ) WITHOUT ROWID;",
            )
            .map_err(storage)?;
        Ok(SqliteStore { connection: Mutex::new(connection) })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T, RelayStoreError>) -> Result<T, RelayStoreError> {
        let mut connection = self.connection.lock().map_err(|_| storage("store lock poisoned"))?;
        f(&mut connection)
    }
}

fn next_seq(tx: &rusqlite::Transaction<'_>, doc: &[u8; 16]) -> Result<u64, RelayStoreError> {
    let last: Option<i64> = tx
        .query_row("SELECT MAX(seq) FROM chunks WHERE doc = ?1", params![&doc[..]], |row| row.get(0))
        .optional()
        .map_err(storage)?
        .flatten();
    Ok(last.unwrap_or(0) as u64 + 1)
}

/// Insert `body` as the document's next chunk; returns its sequence number.
fn insert_next(tx: &rusqlite::Transaction<'_>, doc: &[u8; 16], body: &[u8]) -> Result<u64, RelayStoreError> {
    let seq = next_seq(tx, doc)?;
    tx.execute("INSERT INTO chunks (doc, seq, body) VALUES (?1, ?2, ?3)", params![&doc[..], seq as i64, body])
        .map_err(storage)?;
    Ok(seq)
}

impl RelayStore for SqliteStore {
    fn append(&self, doc: &[u8; 16], chunk: &SealedChunk) -> Result<u64, RelayStoreError> {
        let body = postcard::to_allocvec(chunk).map_err(storage)?;
        self.with(|connection| {
            let tx = connection.transaction().map_err(storage)?;
            let seq = insert_next(&tx, doc, &body)?;
            tx.commit().map_err(storage)?;
            Ok(seq)
        })
    }

    fn append_snapshot(&self, doc: &[u8; 16], chunk: &SealedChunk, covers_through: u64) -> Result<u64, RelayStoreError> {
        let body = postcard::to_allocvec(chunk).map_err(storage)?;
        self.with(|connection| {
            let tx = connection.transaction().map_err(storage)?;
            let seq = insert_next(&tx, doc, &body)?;
            tx.execute("DELETE FROM chunks WHERE doc = ?1 AND seq <= ?2", params![&doc[..], covers_through.min(seq - 1) as i64])
                .map_err(storage)?;
            tx.commit().map_err(storage)?;
            Ok(seq)
        })
    }

    fn load_since(&self, doc: &[u8; 16], after_seq: u64) -> Result<(Vec<(u64, SealedChunk)>, u64), RelayStoreError> {
        self.with(|connection| {
            let tx = connection.transaction().map_err(storage)?;
            let head = next_seq(&tx, doc)? - 1;
            let mut statement = tx
                .prepare("SELECT seq, body FROM chunks WHERE doc = ?1 AND seq > ?2 ORDER BY seq")
                .map_err(storage)?;
            let rows = statement
                .query_map(params![&doc[..], after_seq as i64], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?)))
                .map_err(storage)?;
            let mut chunks = Vec::new();
            for row in rows {
                let (seq, body) = row.map_err(storage)?;
                let chunk = postcard::from_bytes(&body).map_err(|e| RelayStoreError::Corrupt(e.to_string()))?;
                chunks.push((seq as u64, chunk));
            }
            Ok((chunks, head))
        })
    }

    fn totals(&self) -> Result<(u64, u64), RelayStoreError> {
        self.with(|connection| {
            connection
                .query_row("SELECT COUNT(DISTINCT doc), COALESCE(SUM(LENGTH(body)), 0) FROM chunks", [], |row| {
                    Ok((row.get::<_, i64>(0)? as u64, row.get::<_, i64>(1)? as u64))
                })
                .map_err(storage)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use confidant_shared::sync::DocumentKeys;

    fn chunk(keys: &DocumentKeys, n: u8, text: &str) -> SealedChunk {
        SealedChunk::seal(keys, [n; 24], text.as_bytes())
    }

    #[test]
    fn chunks_are_numbered_kept_across_restarts_and_stored_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let keys = DocumentKeys::from_random([1; 32], [2; 32]);
        let doc = *keys.id().as_bytes();
        {
            let store = SqliteStore::open(dir.path()).unwrap();
            assert_eq!(store.append(&doc, &chunk(&keys, 1, "PLAINTEXT-MARKER one")).unwrap(), 1);
            assert_eq!(store.append(&doc, &chunk(&keys, 2, "PLAINTEXT-MARKER two")).unwrap(), 2);
        }
        // A restart: the same folder, a new store.
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(store.append(&doc, &chunk(&keys, 3, "three")).unwrap(), 3);
        let (chunks, head) = store.load_since(&doc, 1).unwrap();
        assert_eq!(head, 3);
        assert_eq!(chunks.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(chunks[0].1.open(&keys).unwrap(), b"PLAINTEXT-MARKER two");

        drop(store);
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let haystack = String::from_utf8_lossy(&bytes);
            assert!(!haystack.contains("PLAINTEXT-MARKER"), "the relay's files hold no plaintext");
        }
    }

    #[test]
    fn a_snapshot_replaces_the_chunks_it_covers() {
        let dir = tempfile::tempdir().unwrap();
        let keys = DocumentKeys::from_random([1; 32], [2; 32]);
        let doc = *keys.id().as_bytes();
        let store = SqliteStore::open(dir.path()).unwrap();
        for n in 1..=4 {
            store.append(&doc, &chunk(&keys, n, "change")).unwrap();
        }
        let seq = store.append_snapshot(&doc, &chunk(&keys, 9, "everything so far"), 3).unwrap();
        assert_eq!(seq, 5);
        let (chunks, head) = store.load_since(&doc, 0).unwrap();
        assert_eq!(chunks.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [4, 5]);
        assert_eq!(head, 5);
        assert_eq!(store.totals().unwrap().0, 1);
        // Numbering goes on after the snapshot.
        assert_eq!(store.append(&doc, &chunk(&keys, 6, "next")).unwrap(), 6);
    }
}
