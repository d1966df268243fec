//! Sync ids: how the relay names a shared document or an inbox.
//!
//! A sync id is not a local document id: an accepted document keeps its
//! local id on every device while its sync id changes each time its keys are
//! replaced. Both are 16 bytes, so they get separate types.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The relay's name for one shared document (under one set of keys) or one
/// inbox. Derived from public keys, so it certifies itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SyncId([u8; 16]);

/// A string that is not a sync id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad sync id {0:?}: expected 32 hex digits")]
pub struct BadSyncId(pub String);

impl SyncId {
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        SyncId(bytes)
    }

    /// The first 16 bytes of a key-derivation output.
    pub(crate) fn from_hash(hash: &[u8; 32]) -> Self {
        let mut id = [0u8; 16];
        id.copy_from_slice(&hash[..16]);
        SyncId(id)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for SyncId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl FromStr for SyncId {
    type Err = BadSyncId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut bytes = [0u8; 16];
        if s.len() != 32 || s.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(BadSyncId(s.to_owned()));
        }
        hex::decode_to_slice(s, &mut bytes).map_err(|_| BadSyncId(s.to_owned()))?;
        Ok(SyncId(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text_and_rejects_garbage() {
        let id = SyncId::from_bytes([0x5c; 16]);
        assert_eq!(id.to_string().parse::<SyncId>(), Ok(id));
        for bad in ["", "5c", &"5C".repeat(16), &"zz".repeat(16)] {
            assert!(bad.parse::<SyncId>().is_err(), "{bad}");
        }
    }
}
