//! A sealed chunk: encrypted, authored and signed.
//!
//! Sealing, for a chunk of purpose `p` in document `d`:
//! 1. the plaintext is an [`Authored`] envelope: the body, the author's member
//!    certificate and the author's signature over (d, p, body);
//! 2. it is encrypted with XChaCha20-Poly1305 under the document's content
//!    key, a random nonce, and (d, p) as associated data;
//! 3. the whole is signed with the key of the role `p` needs (writer for
//!    changes, owner for retirement, reader for presence and introductions).
//!
//! The relay checks step 3 ([`SealedChunk::verify`]) and nothing else; a
//! member's app checks all three ([`SealedChunk::open`]).

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};

use super::domain::Domain;
use super::keys::{DocumentKeys, DocumentPublic};
use super::member::{MemberCert, MemberKeys};
use super::purpose::Purpose;
use super::sync_id::SyncId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedChunk {
    pub public: DocumentPublic,
    pub purpose: Purpose,
    pub nonce: [u8; 24],
    pub ciphertext: Vec<u8>,
    /// The role key's signature (64 bytes).
    pub signature: Vec<u8>,
}

/// The plaintext inside a chunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Authored {
    author: MemberCert,
    body: Vec<u8>,
    /// The member key's signature (64 bytes).
    signature: Vec<u8>,
}

/// A chunk opened by a member: who wrote it, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub purpose: Purpose,
    pub author: MemberCert,
    pub body: Vec<u8>,
}

/// Why a chunk is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    #[error("the chunk's signature is not valid for its purpose")]
    BadSignature,
    #[error("the chunk belongs to another document")]
    WrongDocument,
    #[error("the chunk cannot be decrypted with this document's key")]
    CannotDecrypt,
    #[error("the chunk's author is not a member of the document")]
    NotAMember,
    #[error("the chunk's author may not do this in the document")]
    RoleTooLow,
    #[error("these keys cannot seal a chunk of this purpose")]
    CannotSeal,
}

fn content_aad(id: &SyncId, purpose: Purpose) -> Vec<u8> {
    Domain::ChunkContent.bytes(&[id.as_bytes(), &[purpose.tag()]])
}

fn authored_message(id: &SyncId, purpose: Purpose, body: &[u8]) -> Vec<u8> {
    Domain::Authored.bytes(&[id.as_bytes(), &[purpose.tag()], body])
}

