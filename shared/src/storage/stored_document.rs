//! An Automerge document together with what storage already holds of it.

use std::collections::BTreeSet;

use automerge::{ActorId, AutoCommit, ChangeHash};

use super::chunk::{ChunkKey, ChunkKind, StoredChunk};
use crate::document::DocumentId;

/// A document and its storage bookkeeping.
#[derive(Debug)]
pub struct StoredDocument {
    id: DocumentId,
    doc: AutoCommit,
    /// Heads covered by records in storage.
    saved_heads: Vec<ChangeHash>,
    /// Records this instance has loaded or written: what a compaction replaces.
    records: BTreeSet<ChunkKey>,
    snapshot_bytes: usize,
    increment_bytes: usize,
}

/// The result of loading a document's records.
#[derive(Debug)]
pub struct Loaded {
    pub document: StoredDocument,
    /// Records that failed to load (corrupt or truncated), with the reason.
    /// Keep them aside; never delete them silently.
    pub quarantined: Vec<(StoredChunk, String)>,
}

/// Changes not yet in storage: write `chunk`, then pass this to
/// [`StoredDocument::confirm_saved`].
#[derive(Debug, Clone)]
pub struct PendingSave {
    pub chunk: StoredChunk,
    heads: Vec<ChangeHash>,
}

/// A new snapshot that replaces `replaces`; write both in one transaction.
#[derive(Debug, Clone)]
pub struct Compaction {
    pub snapshot: StoredChunk,
    pub replaces: Vec<ChunkKey>,
}

impl StoredDocument {
    /// A new document, not yet stored. `actor` identifies this device's
    /// edits; the caller draws it at random.
    pub fn create(id: DocumentId, doc: AutoCommit, actor: ActorId) -> Self {
        StoredDocument {
            id,
            doc: doc.with_actor(actor),
            saved_heads: Vec::new(),
            records: BTreeSet::new(),
            snapshot_bytes: 0,
            increment_bytes: 0,
        }
    }

    /// Load a document from all of its records, in any order. A record that
    /// does not parse is quarantined and the rest still loads.
    pub fn load(id: DocumentId, mut records: Vec<StoredChunk>, actor: ActorId) -> Loaded {
        crate::sort::by(&mut records, |a, b| a.key.cmp(&b.key));
        let mut document = StoredDocument::create(id, AutoCommit::new(), actor);
        let mut quarantined = Vec::new();
        for record in records {
            if let Err(reason) = document.take_record(&record) {
                quarantined.push((record, reason));
            }
        }
        document.saved_heads = document.doc.get_heads();
        Loaded { document, quarantined }
    }

    fn take_record(&mut self, record: &StoredChunk) -> Result<(), String> {
        if record.key.doc != self.id {
            return Err(format!("record {} belongs to another document", record.key));
        }
        if self.records.contains(&record.key) {
            return Ok(());
        }
        // Keys are hashes of the bytes, so any flipped or missing byte shows
        // here. (Automerge's incremental load skips what it cannot parse, so
        // it cannot be the check.)
        if !record.is_intact() {
            return Err(format!("record {} is damaged: its bytes do not match its hash", record.key));
        }
        // Bytes from a partner or an import file: only what Automerge reads
        // without panicking gets to it.
        super::screen(&record.bytes).map_err(|e| format!("record {} holds {e}", record.key))?;
        // A snapshot into an empty document loads fastest whole. Increments
        // go through the incremental path even first: one whose
        // dependencies are in another record (changes delivered by the relay
        // sort by hash, not by history) waits for them there, where a whole
        // load would refuse it.
        let first = self.doc.get_heads().is_empty() && self.records.is_empty();
        if first && record.key.kind == ChunkKind::Snapshot {
            let actor = self.doc.get_actor().clone();
            self.doc = AutoCommit::load(&record.bytes).map_err(|e| e.to_string())?.with_actor(actor);
        } else {
            self.doc.load_incremental(&record.bytes).map_err(|e| e.to_string())?;
        }
        match record.key.kind {
            ChunkKind::Snapshot => self.snapshot_bytes += record.bytes.len(),
            ChunkKind::Increment => self.increment_bytes += record.bytes.len(),
        }
        self.records.insert(record.key.clone());
        Ok(())
    }

