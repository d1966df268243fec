//! Any bytes as a document's stored records (split at 0xff): loading
//! sets damaged records aside and never panics.
#![no_main]

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
    let loaded = StoredDocument::load(id, records, ActorId::from(vec![1u8; 16]));
    assert!(loaded.quarantined.len() <= 16);
});
