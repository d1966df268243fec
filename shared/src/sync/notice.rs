//! What devices send each other in sealed letters, and what an owner says
//! when retiring a document.

use serde::{Deserialize, Serialize};

use super::domain::Domain;
use super::invite::{Invite, InviteError, InvitePlace};
use super::keys::{DocumentKeys, DocumentPublic};
use super::member::owner_signed;
use super::role::Role;
use super::sync_id::SyncId;

/// The body of a sealed letter between devices.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    /// The owner moved a document to new keys; these are the recipient's.
    /// `member` is the recipient's member key in the old document, so a
    /// notice meant for one member cannot be passed to another; `signature`
    /// is the old document's owner key over (from, member, invite).
    Moved { from: SyncId, member: [u8; 32], invite: String, signature: Vec<u8> },
    /// A new device asks to be linked (see `device_link`). `nonce` is fresh
    /// per request and goes into the code both screens show.
    LinkRequest { device_name: String, nonce: [u8; 32], proof: [u8; 32] },
    /// The pairing was confirmed: the keyring's invite.
    LinkGranted { keyring: String },
    /// A participant asks to join a workshop (or says they leave); the
    /// facilitator's device admits them (see `workshop::roster`).
    WorkshopJoin(crate::workshop::roster::JoinRequest),
    /// A participant's wrap-up answers, for the facilitator: always sent in
    /// an anonymous letter (see `workshop::wrap_up`).
    WrapUpShared { workshop: String, answers: crate::workshop::wrap_up::SharedAnswers },
    /// After both said "keep in touch" in `workshop`: an invite to a
    /// partnership, shown to the recipient only if the wish was mutual
    /// (see `workshop::keep_in_touch::Invitation`).
    KeepInTouchInvite { workshop: String, from_name: String, invite: String },
    /// "Request a mentor" or "volunteer to mentor", for the program whose
    /// public page has the sync id `page`; always in a signed letter (see
    /// `Program::receive_intake`).
    ProgramIntake { page: String, form: crate::program::IntakeForm },
    /// The coordinator introduces the recipient to their match.
    ProgramIntroduction(crate::program::introduction::Introduction),
    /// The mentor's device invites the mentee to the match's partnership.
    ProgramMatchInvitation(crate::program::introduction::MatchInvitation),
    /// A pair's counts for its program (never notes).
    ProgramCheckIn { program: String, match_id: String, check_in: crate::program::CheckIn },
    /// The coordinator's news of a match: a continuation notice, or its end.
    ProgramMatchNews(crate::program::introduction::MatchNews),
    /// A side's answer to a notice, or its request to end the match.
    ProgramMatchWord { program: String, match_id: String, word: crate::program::introduction::MatchWord },
    /// The coordinator's device says what became of an intake form.
    ProgramFormAnswer { program: String, answer: crate::program::introduction::FormAnswer },
    /// The coordinator's announcement to the program's members.
    ProgramAnnouncement(crate::program::introduction::Announcement),
    /// The coordinator's message to both sides of a match.
    ProgramMatchMessage(crate::program::introduction::MatchMessage),
    /// A member's answers to a survey of the program whose public page
    /// has the sync id `page`: in a signed letter if named, an anonymous
    /// one otherwise (see `Program::receive_survey_answer`).
    ProgramSurveyAnswer { page: String, letter: crate::program::survey::SurveyLetter },
    /// A member's reimbursement request, in a signed letter.
    ProgramClaim { page: String, request: crate::program::budget::ClaimRequest },
    /// The coordinator's word on a request: approved, passed on,
    /// reimbursed, or declined with why.
    ProgramClaimNews(crate::program::budget::ClaimNews),
    /// A group's attendance counts for the program whose public page has
    /// the sync id `page`, in a signed letter (see `program::group_report`).
    ProgramGroupCounts { page: String, counts: crate::program::group_report::GroupCountsLetter },
}

/// The most a notice may hold.
pub const MAX_NOTICE_BYTES: usize = 8 * 1024;

