//! The relay store on PostgreSQL, for several relay instances on one
//! database (`--database-url postgres://…`).
//!
//! The same two tables as SQLite: `relay_items` (each id's numbered items)
//! and `relay_ids` (each id's counter row: next sequence number, bytes and
//! letters held, retired). An append locks its id's row (`FOR UPDATE`)
//! inside the storing transaction, so two instances never hand out one
//! number twice and each id's items commit in sequence order. One writer
//! task per instance takes every append waiting and stores them in one
//! transaction (group commit), locking rows in id order so two instances'
//! batches cannot deadlock. Each stored item sends a notification carrying
//! only `(id, seq)`, delivered at commit: see [`super::signal`].

use std::collections::HashMap;
use std::sync::Arc;

use confidant_shared::sync::relay::{Shared, StoredItem};
use confidant_shared::sync::SyncId;
use tokio::sync::{mpsc, oneshot, Mutex};
use tokio_postgres::{Client, NoTls};

use super::{refusal, AppendError, IdState, Page, RelayStore, RelayStoreError, StoreFuture, StoreLimits};

/// The channel notifications go out on.
pub const CHANNEL: &str = "confidant_relay";

/// Appends one commit takes at most.
const GROUP_COMMIT: usize = 256;

/// Versioned migrations, applied in order once each (`relay_schema`).
const MIGRATIONS: &[(i32, &str)] = &[(
    1,
    "CREATE TABLE relay_items (
         id BYTEA NOT NULL,
         seq BIGINT NOT NULL,
         body BYTEA NOT NULL,
         stored_ms BIGINT NOT NULL,
         PRIMARY KEY (id, seq)
     );
     CREATE INDEX relay_items_stored ON relay_items (stored_ms);
     CREATE TABLE relay_ids (
         id BYTEA PRIMARY KEY,
         next_seq BIGINT NOT NULL,
         bytes BIGINT NOT NULL,
         letters BIGINT NOT NULL,
         introductions BIGINT NOT NULL,
         retired BOOLEAN NOT NULL
     );",
)];

fn storage(err: impl std::fmt::Display) -> RelayStoreError {
    RelayStoreError::Storage(err.to_string())
}

/// Connect, and drive the connection in the background.
pub(crate) async fn connect(url: &str) -> Result<Client, RelayStoreError> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.map_err(storage)?;
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            tracing::warn!(error = %err, "database connection ended");
        }
    });
    Ok(client)
}

/// A connection that comes back after the database restarts.
struct Reconnecting {
    url: String,
    client: Mutex<Option<Client>>,
}

impl Reconnecting {
    async fn client(&self) -> Result<tokio::sync::MutexGuard<'_, Option<Client>>, RelayStoreError> {
        let mut guard = self.client.lock().await;
        if guard.as_ref().is_none_or(Client::is_closed) {
            *guard = Some(connect(&self.url).await?);
        }
        Ok(guard)
    }
}

pub struct PostgresStore {
    writes: mpsc::UnboundedSender<Write>,
    /// Reads share one connection (tokio-postgres pipelines them),
    /// replaced when the database restarted.
    reader: std::sync::Mutex<Arc<Client>>,
    url: String,
    /// This instance's random name: it skips what it shared itself.
    instance: [u8; 8],
}

enum Write {
    Append { item: StoredItem, now_ms: i64, done: oneshot::Sender<Result<u64, AppendError>> },
    DeleteLetters { inbox: SyncId, through_seq: u64, done: oneshot::Sender<Result<(), RelayStoreError>> },
    Expire { before_ms: i64, done: oneshot::Sender<Result<u64, RelayStoreError>> },
}

fn stopped<T>(_: T) -> RelayStoreError {
    RelayStoreError::Storage("the store's writer stopped".into())
}

