//! Sealed inboxes, and the device identity they belong to.
//!
//! Every device has one identity: a secret seed from which come an Ed25519
//! key (it signs letters the device sends, and proves to the relay that the
//! device may fetch its inbox) and an X25519 key (letters are sealed to it).
//! The *address* given out is the two public keys. Anyone with an address can
//! post a letter that only the device can open.
//!
//! A letter names its sender or is explicitly anonymous: a named letter is
//! signed by the sender's device key over the recipient's inbox id and the
//! body, then sealed (sign-then-seal), so the recipient knows who sent it and
//! cannot pass it off as sent to someone else. Anonymous letters (anonymous
//! survey answers) carry no signature, and the recipient's app says so.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::domain::Domain;
use super::keys::verify;
use super::sync_id::SyncId;

const INBOX_ID: &str = "confidant/2 inbox id";
const SIGNING: &str = "confidant/2 device signing key";
const EXCHANGE: &str = "confidant/2 device exchange key";
const LETTER_KEY: &str = "confidant/2 letter key";

/// What a device gives out so others can write to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InboxAddress {
    pub verifying_key: [u8; 32],
    pub exchange_key: [u8; 32],
}

/// A device's identity and inbox secret: it never leaves the device.
#[derive(Clone)]
pub struct InboxKeys {
    seed: Zeroizing<[u8; 32]>,
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
#[error("this address is incomplete or damaged")]
pub struct BadAddress;

/// A letter as the relay stores it: sealed to one inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxPost {
    /// The recipient's verifying key; the inbox id derives from it.
    pub inbox: [u8; 32],
    /// The sender's one-time X25519 public key.
    pub ephemeral: [u8; 32],
    pub nonce: [u8; 24],
    pub ciphertext: Vec<u8>,
}

/// Who sent a letter, as the recipient's app shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sender {
    /// The sender chose not to say (or could not prove it).
    Anonymous,
    /// The device with this address signed the letter.
    Device(InboxAddress),
}

/// An opened letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub from: Sender,
    pub body: Vec<u8>,
}

/// What is sealed inside a post.
#[derive(Serialize, Deserialize)]
struct Envelope {
    /// The sender's address and signature, or none for an anonymous letter.
    from: Option<(InboxAddress, Vec<u8>)>,
    body: Vec<u8>,
}

/// Why a letter cannot be opened or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    #[error("the letter is for another inbox")]
    WrongInbox,
    #[error("the letter cannot be opened: it is damaged or not sealed to this device")]
    CannotOpen,
    #[error("the letter claims a sender whose signature does not match")]
    ForgedSender,
    #[error("the letter does not say who sent it, and this needs a named sender")]
    Anonymous,
}

impl InboxAddress {
    pub fn id(&self) -> SyncId {
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

    /// Seal `body` for this inbox, signed by `sender` (or anonymous with
    /// `None`). `ephemeral` and `nonce` must be fresh random bytes.
    pub fn seal(&self, sender: Option<&InboxKeys>, ephemeral: [u8; 32], nonce: [u8; 24], body: &[u8]) -> InboxPost {
        let id = self.id();
        let from = sender.map(|keys| {
            let signature = keys.signing.sign(&letter_message(&id, body)).to_bytes().to_vec();
            (keys.address(), signature)
        });
        let envelope = postcard::to_allocvec(&Envelope { from, body: body.to_vec() }).expect("letters serialize");
        let ephemeral = StaticSecret::from(ephemeral);
        let ephemeral_public = PublicKey::from(&ephemeral).to_bytes();
        let shared = ephemeral.diffie_hellman(&PublicKey::from(self.exchange_key));
        let key = letter_key(shared.as_bytes(), &ephemeral_public, &self.exchange_key);
        let ciphertext = XChaCha20Poly1305::new((&*key).into())
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &envelope, aad: &letter_aad(&id) })
            .expect("encryption of a letter in memory cannot fail");
        InboxPost { inbox: self.verifying_key, ephemeral: ephemeral_public, nonce, ciphertext }
    }
}

impl InboxPost {
    /// The inbox it is posted to.
    pub fn inbox_id(&self) -> SyncId {
        inbox_id_for(&self.inbox)
    }
}

fn letter_message(inbox: &SyncId, body: &[u8]) -> Vec<u8> {
    Domain::Letter.bytes(&[inbox.as_bytes(), body])
}

