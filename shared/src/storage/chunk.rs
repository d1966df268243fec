//! Stored records and their keys.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::document::DocumentId;

/// A compacted whole document, or an increment of changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChunkKind {
    Snapshot,
    Increment,
}

/// `<document id>:<s|i>:<hash of the bytes>`; sorts a document's snapshots
/// before its increments.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChunkKey {
    pub doc: DocumentId,
    pub kind: ChunkKind,
    pub hash: String,
}

/// One stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredChunk {
    pub key: ChunkKey,
    pub bytes: Vec<u8>,
}

impl StoredChunk {
    pub fn new(doc: DocumentId, kind: ChunkKind, bytes: Vec<u8>) -> Self {
        let hash = content_hash(&bytes);
        StoredChunk { key: ChunkKey { doc, kind, hash }, bytes }
    }

    /// Whether the bytes are those the key was made from: nothing flipped,
    /// nothing cut off.
    pub fn is_intact(&self) -> bool {
        content_hash(&self.bytes) == self.key.hash
    }
}

/// The first 16 bytes of the SHA-256 of `bytes`, in hex.
fn content_hash(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..16])
}

impl ChunkKey {
    /// The lowest and highest possible keys of a document, for range reads.
    pub fn range_of(doc: DocumentId) -> (String, String) {
        (format!("{doc}:"), format!("{doc}:~"))
    }
}

impl fmt::Display for ChunkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ChunkKind::Snapshot => "s",
            ChunkKind::Increment => "i",
        };
        write!(f, "{}:{}:{}", self.doc, kind, self.hash)
    }
}

/// A string that is not a chunk key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad chunk key {0:?}")]
pub struct BadChunkKey(pub String);

impl FromStr for ChunkKey {
    type Err = BadChunkKey;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadChunkKey(s.to_owned());
        let mut parts = s.splitn(3, ':');
        let doc = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        let kind = match parts.next() {
            Some("s") => ChunkKind::Snapshot,
            Some("i") => ChunkKind::Increment,
            _ => return Err(bad()),
        };
        let hash = parts.next().filter(|h| !h.is_empty()).ok_or_else(bad)?.to_owned();
        Ok(ChunkKey { doc, kind, hash })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_fall_in_their_documents_range() {
        let doc = DocumentId::from_random([7; 16]);
        let chunk = StoredChunk::new(doc, ChunkKind::Increment, vec![1, 2, 3]);
        let text = chunk.key.to_string();
        assert_eq!(text.parse::<ChunkKey>().unwrap(), chunk.key);
        let (low, high) = ChunkKey::range_of(doc);
        assert!(low < text && text < high);
        let other = DocumentId::from_random([8; 16]);
        assert!(StoredChunk::new(other, ChunkKind::Snapshot, vec![1]).key.to_string() > high);
        // Same bytes, same key: writing twice is harmless.
        assert_eq!(StoredChunk::new(doc, ChunkKind::Increment, vec![1, 2, 3]).key, chunk.key);
    }
}