impl PostgresStore {
    /// Connect to `url` and bring the schema up to date (instances starting
    /// together take turns through an advisory lock).
    pub async fn open(url: &str, limits: StoreLimits) -> Result<Self, RelayStoreError> {
        let mut migrator = connect(url).await?;
        migrate(&mut migrator).await?;
        drop(migrator);
        let writer = Reconnecting { url: url.to_owned(), client: Mutex::new(Some(connect(url).await?)) };
        let (writes, mut queue) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(first) = queue.recv().await {
                let mut batch = vec![first];
                while batch.len() < GROUP_COMMIT {
                    match queue.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                write_batch(&writer, batch, &limits).await;
            }
        });
        let mut instance = [0u8; 8];
        getrandom::fill(&mut instance).map_err(|_| storage("no randomness for the instance's name"))?;
        Ok(PostgresStore { writes, reader: std::sync::Mutex::new(Arc::new(connect(url).await?)), url: url.to_owned(), instance })
    }

    /// The database this store is on (for the notification listener).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// This instance's name in what it shares.
    pub fn instance(&self) -> [u8; 8] {
        self.instance
    }

    fn write<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Write) -> Result<oneshot::Receiver<T>, RelayStoreError> {
        let (done, answer) = oneshot::channel();
        self.writes.send(make(done)).map_err(stopped)?;
        Ok(answer)
    }

    /// The reader connection, reconnected if the database restarted.
    async fn reader(&self) -> Result<Arc<Client>, RelayStoreError> {
        let current = self.reader.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if !current.is_closed() {
            return Ok(current);
        }
        let fresh = Arc::new(connect(&self.url).await?);
        *self.reader.lock().unwrap_or_else(|p| p.into_inner()) = fresh.clone();
        Ok(fresh)
    }
}

async fn migrate(client: &mut Client) -> Result<(), RelayStoreError> {
    let tx = client.transaction().await.map_err(storage)?;
    // One instance migrates at a time; the others wait, then find it done.
    tx.execute("SELECT pg_advisory_xact_lock(7216371)", &[]).await.map_err(storage)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS relay_schema (version INTEGER PRIMARY KEY)").await.map_err(storage)?;
    let done: Option<i32> = tx.query_one("SELECT MAX(version) FROM relay_schema", &[]).await.map_err(storage)?.get(0);
    for (version, sql) in MIGRATIONS {
        if done.is_some_and(|done| done >= *version) {
            continue;
        }
        tx.batch_execute(sql).await.map_err(storage)?;
        tx.execute("INSERT INTO relay_schema (version) VALUES ($1)", &[version]).await.map_err(storage)?;
    }
    tx.commit().await.map_err(storage)
}

fn encode(item: &StoredItem) -> Result<Vec<u8>, RelayStoreError> {
    postcard::to_allocvec(item).map_err(storage)
}

async fn write_batch(writer: &Reconnecting, batch: Vec<Write>, limits: &StoreLimits) {
    let mut guard = match writer.client().await {
        Ok(guard) => guard,
        Err(err) => {
            // The database is away: every waiting write is told, none kept.
            for write in batch {
                let message = err.again();
                match write {
                    Write::Append { done, .. } => drop(done.send(Err(AppendError::Store(message)))),
                    Write::DeleteLetters { done, .. } => drop(done.send(Err(message))),
                    Write::Expire { done, .. } => drop(done.send(Err(message))),
                }
            }
            return;
        }
    };
    let client = guard.as_mut().expect("connected above");
    let mut appends = Vec::new();
    for write in batch {
        match write {
            Write::Append { item, now_ms, done } => appends.push((item, now_ms, done)),
            Write::DeleteLetters { inbox, through_seq, done } => {
                append_all(client, std::mem::take(&mut appends), limits).await;
                let _ = done.send(delete_letters(client, &inbox, through_seq).await);
            }
            Write::Expire { before_ms, done } => {
                append_all(client, std::mem::take(&mut appends), limits).await;
                let _ = done.send(expire_letters(client, before_ms).await);
            }
        }
    }
    append_all(client, appends, limits).await;
}

type Answer = oneshot::Sender<Result<u64, AppendError>>;

async fn append_all(client: &mut Client, appends: Vec<(StoredItem, i64, Answer)>, limits: &StoreLimits) {
    if appends.is_empty() {
        return;
    }
    let (items, answers): (Vec<(StoredItem, i64)>, Vec<Answer>) = appends.into_iter().map(|(item, now, done)| ((item, now), done)).unzip();
    super::answer_batch(answers, store_all(client, &items, limits).await);
}

