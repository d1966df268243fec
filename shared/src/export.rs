//! Export and import of everything a user owns, as one JSON file.
//!
//! The file carries each document's stored records (the Automerge binaries,
//! base64) so an import reproduces the documents exactly, history included,
//! and beside them a readable JSON rendering of each document's content, so
//! the file is useful to a person (or another program) without Confidant.

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::document::{DocumentId, DocumentKind};
use crate::storage::{ChunkKey, StoredChunk};

/// Identifies the file's format; bumped if the layout changes.
pub const FORMAT: &str = "confidant-export/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportBundle {
    pub format: String,
    /// Milliseconds since the Unix epoch when the export was made.
    pub exported_ms: f64,
    pub documents: Vec<ExportedDocument>,
    /// The keys of shared documents (each a share record's invite), so a
    /// restore reconnects to partners and linked devices. Absent from
    /// exports without keys and from older files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shares: Vec<ExportedShare>,
    /// The keyring the person's devices follow (its invite), in an export
    /// with keys: a restore links the new device to the others again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyring: Option<String>,
}

/// One shared document's keys, as this device held them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedShare {
    /// The document it belongs to (an id in `documents`).
    pub local_id: String,
    pub kind: DocumentKind,
    /// This device's invite: its role's keys and member key.
    pub invite: String,
    /// Sync ids the document had before its keys moved (written for the
    /// record; an import does not trust them).
    #[serde(default)]
    pub moved_from: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedDocument {
    pub id: String,
    pub kind: DocumentKind,
    pub title: String,
    /// The date the document is about, if it has one (journal entries).
    #[serde(default)]
    pub date: Option<String>,
    /// The document's content, readable.
    pub content: serde_json::Value,
    /// The stored records, to restore the document exactly.
    pub records: Vec<ExportedRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedRecord {
    pub key: String,
    pub base64: String,
}

/// Why a file cannot be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("this is not a Confidant export file: {0}")]
    NotAnExport(String),
    #[error("this export was made by a newer Confidant ({0}); update the app to import it")]
    NewerFormat(String),
    #[error("the file is damaged: {0}")]
    Damaged(String),
}

impl ExportedDocument {
    /// Describe one document for export.
    pub fn new(id: DocumentId, kind: DocumentKind, title: String, records: &[StoredChunk]) -> Self {
        let mut doc = automerge::AutoCommit::new();
        for record in records {
            let _ = doc.load_incremental(&record.bytes);
        }
        let content = serde_json::to_value(automerge::AutoSerde::from(&doc)).unwrap_or(serde_json::Value::Null);
        let records = records
            .iter()
            .map(|r| ExportedRecord {
                key: r.key.to_string(),
                base64: base64::engine::general_purpose::STANDARD.encode(&r.bytes),
            })
            .collect();
        ExportedDocument { id: id.to_string(), kind, title, date: None, content, records }
    }

    /// The records to store, each checked against its key.
    pub fn stored_records(&self) -> Result<(DocumentId, Vec<StoredChunk>), ImportError> {
        let id: DocumentId = self.id.parse().map_err(|e| ImportError::Damaged(format!("{e}")))?;
        let mut records = Vec::with_capacity(self.records.len());
        for record in &self.records {
            let key: ChunkKey = record.key.parse().map_err(|e| ImportError::Damaged(format!("{e}")))?;
            if key.doc != id {
                return Err(ImportError::Damaged(format!("record {} is filed under document {id}", record.key)));
            }
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&record.base64)
                .map_err(|e| ImportError::Damaged(format!("record {}: {e}", record.key)))?;
            let chunk = StoredChunk { key, bytes };
            if !chunk.is_intact() {
                return Err(ImportError::Damaged(format!("record {} does not match its hash", record.key)));
            }
            records.push(chunk);
        }
        Ok((id, records))
    }
}

impl ExportBundle {
    pub fn new(exported_ms: f64, documents: Vec<ExportedDocument>) -> Self {
        ExportBundle { format: FORMAT.to_owned(), exported_ms, documents, shares: Vec::new(), keyring: None }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an export serializes")
    }

    /// The shares whose invite reads as one of a document of the file, of
    /// that document's kind (checked like any invite: a hostile file gets
    /// nothing in). Never a keyring: that comes only through
    /// [`ExportBundle::checked_keyring`], when the person asks for it.
    pub fn checked_shares(&self) -> Vec<(&ExportedShare, crate::sync::Invite)> {
        self.shares
            .iter()
            .filter(|s| s.kind != DocumentKind::Keyring && self.documents.iter().any(|d| d.id == s.local_id && d.kind == s.kind))
            .filter_map(|s| {
                let invite = crate::sync::Invite::parse_for(&s.invite, crate::sync::InvitePlace::KeyringEntry).ok()?;
                (invite.kind == s.kind).then_some((s, invite))
            })
            .collect()
    }

    /// The keyring to follow after a restore, read as a device link is.
    /// Following a keyring sends every key on this device to whoever holds
    /// it, so only when `asked`: the person opened a file sealed under a
    /// passphrase and said it is their own (the app never passes `true` for
    /// a plain file, which anyone can write).
    pub fn checked_keyring(&self, asked: bool) -> Option<crate::sync::Invite> {
        if !asked {
            return None;
        }
        crate::sync::Invite::parse_for(self.keyring.as_deref()?, crate::sync::InvitePlace::DeviceLink).ok()
    }

