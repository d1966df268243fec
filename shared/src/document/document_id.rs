//! Document ids: 16 random bytes, written as 32 lowercase hex digits.

use std::fmt;
use std::str::FromStr;

/// The id of one document, the same on every device that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId([u8; 16]);

/// A string that is not a document id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad document id {0:?}: expected 32 hex digits")]
pub struct BadDocumentId(pub String);

impl DocumentId {
    /// An id from random bytes; the caller supplies the randomness.
    pub const fn from_random(bytes: [u8; 16]) -> Self {
        DocumentId(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl FromStr for DocumentId {
    type Err = BadDocumentId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadDocumentId(s.to_owned());
        if s.len() != 32 || !s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return Err(bad());
        }
        let mut bytes = [0u8; 16];
        hex::decode_to_slice(s, &mut bytes).map_err(|_| bad())?;
        Ok(DocumentId(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text_and_rejects_garbage() {
        let id = DocumentId::from_random([0xab; 16]);
        assert_eq!(id.to_string(), "ab".repeat(16));
        assert_eq!(id.to_string().parse::<DocumentId>(), Ok(id));
        for bad in ["", "abc", &"AB".repeat(16), &"zz".repeat(16), &"ab".repeat(17)] {
            assert!(bad.parse::<DocumentId>().is_err(), "{bad}");
        }
    }
}