impl SealedChunk {
    /// Encrypt, author and sign `body`. `nonce` must be fresh random bytes.
    pub fn seal(keys: &DocumentKeys, author: &MemberKeys, purpose: Purpose, nonce: [u8; 24], body: &[u8]) -> Result<Self, ChunkError> {
        let id = keys.id();
        let authored = Authored {
            author: author.cert().clone(),
            body: body.to_vec(),
            signature: author.sign(&authored_message(&id, purpose, body)).to_vec(),
        };
        let plaintext = postcard::to_allocvec(&authored).map_err(|_| ChunkError::CannotSeal)?;
        let key = keys.content_key();
        let ciphertext = XChaCha20Poly1305::new((&*key).into())
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plaintext, aad: &content_aad(&id, purpose) })
            .map_err(|_| ChunkError::CannotSeal)?;
        let mut chunk = SealedChunk { public: *keys.public(), purpose, nonce, ciphertext, signature: Vec::new() };
        chunk.signature = keys.sign_as(purpose.signer(), &chunk.signed_bytes()).ok_or(ChunkError::CannotSeal)?.to_vec();
        Ok(chunk)
    }

    fn signed_bytes(&self) -> Vec<u8> {
        Domain::Chunk.bytes(&[self.document().as_bytes(), &[self.purpose.tag()], &self.nonce, &self.ciphertext])
    }

    /// The document's sync id.
    pub fn document(&self) -> SyncId {
        self.public.id()
    }

    /// What the relay checks: the role that this purpose needs signed this
    /// exact chunk, for this document.
    pub fn verify(&self) -> Result<(), ChunkError> {
        if self.public.verify(self.purpose.signer(), &self.signed_bytes(), &self.signature) {
            Ok(())
        } else {
            Err(ChunkError::BadSignature)
        }
    }

    /// Verify, decrypt and check the author: what a member's app does.
    pub fn open(&self, keys: &DocumentKeys) -> Result<Opened, ChunkError> {
        if self.public != *keys.public() {
            return Err(ChunkError::WrongDocument);
        }
        self.verify()?;
        let id = keys.id();
        let key = keys.content_key();
        let plaintext = XChaCha20Poly1305::new((&*key).into())
            .decrypt(XNonce::from_slice(&self.nonce), Payload { msg: &self.ciphertext, aad: &content_aad(&id, self.purpose) })
            .map_err(|_| ChunkError::CannotDecrypt)?;
        let (authored, rest): (Authored, _) = postcard::take_from_bytes(&plaintext).map_err(|_| ChunkError::NotAMember)?;
        if !rest.is_empty() {
            return Err(ChunkError::NotAMember);
        }
        if !authored.author.is_valid_for(keys.public()) {
            return Err(ChunkError::NotAMember);
        }
        let message = authored_message(&id, self.purpose, &authored.body);
        if !super::keys::verify(&authored.author.member, &message, &authored.signature) {
            return Err(ChunkError::NotAMember);
        }
        if authored.author.role < self.purpose.author_role() {
            return Err(ChunkError::RoleTooLow);
        }
        Ok(Opened { purpose: self.purpose, author: authored.author, body: authored.body })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::role::Role;

    fn owner() -> DocumentKeys {
        DocumentKeys::create([1; 32])
    }

    fn writer_of(owner: &DocumentKeys) -> (DocumentKeys, MemberKeys) {
        (owner.for_role(Role::Writer).unwrap(), MemberKeys::issue(owner, Role::Writer, [5; 32]).unwrap())
    }

    #[test]
    fn a_sealed_change_opens_with_its_author_and_hides_its_content() {
        let owner = owner();
        let (keys, member) = writer_of(&owner);
        let chunk = SealedChunk::seal(&keys, &member, Purpose::Change, [3; 24], b"Goal: finish my thesis").unwrap();
        chunk.verify().unwrap();
        let opened = chunk.open(&owner.for_role(Role::Reader).unwrap()).unwrap();
        assert_eq!(opened.body, b"Goal: finish my thesis");
        assert_eq!(opened.author, *member.cert());
        assert!(!String::from_utf8_lossy(&chunk.ciphertext).contains("thesis"));
    }

    #[test]
    fn altered_or_misdirected_chunks_are_refused() {
        let owner = owner();
        let (keys, member) = writer_of(&owner);
        let good = SealedChunk::seal(&keys, &member, Purpose::Change, [3; 24], b"secret").unwrap();
        let mut flipped = good.clone();
        flipped.ciphertext[0] ^= 1;
        assert_eq!(flipped.verify(), Err(ChunkError::BadSignature));
        // Relabelled as a signal: the reader key did not sign it.
        let mut relabelled = good.clone();
        relabelled.purpose = Purpose::Signal;
        assert_eq!(relabelled.verify(), Err(ChunkError::BadSignature));
        // Another document's keys.
        let other = DocumentKeys::create([2; 32]);
        assert_eq!(good.open(&other), Err(ChunkError::WrongDocument));
    }

    #[test]
    fn a_reader_cannot_seal_a_change_and_a_signal_cannot_pass_as_a_change() {
        let owner = owner();
        let reader = owner.for_role(Role::Reader).unwrap();
        let member = MemberKeys::issue(&owner, Role::Reader, [6; 32]).unwrap();
        assert_eq!(SealedChunk::seal(&reader, &member, Purpose::Change, [1; 24], b"x").unwrap_err(), ChunkError::CannotSeal);
        let signal = SealedChunk::seal(&reader, &member, Purpose::Signal, [1; 24], b"here").unwrap();
        signal.verify().unwrap();
        assert_eq!(signal.open(&owner).unwrap().purpose, Purpose::Signal);
    }

    #[test]
    fn changes_by_non_members_or_readers_are_refused_by_members() {
        let owner = owner();
        let (keys, _) = writer_of(&owner);
        // Someone with the writer key (a leaked link) certifies themselves.
        let stranger_doc = DocumentKeys::create([9; 32]);
        let self_made = MemberKeys::issue(&stranger_doc, Role::Writer, [7; 32]).unwrap();
        let forged = SealedChunk::seal(&keys, &self_made, Purpose::Change, [2; 24], b"spam").unwrap();
        forged.verify().expect("the relay cannot tell");
        assert_eq!(forged.open(&owner), Err(ChunkError::NotAMember));
        // A reader's certificate used with a leaked writer key.
        let reader_member = MemberKeys::issue(&owner, Role::Reader, [8; 32]).unwrap();
        let chunk = SealedChunk::seal(&keys, &reader_member, Purpose::Change, [2; 24], b"edit").unwrap();
        assert_eq!(chunk.open(&owner), Err(ChunkError::RoleTooLow));
        // Only the owner retires.
        let (_, writer_member) = writer_of(&owner);
        assert_eq!(SealedChunk::seal(&keys, &writer_member, Purpose::Retire, [2; 24], b"").unwrap_err(), ChunkError::CannotSeal);
    }
}
