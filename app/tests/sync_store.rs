//! What the sync engine keeps in IndexedDB, in a real browser: share records
//! (keys, member key, cursor, what the relay has) and the outbox of
//! unacknowledged changes survive closing the database; a database made by
//! the previous versions upgrades without losing a document, a share or an
//! unsent change. See: issue 4, issue 10.

use automerge::transaction::Transactable;
use automerge::ReadDoc;
use base64::Engine;
use confidant_app::store::{random_bytes, OpenDocument, ShareRecord, Store};
use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::goal_plan::GoalPlan;
use confidant_shared::storage::{ChunkKind, StoredChunk};
use confidant_shared::sync::client::Outgoing;
use confidant_shared::sync::migration::migrate_v1_invite;
use confidant_shared::sync::{DocumentKeys, Invite, MemberKeys, Purpose, Role, SealedChunk};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::typed_array::TypedArray;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn db_name(name: &str) -> String {
    let suffix: [u8; 4] = random_bytes().unwrap();
    format!("test-{name}-{suffix:?}")
}

#[wasm_bindgen_test]
async fn shares_and_unacknowledged_changes_survive_closing_the_browser() {
    let name = db_name("sync");
    let store = Store::open(&name).await.unwrap();
    let keys = DocumentKeys::create(random_bytes().unwrap());
    let member = MemberKeys::issue(&keys, Role::Owner, random_bytes().unwrap()).unwrap();
    let invite = Invite { kind: DocumentKind::GoalPlan, keys: keys.clone(), member: member.clone() };
    let local = DocumentId::from_random(random_bytes().unwrap());
    let mut record = ShareRecord::new(local, &invite);
    record.last_seq = 41;
    store.put_share(&record).await.unwrap();
    for (client_ref, text) in [(3u64, "third"), (1, "first"), (12, "twelfth")] {
        let chunk = SealedChunk::seal(&keys, &member, Purpose::Change, random_bytes().unwrap(), text.as_bytes()).unwrap();
        store.put_outbox(client_ref, &Outgoing::Push(chunk), Some(&record)).await.unwrap();
    }
    store.forget_outbox(3).await.unwrap();
    store.close();

    let store = Store::open(&name).await.unwrap();
    let shares = store.shares().await.unwrap();
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0].last_seq, 41);
    assert_eq!(shares[0].local(), Some(local));
    assert_eq!(shares[0].keys().unwrap().id(), keys.id(), "the keys came back");
    assert_eq!(shares[0].invite().unwrap().member.cert(), member.cert(), "and the member key");
    let outbox = store.outbox().await.unwrap();
    let opened: Vec<(u64, Vec<u8>)> = outbox
        .iter()
        .map(|(r, item)| match item {
            Outgoing::Push(chunk) => (*r, chunk.open(&keys).unwrap().body),
            Outgoing::Post(_) => panic!("not a post"),
        })
        .collect();
    assert_eq!(opened, [(1, b"first".to_vec()), (12, b"twelfth".to_vec())], "oldest first, acknowledged one gone");
    let device = store.device().await.unwrap();
    assert_eq!(store.device().await.unwrap().keys().unwrap().address(), device.keys().unwrap().address(), "one identity per device");
}

