//! Linking another of the user's devices: a pairing both screens confirm.
//!
//! 1. The existing device makes a [`LinkOffer`]: its inbox address and a
//!    one-time secret, shown as a link (`/link#…`) and QR code.
//! 2. The new device opens it and posts a [`Notice::LinkRequest`] to that
//!    inbox, signed with its own device key, carrying a fresh random nonce
//!    and a proof that it saw the secret. Both devices now show the same
//!    [`confirmation_code`], derived from the secret, both devices' keys and
//!    the nonce (sealed in the request, so nobody else can compute the code
//!    the new device shows and grind a key of their own to match it).
//! 3. The user checks that the codes match and confirms on both screens. Only
//!    then does the existing device seal the keyring's invite to the new
//!    device ([`Notice::LinkGranted`]), which accepts it only from the device
//!    that made the offer, and only once its own user confirmed too.
//!
//! Someone who copies the link and answers first shows a different code on
//! the existing device, and gets nothing unless the user confirms it there.
//! [`Offering`] and [`Joining`] are the two sides as steppers the app drives.
//!
//! [`Notice::LinkRequest`]: super::notice::Notice::LinkRequest
//! [`Notice::LinkGranted`]: super::notice::Notice::LinkGranted

use base64::Engine;

use super::inbox::{InboxAddress, Letter};
use super::invite::{Invite, InviteError, InvitePlace};
use super::notice::Notice;

/// The path of the page that opens a device link.
pub const LINK_PATH: &str = "/link";
const CODE_KEY: &str = "confidant/2 device pairing code";
const PROOF_KEY: &str = "confidant/2 device pairing proof";
/// How long an offer stays open.
pub const OFFER_VALID_MS: i64 = 15 * 60 * 1000;

/// What the existing device shows: where to write, and a one-time secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkOffer {
    pub address: InboxAddress,
    pub secret: [u8; 32],
}

/// A device link that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this device link is incomplete or damaged; make a new one in Settings on your other device")]
pub struct BadLinkOffer;

impl LinkOffer {
    /// The fragment, without `#`.
    pub fn fragment(&self) -> String {
        let mut bytes = [0u8; 96];
        bytes[..32].copy_from_slice(&self.address.verifying_key);
        bytes[32..64].copy_from_slice(&self.address.exchange_key);
        bytes[64..].copy_from_slice(&self.secret);
        format!("device.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    pub fn link(&self, origin: &str) -> String {
        format!("{}{LINK_PATH}#{}", origin.trim_end_matches('/'), self.fragment())
    }

    /// Read a link or its fragment.
    pub fn parse(text: &str) -> Result<LinkOffer, BadLinkOffer> {
        let text = text.trim();
        let fragment = text.rsplit_once('#').map_or(text, |(_, f)| f);
        let payload = fragment.strip_prefix("device.").ok_or(BadLinkOffer)?;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).map_err(|_| BadLinkOffer)?;
        let bytes: [u8; 96] = bytes.try_into().map_err(|_| BadLinkOffer)?;
        let mut offer = LinkOffer { address: InboxAddress { verifying_key: [0; 32], exchange_key: [0; 32] }, secret: [0; 32] };
        offer.address.verifying_key.copy_from_slice(&bytes[..32]);
        offer.address.exchange_key.copy_from_slice(&bytes[32..64]);
        offer.secret.copy_from_slice(&bytes[64..]);
        Ok(offer)
    }

    fn proof(&self, joiner: &InboxAddress, nonce: &[u8; 32]) -> [u8; 32] {
        let key = blake3::derive_key(PROOF_KEY, &self.secret);
        let mut material = [0u8; 64];
        material[..32].copy_from_slice(&joiner.verifying_key);
        material[32..].copy_from_slice(nonce);
        *blake3::keyed_hash(&key, &material).as_bytes()
    }

    /// The request the new device sends (in a letter signed by its key).
    /// `nonce` must be fresh random bytes.
    pub fn request(&self, joiner: &InboxAddress, device_name: &str, nonce: [u8; 32]) -> Notice {
        Notice::LinkRequest { device_name: device_name.chars().take(60).collect(), nonce, proof: self.proof(joiner, &nonce) }
    }
}

/// The code both screens show: six digits from the secret, both devices'
/// keys and the new device's nonce, so a device that answered in between
/// shows a different one.
pub fn confirmation_code(offer: &LinkOffer, joiner: &InboxAddress, nonce: &[u8; 32]) -> String {
    let key = blake3::derive_key(CODE_KEY, &offer.secret);
    let mut material = [0u8; 96];
    material[..32].copy_from_slice(&offer.address.verifying_key);
    material[32..64].copy_from_slice(&joiner.verifying_key);
    material[64..].copy_from_slice(nonce);
    let hash = blake3::keyed_hash(&key, &material);
    let n = u32::from_le_bytes(hash.as_bytes()[..4].try_into().expect("four bytes")) % 1_000_000;
    format!("{:03} {:03}", n / 1000, n % 1000)
}

