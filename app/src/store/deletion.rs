//! Deleting a private document (a journal entry) from this device, with a
//! few seconds to undo.
//!
//! Deleting marks the document in localStorage at once (synchronous, so a
//! quit right after still counts) and every list hides it; Undo takes the
//! mark away. Once the undo window has passed, the document's records, its
//! list line, its share record and any unsaved copy are removed from this
//! device's storage: by a timer in the tab, or at the next start if the tab
//! closed first.
//!
//! A deleted entry that syncs (to the person's linked devices) stops
//! syncing at once, so nothing brings it back; its share record is kept in
//! memory for Undo to follow it again.

use confidant_shared::document::DocumentId;

use super::database::{Store, StoreError};
use super::ShareRecord;

thread_local! {
    static LEFT: std::cell::RefCell<Vec<(DocumentId, ShareRecord)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Keep the share record of a document deleted while shared, for Undo.
pub fn keep_share(doc: DocumentId, record: ShareRecord) {
    LEFT.with(|left| left.borrow_mut().push((doc, record)));
}

/// The share record kept for `doc`, if it was shared (Undo follows it again).
pub fn take_share(doc: DocumentId) -> Option<ShareRecord> {
    LEFT.with(|left| {
        let mut left = left.borrow_mut();
        let at = left.iter().position(|(d, _)| *d == doc)?;
        Some(left.remove(at).1)
    })
}

/// How long Undo is offered.
pub const UNDO_MS: f64 = 10_000.0;

const PREFIX: &str = "confidant-deleting:";

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Mark `doc` deleted now: lists hide it, Undo can bring it back.
pub fn mark(doc: DocumentId) -> Result<(), StoreError> {
    let local = local().ok_or(StoreError::Write("no local storage".into()))?;
    local
        .set_item(&format!("{PREFIX}{doc}"), &js_sys::Date::now().to_string())
        .map_err(|_| StoreError::Write("local storage refused the deletion mark".into()))
}

/// Undo: the document is back in every list.
pub fn unmark(doc: DocumentId) {
    if let Some(local) = local() {
        let _ = local.remove_item(&format!("{PREFIX}{doc}"));
    }
}

/// Documents marked deleted, with when.
pub fn marked() -> Vec<(DocumentId, f64)> {
    let Some(local) = local() else { return Vec::new() };
    (0..local.length().unwrap_or(0))
        .filter_map(|i| local.key(i).ok().flatten())
        .filter_map(|key| {
            let doc = key.strip_prefix(PREFIX)?.parse::<DocumentId>().ok()?;
            let at = local.get_item(&key).ok().flatten()?.parse::<f64>().ok()?;
            Some((doc, at))
        })
        .collect()
}

pub fn is_marked(doc: DocumentId) -> bool {
    marked().iter().any(|(d, _)| *d == doc)
}

/// Remove for good every document whose undo window has passed. A failure
/// keeps the mark, so the next start tries again.
pub async fn purge_due(store: &Store) -> usize {
    let now = js_sys::Date::now();
    let mut purged = 0;
    for (doc, at) in marked() {
        if now - at < UNDO_MS {
            continue;
        }
        match store.delete_document(doc).await {
            Ok(()) => {
                unmark(doc);
                purged += 1;
            }
            Err(err) => web_sys::console::warn_1(&format!("a deleted entry is removed at the next start: {err}").into()),
        }
    }
    purged
}
