//! Nothing typed is lost when the browser quits.
//!
//! Saves to IndexedDB are asynchronous and coalesced; a browser closed a
//! moment after the last keystroke shuts down before the save commits. So
//! every edit also keeps a copy of the changes not yet saved in
//! `localStorage`, whose writes are synchronous in the page and flushed by
//! the browser on shutdown. The copy is dropped once the save lands; on the
//! next start, any copy left over is stored as an ordinary increment record
//! (Automerge ignores changes it already has, so a copy whose save did land
//! costs nothing).
//!
//! Keys are `confidant-unsaved:<document>:<editor>`: one per open copy of a
//! document, so two tabs editing the same document keep separate copies.

use base64::Engine as _;
use confidant_shared::document::DocumentId;
use confidant_shared::storage::{ChunkKind, StoredChunk};

use super::database::Store;

const PREFIX: &str = "confidant-unsaved:";

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn key(doc: DocumentId, editor: &str) -> String {
    format!("{PREFIX}{doc}:{editor}")
}

/// Keep `unsaved` (the changes not yet in IndexedDB) for this open copy of
/// `doc`, or forget the copy when everything is saved.
pub(super) fn keep(doc: DocumentId, editor: &str, unsaved: Option<&[u8]>) {
    let Some(local) = local() else { return };
    let key = key(doc, editor);
    match unsaved {
        // A full quota only loses the safety net: the save still runs.
        Some(bytes) => {
            let _ = local.set_item(&key, &base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes));
        }
        None => {
            let _ = local.remove_item(&key);
        }
    }
}

/// Drop every unsaved copy of `doc` (it was deleted).
pub(super) fn forget(doc: DocumentId) {
    let Some(local) = local() else { return };
    let prefix = format!("{PREFIX}{doc}:");
    let keys: Vec<String> = (0..local.length().unwrap_or(0)).filter_map(|i| local.key(i).ok().flatten()).filter(|k| k.starts_with(&prefix)).collect();
    for key in keys {
        let _ = local.remove_item(&key);
    }
}

/// On start: store what an earlier session typed but never saved. Never
/// fails the start: a copy that cannot be stored now (a full disk) stays
/// for the next start, and the app opens as usual.
pub(super) async fn replay(store: &Store) -> usize {
    let Some(local) = local() else { return 0 };
    let keys: Vec<String> = (0..local.length().unwrap_or(0))
        .filter_map(|i| local.key(i).ok().flatten())
        .filter(|k| k.starts_with(PREFIX))
        .collect();
    let mut replayed = 0;
    for key in keys {
        let Ok(Some(text)) = local.get_item(&key) else { continue };
        let doc = key[PREFIX.len()..].split(':').next().and_then(|id| id.parse::<DocumentId>().ok());
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD.decode(text.as_bytes()).ok();
        if let (Some(doc), Some(bytes)) = (doc, bytes) {
            // Loading screens these bytes like any record, and sets them
            // aside if they do not read.
            if let Err(err) = store.write_records(&[StoredChunk::new(doc, ChunkKind::Increment, bytes)]).await {
                web_sys::console::warn_1(&format!("an unsaved edit is kept for the next start: {err}").into());
                continue;
            }
            // Lists must open it to see what came back, not trust its line.
            let _ = store.forget_line(doc).await;
            replayed += 1;
        }
        // Stored, or never a copy this app wrote: done with it, unless the
        // tab that owns it (still open) wrote a newer copy meanwhile.
        if local.get_item(&key).ok().flatten().as_deref() == Some(text.as_str()) {
            let _ = local.remove_item(&key);
        }
    }
    replayed
}
