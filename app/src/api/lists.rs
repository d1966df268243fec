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

use crate::store::{app_store, OpenDocument, Store, StoreError};

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
    // When each document last changed, as the index says: the cache's key.
    let mut updated: HashMap<DocumentId, f64> = HashMap::with_capacity(summaries.len());
    let mut found: Vec<(DocumentId, Option<T>)> = Vec::with_capacity(summaries.len());
    for summary in summaries {
        let Ok(id) = summary.id.parse::<DocumentId>() else { continue };
        updated.insert(id, summary.updated_ms);
        let cached = CACHE.with(|c| {
            c.borrow()
                .get(&(T::KIND, id))
                .filter(|cached| cached.updated_ms == summary.updated_ms)
                .and_then(|cached| cached.value.downcast_ref::<T>().cloned())
        });
        found.push((id, cached));
    }
    // What changed (or was never read) is opened, read in one transaction.
    let fresh = open_missing(&store, found, |id, value: &T| {
        let updated_ms = updated.get(&id).copied().unwrap_or_default();
        CACHE.with(|c| c.borrow_mut().insert((T::KIND, id), Cached { updated_ms, value: Rc::new(value.clone()) }));
    })
    .await?;
    // Forget documents that left this device.
    CACHE.with(|c| c.borrow_mut().retain(|(kind, id), _| *kind != T::KIND || updated.contains_key(id)));
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
    let mut updated: HashMap<DocumentId, f64> = HashMap::new();
    for summary in &summaries {
        let Ok(id) = summary.id.parse::<DocumentId>() else { continue };
        let line = summary.line.as_ref().and_then(T::from_index);
        if line.is_none() {
            updated.insert(id, summary.updated_ms);
        }
        found.push((id, line));
    }
    let missing: Vec<DocumentId> = found.iter().filter(|(_, line)| line.is_none()).map(|(id, _)| *id).collect();
    if missing.is_empty() {
        return Ok(found.into_iter().filter_map(|(id, line)| Some((id, line?))).collect());
    }
    // Opening a document needs Automerge, which the first download leaves
    // out: Home draws from the lines alone, and this rarer path fetches it.
    let opened = lines_by_opening(T::KIND, missing).await.map_err(|LinesModuleMissing| {
        StoreError::Document("part of the app could not be downloaded; check your connection and try again, or reload if Confidant was just updated".into())
    })?;
    let mut opened: HashMap<DocumentId, serde_json::Value> = opened.await?.into_iter().collect();
    let mut all = Vec::with_capacity(found.len());
    for (id, line) in found {
        let line = match line {
            Some(line) => line,
            // Left out: it did not open (its own page says why).
            None => match opened.remove(&id) {
                Some(json) => {
                    let Some(line) = T::from_index(&json) else { continue };
                    // Opened once: the entry gets its line, so the next list
                    // reads it from the index (an older version's entry would
                    // otherwise be opened on every visit until the document is
                    // next edited). Best effort: the list is already whole.
                    let _ = store.fill_line(id, updated.get(&id).copied().unwrap_or_default(), json).await;
                    line
                }
                None => continue,
            },
        };
        all.push((id, line));
    }
    Ok(all)
}

/// The module that opens documents for [`lines_of`] did not arrive.
pub struct LinesModuleMissing;

#[cfg(confidant_split)]
impl From<leptos::wasm_split::SplitLoaderError> for LinesModuleMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        LinesModuleMissing
    }
}

type OpenedLines = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<(DocumentId, serde_json::Value)>, StoreError>>>>;

/// The lines of `ids` (all of `kind`), read by opening each document. A
/// split point of the release build (see `app/src/page_modules.rs`), so
/// that Automerge is not part of the first download.
#[cfg(confidant_split)]
#[leptos::wasm_split::wasm_split(document_lines, wasm_split_path = ::leptos::wasm_split, fallible)]
fn lines_by_opening(kind: DocumentKind, ids: Vec<DocumentId>) -> Result<OpenedLines, LinesModuleMissing> {
    Ok(opened_lines(kind, ids))
}

#[cfg(not(confidant_split))]
async fn lines_by_opening(kind: DocumentKind, ids: Vec<DocumentId>) -> Result<OpenedLines, LinesModuleMissing> {
    Ok(opened_lines(kind, ids))
}

fn opened_lines(kind: DocumentKind, ids: Vec<DocumentId>) -> OpenedLines {
    use confidant_shared::{goal_plan::GoalPlan, group::Group, partnership::Partnership, profile::Profile, program::page::ProgramPage};
    async fn of<T: Listed>(ids: Vec<DocumentId>) -> Result<Vec<(DocumentId, serde_json::Value)>, StoreError> {
        let store = app_store().await?;
        let found = ids.into_iter().map(|id| (id, None::<T>)).collect();
        let opened = open_missing(&store, found, |_, _| {}).await?;
        Ok(opened.into_iter().filter_map(|(id, value)| Some((id, serde_json::to_value(value.line()).ok()?))).collect())
    }
    match kind {
        DocumentKind::Partnership => Box::pin(of::<Partnership>(ids)),
        DocumentKind::GoalPlan => Box::pin(of::<GoalPlan>(ids)),
        DocumentKind::Group => Box::pin(of::<Group>(ids)),
        DocumentKind::Profile => Box::pin(of::<Profile>(ids)),
        DocumentKind::ProgramPage => Box::pin(of::<ProgramPage>(ids)),
        // Kinds no list reads by line. Named one by one: a kind that becomes
        // `Listed` must be added above, or its documents without a line
        // would drop out of their list.
        DocumentKind::Journal | DocumentKind::Program | DocumentKind::Workshop | DocumentKind::Keyring | DocumentKind::Receipt => Box::pin(async { Ok(Vec::new()) }),
    }
}

/// Fill in the values `found` lacks by opening those documents, their
/// records read in one transaction; `opened` sees each one opened. A
/// document that fails to open is left out (its own page says why).
async fn open_missing<T: Schema>(store: &Store, found: Vec<(DocumentId, Option<T>)>, mut opened: impl FnMut(DocumentId, &T)) -> Result<Vec<(DocumentId, T)>, StoreError> {
    let missing: Vec<DocumentId> = found.iter().filter(|(_, v)| v.is_none()).map(|(id, _)| *id).collect();
    let mut records = store.read_records_of(&missing).await?.into_iter();
    let mut all = Vec::with_capacity(found.len());
    for (id, value) in found {
        let value = match value {
            Some(value) => value,
            None => {
                OPENED.with(|n| n.set(n.get() + 1));
                let records = records.next().unwrap_or_default();
                let Ok((_, value, _)) = OpenDocument::open_records::<T>(store, id, records).await else { continue };
                opened(id, &value);
                value
            }
        };
        all.push((id, value));
    }
    Ok(all)
}
