//! The relay's stores keep the same rules (issue 16): SQLite in the data
//! folder and PostgreSQL (a throwaway cluster) run the same cases. Numbering
//! without gaps, pages, quotas, retirement, letters deleted and expired,
//! heads, and two stores on one database numbering concurrent appends
//! without handing one number out twice.

use std::sync::Arc;

use confidant_e2e::postgres::Postgres;
use confidant_server::relay::{AppendError, PostgresStore, RelayStore, SqliteStore, StoreLimits, StoreRefusal};
use confidant_shared::sync::inbox::InboxKeys;
use confidant_shared::sync::relay::StoredItem;
use confidant_shared::sync::{DocumentKeys, MemberKeys, Purpose, Role, SealedChunk};

fn chunk(keys: &DocumentKeys, purpose: Purpose, n: u64, text: &str) -> StoredItem {
    let member = MemberKeys::issue(keys, Role::Owner, [9; 32]).unwrap();
    let mut nonce = [0u8; 24];
    nonce[..8].copy_from_slice(&n.to_le_bytes());
    StoredItem::Chunk(SealedChunk::seal(keys, &member, purpose, nonce, text.as_bytes()).unwrap())
}

async fn items_are_numbered_and_read_back_a_page_at_a_time(store: &dyn RelayStore) {
    let keys = DocumentKeys::create([1; 32]);
    for n in 1..=3 {
        assert_eq!(store.append(chunk(&keys, Purpose::Change, n, "edit"), 0).await.unwrap(), n);
    }
    let (items, head) = store.load_since(keys.id(), 1, 10, usize::MAX).await.unwrap();
    assert_eq!(head, 3);
    assert_eq!(items.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(items[0].1, chunk(&keys, Purpose::Change, 2, "edit"), "what went in comes out");
    assert_eq!(store.load_since(keys.id(), 0, 2, usize::MAX).await.unwrap().0.len(), 2, "a page at most");
    assert_eq!(store.load_since(keys.id(), 0, 10, 1).await.unwrap().0.len(), 1, "a page stops at its bytes, after one item at least");
    let other = DocumentKeys::create([2; 32]);
    assert_eq!(store.load_since(other.id(), 0, 10, usize::MAX).await.unwrap(), (Vec::new(), 0), "nothing stored, head 0");
    assert_eq!(store.heads(vec![keys.id(), other.id()]).await.unwrap(), vec![(keys.id(), 3)], "heads of what is stored");
}

async fn retirement_and_quotas_refuse_what_comes_next(store: &dyn RelayStore) {
    let plan = DocumentKeys::create([1; 32]);
    store.append(chunk(&plan, Purpose::Change, 1, "edit"), 0).await.unwrap();
    assert_eq!(store.append(chunk(&plan, Purpose::Retire, 2, ""), 0).await.unwrap(), 2);
    assert!(matches!(store.append(chunk(&plan, Purpose::Change, 3, "late"), 0).await, Err(AppendError::Refused(StoreRefusal::Retired))));
    assert_eq!(store.load_since(plan.id(), 0, 10, usize::MAX).await.unwrap().0.len(), 2);

    let big = DocumentKeys::create([2; 32]);
    store.append(chunk(&big, Purpose::Change, 1, &"x".repeat(1_000)), 0).await.unwrap();
    assert!(matches!(store.append(chunk(&big, Purpose::Change, 2, &"y".repeat(1_000)), 0).await, Err(AppendError::Refused(StoreRefusal::QuotaExceeded))));
    assert_eq!(store.append(chunk(&big, Purpose::Retire, 3, ""), 0).await.unwrap(), 2, "a full document can still be retired; a refusal took no number");

    let crowded = DocumentKeys::create([4; 32]);
    for n in 0..3 {
        store.append(chunk(&crowded, Purpose::Member, n, "Pat"), 0).await.unwrap();
    }
    assert!(matches!(store.append(chunk(&crowded, Purpose::Member, 9, "Pat"), 0).await, Err(AppendError::Refused(StoreRefusal::QuotaExceeded))), "introductions have their own limit");
    assert!(store.append(chunk(&crowded, Purpose::Change, 10, "edit"), 0).await.is_ok(), "changes still go in");

    let inbox = InboxKeys::from_seed([3; 32]);
    let letter = |n: u8| StoredItem::Letter(inbox.address().seal(None, [n; 32], [n; 24], b"hello"));
    store.append(letter(1), 0).await.unwrap();
    store.append(letter(2), 0).await.unwrap();
    assert!(matches!(store.append(letter(3), 0).await, Err(AppendError::Refused(StoreRefusal::QuotaExceeded))), "the inbox is full");
    store.delete_letters(inbox.id(), 1).await.unwrap();
    assert_eq!(store.append(letter(4), 0).await.unwrap(), 3, "room again once its owner deleted what it read; numbering goes on");
    assert_eq!(store.expire_letters(1).await.unwrap(), 2, "letters expire");
    assert!(store.load_since(inbox.id(), 0, 10, usize::MAX).await.unwrap().0.is_empty());
    assert_eq!(store.totals().await.unwrap().0, 4);
}

/// Appends at once, through two stores on the same data: every one gets
/// its own number, none is skipped, and all are there to read.
async fn concurrent_appends_through_two_stores_get_distinct_numbers_without_gaps(one: Arc<dyn RelayStore>, two: Arc<dyn RelayStore>) {
    let keys = DocumentKeys::create([5; 32]);
    let mut tasks = Vec::new();
    for n in 0..200u64 {
        let store = if n % 2 == 0 { one.clone() } else { two.clone() };
        let item = chunk(&keys, Purpose::Change, n, "edit");
        tasks.push(tokio::spawn(async move { store.append(item, 0).await.unwrap() }));
    }
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.push(task.await.unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=200).collect::<Vec<_>>());
    let (items, head) = two.load_since(keys.id(), 0, 500, usize::MAX).await.unwrap();
    assert_eq!((items.len(), head), (200, 200));
}

