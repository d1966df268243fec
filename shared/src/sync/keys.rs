//! Document keys: one root secret per document (under one set of keys), and
//! everything else derived from it with `blake3::derive_key`.
//!
//! ```text
//! root (owner) ── write secret (writer) ── read secret (reader) ── content key
//!      │                │                         │
//!  owner signing    writer signing           reader signing
//! ```
//!
//! Each role holds its own secret and can derive what is below it, never
//! what is above. The document's sync id is the hash of the three public
//! signing keys, so the relay can check, without accounts and without seeing
//! any content, that a chunk was signed by the role its purpose needs:
//! changes by a writer, retirement by the owner, subscriptions and presence
//! by any member (the reader key every member can derive).

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::domain::Domain;
use super::role::Role;
use super::sync_id::SyncId;

const WRITE_SECRET: &str = "confidant/2 document write secret";
const READ_SECRET: &str = "confidant/2 document read secret";
const OWNER_SIGNING: &str = "confidant/2 document owner signing key";
const WRITER_SIGNING: &str = "confidant/2 document writer signing key";
const READER_SIGNING: &str = "confidant/2 document reader signing key";
const CONTENT_KEY: &str = "confidant/2 document content key";
const DOCUMENT_ID: &str = "confidant/2 document id";

/// The public half of a document's keys: what the relay checks against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocumentPublic {
    pub owner: [u8; 32],
    pub writer: [u8; 32],
    pub reader: [u8; 32],
}

impl DocumentPublic {
    /// The sync id these keys certify.
    pub fn id(&self) -> SyncId {
        let mut material = [0u8; 96];
        material[..32].copy_from_slice(&self.owner);
        material[32..64].copy_from_slice(&self.writer);
        material[64..].copy_from_slice(&self.reader);
        SyncId::from_hash(&blake3::derive_key(DOCUMENT_ID, &material))
    }

    /// The public key of a role.
    pub fn key_of(&self, role: Role) -> &[u8; 32] {
        match role {
            Role::Owner => &self.owner,
            Role::Writer => &self.writer,
            Role::Reader => &self.reader,
        }
    }

    /// Check a signature made with a role's key.
    pub fn verify(&self, role: Role, message: &[u8], signature: &[u8]) -> bool {
        verify(self.key_of(role), message, signature)
    }
}

/// The keys one member holds: their role's secret and the document's public
/// keys. Key material is wiped from memory when dropped.
#[derive(Clone)]
pub struct DocumentKeys {
    role: Role,
    secret: Zeroizing<[u8; 32]>,
    public: DocumentPublic,
}

/// An invite or key record that does not hold valid document keys.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("these document keys are incomplete or damaged")]
pub struct BadKeys;

impl std::fmt::Debug for DocumentKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material, not even in a debug log.
        write!(f, "DocumentKeys({}, {})", self.id(), self.role.as_str())
    }
}

fn signing(context: &str, secret: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(&blake3::derive_key(context, secret))
}

fn derive(context: &str, secret: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(blake3::derive_key(context, secret))
}

impl DocumentKeys {
    /// New keys for a new document, from 32 random bytes; the caller
    /// supplies the randomness. The holder is the owner.
    pub fn create(root: [u8; 32]) -> Self {
        let root = Zeroizing::new(root);
        let write = derive(WRITE_SECRET, &root);
        let read = derive(READ_SECRET, &write);
        let public = DocumentPublic {
            owner: signing(OWNER_SIGNING, &root).verifying_key().to_bytes(),
            writer: signing(WRITER_SIGNING, &write).verifying_key().to_bytes(),
            reader: signing(READER_SIGNING, &read).verifying_key().to_bytes(),
        };
        DocumentKeys { role: Role::Owner, secret: root, public }
    }

