//! "I'd like to keep in touch": a wish about one round's partner, revealed
//! only when both made it. Both devices derive the same rendezvous token
//! from a secret only the two of them can compute (their inbox keys), and
//! each its own side tag; the relay answers only when two sides posted (see
//! `sync::rendezvous`). A wish that is not returned is seen by nobody: not
//! the partner, not the facilitator, not the relay (which cannot tell whose
//! token it holds).

use crate::sync::inbox::{InboxAddress, InboxKeys};

const TOKEN: &str = "confidant/2 workshop keep-in-touch token";
const SIDE: &str = "confidant/2 workshop keep-in-touch side";

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
    let secret = mine.pair_secret(theirs, TOKEN)?;
    // The pair, in one order, so both sides hash the same bytes.
    let me = mine.address();
    let (first, second) = if me.verifying_key <= theirs.verifying_key { (me, *theirs) } else { (*theirs, me) };
    let mut token = blake3::Hasher::new_keyed(&secret);
    token.update(workshop.as_bytes());
    token.update(&first.verifying_key);
    token.update(&second.verifying_key);
    let token: [u8; 32] = token.finalize().into();
    let mut side = blake3::Hasher::new_derive_key(SIDE);
    side.update(&token);
    side.update(&me.verifying_key);
    Some(Wish { token, side: side.finalize().into() })
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
    /// Ana does not; whatever Ana's device tries short of her own wish, it
    /// hears nothing. Then Ana wishes too and both hear.
    #[test]
    fn a_one_sided_wish_is_never_exposed_and_a_mutual_one_reaches_both() {
        let (ana, sam) = (keys(1), keys(2));
        let from_sam = wish(&sam, &ana.address(), "ws1").unwrap();
        let mut relay = Rendezvous::default();
        let (ana_conn, sam_conn) = (ConnectionId(1), ConnectionId(2));
        assert!(relay.post(sam_conn, from_sam.token, from_sam.side, 0).unwrap().is_empty());
        // Ana's device knows the token and Sam's side tag: posting his side
        // is not her wish and tells her nothing.
        assert!(relay.post(ana_conn, from_sam.token, from_sam.side, 1).unwrap().is_empty());
        // Her own wish is: both hear.
        let from_ana = wish(&ana, &sam.address(), "ws1").unwrap();
        let mut told = relay.post(ana_conn, from_ana.token, from_ana.side, 2).unwrap();
        told.sort();
        assert_eq!(told, [ana_conn, sam_conn]);
    }
}
