//! Invites: how a partner (or the user's other device) gets a shared
//! document's keys, and where each kind of invite may be used.
//!
//! `https://<relay>/join#<kind>.2.<payload>`: everything after `#` is the URL
//! fragment, which browsers never send to a server. The payload holds the
//! role's secret, the document's public keys, and a member key with the
//! owner's certificate, so the person who accepts writes as that member.
//!
//! A partnership invite may end with `.<note>`: who sends it and the side
//! they offer ([`InviteNote`]), so the join page can say "Sam invites you
//! to be the mentor" before anything is fetched. The note is as trustworthy
//! as the link itself (anyone holding the link could rewrite it), is bounded
//! and checked like the rest, and a damaged note is dropped, never the invite.
//!
//! An invite is accepted only where its kind belongs ([`InvitePlace`]): the
//! join page takes goal plans, partnerships, workshops and programs, never a
//! keyring (which would hand over every key on the device) or a profile.

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::keys::{DocumentKeys, DocumentPublic};
use super::member::{MemberCert, MemberKeys};
use super::role::Role;
use crate::document::DocumentKind;

/// The path of the page that accepts invites.
pub const JOIN_PATH: &str = "/join";
/// The format marker between the kind and the payload.
const FORMAT: &str = "2";
/// The longest invite text accepted (a payload is about 350 characters).
pub const MAX_INVITE_CHARS: usize = 1024;

/// What an invite carries.
#[derive(Debug, Clone)]
pub struct Invite {
    pub kind: DocumentKind,
    pub keys: DocumentKeys,
    pub member: MemberKeys,
}

/// Who sends an invite and what they offer, shown on the join page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteNote {
    /// The inviter's name, as in their profile.
    pub from: String,
    /// For a partnership: the side the invited person takes.
    pub offered: Option<crate::partnership::Side>,
}

/// The longest name a note may carry (characters).
pub const MAX_NOTE_NAME_CHARS: usize = 80;
/// The longest note accepted, encoded.
const MAX_NOTE_CHARS: usize = 200;

impl InviteNote {
    /// A note with the name cut to size and stripped of control characters.
    pub fn new(from: &str, offered: Option<crate::partnership::Side>) -> Self {
        InviteNote { from: super::member::printable_name(from, MAX_NOTE_NAME_CHARS), offered }
    }

    fn encode(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(postcard::to_allocvec(self).expect("notes serialize"))
    }

    /// The note at the end of an invite text, if it has a well-formed one.
    pub fn of(text: &str) -> Option<InviteNote> {
        if text.len() > MAX_INVITE_CHARS {
            return None;
        }
        let note = fragment_of(text).splitn(4, '.').nth(3)?;
        if note.len() > MAX_NOTE_CHARS {
            return None;
        }
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(note).ok()?;
        let (note, left): (InviteNote, _) = postcard::take_from_bytes(&bytes).ok()?;
        let clean = InviteNote::new(&note.from, note.offered);
        (left.is_empty() && clean == note && !note.from.is_empty()).then_some(note)
    }

    /// "Sam Rivera invites you to a mentoring partnership as the mentor".
    pub fn headline(&self, kind: DocumentKind) -> String {
        let side = match self.offered {
            Some(crate::partnership::Side::Mentor) => " as the mentor",
            Some(crate::partnership::Side::Mentee) => " as the mentee",
            None => "",
        };
        format!("{} invites you to {}{side}.", self.from, describe(kind))
    }
}

/// Where an invite is being used; each place names the kinds it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitePlace {
    /// The `/join` page: a link someone sent.
    JoinPage,
    /// The goal plan a partnership points to (written by the partner).
    PartnershipGoalPlan,
    /// An entry of the user's own keyring (every document of theirs but the
    /// keyring itself).
    KeyringEntry,
    /// The keyring, sealed to a newly paired device of the user's own.
    DeviceLink,
    /// The public page a program points to (written by its coordinators).
    ProgramPage,
    /// A receipt a reimbursement request points to (written by its member).
    Receipt,
}

