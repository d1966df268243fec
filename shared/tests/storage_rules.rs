//! A document in storage: saved as a snapshot then increments, reloaded
//! whole, corrupt records set aside while the rest loads, compaction that
//! shrinks storage and keeps content, and two tabs that never lose each
//! other's records. See: issue 3.

use automerge::{ActorId, AutoCommit};
use autosurgeon::{hydrate, reconcile};
use confidant_shared::document::DocumentId;
use confidant_shared::goal_plan::GoalPlan;
use confidant_shared::storage::{ChunkKind, StoredChunk, StoredDocument};

fn actor(n: u8) -> ActorId {
    ActorId::from(vec![n; 16])
}

/// A fixed id for tests; real ids are random.
const ID: DocumentId = DocumentId::from_random([0x42; 16]);

fn new_plan() -> StoredDocument {
    let mut doc = AutoCommit::new();
    reconcile(&mut doc, &GoalPlan::new("Plan", "sam")).unwrap();
    StoredDocument::create(ID, doc, actor(1))
}

/// Edit and save as the app does; returns what storage now holds.
fn edit_and_save(doc: &mut StoredDocument, storage: &mut Vec<StoredChunk>, goal: &str) {
    let mut plan: GoalPlan = hydrate(doc.doc()).unwrap();
    plan.add_goal(goal, goal, "why");
    reconcile(doc.doc_mut(), &plan).unwrap();
    let pending = doc.pending_save().expect("an edit is pending");
    storage.push(pending.chunk.clone());
    doc.confirm_saved(pending);
}

fn plan_of(doc: &StoredDocument) -> GoalPlan {
    hydrate(doc.doc()).unwrap()
}

#[test]
fn first_save_is_a_snapshot_then_increments_of_only_the_new_changes() {
    let mut storage = Vec::new();
    let mut doc = new_plan();
    let mut plan: GoalPlan = hydrate(doc.doc()).unwrap();
    for i in 0..20 {
        plan.add_goal(&format!("early-{i}"), "an early goal with a title", "and a reason");
    }
    reconcile(doc.doc_mut(), &plan).unwrap();
    edit_and_save(&mut doc, &mut storage, "g1");
    assert_eq!(storage[0].key.kind, ChunkKind::Snapshot);
    edit_and_save(&mut doc, &mut storage, "g2");
    assert_eq!(storage[1].key.kind, ChunkKind::Increment);
    assert!(doc.pending_save().is_none(), "nothing left to save");

    // After a reload, the next save carries only the new change, not the
    // whole history again.
    let mut reloaded = StoredDocument::load(ID, storage.clone(), actor(2)).document;
    assert_eq!(plan_of(&reloaded), plan_of(&doc));
    let before = storage.len();
    edit_and_save(&mut reloaded, &mut storage, "g3");
    assert_eq!(storage.len(), before + 1);
    let (snapshot, increment) = (storage[0].bytes.len(), storage.last().unwrap().bytes.len());
    assert!(increment * 4 < snapshot, "increment {increment} bytes vs snapshot {snapshot}");
}

#[test]
fn an_unconfirmed_save_is_offered_again() {
    let mut doc = new_plan();
    let first = doc.pending_save().unwrap();
    // The write failed (quota, crash): nothing was confirmed.
    let again = doc.pending_save().unwrap();
    assert_eq!(first.chunk, again.chunk);
}

#[test]
fn a_corrupt_or_truncated_record_is_quarantined_and_the_rest_loads() {
    let mut storage = Vec::new();
    let mut doc = new_plan();
    for goal in ["g1", "g2", "g3"] {
        edit_and_save(&mut doc, &mut storage, goal);
    }
    let mut flipped = storage[2].clone();
    let middle = flipped.bytes.len() / 2;
    flipped.bytes[middle] ^= 0xff;
    let mut truncated = storage[1].clone();
    truncated.bytes.truncate(truncated.bytes.len() - 3);

    let loaded = StoredDocument::load(ID, vec![storage[0].clone(), truncated, flipped], actor(2));
    assert_eq!(loaded.quarantined.len(), 2);
    let plan = plan_of(&loaded.document);
    assert!(plan.goals.contains_key("g1"), "the intact snapshot loaded");
    assert!(!loaded.quarantined[0].1.is_empty(), "each has a reason");
}

#[test]
fn compaction_shrinks_storage_and_keeps_every_edit() {
    let mut storage = Vec::new();
    let mut doc = new_plan();
    edit_and_save(&mut doc, &mut storage, "first");
    let mut compacted = false;
    for i in 0..60 {
        edit_and_save(&mut doc, &mut storage, &format!("goal-{i}"));
        if let Some(plan) = doc.compaction() {
            let before: usize = storage.iter().map(|c| c.bytes.len()).sum();
            storage.retain(|c| !plan.replaces.contains(&c.key));
            storage.push(plan.snapshot.clone());
            doc.confirm_compacted(plan);
            let after: usize = storage.iter().map(|c| c.bytes.len()).sum();
            assert!(after < before, "compaction shrinks storage: {before} -> {after}");
            assert_eq!(storage.len(), 1);
            compacted = true;
        }
    }
    assert!(compacted, "60 increments outgrow the snapshot");
    let reloaded = StoredDocument::load(ID, storage, actor(3)).document;
    assert_eq!(plan_of(&reloaded), plan_of(&doc));
    assert_eq!(plan_of(&reloaded).goals.len(), 61);
}