fn limits() -> StoreLimits {
    StoreLimits { document_bytes: 2_000, inbox_letters: 2, introductions: 3, ..StoreLimits::default() }
}

#[tokio::test]
async fn sqlite_keeps_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["a", "b", "c"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    items_are_numbered_and_read_back_a_page_at_a_time(&SqliteStore::open_with(&dir.path().join("a"), limits()).unwrap()).await;
    retirement_and_quotas_refuse_what_comes_next(&SqliteStore::open_with(&dir.path().join("b"), limits()).unwrap()).await;
    let one: Arc<dyn RelayStore> = Arc::new(SqliteStore::open(&dir.path().join("c")).unwrap());
    let two: Arc<dyn RelayStore> = Arc::new(SqliteStore::open(&dir.path().join("c")).unwrap());
    concurrent_appends_through_two_stores_get_distinct_numbers_without_gaps(one, two).await;
}

#[tokio::test]
async fn postgresql_keeps_the_rules() {
    let postgres = Postgres::start().unwrap();
    let url = postgres.database("numbering").unwrap();
    items_are_numbered_and_read_back_a_page_at_a_time(&PostgresStore::open(&url, limits()).await.unwrap()).await;
    let url = postgres.database("quotas").unwrap();
    retirement_and_quotas_refuse_what_comes_next(&PostgresStore::open(&url, limits()).await.unwrap()).await;
    let url = postgres.database("together").unwrap();
    let (one, two) = tokio::join!(PostgresStore::open(&url, StoreLimits::default()), PostgresStore::open(&url, StoreLimits::default()));
    concurrent_appends_through_two_stores_get_distinct_numbers_without_gaps(Arc::new(one.unwrap()), Arc::new(two.unwrap())).await;
}
