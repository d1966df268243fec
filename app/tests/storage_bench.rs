//! Storage benchmark, in headless Chromium against real IndexedDB. Prints
//! figures; asserts nothing about time. Skipped by `scripts/test` (ignored);
//! `scripts/bench` runs it in release with `--include-ignored`.
//!
//! - edit-to-persisted latency (p50/p95) on a journal with 10,000 entries:
//!   from the keystroke's edit to the IndexedDB transaction committing;
//! - time to open that journal (its list of entries) and one entry;
//! - time to load a document of 260,000 text operations (the size of the
//!   automerge-perf editing trace), generated here;
//! - bytes stored for each.

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ROOT};
use confidant_app::store::{random_bytes, OpenDocument, Store};
use confidant_shared::document::DocumentId;
use confidant_shared::document::DocumentKind;
use confidant_shared::journal::{EntryKind, JournalEntry};
use confidant_shared::storage::{ChunkKind, StoredChunk, StoredDocument};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `scripts/bench --quick` (run by the test command) proves the benchmark
/// still runs, on small sizes.
const QUICK: bool = option_env!("CONFIDANT_BENCH_QUICK").is_some();
const ENTRIES: usize = if QUICK { 100 } else { 10_000 };
const TRACE_OPS: u32 = if QUICK { 2_600 } else { 260_000 };

fn now() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn fresh_store(name: &str) -> Store {
    let suffix: [u8; 4] = random_bytes().unwrap();
    Store::open(&format!("bench-{name}-{suffix:?}")).await.unwrap()
}

