//! An encrypted, signed chunk of document changes.
//!
//! Sealing: XChaCha20-Poly1305 with the document's symmetric key and a random
//! 24-byte nonce (supplied by the caller), the document id as associated data;
//! then an Ed25519 signature over id, verifying key, nonce and ciphertext.
//! The relay checks the id against the verifying key and the signature
//! ([`SealedChunk::verify`]) without being able to read anything; a key
//! holder checks the same and decrypts ([`SealedChunk::open`]).

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};

use super::keys::{id_for, verify, DocumentKeys};
use crate::document::DocumentId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedChunk {
    pub doc: [u8; 16],
    pub verifying_key: [u8; 32],
    pub nonce: [u8; 24],
    pub ciphertext: Vec<u8>,
    /// 64 bytes.
    pub signature: Vec<u8>,
}

/// Why a chunk is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    #[error("the chunk's document id does not belong to its key")]
    WrongDocument,
    #[error("the chunk's signature is not valid")]
    BadSignature,
    #[error("the chunk cannot be decrypted with this document's key")]
    CannotDecrypt,
}

impl SealedChunk {
    /// Encrypt and sign `plaintext` (Automerge change bytes).
    pub fn seal(keys: &DocumentKeys, nonce: [u8; 24], plaintext: &[u8]) -> Self {
        let doc = *keys.id().as_bytes();
        let cipher = XChaCha20Poly1305::new(keys.symmetric().into());
        let ciphertext = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: &doc })
            .expect("encryption of an in-memory buffer does not fail");
        let mut chunk = SealedChunk {
            doc,
            verifying_key: keys.verifying_key(),
            nonce,
            ciphertext,
            signature: Vec::new(),
        };
        chunk.signature = keys.sign(&chunk.signed_bytes()).to_vec();
        chunk
    }

    fn signed_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(16 + 32 + 24 + self.ciphertext.len());
        bytes.extend_from_slice(&self.doc);
        bytes.extend_from_slice(&self.verifying_key);
        bytes.extend_from_slice(&self.nonce);
        bytes.extend_from_slice(&self.ciphertext);
        bytes
    }

    pub fn document(&self) -> DocumentId {
        DocumentId::from_random(self.doc)
    }

    /// What the relay checks: the id belongs to the key, and the key signed
    /// this exact chunk.
    pub fn verify(&self) -> Result<(), ChunkError> {
        if id_for(&self.verifying_key) != self.document() {
            return Err(ChunkError::WrongDocument);
        }
        if !verify(&self.verifying_key, &self.signed_bytes(), &self.signature) {
            return Err(ChunkError::BadSignature);
        }
        Ok(())
    }

    /// Verify, then decrypt with the document's keys.
    pub fn open(&self, keys: &DocumentKeys) -> Result<Vec<u8>, ChunkError> {
        self.verify()?;
        if keys.id() != self.document() {
            return Err(ChunkError::WrongDocument);
        }
        let cipher = XChaCha20Poly1305::new(keys.symmetric().into());
        cipher
            .decrypt(XNonce::from_slice(&self.nonce), Payload { msg: &self.ciphertext, aad: &self.doc })
            .map_err(|_| ChunkError::CannotDecrypt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: u8) -> DocumentKeys {
        DocumentKeys::from_random([n; 32], [n + 100; 32])
    }

    #[test]
    fn a_sealed_chunk_opens_with_its_keys_and_hides_its_content() {
        let chunk = SealedChunk::seal(&keys(1), [3; 24], b"Goal: finish my thesis");
        chunk.verify().unwrap();
        assert_eq!(chunk.open(&keys(1)).unwrap(), b"Goal: finish my thesis");
        let haystack = String::from_utf8_lossy(&chunk.ciphertext);
        assert!(!haystack.contains("thesis"), "no plaintext in what the relay sees");
    }

    #[test]
    fn forged_or_altered_chunks_are_refused() {
        let good = SealedChunk::seal(&keys(1), [3; 24], b"secret");

        let mut flipped = good.clone();
        flipped.ciphertext[0] ^= 1;
        assert_eq!(flipped.verify(), Err(ChunkError::BadSignature));

        // Someone without the signing key re-signs with their own key but
        // keeps the document id: the id does not belong to their key.
        let mut forged = SealedChunk::seal(&keys(2), [3; 24], b"spam");
        forged.doc = good.doc;
        assert_eq!(forged.verify(), Err(ChunkError::WrongDocument));

        let mut unsigned = good.clone();
        unsigned.signature = vec![0; 64];
        assert_eq!(unsigned.verify(), Err(ChunkError::BadSignature));
        unsigned.signature.truncate(10);
        assert_eq!(unsigned.verify(), Err(ChunkError::BadSignature));
    }

    #[test]
    fn the_wrong_key_cannot_open_a_chunk() {
        let chunk = SealedChunk::seal(&keys(1), [3; 24], b"secret");
        assert_eq!(chunk.open(&keys(2)), Err(ChunkError::WrongDocument));
        // Same signing key, another symmetric key (a rotated key, say).
        let rotated = DocumentKeys::from_random([9; 32], [101; 32]);
        assert_eq!(chunk.open(&rotated), Err(ChunkError::CannotDecrypt));
    }
}