/// One batch in one transaction, in a fixed number of round trips
/// whatever its size: set-based statements over arrays, sent pipelined.
async fn store_all(client: &mut Client, items: &[(StoredItem, i64)], limits: &StoreLimits) -> Result<Vec<Result<u64, AppendError>>, RelayStoreError> {
    let tx = client.transaction().await.map_err(storage)?;
    // Lock every id's row in one order, so batches on two instances never
    // wait on each other in a circle.
    let mut ids: Vec<Vec<u8>> = items.iter().map(|(item, _)| item.id().as_bytes().to_vec()).collect();
    ids.sort();
    ids.dedup();
    tx.execute("INSERT INTO relay_ids SELECT id, 1, 0, 0, 0, FALSE FROM unnest($1::bytea[]) AS id ON CONFLICT (id) DO NOTHING", &[&ids]).await.map_err(storage)?;
    let locked = tx
        .query("SELECT id, next_seq, bytes, letters, introductions, retired FROM relay_ids WHERE id = ANY($1) ORDER BY id FOR UPDATE", &[&ids])
        .await
        .map_err(storage)?;
    let mut rows: HashMap<SyncId, IdState> = HashMap::new();
    for row in locked {
        rows.insert(
            sync_id(row.get(0))?,
            IdState {
                next_seq: row.get::<_, i64>(1) as u64,
                bytes: row.get::<_, i64>(2) as u64,
                letters: row.get::<_, i64>(3) as u64,
                introductions: row.get::<_, i64>(4) as u64,
                retired: row.get(5),
            },
        );
    }
    let mut results = Vec::with_capacity(items.len());
    let (mut keys, mut seqs, mut bodies, mut stored_ms, mut hints) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (item, now_ms) in items {
        let body = encode(item)?;
        let id = item.id();
        let held = *rows.get(&id).ok_or_else(|| storage("an id's row was not locked"))?;
        if let Some(refused) = refusal(item, &held, body.len() as u64, limits) {
            results.push(Err(AppendError::Refused(refused)));
            continue;
        }
        keys.push(id.as_bytes().to_vec());
        seqs.push(held.next_seq as i64);
        stored_ms.push(*now_ms);
        // Delivered at commit, and only then: carries no content.
        hints.push(super::signal::hint_payload(&id, held.next_seq));
        rows.insert(id, held.after(item, body.len() as u64));
        bodies.push(body);
        results.push(Ok(held.next_seq));
    }
    let (row_ids, next, bytes, letters, introductions, retired): (Vec<Vec<u8>>, Vec<i64>, Vec<i64>, Vec<i64>, Vec<i64>, Vec<bool>) = rows
        .iter()
        .map(|(id, row)| (id.as_bytes().to_vec(), row.next_seq as i64, row.bytes as i64, row.letters as i64, row.introductions as i64, row.retired))
        .fold(Default::default(), |mut all, (a, b, c, d, e, f)| {
            all.0.push(a);
            all.1.push(b);
            all.2.push(c);
            all.3.push(d);
            all.4.push(e);
            all.5.push(f);
            all
        });
    if !keys.is_empty() {
        // Pipelined: three statements, one wait.
        let item_params: [&(dyn tokio_postgres::types::ToSql + Sync); 4] = [&keys, &seqs, &bodies, &stored_ms];
        let notify_params: [&(dyn tokio_postgres::types::ToSql + Sync); 2] = [&CHANNEL, &hints];
        let row_params: [&(dyn tokio_postgres::types::ToSql + Sync); 6] = [&row_ids, &next, &bytes, &letters, &introductions, &retired];
        let insert = tx.execute(
            "INSERT INTO relay_items (id, seq, body, stored_ms) SELECT * FROM unnest($1::bytea[], $2::bigint[], $3::bytea[], $4::bigint[])",
            &item_params,
        );
        let notify = tx.execute("SELECT pg_notify($1, hint) FROM unnest($2::text[]) AS hint", &notify_params);
        let update = tx.execute(
            "UPDATE relay_ids AS r SET next_seq = u.next_seq, bytes = u.bytes, letters = u.letters, introductions = u.introductions, retired = u.retired
             FROM unnest($1::bytea[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::boolean[])
                 AS u(id, next_seq, bytes, letters, introductions, retired)
             WHERE r.id = u.id",
            &row_params,
        );
        tokio::try_join!(insert, notify, update).map_err(storage)?;
    }
    tx.commit().await.map_err(storage)?;
    Ok(results)
}

async fn recount(tx: &tokio_postgres::Transaction<'_>, inbox: &[u8]) -> Result<(), RelayStoreError> {
    tx.execute(
        "UPDATE relay_ids SET bytes = (SELECT COALESCE(SUM(LENGTH(body)), 0) FROM relay_items WHERE id = $1),
                              letters = (SELECT COUNT(*) FROM relay_items WHERE id = $1) WHERE id = $1",
        &[&inbox],
    )
    .await
    .map_err(storage)?;
    Ok(())
}

async fn delete_letters(client: &mut Client, inbox: &SyncId, through_seq: u64) -> Result<(), RelayStoreError> {
    let tx = client.transaction().await.map_err(storage)?;
    let key = &inbox.as_bytes()[..];
    // The inbox's row first, as appends lock it: a concurrent append waits
    // rather than being missed by the recount.
    tx.execute("SELECT 1 FROM relay_ids WHERE id = $1 FOR UPDATE", &[&key]).await.map_err(storage)?;
    tx.execute("DELETE FROM relay_items WHERE id = $1 AND seq <= $2", &[&key, &(through_seq as i64)]).await.map_err(storage)?;
    recount(&tx, key).await?;
    tx.commit().await.map_err(storage)
}

async fn expire_letters(client: &mut Client, before_ms: i64) -> Result<u64, RelayStoreError> {
    let tx = client.transaction().await.map_err(storage)?;
    let inboxes = tx
        .query("SELECT DISTINCT id FROM relay_items WHERE stored_ms < $1 AND id IN (SELECT id FROM relay_ids WHERE letters > 0) ORDER BY id", &[&before_ms])
        .await
        .map_err(storage)?;
    let mut deleted = 0;
    for row in inboxes {
        let inbox: Vec<u8> = row.get(0);
        tx.execute("SELECT 1 FROM relay_ids WHERE id = $1 FOR UPDATE", &[&inbox]).await.map_err(storage)?;
        deleted += tx.execute("DELETE FROM relay_items WHERE id = $1 AND stored_ms < $2", &[&inbox, &before_ms]).await.map_err(storage)?;
        recount(&tx, &inbox).await?;
    }
    tx.commit().await.map_err(storage)?;
    Ok(deleted)
}

fn sync_id(bytes: &[u8]) -> Result<SyncId, RelayStoreError> {
    let id: [u8; 16] = bytes.try_into().map_err(|_| RelayStoreError::Corrupt("an id of the wrong length".into()))?;
    Ok(SyncId::from_bytes(id))
}

impl RelayStore for PostgresStore {
    fn append(&self, item: StoredItem, now_ms: i64) -> StoreFuture<'_, Result<u64, AppendError>> {
        let answer = self.write(|done| Write::Append { item, now_ms, done });
        Box::pin(async move { answer?.await.map_err(stopped)? })
    }

    fn load_since(&self, id: SyncId, after_seq: u64, limit: usize, max_bytes: usize) -> StoreFuture<'_, Result<Page, RelayStoreError>> {
        Box::pin(async move {
            let client = self.reader().await?;
            let key = &id.as_bytes()[..];
            let head: i64 = client
                .query_opt("SELECT next_seq - 1 FROM relay_ids WHERE id = $1", &[&key])
                .await
                .map_err(storage)?
                .map_or(0, |row| row.get(0));
            let rows = client
                .query("SELECT seq, body FROM relay_items WHERE id = $1 AND seq > $2 ORDER BY seq LIMIT $3", &[&key, &((after_seq.min(i64::MAX as u64) as i64)), &(limit as i64)])
                .await
                .map_err(storage)?;
            let mut items = Vec::new();
            let mut bytes = 0;
            for row in rows {
                let body: &[u8] = row.get(1);
                bytes += body.len();
                let item = postcard::from_bytes(body).map_err(|e| RelayStoreError::Corrupt(e.to_string()))?;
                items.push((row.get::<_, i64>(0) as u64, item));
                if bytes >= max_bytes {
                    break; // the rest comes as the next page
                }
            }
            Ok((items, head.max(0) as u64))
        })
    }

    fn heads(&self, ids: Vec<SyncId>) -> StoreFuture<'_, Result<Vec<(SyncId, u64)>, RelayStoreError>> {
        Box::pin(async move {
            let client = self.reader().await?;
            let keys: Vec<&[u8]> = ids.iter().map(|id| &id.as_bytes()[..]).collect();
            let rows = client.query("SELECT id, next_seq - 1 FROM relay_ids WHERE id = ANY($1)", &[&keys]).await.map_err(storage)?;
            rows.iter().map(|row| Ok((sync_id(row.get(0))?, row.get::<_, i64>(1).max(0) as u64))).collect()
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

    fn share(&self, shared: Shared) -> StoreFuture<'_, Result<(), RelayStoreError>> {
        Box::pin(async move {
            // A notification holds under 8,000 bytes: what is bigger stays
            // on this instance (the app's signals are far smaller).
            let Some(payload) = super::signal::shared_payload(&self.instance, &shared) else { return Ok(()) };
            let client = self.reader().await?;
            client.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &payload]).await.map_err(storage)?;
            Ok(())
        })
    }

    fn totals(&self) -> StoreFuture<'_, Result<(u64, u64), RelayStoreError>> {
        Box::pin(async move {
            let client = self.reader().await?;
            let row = client.query_one("SELECT COUNT(*), COALESCE(SUM(bytes), 0)::BIGINT FROM relay_ids", &[]).await.map_err(storage)?;
            Ok((row.get::<_, i64>(0) as u64, row.get::<_, i64>(1) as u64))
        })
    }
}