    /// Read an export file, refusing anything that is not one.
    pub fn from_json(text: &str) -> Result<Self, ImportError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ImportError::NotAnExport(e.to_string()))?;
        let format = value.get("format").and_then(|f| f.as_str()).unwrap_or_default().to_owned();
        if format != FORMAT {
            return Err(if format.starts_with("confidant-export/") {
                ImportError::NewerFormat(format)
            } else {
                ImportError::NotAnExport("no confidant-export format marker".into())
            });
        }
        serde_json::from_value(value).map_err(|e| ImportError::Damaged(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goal_plan::GoalPlan;
    use crate::storage::StoredDocument;

    #[test]
    fn shares_come_back_only_for_documents_of_the_file_and_of_their_own_kind() {
        use crate::sync::{DocumentKeys, Invite, MemberKeys, Role};
        let invite = |kind| {
            let keys = DocumentKeys::create([5; 32]);
            Invite { kind, member: MemberKeys::issue(&keys, Role::Owner, [6; 32]).unwrap(), keys }.fragment()
        };
        let plan = DocumentId::from_random([1; 16]);
        let keyring = DocumentId::from_random([2; 16]);
        let doc = |id: DocumentId, kind| ExportedDocument { id: id.to_string(), kind, title: String::new(), date: None, content: serde_json::Value::Null, records: vec![] };
        let share = |id: DocumentId, kind, invite| ExportedShare { local_id: id.to_string(), kind, invite, moved_from: vec![] };
        let mut bundle = ExportBundle::new(0.0, vec![doc(plan, DocumentKind::GoalPlan), doc(keyring, DocumentKind::Keyring)]);
        bundle.shares = vec![
            share(plan, DocumentKind::GoalPlan, invite(DocumentKind::GoalPlan)),
            share(keyring, DocumentKind::Keyring, invite(DocumentKind::Keyring)),
            // Not a document of the file; a kind that is not the document's; not an invite.
            share(DocumentId::from_random([3; 16]), DocumentKind::GoalPlan, invite(DocumentKind::GoalPlan)),
            share(plan, DocumentKind::GoalPlan, invite(DocumentKind::Partnership)),
            share(plan, DocumentKind::GoalPlan, "goal_plan.2.garbage".into()),
        ];
        let back = ExportBundle::from_json(&bundle.to_json()).unwrap();
        let kept: Vec<DocumentKind> = back.checked_shares().into_iter().map(|(s, _)| s.kind).collect();
        assert_eq!(kept, [DocumentKind::GoalPlan], "never a keyring from a file");
    }

    #[test]
    fn the_keyring_comes_back_only_from_a_sealed_file_and_only_as_a_keyring() {
        use crate::sync::{DocumentKeys, Invite, MemberKeys, Role};
        let invite = |kind| {
            let keys = DocumentKeys::create([7; 32]);
            Invite { kind, member: MemberKeys::issue(&keys, Role::Owner, [8; 32]).unwrap(), keys }.fragment()
        };
        let mut bundle = ExportBundle::new(0.0, vec![]);
        assert!(bundle.checked_keyring(true).is_none(), "no keyring, none followed");
        bundle.keyring = Some(invite(DocumentKind::Keyring));
        let back = ExportBundle::from_json(&bundle.to_json()).unwrap();
        assert_eq!(back.checked_keyring(true).map(|i| i.kind), Some(DocumentKind::Keyring));
        assert!(back.checked_keyring(false).is_none(), "a plain file anyone could write links nothing");
        bundle.keyring = Some(invite(DocumentKind::GoalPlan));
        assert!(bundle.checked_keyring(true).is_none(), "a goal plan's keys are no keyring");
        bundle.keyring = Some("keyring.2.garbage".into());
        assert!(bundle.checked_keyring(true).is_none());
    }

    #[test]
    fn an_export_round_trips_and_reads_as_json() {
        let id = DocumentId::from_random([3; 16]);
        let mut doc = automerge::AutoCommit::new();
        let mut plan = GoalPlan::new("Tenure track", "ana");
        plan.add_goal("g1", "Grant", "funding");
        autosurgeon::reconcile(&mut doc, &plan).unwrap();
        let mut stored = StoredDocument::create(id, doc, automerge::ActorId::from(vec![1]));
        let pending = stored.pending_save().unwrap();
        let records = vec![pending.chunk.clone()];

        let bundle = ExportBundle::new(0.0, vec![ExportedDocument::new(id, DocumentKind::GoalPlan, "Tenure track".into(), &records)]);
        let text = bundle.to_json();
        assert!(text.contains("\"Tenure track\""), "content is readable");
        assert!(text.contains("funding"));
        let back = ExportBundle::from_json(&text).unwrap();
        let (back_id, back_records) = back.documents[0].stored_records().unwrap();
        assert_eq!(back_id, id);
        assert_eq!(back_records, records);
    }

    #[test]
    fn damaged_or_foreign_files_are_refused_with_a_reason() {
        assert!(matches!(ExportBundle::from_json("{}"), Err(ImportError::NotAnExport(_))));
        assert!(matches!(ExportBundle::from_json("not json"), Err(ImportError::NotAnExport(_))));
        assert!(matches!(
            ExportBundle::from_json(r#"{"format":"confidant-export/9"}"#),
            Err(ImportError::NewerFormat(_))
        ));
        let id = DocumentId::from_random([4; 16]);
        let chunk = StoredChunk::new(id, crate::storage::ChunkKind::Snapshot, vec![1, 2, 3]);
        let mut doc = ExportedDocument::new(id, DocumentKind::Journal, "j".into(), &[chunk]);
        doc.records[0].base64 = base64::engine::general_purpose::STANDARD.encode([1, 2, 4]);
        assert!(matches!(doc.stored_records(), Err(ImportError::Damaged(_))));
    }
}