/// The existing device's side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offering {
    /// Waiting for the new device to answer (until `expires_ms`).
    Waiting { offer: LinkOffer, expires_ms: i64 },
    /// A device answered: show its name and the code; wait for the user.
    Confirming { offer: LinkOffer, joiner: InboxAddress, device_name: String, code: String },
    /// Confirmed: seal the keyring to `joiner` (the app posts the letter).
    Granted { joiner: InboxAddress, device_name: String },
    /// The offer expired or the user said the codes differ.
    Closed,
}

impl Offering {
    pub fn new(offer: LinkOffer, now_ms: i64) -> Self {
        Offering::Waiting { offer, expires_ms: now_ms + OFFER_VALID_MS }
    }

    /// A letter arrived in this device's inbox. Only the first valid request
    /// counts; anything else leaves the state as it was.
    pub fn handle_letter(self, letter: &Letter, now_ms: i64) -> Offering {
        let Offering::Waiting { offer, expires_ms } = self else { return self };
        if now_ms > expires_ms {
            return Offering::Closed;
        }
        let (Ok(joiner), Some(Notice::LinkRequest { device_name, nonce, proof })) = (letter.named_sender(), Notice::decode(&letter.body)) else {
            return Offering::Waiting { offer, expires_ms };
        };
        if proof != offer.proof(joiner, &nonce) {
            return Offering::Waiting { offer, expires_ms };
        }
        let code = confirmation_code(&offer, joiner, &nonce);
        Offering::Confirming { joiner: *joiner, device_name, code, offer }
    }

    /// The user pressed "the codes match" (true) or "they differ" (false).
    pub fn handle_confirmed(self, matches: bool) -> Offering {
        match self {
            Offering::Confirming { joiner, device_name, .. } if matches => Offering::Granted { joiner, device_name },
            Offering::Confirming { .. } => Offering::Closed,
            other => other,
        }
    }
}

/// The new device's side.
#[derive(Debug, Clone)]
pub enum Joining {
    /// The request went out: show the code and ask the user to compare.
    Comparing { offer: LinkOffer, code: String, confirmed: bool, granted: Option<Invite> },
    /// Both the user confirmed and the keyring arrived: follow it.
    Linked(Invite),
    /// The user said the codes differ.
    Cancelled,
}

/// Why the new device refuses what arrived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoinError {
    #[error("a letter came from a device other than the one being linked; it was ignored")]
    NotFromOffer,
    #[error(transparent)]
    BadKeyring(#[from] InviteError),
}

impl Joining {
    /// After posting `offer.request(me, _, nonce)`.
    pub fn new(offer: LinkOffer, me: &InboxAddress, nonce: &[u8; 32]) -> Joining {
        let code = confirmation_code(&offer, me, nonce);
        Joining::Comparing { offer, code, confirmed: false, granted: None }
    }

    /// A letter arrived; only the offering device's grant counts.
    pub fn handle_letter(self, letter: &Letter) -> Result<Joining, (Joining, JoinError)> {
        let Joining::Comparing { offer, code, confirmed, granted } = self else { return Ok(self) };
        let this = |granted| Joining::Comparing { offer: offer.clone(), code: code.clone(), confirmed, granted };
        if letter.named_sender().ok() != Some(&offer.address) {
            return Err((this(granted), JoinError::NotFromOffer));
        }
        let Some(Notice::LinkGranted { keyring }) = Notice::decode(&letter.body) else { return Ok(this(granted)) };
        match Invite::parse_for(&keyring, InvitePlace::DeviceLink) {
            Ok(invite) => Ok(Joining::Comparing { offer, code, confirmed, granted: Some(invite) }.settled()),
            Err(err) => Err((this(granted), err.into())),
        }
    }

    /// The user compared the codes.
    pub fn handle_confirmed(self, matches: bool) -> Joining {
        match self {
            Joining::Comparing { offer, code, granted, .. } if matches => Joining::Comparing { offer, code, confirmed: true, granted }.settled(),
            Joining::Comparing { .. } => Joining::Cancelled,
            other => other,
        }
    }

