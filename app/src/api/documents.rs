//! Making, opening and listing documents, and moving them in and out of the
//! device: every answer is the value or one sentence for the person.

use confidant_shared::document::{DocumentId, DocumentKind, Schema};
use confidant_shared::export::ExportBundle;

use crate::store::{announce_saved, app_store, DocumentSummary, OpenDocument, ShareRecord, StoreError};

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

/// Everything on this device, as the export file holds it; with the keys
/// of shared documents if asked.
pub async fn export_all(with_keys: bool) -> Result<ExportBundle, String> {
    let store = app_store().await.map_err(|e| e.for_user())?;
    store.export_all(with_keys).await.map_err(|e| e.for_user())
}

/// What an import brought in.
pub struct Imported {
    pub documents: usize,
    /// Shared documents followed again (their keys were in the file).
    pub reconnected: usize,
    /// The device follows the person's keyring again: linked to their
    /// other devices.
    pub relinked: bool,
}

/// Bring in an export file's documents, nothing here replaced, and follow
/// again the shared ones whose keys it carries (through the sync engine
/// when it runs, else from the next start).
///
/// `relink`: the person opened a protected file and said it is their own,
/// so a keyring in it links this device to their others (when this one is
/// not linked yet). Never otherwise: following someone else's keyring
/// would hand them every key on this device.
pub async fn import(bundle: &ExportBundle, relink: bool, engine: Option<&crate::sync::SyncEngine>) -> Result<Imported, String> {
    let store = app_store().await.map_err(|e| e.for_user())?;
    let documents = store.import(bundle).await.map_err(|e| e.for_user())?;
    let records: Vec<ShareRecord> = bundle
        .checked_shares()
        .into_iter()
        // Former sync ids from a file are not trusted: they would let it
        // answer for other documents' links.
        .filter_map(|(share, invite)| Some(ShareRecord::new(share.local_id.parse().ok()?, &invite)))
        .collect();
    let keyring = bundle.checked_keyring(relink).map(|invite| ShareRecord::new(DocumentId::from_random(*invite.keys.id().as_bytes()), &invite));
    let (reconnected, relinked) = match engine {
        Some(engine) => engine.restore(records, keyring).await?,
        None => {
            let here = store.shares().await.map_err(|e| e.for_user())?;
            let mut added = 0;
            let taken = |r: &ShareRecord| here.iter().any(|h| h.local_id == r.local_id || r.sync_id().is_some_and(|id| h.answers_to(&id)));
            for record in records.iter().filter(|r| !taken(r)) {
                store.put_share(record).await.map_err(|e| e.for_user())?;
                added += 1;
            }
            // Followed from the next start, unless this device has a keyring.
            let relinked = match keyring {
                Some(keyring) if !here.iter().any(|h| h.kind == DocumentKind::Keyring && !h.retired) => {
                    store.put_share(&keyring).await.map_err(|e| e.for_user())?;
                    true
                }
                _ => false,
            };
            (added, relinked)
        }
    };
    Ok(Imported { documents, reconnected, relinked })
}
