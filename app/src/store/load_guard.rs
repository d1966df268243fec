//! Surviving a document whose bytes make Automerge panic.
//!
//! Automerge 0.12 panics on some crafted bytes (the fuzzer found two: a
//! bundle chunk, screened out in `confidant_shared::storage::screen`, and a
//! document chunk with a valid checksum, which cannot be told apart before
//! loading). A partner could send such bytes, or an import file carry them.
//! In the browser a panic stops the app, and it would stop again each time
//! the document is read. So each load is bracketed by a marker in this tab's
//! session storage (kept across a reload, not shared with other tabs): if
//! the app finds the marker when it starts, the last load crashed, and that
//! document's records are set aside in quarantine (never deleted), its
//! sharing paused, and the user told.

use confidant_shared::document::DocumentId;

use super::database::{Store, StoreError};

const KEY: &str = "confidant-loading";

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Run `load` (which hands `doc`'s bytes to Automerge) under the marker.
pub fn guarded<T>(doc: DocumentId, load: impl FnOnce() -> T) -> T {
    let session = session();
    if let Some(session) = &session {
        let _ = session.set_item(KEY, &doc.to_string());
    }
    let out = load();
    if let Some(session) = &session {
        let _ = session.remove_item(KEY);
    }
    out
}

thread_local! {
    static SET_ASIDE: std::cell::Cell<Option<DocumentId>> = const { std::cell::Cell::new(None) };
}

/// The document set aside when this page started, if a load had crashed.
pub fn set_aside() -> Option<DocumentId> {
    SET_ASIDE.with(|s| s.get())
}

/// On start: if the last load in this tab crashed, set its document aside.
pub(super) async fn recover(store: &Store) -> Result<(), StoreError> {
    let Some(session) = session() else { return Ok(()) };
    let Some(doc) = session.get_item(KEY).ok().flatten().and_then(|id| id.parse::<DocumentId>().ok()) else { return Ok(()) };
    let records = store.read_records(doc).await?;
    store.quarantine(&records).await?;
    // Its sharing stops too: the relay would deliver the same bytes again.
    if let Some(mut share) = store.shares().await?.into_iter().find(|s| s.local() == Some(doc)) {
        share.set_aside = true;
        store.put_share(&share).await?;
    }
    let _ = session.remove_item(KEY);
    SET_ASIDE.with(|s| s.set(Some(doc)));
    Ok(())
}
