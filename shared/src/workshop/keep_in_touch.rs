//! "I'd like to keep in touch": a wish about one round's partner, revealed
//! only when both made it. From a secret only the two of them can compute
//! (X25519 between their devices' inbox keys), both devices derive the
//! pair's two side tags and the rendezvous token the two make together;
//! each posts the token with its own side, and the relay answers only once
//! both sides are there (see `sync::rendezvous`). A wish that is not
//! returned is heard by nobody: the partner cannot complete the meeting
//! without posting their own side (their own wish, which the wisher then
//! hears of), and nobody else can make the token at all.

use crate::sync::inbox::{InboxAddress, InboxKeys};
use crate::sync::rendezvous::token_for;

const PAIR: &str = "confidant/2 workshop keep-in-touch pair";

/// What a device posts for one wish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wish {
    pub token: [u8; 32],
    pub side: [u8; 32],
}

/// The wish of the device holding `mine` about the partner at `theirs` in
/// `workshop` (its sync id's text). `None` when the partner's address
/// cannot give a secret (a hostile key).
pub fn wish(mine: &InboxKeys, theirs: &InboxAddress, workshop: &str) -> Option<Wish> {
    let secret = mine.pair_secret(theirs, PAIR)?;
    // Sides by the order of the two devices' keys, so both agree which is which.
    let me = mine.address();
    let i_am_first = me.verifying_key <= theirs.verifying_key;
    let side = |first: bool| -> [u8; 32] {
        let mut hasher = blake3::Hasher::new_keyed(&secret);
        hasher.update(workshop.as_bytes());
        hasher.update(&[u8::from(first)]);
        hasher.finalize().into()
    };
    let (first, second) = (side(true), side(false));
    Some(Wish { token: token_for(&first, &second), side: if i_am_first { first } else { second } })
}

/// An invite to a partnership from someone met in a workshop, as the
/// recipient's device keeps it until it is answered. It is shown only once
/// the relay said the wish was mutual (`token` met): anyone in the room can
/// read the roster's addresses and send one, and a one-sided or unasked
/// invite must reach nobody.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Invitation {
    /// The sender's inbox address (signed letter), as text.
    pub from: String,
    pub from_name: String,
    pub workshop: String,
    /// The partnership's invite fragment: it holds keys, never printed.
    pub invite: String,
    /// The pair's keep-in-touch token in that workshop.
    pub token: [u8; 32],
}

impl std::fmt::Debug for Invitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Invitation(from {} in {})", self.from_name, self.workshop)
    }
}

/// The most invitations a device keeps waiting.
pub const MAX_INVITATIONS: usize = 20;

/// Why an invitation was not kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvitationRefused {
    #[error("an invitation after a workshop can only be to a partnership")]
    NotAPartnership,
    #[error("the sender's address cannot have made a wish")]
    BadSender,
    #[error("this device did not wish to keep in touch with the sender")]
    NotWished,
    #[error("too many invitations are waiting")]
    Full,
}

/// Keep an invitation `invite` from `sender` (a signed letter's sender),
/// made in `workshop`, on the device holding `mine`, which `wished` to keep
/// in touch with them there. Without that wish nothing is kept, so nobody
/// in the room can fill the device's slots; one per sender and workshop
/// (a new one replaces the last).
pub fn receive_invitation(
    kept: &mut Vec<Invitation>,
    mine: &InboxKeys,
    sender: &InboxAddress,
    wished: bool,
    workshop: &str,
    from_name: &str,
    invite: &str,
) -> Result<(), InvitationRefused> {
    if !wished {
        return Err(InvitationRefused::NotWished);
    }
    let parsed = (invite.len() <= crate::sync::invite::MAX_INVITE_CHARS).then(|| crate::sync::Invite::parse_record(invite).ok()).flatten();
    if parsed.is_none_or(|i| i.kind != crate::document::DocumentKind::Partnership) {
        return Err(InvitationRefused::NotAPartnership);
    }
    let token = wish(mine, sender, workshop).ok_or(InvitationRefused::BadSender)?.token;
    let from = sender.to_text();
    kept.retain(|k| !(k.from == from && k.workshop == workshop));
    if kept.len() >= MAX_INVITATIONS {
        return Err(InvitationRefused::Full);
    }
    kept.push(Invitation {
        from,
        from_name: crate::sync::member::printable_name(from_name, 80),
        workshop: workshop.chars().take(80).collect(),
        invite: invite.to_owned(),
        token,
    });
    Ok(())
}

