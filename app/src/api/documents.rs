//! Making, opening and listing documents, and moving them in and out of the
//! device: every answer is the value or one sentence for the person.

use confidant_shared::document::{DocumentId, DocumentKind, Schema};
use confidant_shared::export::ExportBundle;

use crate::store::{announce_saved, app_store, DocumentSummary, OpenDocument, StoreError};

/// Make a document holding `value`, save it, and tell the other tabs.
pub async fn create_document<T: Schema>(value: &T) -> Result<OpenDocument, String> {
    let store = app_store().await.map_err(|e| e.for_user())?;
    let doc = OpenDocument::create(&store, value).await.map_err(|e| e.for_user())?;
    announce_saved(doc.id());
    Ok(doc)
}

/// Open a document to change it from outside its own page (a milestone
/// added from the partnership page).
pub async fn open_document<T: Schema>(id: DocumentId) -> Result<OpenDocument, StoreError> {
    let store = app_store().await?;
    OpenDocument::open::<T>(&store, id).await.map(|(doc, _, _)| doc)
}

/// The document index's lines for one kind (title and date; no document is
/// opened), newest first.
pub async fn summaries(kind: DocumentKind) -> Result<Vec<DocumentSummary>, String> {
    let store = app_store().await.map_err(|e| e.for_user())?;
    store.list(Some(kind)).await.map_err(|e| e.for_user())
}

/// Everything on this device, as the export file holds it.
pub async fn export_all() -> Result<ExportBundle, String> {
    let store = app_store().await.map_err(|e| e.for_user())?;
    store.export_all().await.map_err(|e| e.for_user())
}

/// Bring in an export file's documents; nothing here is replaced. Returns
/// how many came in.
pub async fn import(bundle: &ExportBundle) -> Result<usize, String> {
    let store = app_store().await.map_err(|e| e.for_user())?;
    store.import(bundle).await.map_err(|e| e.for_user())
}
