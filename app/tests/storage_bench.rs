//! Storage benchmark, in headless Chromium against real IndexedDB. Prints
//! figures; asserts nothing about time. Skipped by `scripts/test` (ignored);
//! `scripts/bench` runs it in release with `--include-ignored`.
//!
//! - edit-to-persisted latency (p50/p95) on a journal with 10,000 entries:
//!   from the keystroke's edit to the IndexedDB transaction committing;
//! - time to open that journal (read records, load, hydrate);
//! - time to load a document of 260,000 text operations (the size of the
//!   automerge-perf editing trace), generated here;
//! - bytes stored for each.

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ROOT};
use confidant_app::store::{random_bytes, OpenDocument, Store};
use confidant_shared::document::DocumentId;
use confidant_shared::journal::{add_entry, edit_entry, EntryKind, Journal, JournalEntry};
use confidant_shared::storage::{ChunkKind, StoredChunk, StoredDocument};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn fresh_store(name: &str) -> Store {
    let suffix: [u8; 4] = random_bytes();
    Store::open(&format!("bench-{name}-{suffix:?}")).await.unwrap()
}

#[wasm_bindgen_test]
#[ignore]
async fn journal_of_10000_entries() {
    let store = fresh_store("journal").await;
    let mut journal = Journal::new("sam");
    for i in 0..10_000 {
        let mut entry = JournalEntry::new(
            &format!("e{i:05}"),
            &format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
            EntryKind::MeetingNotes,
            &format!("Meeting {i}"),
            "We talked about the paper, the next conference deadline and how to say no to extra teaching.",
            i as i64,
        );
        entry.topics.push("career".into());
        journal.entries.insert(entry.id.clone(), entry);
    }
    let doc = OpenDocument::create(&store, &journal).await.unwrap();
    let id = doc.id();

    let mut latencies = Vec::new();
    for i in 0..200 {
        let entry = format!("e{:05}", (i * 37) % 10_000);
        let start = now();
        doc.edit_doc(|am| {
            edit_entry(am, &entry, |e| {
                let end = e.body.as_str().len();
                e.body.splice(end, 0, "!");
            })
        })
        .unwrap()
        .unwrap();
        doc.save::<Journal>().await.unwrap();
        latencies.push(now() - start);
    }
    // A new entry, too, as someone writing after a meeting would.
    let start = now();
    doc.edit_doc(|am| add_entry(am, &JournalEntry::new("new", "2026-11-22", EntryKind::Reflection, "After", "", 0)))
        .unwrap()
        .unwrap();
    doc.save::<Journal>().await.unwrap();
    let add_ms = now() - start;
    latencies.sort_by(f64::total_cmp);
    drop(doc);

    let mut opens = Vec::new();
    for _ in 0..5 {
        let start = now();
        let (_, loaded, _): (_, Journal, _) = OpenDocument::open(&store, id).await.unwrap();
        opens.push(now() - start);
        assert_eq!(loaded.entries.len(), 10_001);
    }
    opens.sort_by(f64::total_cmp);
    let bytes = store.stored_bytes().await.unwrap();
    console_log!("journal, 10,000 entries:");
    console_log!("  edit-to-persisted latency (200 edits): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        percentile(&latencies, 0.5), percentile(&latencies, 0.95), latencies[latencies.len() - 1]);
    console_log!("  add an entry and persist: {add_ms:.1} ms");
    console_log!("  time to open (read, load, hydrate), median of 5: {:.0} ms", percentile(&opens, 0.5));
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
    for op in 0..260_000u32 {
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
    let id = DocumentId::from_random(random_bytes());
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
    console_log!("document of 260,000 text operations ({len} characters):");
    console_log!("  time to open (read, verify, load), median of 5: {:.0} ms", percentile(&opens, 0.5));
    console_log!("  bytes stored: {:.1} KB", bytes.len() as f64 / 1000.0);
}