#[test]
fn two_tabs_saving_and_compacting_lose_nothing() {
    let mut storage = Vec::new();
    let mut tab_a = new_plan();
    edit_and_save(&mut tab_a, &mut storage, "start");
    let mut tab_b = StoredDocument::load(ID, storage.clone(), actor(2)).document;

    for i in 0..30 {
        edit_and_save(&mut tab_a, &mut storage, &format!("a{i}"));
        edit_and_save(&mut tab_b, &mut storage, &format!("b{i}"));
        // Tab A hears about B's records only sometimes, and compacts when it can.
        if i % 3 == 0 {
            tab_a.absorb(storage.clone());
        }
        if let Some(plan) = tab_a.compaction() {
            storage.retain(|c| !plan.replaces.contains(&c.key));
            storage.push(plan.snapshot.clone());
            tab_a.confirm_compacted(plan);
        }
    }
    let reopened = plan_of(&StoredDocument::load(ID, storage, actor(9)).document);
    for i in 0..30 {
        assert!(reopened.goals.contains_key(&format!("a{i}")), "a{i} lost");
        assert!(reopened.goals.contains_key(&format!("b{i}")), "b{i} lost");
    }
}

/// A goal plan built in five steps, as the increments a relay delivers.
fn received_increments() -> (Vec<StoredChunk>, GoalPlan) {
    let mut source = AutoCommit::new();
    reconcile(&mut source, &GoalPlan::new("Received", "sam")).unwrap();
    let mut increments = vec![source.save_after(&[])];
    for goal in ["first", "second", "third", "fourth"] {
        let heads = source.get_heads();
        let mut plan: GoalPlan = hydrate(&source).unwrap();
        plan.add_goal(goal, goal, "why");
        reconcile(&mut source, &plan).unwrap();
        source.commit();
        increments.push(source.save_after(&heads));
    }
    let records = increments.into_iter().map(|bytes| StoredChunk::new(ID, ChunkKind::Increment, bytes)).collect();
    (records, hydrate(&source).unwrap())
}

#[test]
fn increments_alone_load_whatever_order_their_keys_sort_in() {
    // A document received from the relay is stored as increments only, and
    // records load in key (hash) order, not in the order of history. Make
    // sure the record that sorts first is not the start of the history.
    let (records, expected) = (0..50)
        .map(|_| received_increments())
        .find(|(records, _)| records.iter().map(|r| &r.key).min() != Some(&records[0].key))
        .expect("hashes are not all ordered like history");
    let loaded = StoredDocument::load(ID, records, actor(2));
    assert!(loaded.quarantined.is_empty(), "good records set aside: {:?}", loaded.quarantined.iter().map(|(_, why)| why).collect::<Vec<_>>());
    assert_eq!(plan_of(&loaded.document), expected);
}

#[test]
fn unsaved_changes_are_what_the_next_save_would_write_and_replay_as_an_increment() {
    let mut storage = Vec::new();
    let mut doc = new_plan();
    assert!(doc.unsaved_changes().is_none(), "a document not yet saved is saved whole on creation");
    edit_and_save(&mut doc, &mut storage, "saved");
    assert!(doc.unsaved_changes().is_none(), "nothing unsaved after a save");

    // Typed, not yet saved: the write-ahead copy holds it.
    let mut plan = plan_of(&doc);
    plan.add_goal("typed", "typed just before the browser quit", "why");
    reconcile(doc.doc_mut(), &plan).unwrap();
    let unsaved = doc.unsaved_changes().expect("the edit is unsaved");
    assert!(doc.unsaved_changes().is_some(), "asking does not take the changes");

    // The browser quits here. On the next start the copy is stored as an
    // increment, and the document loads with the edit.
    storage.push(StoredChunk::new(ID, ChunkKind::Increment, unsaved));
    let reloaded = StoredDocument::load(ID, storage.clone(), actor(3));
    assert!(reloaded.quarantined.is_empty());
    assert_eq!(plan_of(&reloaded.document), plan, "the typed goal is back");

    // Had the save landed too, the replay is harmless: the same changes twice.
    let pending = doc.pending_save().unwrap();
    storage.push(pending.chunk.clone());
    doc.confirm_saved(pending);
    assert!(doc.unsaved_changes().is_none());
    let twice = StoredDocument::load(ID, storage, actor(4));
    assert!(twice.quarantined.is_empty());
    assert_eq!(plan_of(&twice.document), plan);
}

#[test]
fn reading_storage_again_takes_in_what_another_tab_saved_and_nothing_twice() {
    // The sync engine's copy, and a tab that saves a goal after it loaded.
    let mut storage = Vec::new();
    let mut tab = new_plan();
    edit_and_save(&mut tab, &mut storage, "first");
    let mut engine = StoredDocument::load(ID, storage.clone(), actor(2)).document;
    edit_and_save(&mut tab, &mut storage, "second");
    let (changed, bad) = engine.absorb(storage.clone());
    assert!(changed && bad.is_empty(), "the tab's later goal comes in");
    let plan: GoalPlan = hydrate(engine.doc()).unwrap();
    assert!(plan.goals.contains_key("second"));
    let (changed, _) = engine.absorb(storage.clone());
    assert!(!changed, "records it holds change nothing");
}