fn letter_aad(inbox: &SyncId) -> Vec<u8> {
    Domain::LetterContent.bytes(&[inbox.as_bytes()])
}

fn letter_key(shared: &[u8; 32], ephemeral_public: &[u8; 32], recipient: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut material = Zeroizing::new([0u8; 96]);
    material[..32].copy_from_slice(shared);
    material[32..64].copy_from_slice(ephemeral_public);
    material[64..].copy_from_slice(recipient);
    Zeroizing::new(blake3::derive_key(LETTER_KEY, &*material))
}

/// The relay id of the inbox whose verifying key this is: a hash domain of
/// its own, so no inbox id is ever a document id.
pub fn inbox_id_for(verifying_key: &[u8; 32]) -> SyncId {
    SyncId::from_hash(&blake3::derive_key(INBOX_ID, verifying_key))
}

impl InboxKeys {
    /// A device identity from 32 random bytes; the caller supplies the randomness.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let seed = Zeroizing::new(seed);
        InboxKeys {
            signing: SigningKey::from_bytes(&blake3::derive_key(SIGNING, &*seed)),
            exchange: StaticSecret::from(blake3::derive_key(EXCHANGE, &*seed)),
            seed,
        }
    }

    /// A secret this device and the holder of `other` both compute and
    /// nobody else can (X25519 between the two exchange keys), bound to
    /// `context`. `None` for a key that would make it guessable (a
    /// low-order point an attacker could hand out).
    pub fn pair_secret(&self, other: &InboxAddress, context: &str) -> Option<[u8; 32]> {
        let shared = self.exchange.diffie_hellman(&PublicKey::from(other.exchange_key));
        if !shared.was_contributory() {
            return None;
        }
        Some(blake3::derive_key(context, shared.as_bytes()))
    }

    /// A tag over `data` that only this device can make, bound to
    /// `context`: the same each time, unlinkable to the device by anyone
    /// else (a keyed hash under a key derived from the seed).
    pub fn private_tag(&self, context: &str, data: &[u8]) -> [u8; 32] {
        let key = Zeroizing::new(blake3::derive_key(context, &*self.seed));
        blake3::keyed_hash(&key, data).into()
    }

    /// The seed, to keep on this device.
    pub fn seed(&self) -> &[u8; 32] {
        &self.seed
    }

    pub fn address(&self) -> InboxAddress {
        InboxAddress {
            verifying_key: self.signing.verifying_key().to_bytes(),
            exchange_key: PublicKey::from(&self.exchange).to_bytes(),
        }
    }

    pub fn id(&self) -> SyncId {
        self.address().id()
    }

    /// Prove to the relay at `origin` that this device owns the inbox.
    pub fn subscribe_proof(&self, origin: &str, challenge: &[u8; 32]) -> Vec<u8> {
        self.signing.sign(&super::keys::subscribe_message(origin, &self.id(), challenge)).to_bytes().to_vec()
    }

    /// Prove to the relay that this device may delete its letters up to `through_seq`.
    pub fn delete_proof(&self, origin: &str, through_seq: u64) -> Vec<u8> {
        self.signing.sign(&delete_message(origin, &self.id(), through_seq)).to_bytes().to_vec()
    }

    /// Sign bytes as this device (pairing, notices).
    pub fn sign(&self, domain: super::domain::Domain, parts: &[&[u8]]) -> [u8; 64] {
        self.signing.sign(&domain.bytes(parts)).to_bytes()
    }

    /// Open a letter posted to this inbox, checking its sender's signature.
    pub fn open(&self, post: &InboxPost) -> Result<Letter, LetterError> {
        let address = self.address();
        if post.inbox != address.verifying_key {
            return Err(LetterError::WrongInbox);
        }
        let shared = self.exchange.diffie_hellman(&PublicKey::from(post.ephemeral));
        let key = letter_key(shared.as_bytes(), &post.ephemeral, &address.exchange_key);
        let plaintext = XChaCha20Poly1305::new((&*key).into())
            .decrypt(XNonce::from_slice(&post.nonce), Payload { msg: &post.ciphertext, aad: &letter_aad(&self.id()) })
            .map_err(|_| LetterError::CannotOpen)?;
        let (envelope, rest): (Envelope, _) = postcard::take_from_bytes(&plaintext).map_err(|_| LetterError::CannotOpen)?;
        if !rest.is_empty() {
            return Err(LetterError::CannotOpen);
        }
        let from = match envelope.from {
            None => Sender::Anonymous,
            Some((sender, signature)) => {
                if !verify(&sender.verifying_key, &letter_message(&self.id(), &envelope.body), &signature) {
                    return Err(LetterError::ForgedSender);
                }
                Sender::Device(sender)
            }
        };
        Ok(Letter { from, body: envelope.body })
    }
}