    fn settled(self) -> Joining {
        match self {
            Joining::Comparing { confirmed: true, granted: Some(invite), .. } => Joining::Linked(invite),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;
    use crate::sync::inbox::{InboxKeys, Sender};
    use crate::sync::member::MemberKeys;
    use crate::sync::role::Role;
    use crate::sync::DocumentKeys;

    fn keyring_invite() -> Invite {
        let keys = DocumentKeys::create([8; 32]);
        Invite { kind: DocumentKind::Keyring, member: MemberKeys::issue(&keys, Role::Owner, [9; 32]).unwrap(), keys }
    }

    fn letter(from: &InboxKeys, body: Vec<u8>) -> Letter {
        Letter { from: Sender::Device(from.address()), body }
    }

    #[test]
    fn both_screens_show_one_code_and_the_keyring_goes_only_after_both_confirm() {
        let laptop = InboxKeys::from_seed([1; 32]);
        let phone = InboxKeys::from_seed([2; 32]);
        let offer = LinkOffer { address: laptop.address(), secret: [3; 32] };
        let offer_on_phone = LinkOffer::parse(&offer.link("https://x.example")).unwrap();
        assert_eq!(offer_on_phone, offer);

        let mut laptop_side = Offering::new(offer.clone(), 0);
        let mut phone_side = Joining::new(offer_on_phone.clone(), &phone.address(), &[7; 32]);
        let request = offer_on_phone.request(&phone.address(), "Phone", [7; 32]);
        laptop_side = laptop_side.handle_letter(&letter(&phone, request.encode()), 1_000);
        let Offering::Confirming { code, device_name, .. } = &laptop_side else { panic!("{laptop_side:?}") };
        let Joining::Comparing { code: phone_code, .. } = &phone_side else { panic!() };
        assert_eq!(code, phone_code, "both screens show the same code");
        assert_eq!(device_name, "Phone");
        assert_eq!(code.len(), 7);

        laptop_side = laptop_side.handle_confirmed(true);
        assert!(matches!(laptop_side, Offering::Granted { joiner, .. } if joiner == phone.address()));
        let grant = Notice::LinkGranted { keyring: keyring_invite().fragment() }.encode();
        phone_side = phone_side.handle_letter(&letter(&laptop, grant)).unwrap();
        assert!(matches!(phone_side, Joining::Comparing { granted: Some(_), confirmed: false, .. }), "not before the phone's user confirms");
        phone_side = phone_side.handle_confirmed(true);
        let Joining::Linked(invite) = phone_side else { panic!() };
        assert_eq!(invite.keys.id(), keyring_invite().keys.id());
    }

    #[test]
    fn a_copied_link_answered_by_someone_else_shows_a_different_code_and_forgeries_are_ignored() {
        let laptop = InboxKeys::from_seed([1; 32]);
        let phone = InboxKeys::from_seed([2; 32]);
        let thief = InboxKeys::from_seed([5; 32]);
        let offer = LinkOffer { address: laptop.address(), secret: [3; 32] };
        assert_ne!(confirmation_code(&offer, &thief.address(), &[1; 32]), confirmation_code(&offer, &phone.address(), &[1; 32]));
        assert_ne!(confirmation_code(&offer, &phone.address(), &[1; 32]), confirmation_code(&offer, &phone.address(), &[2; 32]), "the nonce counts");
        // A request without the secret is ignored.
        let guess = LinkOffer { address: laptop.address(), secret: [4; 32] }.request(&thief.address(), "Phone", [1; 32]);
        let waiting = Offering::new(offer.clone(), 0).handle_letter(&letter(&thief, guess.encode()), 1);
        assert!(matches!(waiting, Offering::Waiting { .. }));
        // An anonymous letter is ignored; a late one closes the offer.
        let anonymous = Letter { from: Sender::Anonymous, body: offer.request(&thief.address(), "x", [1; 32]).encode() };
        assert!(matches!(Offering::new(offer.clone(), 0).handle_letter(&anonymous, 1), Offering::Waiting { .. }));
        let late = offer.request(&phone.address(), "Phone", [1; 32]);
        assert_eq!(Offering::new(offer.clone(), 0).handle_letter(&letter(&phone, late.encode()), OFFER_VALID_MS + 1), Offering::Closed);
        // The codes differ: the user says so and nothing is granted.
        let request = offer.request(&thief.address(), "Phone", [1; 32]);
        let confirming = Offering::new(offer.clone(), 0).handle_letter(&letter(&thief, request.encode()), 1);
        assert_eq!(confirming.handle_confirmed(false), Offering::Closed);
        // A grant from anyone but the offering device is refused.
        let joining = Joining::new(offer, &phone.address(), &[1; 32]);
        let grant = Notice::LinkGranted { keyring: keyring_invite().fragment() }.encode();
        let (_, err) = joining.handle_letter(&letter(&thief, grant)).unwrap_err();
        assert_eq!(err, JoinError::NotFromOffer);
    }
}
