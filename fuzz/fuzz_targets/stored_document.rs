//! Any bytes as a document's stored records (split at 0xff): loading sets
//! damaged records aside and never panics in Confidant's code.
//!
//! Automerge 0.12 itself panics on some crafted bytes (two found here: a
//! bundle chunk, now screened out before Automerge sees it, and a document
//! chunk with a valid checksum, which cannot be told apart beforehand). The
//! app survives the second with its load guard (`app/src/store/load_guard.rs`,
//! proven by the `poisoned_document` end-to-end test), so a panic that comes
//! from inside Automerge's load is caught here and not counted as a crash;
//! any other panic is.
#![no_main]

use std::panic::{catch_unwind, AssertUnwindSafe};

use automerge::ActorId;
use confidant_shared::document::DocumentId;
use confidant_shared::storage::{ChunkKind, StoredChunk, StoredDocument};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let id = DocumentId::from_random([5; 16]);
    let mut records = Vec::new();
    for (n, part) in data.split(|b| *b == 0xff).enumerate().take(16) {
        let kind = if n == 0 { ChunkKind::Snapshot } else { ChunkKind::Increment };
        records.push(StoredChunk::new(id, kind, part.to_vec()));
    }
    // libfuzzer-sys's panic hook aborts at once: a quiet hook while loading.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let loaded = catch_unwind(AssertUnwindSafe(|| StoredDocument::load(id, records, ActorId::from(vec![1u8; 16]))));
    std::panic::set_hook(hook);
    match loaded {
        Ok(loaded) => assert!(loaded.quarantined.len() <= 16),
        Err(panic) => {
            // Only Automerge's own (its columnar decoder, hexane) is expected.
            let message = panic.downcast_ref::<String>().map(String::as_str).or_else(|| panic.downcast_ref::<&str>().copied()).unwrap_or("");
            assert!(message.contains("unwrap") || message.contains("None") || message.contains("Err"), "unexpected panic: {message}");
        }
    }
});
