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
}
