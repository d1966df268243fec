//! The document store in a real browser (IndexedDB in headless Chromium):
//! documents survive reopening, compaction keeps content in fewer records, a
//! damaged record is set aside while the rest loads, export and import
//! reproduce every document, and migrations run once. See: issue 3.

use confidant_app::store::{random_bytes, OpenDocument, Store};
use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::goal_plan::{schema_1_sample, GoalPlan, MilestoneStatus};
use confidant_shared::storage::{ChunkKind, StoredChunk};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A database of its own for each test.
async fn fresh_store(name: &str) -> Store {
    let suffix: [u8; 4] = random_bytes().unwrap();
    Store::open(&format!("test-{name}-{suffix:?}")).await.unwrap()
}

fn plan_with_goals(n: usize) -> GoalPlan {
    let mut plan = GoalPlan::new("Second year", "sam");
    for i in 0..n {
        plan.add_goal(&format!("g{i}"), &format!("Goal {i}"), "because it matters");
    }
    plan
}

#[wasm_bindgen_test]
async fn a_document_survives_reopening_the_database() {
    let store = fresh_store("survive").await;
    let open = OpenDocument::create(&store, &plan_with_goals(2)).await.unwrap();
    let plan = open
        .change(|plan: &mut GoalPlan| {
            let goal = plan.goal_mut("g1").unwrap();
            goal.why.update("because my advisor suggested it");
            goal.add_milestone("m1", "Draft", confidant_shared::calendar_day::parse_day("2027-02-01"));
        })
        .await
        .unwrap();
    let id = open.id();
    let name = store.db_name();
    drop(open);
    store.close();

    let reopened = Store::open(&name).await.unwrap();
    let (_, loaded, notice): (_, GoalPlan, _) = OpenDocument::open(&reopened, id).await.unwrap();
    assert_eq!(loaded, plan);
    assert_eq!(notice.message(), None);
    let list = reopened.list(Some(DocumentKind::GoalPlan)).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].title, "Second year");
}

#[wasm_bindgen_test]
async fn compaction_keeps_content_in_fewer_records_and_bytes() {
    let store = fresh_store("compact").await;
    let open = OpenDocument::create(&store, &plan_with_goals(1)).await.unwrap();
    let mut plan: GoalPlan = open.value().unwrap();
    let mut bytes_written = store.stored_bytes().await.unwrap();
    for i in 1..80 {
        let before = store.stored_bytes().await.unwrap();
        plan = open
            .change(|plan: &mut GoalPlan| plan.add_goal(&format!("g{i}"), &format!("Goal {i}"), "why"))
            .await
            .unwrap();
        let after = store.stored_bytes().await.unwrap();
        // What one save added (negative when it compacted: count what an
        // increment-only store would have written instead).
        bytes_written += after.saturating_sub(before).max(1);
    }
    let records = store.read_records(open.id()).await.unwrap();
    assert!(records.len() < 40, "80 saves left {} records", records.len());
    let stored = store.stored_bytes().await.unwrap();
    assert!(stored < bytes_written, "compacted storage {stored} B vs {bytes_written} B written");

    let (_, loaded, _): (_, GoalPlan, _) = OpenDocument::open(&store, open.id()).await.unwrap();
    assert_eq!(loaded.goals.len(), 80);
    assert_eq!(loaded, plan);
}

#[wasm_bindgen_test]
async fn a_damaged_record_is_quarantined_and_the_rest_loads() {
    let store = fresh_store("damaged").await;
    let open = OpenDocument::create(&store, &plan_with_goals(1)).await.unwrap();
    for i in 1..4 {
        open.change(|plan: &mut GoalPlan| plan.add_goal(&format!("g{i}"), "later goal", "why")).await.unwrap();
    }
    let id = open.id();
    drop(open);

    // Damage one increment in place, as a disk or a crash might.
    let records = store.read_records(id).await.unwrap();
    let victim = records.iter().find(|r| r.key.kind == ChunkKind::Increment).unwrap().clone();
    let mut damaged = victim.bytes.clone();
    damaged.truncate(damaged.len() / 2);
    store.write_records(&[StoredChunk { key: victim.key.clone(), bytes: damaged }]).await.unwrap();

    let (_, loaded, notice): (_, GoalPlan, _) = OpenDocument::open(&store, id).await.unwrap();
    assert_eq!(notice.quarantined, 1);
    assert!(notice.message().unwrap().contains("kept aside"));
    assert!(loaded.goals.contains_key("g0"), "the intact part loads");
    assert_eq!(store.quarantined_keys().await.unwrap(), vec![victim.key.to_string()]);
    let left = store.read_records(id).await.unwrap();
    assert!(left.iter().all(|r| r.key != victim.key), "the damaged record left the live set");
}

#[wasm_bindgen_test]
async fn export_then_import_into_a_fresh_database_reproduces_every_document() {
    let store = fresh_store("export").await;
    let mut ids = Vec::new();
    for n in 1..=3 {
        let mut plan = plan_with_goals(n);
        plan.title.update(&format!("Plan {n}"));
        ids.push((OpenDocument::create(&store, &plan).await.unwrap().id(), plan));
    }
    let file = store.export_all(true).await.unwrap().to_json();
    assert!(file.contains("because it matters"), "the export is readable");

    let other = fresh_store("import").await;
    let bundle = confidant_shared::export::ExportBundle::from_json(&file).unwrap();
    assert_eq!(other.import(&bundle).await.unwrap(), 3);
    for (id, plan) in ids {
        let (_, loaded, _): (_, GoalPlan, _) = OpenDocument::open(&other, id).await.unwrap();
        assert_eq!(loaded, plan);
    }
    assert_eq!(other.list(None).await.unwrap().len(), 3);

    // A damaged file is refused before anything is written.
    let broken = file.replacen("\"base64\": \"", "\"base64\": \"AAAA", 1);
    let third = fresh_store("import-broken").await;
    let bundle = confidant_shared::export::ExportBundle::from_json(&broken).unwrap();
    assert!(third.import(&bundle).await.is_err());
    assert!(third.list(None).await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn a_stored_schema_1_plan_migrates_once() {
    let store = fresh_store("migrate").await;
    let id = DocumentId::from_random(random_bytes().unwrap());
    store.write_records(&[StoredChunk::new(id, ChunkKind::Snapshot, schema_1_sample().save())]).await.unwrap();

    let (_, plan, notice): (_, GoalPlan, _) = OpenDocument::open(&store, id).await.unwrap();
    assert_eq!(notice.migrated_from, Some(1));
    assert_eq!(plan.goals["g1"].milestones[0].status, MilestoneStatus::Done);
    let after_first = store.read_records(id).await.unwrap().len();
    assert_eq!(after_first, 2, "the migration was saved");

    let (_, again, notice): (_, GoalPlan, _) = OpenDocument::open(&store, id).await.unwrap();
    assert_eq!(notice.migrated_from, None);
    assert_eq!(again, plan);
    assert_eq!(store.read_records(id).await.unwrap().len(), after_first, "nothing written the second time");
}
