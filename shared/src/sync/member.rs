//! Members of a shared document: who wrote what.
//!
//! The relay only knows roles (a writer key signed this chunk). Inside the
//! encryption every chunk is also signed by its author's *member key*, and
//! carries the member's certificate: the owner's signature over the member
//! key and its role. An invite carries a fresh member key with its
//! certificate, so the person who accepts it writes as that member; their
//! linked devices share it through the keyring. Members' apps ignore a change
//! whose author has no valid certificate, or whose certificate's role does not
//! allow it.

use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::domain::Domain;
use super::inbox::InboxAddress;
use super::keys::{verify, DocumentKeys, DocumentPublic};
use super::role::Role;

/// The owner's word that `member` belongs to the document with `role`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MemberCert {
    pub member: [u8; 32],
    pub role: Role,
    /// The owner's signature (64 bytes).
    pub signature: Vec<u8>,
}

fn certificate_message(public: &DocumentPublic, member: &[u8; 32], role: Role) -> Vec<u8> {
    Domain::MemberCertificate.bytes(&[public.id().as_bytes(), member, &[role.tag()]])
}

impl MemberCert {
    /// Whether the document's owner signed this certificate.
    pub fn is_valid_for(&self, public: &DocumentPublic) -> bool {
        public.verify(Role::Owner, &certificate_message(public, &self.member, self.role), &self.signature)
    }

    /// A short stable name for the member, for lists and tests.
    pub fn short(&self) -> String {
        hex::encode(&self.member[..4])
    }
}

/// A member's secret key and certificate, as an invite carries them.
#[derive(Clone)]
pub struct MemberKeys {
    seed: Zeroizing<[u8; 32]>,
    cert: MemberCert,
}

impl std::fmt::Debug for MemberKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MemberKeys({}, {})", self.cert.short(), self.cert.role.as_str())
    }
}

/// Why member keys cannot be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemberError {
    #[error("only the document's owner can invite members")]
    NotOwner,
    #[error("a member cannot be given a role above the keys they receive")]
    RoleAboveKeys,
    #[error("this member certificate was not issued by the document's owner")]
    BadCertificate,
}

impl MemberKeys {
    /// Issue a member key for `role` from 32 random bytes; only the owner can.
    pub fn issue(owner: &DocumentKeys, role: Role, seed: [u8; 32]) -> Result<Self, MemberError> {
        if owner.role() != Role::Owner {
            return Err(MemberError::NotOwner);
        }
        let seed = Zeroizing::new(seed);
        let member = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
        let message = certificate_message(owner.public(), &member, role);
        let signature = owner.sign_as(Role::Owner, &message).ok_or(MemberError::NotOwner)?.to_vec();
        Ok(MemberKeys { seed, cert: MemberCert { member, role, signature } })
    }

    /// Member keys read back from an invite or key record, checked against
    /// the document.
    pub fn from_parts(seed: [u8; 32], cert: MemberCert, keys: &DocumentKeys) -> Result<Self, MemberError> {
        let member = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
        if member != cert.member || !cert.is_valid_for(keys.public()) {
            return Err(MemberError::BadCertificate);
        }
        if cert.role > keys.role() {
            return Err(MemberError::RoleAboveKeys);
        }
        Ok(MemberKeys { seed: Zeroizing::new(seed), cert })
    }

    pub fn cert(&self) -> &MemberCert {
        &self.cert
    }

    pub(crate) fn seed(&self) -> &[u8; 32] {
        &self.seed
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        SigningKey::from_bytes(&self.seed).sign(message).to_bytes()
    }
}

/// What a member tells the others about themselves when they join (a
/// `Member` chunk): a name to show beside their changes, and the inboxes of
/// their devices, where the owner sends notices such as new keys.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MemberInfo {
    pub name: Option<String>,
    pub inboxes: Vec<InboxAddress>,
}

/// A name someone else chose, as it may be shown: no control, bidi or
/// zero-width characters (a name must not be able to rearrange the sentence
/// it is shown in), at most `max_chars`, trimmed.
pub fn printable_name(raw: &str, max_chars: usize) -> String {
    let invisible = |c: char| {
        c.is_control()
            || matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
    };
    let name: String = raw.chars().filter(|c| !invisible(*c)).take(max_chars).collect();
    name.trim().to_owned()
}

/// The most a member's name may hold, in characters.
pub const MAX_NAME_CHARS: usize = 80;
/// The most inboxes (devices) one member lists.
pub const MAX_INBOXES: usize = 16;

impl MemberInfo {
    /// Trim what another member sent to sane sizes.
    pub fn bounded(mut self) -> Self {
        self.name = self.name.map(|n| printable_name(&n, MAX_NAME_CHARS));
        self.inboxes.truncate(MAX_INBOXES);
        self
    }
}

/// Check an owner's signature over arbitrary domain bytes (moved notices).
pub(crate) fn owner_signed(public: &DocumentPublic, message: &[u8], signature: &[u8]) -> bool {
    verify(&public.owner, message, signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_owner_issues_members_and_certificates_are_bound_to_the_document() {
        let owner = DocumentKeys::create([1; 32]);
        let writer = owner.for_role(Role::Writer).unwrap();
        assert_eq!(MemberKeys::issue(&writer, Role::Writer, [2; 32]).unwrap_err(), MemberError::NotOwner);
        let member = MemberKeys::issue(&owner, Role::Writer, [2; 32]).unwrap();
        assert!(member.cert().is_valid_for(owner.public()));
        let other = DocumentKeys::create([3; 32]);
        assert!(!member.cert().is_valid_for(other.public()), "a certificate for another document");
        let mut promoted = member.cert().clone();
        promoted.role = Role::Owner;
        assert!(!promoted.is_valid_for(owner.public()), "a member cannot raise their own role");
        assert!(MemberKeys::from_parts(*member.seed(), member.cert().clone(), &writer).is_ok());
        let reader = owner.for_role(Role::Reader).unwrap();
        assert_eq!(MemberKeys::from_parts(*member.seed(), member.cert().clone(), &reader).unwrap_err(), MemberError::RoleAboveKeys);
        assert_eq!(MemberKeys::from_parts([9; 32], member.cert().clone(), &writer).unwrap_err(), MemberError::BadCertificate);
    }
}