pub(crate) fn delete_message(origin: &str, inbox: &SyncId, through_seq: u64) -> Vec<u8> {
    Domain::InboxDelete.bytes(&[origin.as_bytes(), inbox.as_bytes(), &through_seq.to_le_bytes()])
}

impl Letter {
    /// The sender, where the letter must name one (intake forms, device
    /// pairing, notices); an anonymous letter is refused.
    pub fn named_sender(&self) -> Result<&InboxAddress, LetterError> {
        match &self.from {
            Sender::Device(address) => Ok(address),
            Sender::Anonymous => Err(LetterError::Anonymous),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_inbox_owner_opens_a_letter_and_sees_who_sent_it() {
        let owner = InboxKeys::from_seed([1; 32]);
        let sender = InboxKeys::from_seed([4; 32]);
        let address = InboxAddress::parse(&owner.address().to_text()).unwrap();
        assert_eq!(address, owner.address());
        let post = address.seal(Some(&sender), [2; 32], [3; 24], b"I'd like a mentor in data science");
        let letter = owner.open(&post).unwrap();
        assert_eq!(letter.body, b"I'd like a mentor in data science");
        assert_eq!(letter.from, Sender::Device(sender.address()));
        assert!(!post.ciphertext.windows(4).any(|w| w == b"data"), "sealed, not readable");
        assert_eq!(InboxKeys::from_seed([9; 32]).open(&post), Err(LetterError::WrongInbox));
        let mut tampered = post.clone();
        tampered.ciphertext[0] ^= 1;
        assert_eq!(owner.open(&tampered), Err(LetterError::CannotOpen));
    }

    #[test]
    fn an_anonymous_letter_says_so_and_a_forged_sender_is_refused() {
        let owner = InboxKeys::from_seed([1; 32]);
        let post = owner.address().seal(None, [2; 32], [3; 24], b"The program helped me");
        let letter = owner.open(&post).unwrap();
        assert_eq!(letter.from, Sender::Anonymous);
        assert_eq!(letter.named_sender(), Err(LetterError::Anonymous));

        // A letter signed for one inbox, re-sealed by its recipient to
        // another, does not verify there.
        let other = InboxKeys::from_seed([5; 32]);
        let sender = InboxKeys::from_seed([4; 32]);
        let signature = sender.signing.sign(&letter_message(&owner.id(), b"hi")).to_bytes().to_vec();
        let envelope = postcard::to_allocvec(&Envelope { from: Some((sender.address(), signature)), body: b"hi".to_vec() }).unwrap();
        let ephemeral = StaticSecret::from([6; 32]);
        let ephemeral_public = PublicKey::from(&ephemeral).to_bytes();
        let shared = ephemeral.diffie_hellman(&PublicKey::from(other.address().exchange_key));
        let key = letter_key(shared.as_bytes(), &ephemeral_public, &other.address().exchange_key);
        let ciphertext = XChaCha20Poly1305::new((&*key).into())
            .encrypt(XNonce::from_slice(&[7; 24]), Payload { msg: &envelope, aad: &letter_aad(&other.id()) })
            .unwrap();
        let forwarded = InboxPost { inbox: other.address().verifying_key, ephemeral: ephemeral_public, nonce: [7; 24], ciphertext };
        assert_eq!(other.open(&forwarded), Err(LetterError::ForgedSender));
    }

    #[test]
    fn inbox_ids_never_collide_with_document_ids_and_bad_addresses_are_refused() {
        let owner = InboxKeys::from_seed([1; 32]);
        for bad in ["", "abc", &owner.address().to_text()[..80]] {
            assert_eq!(InboxAddress::parse(bad), Err(BadAddress));
        }
        assert!(!format!("{owner:?}").contains(&owner.address().to_text()));
        let doc = crate::sync::keys::DocumentPublic { owner: owner.address().verifying_key, writer: [0; 32], reader: [0; 32] };
        assert_ne!(doc.id(), owner.id());
    }
}
