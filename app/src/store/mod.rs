//! The document store: Automerge documents in IndexedDB.
//!
//! The rules (what to write, what a compaction replaces, which records are
//! damaged) live in `confidant_shared::storage`; this module does the IO.
//!
//! Object stores in the `confidant` database:
//! - `chunks`: every stored record, keyed `<doc>:<s|i>:<hash>`, the value the
//!   record's bytes as a `Uint8Array`;
//! - `quarantine`: damaged records set aside, same keys, never deleted by the app;
//! - `documents`: the document list (kind, title, last change) as JSON, keyed
//!   by document id, so listing needs no document to be loaded;
//! - `shares`: one record per shared document (its keys, sync cursor and
//!   what the relay already has), keyed by local document id;
//! - `outbox`: sealed changes and letters the relay has not acknowledged yet;
//! - `device`: this device's own identity (its inbox key), which never leaves
//!   it, and beside it small things the workshop flows keep (see `kept`).
//!
//! Beside the database, `localStorage` holds a write-ahead copy of edits not
//! yet saved (see `write_ahead`), so a browser quit cannot lose them.

mod database;
mod device;
mod document_index;
mod export;
pub mod kept;
pub mod deletion;
pub mod load_guard;
mod open_document;
mod shares;
mod tab_channel;
mod write_ahead;

pub use database::{Store, StoreError};
pub use device::DeviceRecord;
pub use document_index::{summary_of, DocumentSummary};
pub use open_document::{open_all, OpenDocument, OpenNotice};
pub use shares::{MemberRecord, ShareRecord};
pub use tab_channel::{announce_saved, saves_counter, SavedElsewhere};

use std::cell::RefCell;

/// The name of the app's database.
pub const DATABASE: &str = "confidant";

type Opening = futures::future::Shared<futures::future::LocalBoxFuture<'static, Result<Store, StoreError>>>;

thread_local! {
    static APP_STORE: RefCell<Option<Store>> = const { RefCell::new(None) };
    /// The first opening, which every caller during start-up waits on: the
    /// recovery and the replay below run once, not once per page asking.
    static OPENING: RefCell<Option<Opening>> = const { RefCell::new(None) };
}

/// The app's store, opened on first use and shared by every page.
pub async fn app_store() -> Result<Store, StoreError> {
    use futures::FutureExt;
    if let Some(store) = APP_STORE.with(|s| s.borrow().clone()) {
        return Ok(store);
    }
    let opening = OPENING.with(|o| {
        o.borrow_mut()
            .get_or_insert_with(|| {
                async {
                    let store = Store::open(DATABASE).await?;
                    // Before anything reads a document: did the last load in this tab crash?
                    load_guard::recover(&store).await?;
                    // What was typed just before the browser last quit.
                    write_ahead::replay(&store).await;
                    // Entries deleted before the tab closed, past their undo window.
                    deletion::purge_due(&store).await;
                    Ok(store)
                }
                .boxed_local()
                .shared()
            })
            .clone()
    });
    let opened = opening.await;
    match &opened {
        Ok(store) => APP_STORE.with(|s| *s.borrow_mut() = Some(store.clone())),
        // A failed opening may be tried again (the person freed some space).
        Err(_) => OPENING.with(|o| *o.borrow_mut() = None),
    }
    opened
}

/// Random bytes from the browser's CSPRNG. Fails closed: without it there
/// are no keys, nonces or ids, never zeros in their place.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|_| StoreError::NoRandomness)?;
    Ok(bytes)
}

/// A random id for an item in a document (a goal, a meeting), as hex.
pub fn random_id() -> Result<String, StoreError> {
    Ok(hex::encode(random_bytes::<8>()?))
}