    /// Take records another tab wrote. Returns whether the document changed;
    /// records that do not load are returned for quarantine.
    pub fn absorb(&mut self, records: Vec<StoredChunk>) -> (bool, Vec<(StoredChunk, String)>) {
        let before = self.doc.get_heads();
        let mut bad = Vec::new();
        // Records it holds already (read again from storage) change nothing.
        for record in records {
            if self.records.contains(&record.key) {
                continue;
            }
            if let Err(reason) = self.take_record(&record) {
                bad.push((record, reason));
            }
        }
        let after = self.doc.get_heads();
        // What others stored is stored: do not write it again.
        if self.saved_heads == before {
            self.saved_heads = after.clone();
        }
        (before != after, bad)
    }

    pub fn id(&self) -> DocumentId {
        self.id
    }

    pub fn doc(&self) -> &AutoCommit {
        &self.doc
    }

    /// The document, to edit. Commit (or let autosurgeon commit) before
    /// asking for [`Self::pending_save`].
    pub fn doc_mut(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    /// The changes made since the last confirmed save, as one record: the
    /// whole document the first time, an increment after that.
    pub fn pending_save(&mut self) -> Option<PendingSave> {
        self.doc.commit();
        let heads = self.doc.get_heads();
        if heads == self.saved_heads {
            return None;
        }
        let chunk = if self.records.is_empty() {
            StoredChunk::new(self.id, ChunkKind::Snapshot, self.doc.save())
        } else {
            // save_after, not save_incremental: the latter re-emits the whole
            // history the first time it is called after a load.
            StoredChunk::new(self.id, ChunkKind::Increment, self.doc.save_after(&self.saved_heads))
        };
        Some(PendingSave { chunk, heads })
    }

    /// The changes made since the last confirmed save, without taking them:
    /// what a write-ahead copy keeps until the save lands. `None` when all
    /// is saved, or before the document's first record (a new document is
    /// saved whole as soon as it is created).
    pub fn unsaved_changes(&mut self) -> Option<Vec<u8>> {
        self.doc.commit();
        if self.records.is_empty() || self.doc.get_heads() == self.saved_heads {
            return None;
        }
        Some(self.doc.save_after(&self.saved_heads))
    }

    /// The pending save's record is durably written.
    pub fn confirm_saved(&mut self, saved: PendingSave) {
        match saved.chunk.key.kind {
            ChunkKind::Snapshot => self.snapshot_bytes += saved.chunk.bytes.len(),
            ChunkKind::Increment => self.increment_bytes += saved.chunk.bytes.len(),
        }
        self.records.insert(saved.chunk.key);
        self.saved_heads = saved.heads;
    }

    /// A compaction plan once the increments outgrow the snapshot, if every
    /// change is saved and none is waiting for missing history.
    pub fn compaction(&mut self) -> Option<Compaction> {
        let outgrown = self.increment_bytes > self.snapshot_bytes.max(1024);
        let several = self.records.len() > 1;
        let all_saved = self.doc.get_heads() == self.saved_heads;
        // Changes whose dependencies never arrived are in a chunk but not in
        // save(); deleting that chunk would lose them.
        let complete = self.doc.get_missing_deps(&[]).is_empty();
        if !(outgrown && several && all_saved && complete) {
            return None;
        }
        let snapshot = StoredChunk::new(self.id, ChunkKind::Snapshot, self.doc.save());
        let replaces = self.records.iter().filter(|k| **k != snapshot.key).cloned().collect();
        Some(Compaction { snapshot, replaces })
    }

    /// The compaction was written.
    pub fn confirm_compacted(&mut self, compaction: Compaction) {
        self.records.clear();
        self.snapshot_bytes = compaction.snapshot.bytes.len();
        self.increment_bytes = 0;
        self.records.insert(compaction.snapshot.key);
    }

    /// Bytes of records this document occupies in storage.
    pub fn stored_bytes(&self) -> usize {
        self.snapshot_bytes + self.increment_bytes
    }
}
