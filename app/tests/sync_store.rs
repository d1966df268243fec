//! What the sync engine keeps in IndexedDB, in a real browser: share records
//! (keys, cursor, what the relay has) and the outbox of unacknowledged
//! changes survive closing the database; a database made by the previous
//! version upgrades without losing documents. See: issue 4.

use confidant_app::store::{random_bytes, OpenDocument, ShareRecord, Store};
use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::goal_plan::GoalPlan;
use confidant_shared::storage::{ChunkKind, StoredChunk};
use confidant_shared::sync::{DocumentKeys, Invite, SealedChunk};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::typed_array::TypedArray;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn db_name(name: &str) -> String {
    let suffix: [u8; 4] = random_bytes();
    format!("test-{name}-{suffix:?}")
}

#[wasm_bindgen_test]
async fn shares_and_unacknowledged_changes_survive_closing_the_browser() {
    let name = db_name("sync");
    let store = Store::open(&name).await.unwrap();
    let keys = DocumentKeys::from_random(random_bytes(), random_bytes());
    let invite = Invite { kind: DocumentKind::GoalPlan, keys: keys.clone() };
    let local = DocumentId::from_random(random_bytes());
    let mut record = ShareRecord::new(local, &invite);
    record.last_seq = 41;
    store.put_share(&record).await.unwrap();
    for (client_ref, text) in [(3u64, "third"), (1, "first"), (12, "twelfth")] {
        let chunk = SealedChunk::seal(&keys, random_bytes(), text.as_bytes());
        store.put_outbox(client_ref, &chunk, Some(&record)).await.unwrap();
    }
    store.forget_outbox(3).await.unwrap();
    store.close();

    let store = Store::open(&name).await.unwrap();
    let shares = store.shares().await.unwrap();
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0].last_seq, 41);
    assert_eq!(shares[0].local(), Some(local));
    assert_eq!(shares[0].keys().unwrap().id(), keys.id(), "the keys came back");
    let outbox = store.outbox().await.unwrap();
    let opened: Vec<(u64, Vec<u8>)> = outbox.iter().map(|(r, c)| (*r, c.open(&keys).unwrap())).collect();
    assert_eq!(opened, [(1, b"first".to_vec()), (12, b"twelfth".to_vec())], "oldest first, acknowledged one gone");
}

#[wasm_bindgen_test]
async fn a_database_from_the_previous_version_upgrades_and_keeps_its_documents() {
    let name = db_name("upgrade");
    // Version 1 had no sync stores; write a goal plan in its layout.
    let id = DocumentId::from_random(random_bytes());
    let mut doc = automerge::AutoCommit::new();
    autosurgeon::reconcile(&mut doc, &GoalPlan::new("Written before the upgrade", "sam")).unwrap();
    let record = StoredChunk::new(id, ChunkKind::Snapshot, doc.save());
    let old = Database::open(&name)
        .with_version(1u8)
        .with_on_upgrade_needed(|_, db| {
            for store in ["chunks", "quarantine", "documents"] {
                db.create_object_store(store).build()?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let tx = old.transaction("chunks").with_mode(TransactionMode::Readwrite).build().unwrap();
    tx.object_store("chunks")
        .unwrap()
        .put(TypedArray::new(record.bytes.clone()))
        .with_key(record.key.to_string())
        .primitive()
        .unwrap();
    tx.commit().await.unwrap();
    old.close();

    let store = Store::open(&name).await.unwrap();
    let (_, plan, _): (_, GoalPlan, _) = OpenDocument::open(&store, id).await.unwrap();
    assert_eq!(plan.title.as_str(), "Written before the upgrade");
    assert!(store.shares().await.unwrap().is_empty(), "the new stores exist and are empty");
    assert!(store.outbox().await.unwrap().is_empty());
}
