//! Document keys and the self-certifying document id.

use base64::Engine;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

use crate::document::DocumentId;

/// The keys of one shared document. Whoever holds them can read and write it.
#[derive(Clone)]
pub struct DocumentKeys {
    symmetric: [u8; 32],
    signing: SigningKey,
}

/// An invite fragment that does not hold document keys.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this invite link is incomplete or damaged; ask your partner to send it again")]
pub struct BadInvite;

impl std::fmt::Debug for DocumentKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material, not even in a debug log.
        write!(f, "DocumentKeys({})", self.id())
    }
}

impl DocumentKeys {
    /// Keys from 64 random bytes; the caller supplies the randomness.
    pub fn from_random(symmetric: [u8; 32], signing_seed: [u8; 32]) -> Self {
        DocumentKeys { symmetric, signing: SigningKey::from_bytes(&signing_seed) }
    }

    /// The document's id: the first 16 bytes of the BLAKE3 hash of its
    /// verifying key.
    pub fn id(&self) -> DocumentId {
        id_for(&self.verifying_key())
    }

    pub fn verifying_key(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    pub(crate) fn symmetric(&self) -> &[u8; 32] {
        &self.symmetric
    }

    /// Sign `message` with the document's signing key.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    /// The keys as an invite fragment (URL-safe base64, 86 characters). Put
    /// it after `#` in a link: browsers never send the fragment to a server.
    pub fn to_fragment(&self) -> String {
        let mut bytes = [0u8; 64];
        bytes[..32].copy_from_slice(&self.symmetric);
        bytes[32..].copy_from_slice(&self.signing.to_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Keys from an invite fragment (with or without the leading `#`).
    pub fn from_fragment(fragment: &str) -> Result<Self, BadInvite> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(fragment.trim_start_matches('#'))
            .map_err(|_| BadInvite)?;
        let bytes: [u8; 64] = bytes.try_into().map_err(|_| BadInvite)?;
        let mut symmetric = [0u8; 32];
        let mut seed = [0u8; 32];
        symmetric.copy_from_slice(&bytes[..32]);
        seed.copy_from_slice(&bytes[32..]);
        Ok(DocumentKeys::from_random(symmetric, seed))
    }
}

/// The id of the document whose verifying key this is.
pub fn id_for(verifying_key: &[u8; 32]) -> DocumentId {
    let hash = blake3::hash(verifying_key);
    let mut id = [0u8; 16];
    id.copy_from_slice(&hash.as_bytes()[..16]);
    DocumentId::from_random(id)
}

/// The relay id of the sealed inbox whose verifying key this is: a separate
/// hash domain, so no inbox id is ever a document id.
pub fn inbox_id_for(verifying_key: &[u8; 32]) -> DocumentId {
    let hash = blake3::derive_key("confidant 2026 inbox id v1", verifying_key);
    let mut id = [0u8; 16];
    id.copy_from_slice(&hash[..16]);
    DocumentId::from_random(id)
}

/// Check a signature made with a document's signing key.
pub fn verify(verifying_key: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(verifying_key) else { return false };
    let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else { return false };
    key.verify_strict(message, &signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_derived_from_the_verifying_key() {
        let keys = DocumentKeys::from_random([1; 32], [2; 32]);
        assert_eq!(keys.id(), id_for(&keys.verifying_key()));
        let other = DocumentKeys::from_random([1; 32], [3; 32]);
        assert_ne!(keys.id(), other.id(), "another signing key, another document");
    }

    #[test]
    fn invites_round_trip_and_damaged_ones_are_refused() {
        let keys = DocumentKeys::from_random([7; 32], [9; 32]);
        let fragment = keys.to_fragment();
        assert_eq!(fragment.len(), 86);
        let back = DocumentKeys::from_fragment(&format!("#{fragment}")).unwrap();
        assert_eq!(back.id(), keys.id());
        assert_eq!(back.symmetric(), keys.symmetric());
        for bad in ["", "#", &fragment[..40], &format!("{fragment}AA"), "not base64 at all!"] {
            assert_eq!(DocumentKeys::from_fragment(bad).unwrap_err(), BadInvite, "{bad}");
        }
        assert!(!format!("{keys:?}").contains(&fragment), "debug output holds no key");
    }

    #[test]
    fn signatures_verify_only_for_their_key_and_message() {
        let keys = DocumentKeys::from_random([1; 32], [2; 32]);
        let signature = keys.sign(b"hello");
        assert!(verify(&keys.verifying_key(), b"hello", &signature));
        assert!(!verify(&keys.verifying_key(), b"hellO", &signature));
        let other = DocumentKeys::from_random([1; 32], [5; 32]);
        assert!(!verify(&other.verifying_key(), b"hello", &signature));
        assert!(!verify(&keys.verifying_key(), b"hello", &signature[..63]));
    }
}