    /// Keys for `role` from its secret and the document's public keys,
    /// checked: the secret must produce the role's public key (and those
    /// below it).
    pub fn from_parts(role: Role, secret: [u8; 32], public: DocumentPublic) -> Result<Self, BadKeys> {
        let keys = DocumentKeys { role, secret: Zeroizing::new(secret), public };
        for below in [Role::Reader, Role::Writer, Role::Owner].into_iter().filter(|r| *r <= role) {
            let derived = keys.signing_key(below).ok_or(BadKeys)?.verifying_key().to_bytes();
            if &derived != public.key_of(below) {
                return Err(BadKeys);
            }
        }
        Ok(keys)
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn public(&self) -> &DocumentPublic {
        &self.public
    }

    /// The document's sync id.
    pub fn id(&self) -> SyncId {
        self.public.id()
    }

    /// This role's secret (for an invite or a key record on this device).
    pub(crate) fn secret(&self) -> &[u8; 32] {
        &self.secret
    }

    /// The secret of `role`, if this holder may derive it.
    fn secret_of(&self, role: Role) -> Option<Zeroizing<[u8; 32]>> {
        if role > self.role {
            return None;
        }
        let mut secret = self.secret.clone();
        let mut at = self.role;
        while at > role {
            secret = match at {
                Role::Owner => derive(WRITE_SECRET, &secret),
                Role::Writer => derive(READ_SECRET, &secret),
                Role::Reader => unreachable!("nothing is below a reader"),
            };
            at = if at == Role::Owner { Role::Writer } else { Role::Reader };
        }
        Some(secret)
    }

    /// The same document's keys for a lesser role (to invite a writer or a
    /// reader); `None` if `role` is above this holder's.
    pub fn for_role(&self, role: Role) -> Option<DocumentKeys> {
        Some(DocumentKeys { role, secret: self.secret_of(role)?, public: self.public })
    }

    fn signing_key(&self, role: Role) -> Option<SigningKey> {
        let secret = self.secret_of(role)?;
        Some(signing(
            match role {
                Role::Owner => OWNER_SIGNING,
                Role::Writer => WRITER_SIGNING,
                Role::Reader => READER_SIGNING,
            },
            &secret,
        ))
    }

    /// Sign with the key of `role`; `None` if this holder lacks it.
    pub fn sign_as(&self, role: Role, message: &[u8]) -> Option<[u8; 64]> {
        Some(self.signing_key(role)?.sign(message).to_bytes())
    }

    /// The symmetric key that encrypts the content (every member has it).
    pub(crate) fn content_key(&self) -> Zeroizing<[u8; 32]> {
        let read = self.secret_of(Role::Reader).expect("every role derives the read secret");
        derive(CONTENT_KEY, &read)
    }

    /// The proof that lets this device read the document from the relay at
    /// `origin` (its host, as the client connected to it): a signature over
    /// the relay's one-time challenge with the reader key.
    pub fn subscribe_proof(&self, origin: &str, challenge: &[u8; 32]) -> Vec<u8> {
        let message = subscribe_message(origin, &self.id(), challenge);
        self.sign_as(Role::Reader, &message).expect("every role derives the reader key").to_vec()
    }
}

pub(crate) fn subscribe_message(origin: &str, id: &SyncId, challenge: &[u8; 32]) -> Vec<u8> {
    Domain::Subscribe.bytes(&[origin.as_bytes(), id.as_bytes(), challenge])
}

/// Check an Ed25519 signature (strict: no malleable encodings).
pub fn verify(verifying_key: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(verifying_key) else { return false };
    let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else { return false };
    key.verify_strict(message, &signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_derives_only_what_is_below_it() {
        let owner = DocumentKeys::create([7; 32]);
        let writer = owner.for_role(Role::Writer).unwrap();
        let reader = writer.for_role(Role::Reader).unwrap();
        assert_eq!(owner.id(), writer.id());
        assert_eq!(writer.id(), reader.id());
        assert!(reader.for_role(Role::Writer).is_none() && writer.for_role(Role::Owner).is_none());
        assert!(reader.sign_as(Role::Writer, b"x").is_none());
        let signature = writer.sign_as(Role::Writer, b"x").unwrap();
        assert!(owner.public().verify(Role::Writer, b"x", &signature));
        assert!(!owner.public().verify(Role::Owner, b"x", &signature), "a writer cannot sign as the owner");
        assert_eq!(*owner.content_key(), *reader.content_key(), "every member decrypts");
    }

    #[test]
    fn keys_are_checked_against_the_public_keys() {
        let owner = DocumentKeys::create([7; 32]);
        let writer = owner.for_role(Role::Writer).unwrap();
        let back = DocumentKeys::from_parts(Role::Writer, *writer.secret(), *owner.public()).unwrap();
        assert_eq!(back.id(), owner.id());
        // Someone claims the owner role with the writer's secret.
        assert_eq!(DocumentKeys::from_parts(Role::Owner, *writer.secret(), *owner.public()).unwrap_err(), BadKeys);
        let other = DocumentKeys::create([8; 32]);
        assert!(DocumentKeys::from_parts(Role::Reader, *other.secret(), *owner.public()).is_err());
        assert!(!format!("{owner:?}").contains(&hex::encode(owner.secret())));
    }

    #[test]
    fn a_subscribe_proof_names_its_relay_and_challenge() {
        let reader = DocumentKeys::create([1; 32]).for_role(Role::Reader).unwrap();
        let proof = reader.subscribe_proof("relay.example.edu", &[3; 32]);
        let public = reader.public();
        assert!(public.verify(Role::Reader, &subscribe_message("relay.example.edu", &reader.id(), &[3; 32]), &proof));
        assert!(!public.verify(Role::Reader, &subscribe_message("evil.example", &reader.id(), &[3; 32]), &proof));
        assert!(!public.verify(Role::Reader, &subscribe_message("relay.example.edu", &reader.id(), &[4; 32]), &proof));
    }
}
