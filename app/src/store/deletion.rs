//! Deleting a document from this device (a journal entry, a goal plan, a
//! partnership), with a few seconds to undo. A shared one stops syncing
//! here; the partner keeps their copy.
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

use confidant_shared::document::{DocumentId, DocumentKind};

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

/// Mark `doc` (of `kind`) deleted now: lists hide it, Undo can bring it back.
pub fn mark(doc: DocumentId, kind: DocumentKind) -> Result<(), StoreError> {
    let local = local().ok_or(StoreError::Write("no local storage".into()))?;
    local
        .set_item(&format!("{PREFIX}{doc}"), &format!("{} {}", js_sys::Date::now(), kind.as_str()))
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
    marked_with_kind().into_iter().map(|(doc, at, _)| (doc, at)).collect()
}

/// Documents marked deleted, with when and of which kind (if recorded).
pub fn marked_with_kind() -> Vec<(DocumentId, f64, Option<DocumentKind>)> {
    let Some(local) = local() else { return Vec::new() };
    (0..local.length().unwrap_or(0))
        .filter_map(|i| local.key(i).ok().flatten())
        .filter_map(|key| {
            let doc = key.strip_prefix(PREFIX)?.parse::<DocumentId>().ok()?;
            let value = local.get_item(&key).ok().flatten()?;
            let (at, kind) = value.split_once(' ').map_or((value.as_str(), None), |(at, kind)| (at, DocumentKind::parse(kind)));
            Some((doc, at.parse::<f64>().ok()?, kind))
        })
        .collect()
}

/// Documents of `kind` deleted within the undo window.
pub fn recently(kind: DocumentKind) -> Vec<DocumentId> {
    let now = js_sys::Date::now();
    marked_with_kind().into_iter().filter(|(_, at, k)| now - at < UNDO_MS && *k == Some(kind)).map(|(doc, ..)| doc).collect()
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