impl Notice {
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("notices serialize")
    }

    pub fn decode(bytes: &[u8]) -> Option<Notice> {
        if bytes.len() > MAX_NOTICE_BYTES {
            return None;
        }
        let (notice, rest) = postcard::take_from_bytes(bytes).ok()?;
        rest.is_empty().then_some(notice)
    }

    /// A moved notice for the member `member` of `old`, with their new
    /// `invite`, signed by the old document's owner.
    pub fn moved(old: &DocumentKeys, member: &[u8; 32], invite: &Invite) -> Option<Notice> {
        let from = old.id();
        let invite = invite.fragment();
        let signature = old.sign_as(Role::Owner, &moved_message(&from, member, &invite))?.to_vec();
        Some(Notice::Moved { from, member: *member, invite, signature })
    }
}

impl std::fmt::Debug for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Notices carry keys: never print them.
        match self {
            Notice::Moved { from, .. } => write!(f, "Moved({from})"),
            Notice::LinkRequest { device_name, .. } => write!(f, "LinkRequest({device_name})"),
            Notice::LinkGranted { .. } => write!(f, "LinkGranted"),
            Notice::WorkshopJoin(request) => write!(f, "WorkshopJoin({})", request.workshop),
            Notice::WrapUpShared { workshop, .. } => write!(f, "WrapUpShared({workshop})"),
            Notice::KeepInTouchInvite { workshop, .. } => write!(f, "KeepInTouchInvite({workshop})"),
            Notice::ProgramIntake { page, .. } => write!(f, "ProgramIntake({page})"),
            Notice::ProgramIntroduction(intro) => write!(f, "ProgramIntroduction({})", intro.program),
            Notice::ProgramMatchInvitation(invitation) => write!(f, "ProgramMatchInvitation({})", invitation.program),
            Notice::ProgramCheckIn { program, .. } => write!(f, "ProgramCheckIn({program})"),
            Notice::ProgramMatchNews(news) => write!(f, "ProgramMatchNews({})", news.program),
            Notice::ProgramMatchWord { program, .. } => write!(f, "ProgramMatchWord({program})"),
            Notice::ProgramFormAnswer { program, .. } => write!(f, "ProgramFormAnswer({program})"),
            Notice::ProgramAnnouncement(a) => write!(f, "ProgramAnnouncement({})", a.program),
            Notice::ProgramMatchMessage(m) => write!(f, "ProgramMatchMessage({})", m.program),
            Notice::ProgramSurveyAnswer { page, .. } => write!(f, "ProgramSurveyAnswer({page})"),
            Notice::ProgramClaim { page, .. } => write!(f, "ProgramClaim({page})"),
            Notice::ProgramClaimNews(news) => write!(f, "ProgramClaimNews({})", news.program),
            Notice::ProgramGroupCounts { page, .. } => write!(f, "ProgramGroupCounts({page})"),
        }
    }
}

fn moved_message(from: &SyncId, member: &[u8; 32], invite: &str) -> Vec<u8> {
    Domain::Moved.bytes(&[from.as_bytes(), member, invite.as_bytes()])
}

/// Why a moved notice is not followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MovedError {
    #[error("the notice is for a document this device does not follow")]
    UnknownDocument,
    #[error("the notice was not signed by the document's owner")]
    NotTheOwner,
    #[error("the notice was meant for another member")]
    NotForThisMember,
    #[error("the new keys are for another kind of document")]
    WrongKind,
    #[error(transparent)]
    BadInvite(#[from] InviteError),
}

/// What a device holds of the document a moved notice claims to move: its
/// public keys, its kind, and the device's own member key in it.
#[derive(Debug, Clone, Copy)]
pub struct Moving<'a> {
    pub old: &'a DocumentPublic,
    pub kind: crate::document::DocumentKind,
    pub member: &'a [u8; 32],
}

