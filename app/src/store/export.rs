//! Export everything stored on this device to one file, and import it back.

use confidant_shared::export::{ExportBundle, ExportedDocument, ExportedShare};

use super::database::{Store, StoreError};
use super::document_index::DocumentSummary;

impl Store {
    /// Every document on this device, records and readable content, and
    /// with `with_keys` the keys of every document it shares and of the
    /// keyring its linked devices follow (so a restore reconnects to
    /// partners and devices), closed and set-aside ones left out.
    pub async fn export_all(&self, with_keys: bool) -> Result<ExportBundle, StoreError> {
        let mut documents = Vec::new();
        // Never the keyring's content: it holds the keys of everything this
        // device follows, and a restored device reads it from the relay.
        for summary in self.list(None).await?.into_iter().filter(|s| s.kind != confidant_shared::document::DocumentKind::Keyring) {
            let Ok(id) = summary.id.parse() else { continue };
            let records = self.read_records(id).await?;
            let mut document = ExportedDocument::new(id, summary.kind, summary.title, &records);
            document.date = summary.date;
            documents.push(document);
        }
        let mut bundle = ExportBundle::new(js_sys::Date::now(), documents);
        if with_keys {
            bundle.shares = self
                .shares()
                .await?
                .into_iter()
                .filter(|s| !s.retired && !s.set_aside && bundle.documents.iter().any(|d| d.id == s.local_id))
                .map(|s| ExportedShare { local_id: s.local_id, kind: s.kind, invite: s.invite, moved_from: s.moved_from })
                .collect();
            let shares = self.shares().await?;
            bundle.keyring = shares.into_iter().find(|s| s.kind == confidant_shared::document::DocumentKind::Keyring && !s.retired).map(|s| s.invite);
        }
        Ok(bundle)
    }

    /// Add every document of an export to this device. Records already here
    /// are written again harmlessly (same bytes, same key), so importing twice
    /// or into a browser that has some of the documents merges, never replaces.
    /// Returns how many documents the file held.
    pub async fn import(&self, bundle: &ExportBundle) -> Result<usize, StoreError> {
        // Check the whole file before writing anything.
        let mut checked = Vec::with_capacity(bundle.documents.len());
        for document in &bundle.documents {
            let (id, records) = document.stored_records().map_err(|e| StoreError::Document(e.to_string()))?;
            checked.push((document, id, records));
        }
        for (document, id, records) in &checked {
            self.write_records(records).await?;
            self.put_summary(&DocumentSummary {
                id: id.to_string(),
                kind: document.kind,
                title: document.title.clone(),
                date: document.date.clone(),
                updated_ms: bundle.exported_ms,
                // Lists open imported documents rather than trust a line.
                line: None,
            })
            .await?;
        }
        Ok(checked.len())
    }
}