impl InvitePlace {
    pub fn accepts(self, kind: DocumentKind) -> bool {
        use DocumentKind::*;
        match self {
            InvitePlace::JoinPage => matches!(kind, GoalPlan | Partnership | Workshop | Group | Program | ProgramPage),
            InvitePlace::PartnershipGoalPlan => kind == GoalPlan,
            InvitePlace::KeyringEntry => kind != Keyring,
            InvitePlace::DeviceLink => kind == Keyring,
            InvitePlace::ProgramPage => kind == ProgramPage,
            InvitePlace::Receipt => kind == Receipt,
        }
    }
}

/// Why an invite is refused. Messages are for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InviteError {
    #[error("this invite link is incomplete or damaged; ask the person who sent it for a new one")]
    Damaged,
    #[error("this link was made by an older version of Confidant; ask the person who sent it for a new one")]
    OldFormat,
    #[error("this link would give away the keys to everything on your devices; it was refused. Link your own devices from Settings instead")]
    KeyringNotHere,
    #[error("this link is someone's profile, which is never shared; it was refused")]
    ProfileNotHere,
    #[error("this link is for {found}, but {place} was expected; it was refused")]
    WrongKind { found: &'static str, place: &'static str },
}

/// The bytes after the format marker.
#[derive(Serialize, Deserialize)]
struct Payload {
    role: Role,
    secret: [u8; 32],
    public: DocumentPublic,
    member_seed: [u8; 32],
    member: MemberCert,
}

fn describe(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::GoalPlan => "a goal plan",
        DocumentKind::Partnership => "a mentoring partnership",
        DocumentKind::Journal => "a journal entry",
        DocumentKind::Profile => "a profile",
        DocumentKind::Workshop => "a workshop",
        DocumentKind::Group => "a group",
        DocumentKind::Program => "a program",
        DocumentKind::ProgramPage => "a program's page",
        DocumentKind::Receipt => "a receipt",
        DocumentKind::Keyring => "your linked devices",
    }
}

impl InvitePlace {
    fn expected(self) -> &'static str {
        match self {
            InvitePlace::JoinPage => "a goal plan, partnership, workshop, group or program",
            InvitePlace::PartnershipGoalPlan => "a goal plan",
            InvitePlace::KeyringEntry => "one of your documents",
            InvitePlace::DeviceLink => "your linked devices",
            InvitePlace::ProgramPage => "a program's page",
            InvitePlace::Receipt => "a receipt",
        }
    }
}

