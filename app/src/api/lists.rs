//! Every document of a kind, for pages that summarise them all (Home, the
//! partnership list, the journal).
//!
//! Reading and hydrating hundreds of documents after every save would crawl
//! on a coordinator's dashboard, so values are kept in memory for the tab's
//! life, keyed by document and by the time the document index says it last
//! changed. A refresh reads the index (one small read) and opens only the
//! documents whose entry changed; the rest come from memory.
//!
//! Lists that need only part of each document (Home, the partnership list)
//! use [`lines_of`] instead: the document index keeps that part beside each
//! title, so they open no document at all.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use confidant_shared::document::{DocumentId, DocumentKind, Listed, Schema};

use crate::store::{app_store, OpenDocument, StoreError};

struct Cached {
    updated_ms: f64,
    value: Rc<dyn Any>,
}

thread_local! {
    static CACHE: RefCell<HashMap<(DocumentKind, DocumentId), Cached>> = RefCell::new(HashMap::new());
    static OPENED: Cell<u64> = const { Cell::new(0) };
}

/// How many documents the lists have opened from storage in this tab: what
/// a test reads to see that one edit re-reads one document.
pub fn documents_opened_for_lists() -> u64 {
    OPENED.with(Cell::get)
}

/// Every document of `T`'s kind on this device with its value, in the
/// index's order (newest first). Documents that fail to open are left out
/// here; their own page says what is wrong.
pub async fn documents_of<T: Schema + Clone + 'static>() -> Result<Vec<(DocumentId, T)>, StoreError> {
    let store = app_store().await?;
    let summaries = store.list(Some(T::KIND)).await?;
    let mut present = std::collections::HashSet::new();
    let mut all: Vec<(DocumentId, Option<T>, f64)> = Vec::with_capacity(summaries.len());
    for summary in summaries {
        let Ok(id) = summary.id.parse::<DocumentId>() else { continue };
        present.insert(id);
        let cached = CACHE.with(|c| {
            c.borrow()
                .get(&(T::KIND, id))
                .filter(|cached| cached.updated_ms == summary.updated_ms)
                .and_then(|cached| cached.value.downcast_ref::<T>().cloned())
        });
        all.push((id, cached, summary.updated_ms));
    }
    // What changed (or was never read) is read in one transaction.
    let stale: Vec<DocumentId> = all.iter().filter(|(_, value, _)| value.is_none()).map(|(id, ..)| *id).collect();
    let mut records = store.read_records_of(&stale).await?.into_iter();
    let mut fresh = Vec::with_capacity(all.len());
    for (id, cached, updated_ms) in all {
        let value = match cached {
            Some(value) => value,
            None => {
                OPENED.with(|n| n.set(n.get() + 1));
                let records = records.next().unwrap_or_default();
                let Ok((_, value, _)) = OpenDocument::open_records::<T>(&store, id, records).await else { continue };
                CACHE.with(|c| c.borrow_mut().insert((T::KIND, id), Cached { updated_ms, value: Rc::new(value.clone()) }));
                value
            }
        };
        fresh.push((id, value));
    }
    // Forget documents that left this device.
    CACHE.with(|c| c.borrow_mut().retain(|(kind, id), _| *kind != T::KIND || present.contains(id)));
    Ok(fresh)
}

/// Every document of `T`'s kind as lists see it (Home, the partnership
/// list): from each index entry's line, without opening the document; a
/// document whose entry has no line (an older entry, a replayed edit, an
/// import) is opened instead. The values carry no long texts (see
/// `Listed`): for a list, never for an editor.
pub async fn lines_of<T: Listed + 'static>() -> Result<Vec<(DocumentId, T)>, StoreError> {
    let store = app_store().await?;
    let summaries = store.list(Some(T::KIND)).await?;
    let mut found: Vec<(DocumentId, Option<T>)> = Vec::with_capacity(summaries.len());
    for summary in &summaries {
        let Ok(id) = summary.id.parse::<DocumentId>() else { continue };
        found.push((id, summary.line.as_ref().and_then(T::from_index)));
    }
    let unlined: Vec<DocumentId> = found.iter().filter(|(_, v)| v.is_none()).map(|(id, _)| *id).collect();
    let mut records = store.read_records_of(&unlined).await?.into_iter();
    let mut all = Vec::with_capacity(found.len());
    for (id, value) in found {
        let value = match value {
            Some(value) => value,
            None => {
                OPENED.with(|n| n.set(n.get() + 1));
                let records = records.next().unwrap_or_default();
                let Ok((_, value, _)) = OpenDocument::open_records::<T>(&store, id, records).await else { continue };
                value
            }
        };
        all.push((id, value));
    }
    Ok(all)
}