/// Check a moved notice against the document it claims to move and read the
/// new invite. A keyring moves only to keys its owner holds.
pub fn follow_moved(moving: Moving<'_>, from: &SyncId, member: &[u8; 32], invite: &str, signature: &[u8]) -> Result<Invite, MovedError> {
    let (old, old_kind) = (moving.old, moving.kind);
    if old.id() != *from {
        return Err(MovedError::UnknownDocument);
    }
    // A keyring's holders are all one person's devices (devices migrated
    // from protocol 1 may each hold their own member key).
    if member != moving.member && old_kind != crate::document::DocumentKind::Keyring {
        return Err(MovedError::NotForThisMember);
    }
    if !owner_signed(old, &moved_message(from, member, invite), signature) {
        return Err(MovedError::NotTheOwner);
    }
    let place = if old_kind == crate::document::DocumentKind::Keyring { InvitePlace::DeviceLink } else { InvitePlace::KeyringEntry };
    let invite = Invite::parse_for(invite, place)?;
    if invite.kind != old_kind {
        return Err(MovedError::WrongKind);
    }
    if old_kind == crate::document::DocumentKind::Keyring && invite.keys.role() != Role::Owner {
        return Err(MovedError::WrongKind);
    }
    Ok(invite)
}

/// Why the owner retired a document (the body of its `Retire` chunk).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RetireReason {
    /// The owner replaced the keys; members who stay were sent new ones.
    KeysReplaced,
    /// A device was unlinked (the keyring, and the documents it could read).
    DevicesUnlinked { removed: Vec<[u8; 32]> },
}

impl RetireReason {
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("reasons serialize")
    }

    pub fn decode(bytes: &[u8]) -> Option<RetireReason> {
        postcard::from_bytes(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;
    use crate::sync::member::MemberKeys;

    #[test]
    fn only_the_owner_can_move_a_document() {
        let old = DocumentKeys::create([1; 32]);
        let new = DocumentKeys::create([2; 32]);
        let invite = Invite { kind: DocumentKind::GoalPlan, keys: new.for_role(Role::Writer).unwrap(), member: MemberKeys::issue(&new, Role::Writer, [3; 32]).unwrap() };
        let ana = [5u8; 32];
        let Some(Notice::Moved { from, member, invite: text, signature }) = Notice::moved(&old, &ana, &invite) else { panic!() };
        let back = Notice::decode(&Notice::Moved { from, member, invite: text.clone(), signature: signature.clone() }.encode()).unwrap();
        assert!(matches!(back, Notice::Moved { .. }));
        assert!(!format!("{back:?}").contains(&text), "no keys in debug output");
        let moving = Moving { old: old.public(), kind: DocumentKind::GoalPlan, member: &ana };
        let moved = follow_moved(moving, &from, &member, &text, &signature).unwrap();
        assert_eq!(moved.keys.id(), new.id());
        let partnership = Moving { kind: DocumentKind::Partnership, ..moving };
        assert_eq!(follow_moved(partnership, &from, &member, &text, &signature).unwrap_err(), MovedError::WrongKind);
        // Another member forwards their own notice to Ana.
        let bo = [6u8; 32];
        assert_eq!(follow_moved(Moving { member: &bo, ..moving }, &from, &member, &text, &signature).unwrap_err(), MovedError::NotForThisMember);
        assert_eq!(follow_moved(Moving { member: &bo, ..moving }, &from, &bo, &text, &signature).unwrap_err(), MovedError::NotTheOwner);
        // A writer of the old document tries to move everyone to its own copy.
        let writer = old.for_role(Role::Writer).unwrap();
        assert!(Notice::moved(&writer, &ana, &invite).is_none());
        let forged = new.sign_as(Role::Owner, &moved_message(&from, &ana, &text)).unwrap();
        assert_eq!(follow_moved(moving, &from, &member, &text, &forged).unwrap_err(), MovedError::NotTheOwner);
        let other = DocumentKeys::create([4; 32]);
        assert_eq!(follow_moved(Moving { old: other.public(), ..moving }, &from, &member, &text, &signature).unwrap_err(), MovedError::UnknownDocument);
    }
}