#[wasm_bindgen_test]
async fn a_database_from_the_first_version_upgrades_and_keeps_its_documents() {
    let name = db_name("upgrade");
    // Version 1 had no sync stores; write a goal plan in its layout.
    let id = DocumentId::from_random(random_bytes().unwrap());
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

/// A protocol 1 outbox entry: the chunk layout that version wrote
/// (document id, verifying key, nonce, ciphertext, signature).
fn protocol_1_chunk(doc: [u8; 16]) -> Vec<u8> {
    let mut bytes = doc.to_vec();
    bytes.extend([7u8; 32]);
    bytes.extend([8u8; 24]);
    bytes.push(5);
    bytes.extend(b"ciphr");
    bytes.push(64);
    bytes.extend([9u8; 64]);
    bytes
}

#[wasm_bindgen_test]
async fn a_database_with_protocol_1_shares_and_an_unsent_change_moves_to_protocol_2_losing_nothing() {
    let name = db_name("protocol");
    // A goal plan shared under protocol 1: one change at the relay, one
    // still in the outbox when the app was updated.
    let local = DocumentId::from_random(random_bytes().unwrap());
    let mut doc = automerge::AutoCommit::new();
    autosurgeon::reconcile(&mut doc, &GoalPlan::new("Shared before the update", "sam")).unwrap();
    doc.commit();
    let at_relay = doc.get_heads();
    doc.put(automerge::ROOT, "unsent_marker", "typed offline, never acknowledged").unwrap();
    doc.commit();
    let record = StoredChunk::new(local, ChunkKind::Snapshot, doc.save());
    let v1_keys = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([42u8; 64]);
    let v1_invite = format!("goal_plan.{v1_keys}");
    let v1_share = serde_json::json!({
        "local_id": local.to_string(),
        "kind": "GoalPlan",
        "invite": v1_invite,
        "last_seq": 7,
        "relay_heads": { "hashes": at_relay.iter().map(|h| h.to_string()).collect::<Vec<_>>() },
        "owner": true,
    })
    .to_string();

    let old = Database::open(&name)
        .with_version(2u8)
        .with_on_upgrade_needed(|_, db| {
            for store in ["chunks", "quarantine", "documents", "shares", "outbox"] {
                db.create_object_store(store).build()?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let tx = old.transaction(["chunks", "shares", "outbox"]).with_mode(TransactionMode::Readwrite).build().unwrap();
    tx.object_store("chunks").unwrap().put(TypedArray::new(record.bytes.clone())).with_key(record.key.to_string()).primitive().unwrap();
    tx.object_store("shares").unwrap().put(v1_share).with_key(local.to_string()).primitive().unwrap();
    tx.object_store("outbox").unwrap().put(TypedArray::new(protocol_1_chunk([0x9a; 16]))).with_key(format!("{:020}", 1)).primitive().unwrap();
    tx.commit().await.unwrap();
    old.close();

    let store = Store::open(&name).await.unwrap();
    let shares = store.shares().await.unwrap();
    assert_eq!(shares.len(), 1, "the share was kept");
    let share = &shares[0];
    assert_eq!(share.local(), Some(local), "same local document");
    assert_eq!(share.protocol, 2);
    let invite = share.invite().expect("protocol 2 keys");
    assert_eq!(invite.keys.role(), Role::Owner, "the device that shared it owns it");
    let partner = migrate_v1_invite(&v1_invite, false, [1; 32]).unwrap();
    assert_eq!(invite.keys.id(), partner.keys.id(), "the partner's device lands on the same document");
    assert_eq!(share.last_seq, 0, "read from the start under the new keys");
    assert!(store.outbox().await.unwrap().is_empty(), "the old sealed entry is gone");
    // Its change is not: everything goes again under the new keys.
    let (open, plan, _): (_, GoalPlan, _) = OpenDocument::open(&store, local).await.unwrap();
    assert_eq!(plan.title.as_str(), "Shared before the update");
    let mut current = automerge::AutoCommit::load(&record.bytes).unwrap();
    let unsent = share.relay_heads.unsent(&mut current).expect("the unsent change is to be pushed");
    let rebuilt = automerge::AutoCommit::load(&unsent.changes).unwrap();
    let (marker, _) = rebuilt.get(automerge::ROOT, "unsent_marker").unwrap().unwrap();
    assert_eq!(marker.into_string().unwrap(), "typed offline, never acknowledged");
    drop(open);
    // Read again: migrated once, stable.
    let again = store.shares().await.unwrap();
    assert_eq!(again[0].invite().unwrap().member.cert(), invite.member.cert());
}