impl Invite {
    /// The fragment, without `#`.
    pub fn fragment(&self) -> String {
        let payload = Payload {
            role: self.keys.role(),
            secret: *self.keys.secret(),
            public: *self.keys.public(),
            member_seed: *self.member.seed(),
            member: self.member.cert().clone(),
        };
        let bytes = zeroize::Zeroizing::new(postcard::to_allocvec(&payload).expect("invites serialize"));
        let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&*bytes);
        format!("{}.{FORMAT}.{text}", self.kind.as_str())
    }

    /// The whole link on the relay at `origin` (e.g. `https://mentor.example.edu`).
    pub fn link(&self, origin: &str) -> String {
        format!("{}{JOIN_PATH}#{}", origin.trim_end_matches('/'), self.fragment())
    }

    /// The link with a note saying who sends it and what they offer.
    pub fn link_with_note(&self, origin: &str, note: Option<&InviteNote>) -> String {
        match note {
            Some(note) => format!("{}.{}", self.link(origin), note.encode()),
            None => self.link(origin),
        }
    }

    /// A human description of what accepting gives: "a goal plan you can edit".
    pub fn describe(&self) -> String {
        format!("{} ({})", describe(self.kind), self.member.cert().role.describe())
    }

    /// Read an invite (a fragment with or without `#`, or a whole link) for
    /// use at `place`: refused unless its kind belongs there.
    pub fn parse_for(text: &str, place: InvitePlace) -> Result<Invite, InviteError> {
        let invite = Self::parse_any(text)?;
        if place.accepts(invite.kind) {
            return Ok(invite);
        }
        Err(match invite.kind {
            DocumentKind::Keyring => InviteError::KeyringNotHere,
            DocumentKind::Profile if place == InvitePlace::JoinPage => InviteError::ProfileNotHere,
            kind => InviteError::WrongKind { found: describe(kind), place: place.expected() },
        })
    }

    /// The kind an invite text names, before anything else is read.
    pub fn kind_of(text: &str) -> Option<DocumentKind> {
        let fragment = fragment_of(text);
        DocumentKind::parse(fragment.split_once('.')?.0)
    }

    fn parse_any(text: &str) -> Result<Invite, InviteError> {
        if text.len() > MAX_INVITE_CHARS {
            return Err(InviteError::Damaged);
        }
        let fragment = fragment_of(text);
        let (kind, rest) = fragment.split_once('.').ok_or(InviteError::Damaged)?;
        let kind = DocumentKind::parse(kind).ok_or(InviteError::Damaged)?;
        let Some((format, payload)) = rest.split_once('.') else {
            return Err(if super::migration::is_v1_keys(rest) { InviteError::OldFormat } else { InviteError::Damaged });
        };
        if format != FORMAT {
            return Err(InviteError::Damaged);
        }
        // A note after the payload is read by `InviteNote::of`, not here.
        let payload = payload.split_once('.').map_or(payload, |(payload, _note)| payload);
        let bytes = zeroize::Zeroizing::new(
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).map_err(|_| InviteError::Damaged)?,
        );
        let (payload, left): (Payload, _) = postcard::take_from_bytes(&bytes).map_err(|_| InviteError::Damaged)?;
        if !left.is_empty() {
            return Err(InviteError::Damaged);
        }
        let keys = DocumentKeys::from_parts(payload.role, payload.secret, payload.public).map_err(|_| InviteError::Damaged)?;
        let member = MemberKeys::from_parts(payload.member_seed, payload.member, &keys).map_err(|_| InviteError::Damaged)?;
        Ok(Invite { kind, keys, member })
    }

    /// A record kept on this device (share records, keyring entries), which
    /// was checked when it was made: no place rule applies.
    pub fn parse_record(text: &str) -> Result<Invite, InviteError> {
        Self::parse_any(text)
    }
}