#[wasm_bindgen_test]
#[ignore]
async fn journal_of_10000_entries() {
    let store = fresh_store("journal").await;
    let body = "We talked about the paper, the next conference deadline and how to say no to extra teaching.";
    let mut ids = Vec::new();
    for i in 0..ENTRIES {
        let date = format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
        let mut entry = JournalEntry::new(&date, EntryKind::MeetingNotes, &format!("Meeting {i}"), body, i as i64);
        entry.topics.push("career".into());
        ids.push(OpenDocument::create(&store, &entry).await.unwrap().id());
    }

    // Opening the journal: the list of entries, newest first.
    let mut opens = Vec::new();
    for _ in 0..5 {
        let start = now();
        let list = store.list(Some(DocumentKind::Journal)).await.unwrap();
        opens.push(now() - start);
        assert_eq!(list.len(), ENTRIES);
    }
    opens.sort_by(f64::total_cmp);

    // Opening one entry, then typing in it.
    let mut entry_opens = Vec::new();
    let mut latencies = Vec::new();
    for i in 0..200 {
        let start = now();
        let (doc, _, _): (_, JournalEntry, _) = OpenDocument::open(&store, ids[(i * 37) % ids.len()]).await.unwrap();
        entry_opens.push(now() - start);
        for _ in 0..3 {
            let start = now();
            doc.edit(|entry: &mut JournalEntry| {
                let end = entry.body.as_str().len();
                entry.body.splice(end, 0, "!");
            })
            .unwrap();
            doc.save::<JournalEntry>().await.unwrap();
            latencies.push(now() - start);
        }
    }
    latencies.sort_by(f64::total_cmp);
    entry_opens.sort_by(f64::total_cmp);
    let bytes = store.stored_bytes().await.unwrap();
    console_log!("journal, {ENTRIES} entries (one document each):");
    console_log!("  edit-to-persisted latency (600 edits): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        percentile(&latencies, 0.5), percentile(&latencies, 0.95), latencies[latencies.len() - 1]);
    console_log!("  time to open the journal (list of {ENTRIES} entries), median of 5: {:.0} ms", percentile(&opens, 0.5));
    console_log!("  time to open one entry: p50 {:.1} ms, p95 {:.1} ms", percentile(&entry_opens, 0.5), percentile(&entry_opens, 0.95));
    console_log!("  bytes stored: {:.1} KB", bytes as f64 / 1000.0);
}

#[wasm_bindgen_test]
#[ignore]
async fn document_of_260000_text_operations() {
    let store = fresh_store("trace").await;
    // An editing trace the size of automerge-perf's: mostly typing at a
    // moving cursor, with some deletions, committed in small batches.
    let mut doc = AutoCommit::new().with_actor(ActorId::from(vec![1]));
    let text = doc.put_object(ROOT, "text", ObjType::Text).unwrap();
    let (mut len, mut cursor, mut seed) = (0usize, 0usize, 7u64);
    for op in 0..TRACE_OPS {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        if seed >> 60 == 0 && len > 0 {
            cursor = (seed as usize >> 8) % len;
        }
        if (seed >> 56) & 7 == 0 && cursor > 0 {
            doc.splice_text(&text, cursor - 1, 1, "").unwrap();
            cursor -= 1;
            len -= 1;
        } else {
            doc.splice_text(&text, cursor, 0, "e").unwrap();
            cursor += 1;
            len += 1;
        }
        if op % 50 == 49 {
            doc.commit();
        }
    }
    doc.commit();
    let id = DocumentId::from_random(random_bytes().unwrap());
    let bytes = doc.save();
    store.write_records(&[StoredChunk::new(id, ChunkKind::Snapshot, bytes.clone())]).await.unwrap();

    let mut opens = Vec::new();
    for _ in 0..5 {
        let start = now();
        let records = store.read_records(id).await.unwrap();
        let loaded = StoredDocument::load(id, records, ActorId::from(vec![2]));
        opens.push(now() - start);
        assert!(loaded.quarantined.is_empty());
    }
    opens.sort_by(f64::total_cmp);
    console_log!("document of {TRACE_OPS} text operations ({len} characters):");
    console_log!("  time to open (read, verify, load), median of 5: {:.0} ms", percentile(&opens, 0.5));
    console_log!("  bytes stored: {:.1} KB", bytes.len() as f64 / 1000.0);
}

/// Home and the partnership list on a coordinator-sized device: 500
/// partnerships and 500 goal plans. Cold is the first read in a tab (every
/// document opened); warm is the next read after one edit elsewhere.
#[wasm_bindgen_test]
#[ignore]
async fn lists_of_500_partnerships_and_500_goal_plans() {
    use confidant_app::api::{documents_of, documents_opened_for_lists};
    use confidant_shared::goal_plan::GoalPlan;
    use confidant_shared::partnership::{AgreedDuration, Meeting, Partnership};
    const EACH: usize = if QUICK { 20 } else { 500 };
    let store = confidant_app::store::app_store().await.unwrap();
    let mut plans = Vec::new();
    for i in 0..EACH {
        let mut p = Partnership::new(&format!("Mentor {i}"), &format!("Mentee {i}"), "2026-09-01", AgreedDuration::Months(6));
        for m in 0..4 {
            p.meetings.insert(format!("m{m}"), Meeting::new(&format!("m{m}"), &format!("2026-{:02}-10", 9 + m % 3)));
        }
        OpenDocument::create(&store, &p).await.unwrap();
        let mut plan = GoalPlan::new(&format!("Plan {i}"), "sam");
        for g in 0..3 {
            plan.add_goal(&format!("g{g}"), "A goal with a title", "and why it matters");
            plan.goal_mut(&format!("g{g}")).unwrap().add_milestone("m", "A milestone", confidant_shared::calendar_day::parse_day("2026-12-01"));
        }
        plans.push(OpenDocument::create(&store, &plan).await.unwrap());
    }
    // What Home and the partnership list read: the lines in the index.
    let mut from_lines = Vec::new();
    for _ in 0..5 {
        let start = now();
        let partnerships = confidant_app::api::lines_of::<Partnership>().await.unwrap();
        let plans = confidant_app::api::lines_of::<GoalPlan>().await.unwrap();
        assert!(partnerships.len() >= EACH && plans.len() >= EACH);
        from_lines.push(now() - start);
    }
    from_lines.sort_by(f64::total_cmp);
    // Whole documents (the journal's search, the calendar download).
    let read_both = || async {
        let start = now();
        let partnerships = documents_of::<Partnership>().await.unwrap();
        let plans = documents_of::<GoalPlan>().await.unwrap();
        assert!(partnerships.len() >= EACH && plans.len() >= EACH);
        now() - start
    };
    let cold = read_both().await;
    plans[EACH / 2].change::<GoalPlan>(|p| p.title.update("Edited elsewhere")).await.unwrap();
    let opened = documents_opened_for_lists();
    let mut warm = Vec::new();
    for round in 0..5 {
        if round > 0 {
            plans[round].change::<GoalPlan>(|p| p.title.update("Edited again")).await.unwrap();
        }
        warm.push(read_both().await);
    }
    let reread = documents_opened_for_lists() - opened;
    warm.sort_by(f64::total_cmp);
    console_log!("lists: {EACH} partnerships and {EACH} goal plans (what Home and the partnership list read):");
    console_log!("  Home's and the partnership list's read, from the index's lines, median of 5: {:.1} ms", percentile(&from_lines, 0.5));
    console_log!("  whole documents, first read in a tab (every document opened): {:.0} ms", cold);
    console_log!("  whole documents after one edit elsewhere, median of 5: {:.1} ms ({reread} documents re-read in 5 rounds)", percentile(&warm, 0.5));
}