/// The invitations to show: those whose wish both made.
pub fn shown<'a>(kept: &'a [Invitation], met: &'a std::collections::BTreeSet<[u8; 32]>) -> impl Iterator<Item = &'a Invitation> {
    kept.iter().filter(|k| met.contains(&k.token))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::relay::ConnectionId;
    use crate::sync::rendezvous::Rendezvous;

    fn keys(n: u8) -> InboxKeys {
        InboxKeys::from_seed([n; 32])
    }

    #[test]
    fn partners_share_a_token_with_different_sides_and_nobody_else_has_it() {
        let (ana, sam, eve) = (keys(1), keys(2), keys(3));
        let a = wish(&ana, &sam.address(), "ws1").unwrap();
        let s = wish(&sam, &ana.address(), "ws1").unwrap();
        assert_eq!(a.token, s.token);
        assert_ne!(a.side, s.side);
        assert_eq!(token_for(&a.side, &s.side), a.token, "the two sides make the token");
        // Another pair, another workshop: other tokens.
        assert_ne!(wish(&eve, &sam.address(), "ws1").unwrap().token, a.token);
        assert_ne!(wish(&ana, &sam.address(), "ws2").unwrap().token, a.token);
    }

    #[test]
    fn a_hostile_address_gives_no_wish() {
        let ana = keys(1);
        let mut zero = keys(2).address();
        zero.exchange_key = [0; 32];
        assert_eq!(wish(&ana, &zero, "ws1"), None);
    }

    /// The mutual reveal end to end over the relay's table: Sam wishes,
    /// Ana does not; whatever Ana's device posts short of her own side, it
    /// hears nothing. Then Ana wishes too and both hear.
    #[test]
    fn a_one_sided_wish_is_never_exposed_and_a_mutual_one_reaches_both() {
        let (ana, sam) = (keys(1), keys(2));
        let from_sam = wish(&sam, &ana.address(), "ws1").unwrap();
        let mut relay = Rendezvous::default();
        let (ana_conn, sam_conn) = (ConnectionId(1), ConnectionId(2));
        assert!(relay.post(sam_conn, from_sam.token, from_sam.side, 0).unwrap().is_empty());
        // Ana's device knows the token and Sam's side: his side again, or
        // any made-up one, tells her nothing.
        assert!(relay.post(ana_conn, from_sam.token, from_sam.side, 1).unwrap().is_empty());
        assert!(relay.post(ana_conn, from_sam.token, [0x42; 32], 1).unwrap().is_empty());
        // Her own side is her wish: both hear.
        let from_ana = wish(&ana, &sam.address(), "ws1").unwrap();
        let mut told = relay.post(ana_conn, from_ana.token, from_ana.side, 2).unwrap();
        told.sort();
        assert_eq!(told, [ana_conn, sam_conn]);
    }

    fn partnership_invite() -> String {
        use crate::sync::keys::DocumentKeys;
        use crate::sync::member::MemberKeys;
        use crate::sync::Role;
        let owner = DocumentKeys::create([7; 32]);
        let member = MemberKeys::issue(&owner, Role::Writer, [8; 32]).unwrap();
        crate::sync::Invite { kind: crate::document::DocumentKind::Partnership, keys: owner.for_role(Role::Writer).unwrap(), member }.fragment()
    }

    #[test]
    fn an_invitation_shows_only_after_a_mutual_wish_and_only_to_a_partnership() {
        let (ana, sam, eve) = (keys(1), keys(2), keys(3));
        let invite = partnership_invite();
        let mut kept = Vec::new();
        // Ana wished to keep in touch with Sam and with Eve; Eve did not
        // return it. Both send one, Sam twice.
        receive_invitation(&mut kept, &ana, &sam.address(), true, "ws1", "Sam\u{202E}", &invite).unwrap();
        receive_invitation(&mut kept, &ana, &sam.address(), true, "ws1", "Sam", &invite).unwrap();
        receive_invitation(&mut kept, &ana, &eve.address(), true, "ws1", "Eve", &invite).unwrap();
        assert_eq!(kept.len(), 2, "one per sender and workshop");
        let mut met = std::collections::BTreeSet::new();
        assert_eq!(shown(&kept, &met).count(), 0, "nothing before the relay says a wish was mutual");
        met.insert(wish(&ana, &sam.address(), "ws1").unwrap().token);
        let seen: Vec<&Invitation> = shown(&kept, &met).collect();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].from_name, "Sam", "names are printable");
        assert_eq!(seen[0].from, sam.address().to_text());
        // A one-sided wish elsewhere does not show Eve's.
        met.insert(wish(&ana, &eve.address(), "ws2").unwrap().token);
        assert_eq!(shown(&kept, &met).count(), 1);
    }

    #[test]
    fn unwished_damaged_or_non_partnership_invitations_are_refused_and_slots_are_bounded() {
        let (ana, sam) = (keys(1), keys(2));
        let mut kept = Vec::new();
        let invite = partnership_invite();
        // Someone Ana never wished to keep in touch with fills nothing.
        assert_eq!(receive_invitation(&mut kept, &ana, &sam.address(), false, "ws1", "Sam", &invite), Err(InvitationRefused::NotWished));
        let journal = invite.replacen("partnership", "journal", 1);
        assert_eq!(receive_invitation(&mut kept, &ana, &sam.address(), true, "ws1", "Sam", &journal), Err(InvitationRefused::NotAPartnership));
        assert_eq!(receive_invitation(&mut kept, &ana, &sam.address(), true, "ws1", "Sam", "garbage"), Err(InvitationRefused::NotAPartnership));
        assert_eq!(receive_invitation(&mut kept, &ana, &sam.address(), true, "ws1", "Sam", &format!("{invite}x")), Err(InvitationRefused::NotAPartnership));
        assert!(kept.is_empty());
        for n in 0..MAX_INVITATIONS {
            receive_invitation(&mut kept, &ana, &keys(10 + n as u8).address(), true, "ws1", "Someone", &invite).unwrap();
        }
        assert_eq!(receive_invitation(&mut kept, &ana, &sam.address(), true, "ws1", "Sam", &invite), Err(InvitationRefused::Full));
    }
}