fn fragment_of(text: &str) -> &str {
    let text = text.trim();
    match text.rsplit_once('#') {
        Some((_, fragment)) => fragment,
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invite(kind: DocumentKind, role: Role) -> Invite {
        let owner = DocumentKeys::create([3; 32]);
        let member = MemberKeys::issue(&owner, role, [4; 32]).unwrap();
        Invite { kind, keys: owner.for_role(role).unwrap(), member }
    }

    #[test]
    fn links_round_trip_and_keep_the_keys_in_the_fragment() {
        let invite = invite(DocumentKind::GoalPlan, Role::Writer);
        let link = invite.link("http://127.0.0.1:8080/");
        let (before, after) = link.split_once('#').unwrap();
        assert_eq!(before, "http://127.0.0.1:8080/join");
        assert!(after.starts_with("goal_plan.2."));
        for text in [link.clone(), format!("#{after}"), after.to_string(), format!("  {link}\n")] {
            let back = Invite::parse_for(&text, InvitePlace::JoinPage).unwrap();
            assert_eq!(back.kind, DocumentKind::GoalPlan);
            assert_eq!(back.keys.id(), invite.keys.id());
            assert_eq!(back.keys.role(), Role::Writer);
            assert_eq!(back.member.cert(), invite.member.cert());
        }
        assert!(invite.fragment().len() < 400, "fits a QR code: {}", invite.fragment().len());
    }

    #[test]
    fn a_note_says_who_and_what_and_never_breaks_the_invite() {
        use crate::partnership::Side;
        let invite = invite(DocumentKind::Partnership, Role::Writer);
        let note = InviteNote::new("Sam Rivera", Some(Side::Mentor));
        let link = invite.link_with_note("http://x", Some(&note));
        assert!(link.len() < MAX_INVITE_CHARS);
        assert_eq!(InviteNote::of(&link), Some(note.clone()));
        assert_eq!(note.headline(DocumentKind::Partnership), "Sam Rivera invites you to a mentoring partnership as the mentor.");
        let back = Invite::parse_for(&link, InvitePlace::JoinPage).unwrap();
        assert_eq!(back.member.cert(), invite.member.cert());
        // No note, a damaged note, an oversized or unclean one: the invite still opens, with no note.
        let plain = invite.link("http://x");
        let crafted = InviteNote { from: "Sam\u{202e}Rivera".into(), offered: None };
        let crafted = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(postcard::to_allocvec(&crafted).unwrap());
        for text in [plain.clone(), format!("{plain}.!!"), format!("{plain}.{}", "A".repeat(300)), format!("{plain}.{crafted}"), format!("{plain}.")] {
            assert_eq!(InviteNote::of(&text), None, "{text}");
            assert!(Invite::parse_for(&text, InvitePlace::JoinPage).is_ok(), "{text}");
        }
        assert_eq!(InviteNote::new("Sam\u{202e}\u{200b} Rivera\n", None).from, "Sam Rivera", "no bidi or invisible characters");
        // Names are cut to size.
        assert_eq!(InviteNote::new(&"x".repeat(500), None).from.chars().count(), MAX_NOTE_NAME_CHARS);
    }

    #[test]
    fn a_keyring_or_profile_invite_is_refused_at_every_entry_point() {
        let keyring = invite(DocumentKind::Keyring, Role::Owner).fragment();
        let profile = invite(DocumentKind::Profile, Role::Owner).fragment();
        for place in [InvitePlace::JoinPage, InvitePlace::PartnershipGoalPlan, InvitePlace::KeyringEntry] {
            assert_eq!(Invite::parse_for(&keyring, place).unwrap_err(), InviteError::KeyringNotHere, "{place:?}");
        }
        assert_eq!(Invite::parse_for(&profile, InvitePlace::JoinPage).unwrap_err(), InviteError::ProfileNotHere);
        assert!(matches!(Invite::parse_for(&profile, InvitePlace::PartnershipGoalPlan), Err(InviteError::WrongKind { .. })));
        let partnership = invite(DocumentKind::Partnership, Role::Writer).fragment();
        assert!(matches!(Invite::parse_for(&partnership, InvitePlace::PartnershipGoalPlan), Err(InviteError::WrongKind { .. })));
        assert!(Invite::parse_for(&keyring, InvitePlace::DeviceLink).is_ok());
        assert!(Invite::parse_for(&profile, InvitePlace::KeyringEntry).is_ok());
    }

    #[test]
    fn damaged_or_forged_links_are_refused() {
        let good = invite(DocumentKind::Partnership, Role::Writer);
        let fragment = good.fragment();
        for bad in [
            "".to_string(),
            "http://x/join".to_string(),
            fragment.replace("partnership", "diary"),
            fragment[..fragment.len() - 3].to_string(),
            format!("{fragment}AAAA"),
            fragment.replace(".2.", ".3."),
            "x".repeat(MAX_INVITE_CHARS + 1),
        ] {
            assert!(Invite::parse_for(&bad, InvitePlace::JoinPage).is_err(), "{bad}");
        }
        // A writer's link edited to claim the owner role fails the key check.
        let mut payload: Payload = postcard::from_bytes(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(fragment.rsplit('.').next().unwrap()).unwrap(),
        )
        .unwrap();
        payload.role = Role::Owner;
        let forged = format!("partnership.2.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(postcard::to_allocvec(&payload).unwrap()));
        assert_eq!(Invite::parse_for(&forged, InvitePlace::JoinPage).unwrap_err(), InviteError::Damaged);
    }
}
