//! Sealed inboxes: anyone who has a person's inbox address can leave them a
//! message that only that person can open. Coordinator intake, survey
//! answers and partnership invites use them.
//!
//! An inbox has one secret seed. From it come an X25519 key (messages are
//! sealed to it: an ephemeral key exchange, then XChaCha20-Poly1305) and an
//! Ed25519 key (only its holder can prove a subscription, so only the owner
//! can fetch the inbox). The address given out is the two public keys. The
//! inbox's relay id is derived from the Ed25519 key in a separate domain
//! from document ids, so a post can never land in a shared document.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signer, SigningKey};
use x25519_dalek::{PublicKey, StaticSecret};

use super::keys::inbox_id_for;
use super::sealed_chunk::{ChunkError, SealedChunk};
use super::wire::proof_message;
use crate::document::DocumentId;

/// What a person gives out so others can write to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboxAddress {
    pub verifying_key: [u8; 32],
    pub exchange_key: [u8; 32],
}

/// The inbox's secret: keep it on the owner's devices only.
#[derive(Clone)]
pub struct InboxKeys {
    signing: SigningKey,
    exchange: StaticSecret,
}

impl std::fmt::Debug for InboxKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "InboxKeys({})", self.id())
    }
}

/// An address that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this inbox address is incomplete or damaged")]
pub struct BadAddress;

impl InboxAddress {
    pub fn id(&self) -> DocumentId {
        inbox_id_for(&self.verifying_key)
    }

    /// URL-safe text (86 characters) for links and QR codes.
    pub fn to_text(&self) -> String {
        let mut bytes = [0u8; 64];
        bytes[..32].copy_from_slice(&self.verifying_key);
        bytes[32..].copy_from_slice(&self.exchange_key);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    pub fn parse(text: &str) -> Result<Self, BadAddress> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| BadAddress)?;
        let bytes: [u8; 64] = bytes.try_into().map_err(|_| BadAddress)?;
        let mut address = InboxAddress { verifying_key: [0; 32], exchange_key: [0; 32] };
        address.verifying_key.copy_from_slice(&bytes[..32]);
        address.exchange_key.copy_from_slice(&bytes[32..]);
        Ok(address)
    }

    /// Seal `message` for this inbox. `ephemeral` and `nonce` must be fresh
    /// random bytes; the sender stays anonymous to the relay.
    pub fn seal(&self, ephemeral: [u8; 32], nonce: [u8; 24], message: &[u8]) -> SealedChunk {
        let ephemeral = StaticSecret::from(ephemeral);
        let ephemeral_public = PublicKey::from(&ephemeral).to_bytes();
        let shared = ephemeral.diffie_hellman(&PublicKey::from(self.exchange_key));
        let key = message_key(shared.as_bytes(), &ephemeral_public, &self.exchange_key);
        let doc = *self.id().as_bytes();
        let ciphertext = XChaCha20Poly1305::new(&key.into())
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: message, aad: &doc })
            .expect("encryption of a message in memory cannot fail");
        let mut body = ephemeral_public.to_vec();
        body.extend_from_slice(&ciphertext);
        // No signature: anyone may post. The relay checks the address form.
        SealedChunk { doc, verifying_key: self.verifying_key, nonce, ciphertext: body, signature: Vec::new() }
    }
}

fn message_key(shared: &[u8; 32], ephemeral_public: &[u8; 32], recipient: &[u8; 32]) -> [u8; 32] {
    let mut material = shared.to_vec();
    material.extend_from_slice(ephemeral_public);
    material.extend_from_slice(recipient);
    blake3::derive_key("confidant 2026 inbox message key v1", &material)
}

impl InboxKeys {
    /// Keys from 32 random bytes; the caller supplies the randomness.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        InboxKeys {
            signing: SigningKey::from_bytes(&blake3::derive_key("confidant 2026 inbox signing key v1", &seed)),
            exchange: StaticSecret::from(blake3::derive_key("confidant 2026 inbox exchange key v1", &seed)),
        }
    }

    pub fn address(&self) -> InboxAddress {
        InboxAddress {
            verifying_key: self.signing.verifying_key().to_bytes(),
            exchange_key: PublicKey::from(&self.exchange).to_bytes(),
        }
    }

    pub fn id(&self) -> DocumentId {
        self.address().id()
    }

    /// Prove to the relay that this device owns the inbox (see `wire`).
    pub fn subscribe_proof(&self, challenge: &[u8; 32]) -> Vec<u8> {
        self.signing.sign(&proof_message(self.id().as_bytes(), challenge)).to_bytes().to_vec()
    }

    /// Open a message posted to this inbox.
    pub fn open(&self, chunk: &SealedChunk) -> Result<Vec<u8>, ChunkError> {
        if chunk.doc != *self.id().as_bytes() {
            return Err(ChunkError::WrongDocument);
        }
        if chunk.ciphertext.len() < 32 {
            return Err(ChunkError::CannotDecrypt);
        }
        let (ephemeral_public, ciphertext) = chunk.ciphertext.split_at(32);
        let ephemeral_public: [u8; 32] = ephemeral_public.try_into().map_err(|_| ChunkError::CannotDecrypt)?;
        let shared = self.exchange.diffie_hellman(&PublicKey::from(ephemeral_public));
        let key = message_key(shared.as_bytes(), &ephemeral_public, &self.address().exchange_key);
        XChaCha20Poly1305::new(&key.into())
            .decrypt(XNonce::from_slice(&chunk.nonce), Payload { msg: ciphertext, aad: &chunk.doc })
            .map_err(|_| ChunkError::CannotDecrypt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_inbox_owner_opens_a_post() {
        let owner = InboxKeys::from_seed([1; 32]);
        let address = InboxAddress::parse(&owner.address().to_text()).unwrap();
        assert_eq!(address, owner.address());
        let post = address.seal([2; 32], [3; 24], b"I'd like a mentor in data science");
        assert_eq!(owner.open(&post).unwrap(), b"I'd like a mentor in data science");
        assert!(!post.ciphertext.windows(4).any(|w| w == b"data"), "sealed, not readable");
        let stranger = InboxKeys::from_seed([9; 32]);
        assert!(stranger.open(&post).is_err());
        let mut tampered = post.clone();
        let last = tampered.ciphertext.len() - 1;
        tampered.ciphertext[last] ^= 1;
        assert_eq!(owner.open(&tampered), Err(ChunkError::CannotDecrypt));
    }

    #[test]
    fn inbox_ids_never_collide_with_document_ids_and_bad_addresses_are_refused() {
        let owner = InboxKeys::from_seed([1; 32]);
        let vk = owner.address().verifying_key;
        assert_ne!(owner.id(), super::super::keys::id_for(&vk));
        for bad in ["", "abc", &owner.address().to_text()[..80]] {
            assert_eq!(InboxAddress::parse(bad), Err(BadAddress));
        }
        assert!(!format!("{owner:?}").contains(&owner.address().to_text()));
    }
}
