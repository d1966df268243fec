//! Invite links: how a partner (or the user's other device) gets a shared
//! document's keys.
//!
//! `https://<relay>/join#<kind>.<keys>`: everything after `#` is the URL
//! fragment, which browsers never send to a server, so the relay that serves
//! the page never learns the keys. The same text is shown as a QR code.

use super::keys::{BadInvite, DocumentKeys};
use crate::document::DocumentKind;

/// The path of the page that accepts invites.
pub const JOIN_PATH: &str = "/join";

/// What an invite link carries.
#[derive(Debug, Clone)]
pub struct Invite {
    pub kind: DocumentKind,
    pub keys: DocumentKeys,
}

impl Invite {
    /// The fragment, without `#`.
    pub fn fragment(&self) -> String {
        format!("{}.{}", self.kind.as_str(), self.keys.to_fragment())
    }

    /// The whole link on the relay at `origin` (e.g. `https://mentor.example.edu`).
    pub fn link(&self, origin: &str) -> String {
        format!("{}{JOIN_PATH}#{}", origin.trim_end_matches('/'), self.fragment())
    }

    /// Read a fragment (with or without `#`) or a whole link.
    pub fn parse(text: &str) -> Result<Invite, BadInvite> {
        let text = text.trim();
        let fragment = match text.rsplit_once('#') {
            Some((_, fragment)) => fragment,
            None => text,
        };
        let (kind, keys) = fragment.split_once('.').ok_or(BadInvite)?;
        let kind = DocumentKind::parse(kind).ok_or(BadInvite)?;
        Ok(Invite { kind, keys: DocumentKeys::from_fragment(keys)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_round_trip_and_keep_the_keys_in_the_fragment() {
        let invite = Invite { kind: DocumentKind::GoalPlan, keys: DocumentKeys::from_random([3; 32], [4; 32]) };
        let link = invite.link("http://127.0.0.1:8080/");
        let (before, after) = link.split_once('#').unwrap();
        assert_eq!(before, "http://127.0.0.1:8080/join");
        assert!(after.contains(&invite.keys.to_fragment()));
        for text in [link.clone(), format!("#{after}"), after.to_string(), format!("  {link}\n")] {
            let back = Invite::parse(&text).unwrap();
            assert_eq!(back.kind, DocumentKind::GoalPlan);
            assert_eq!(back.keys.id(), invite.keys.id());
        }
    }

    #[test]
    fn damaged_links_are_refused() {
        let invite = Invite { kind: DocumentKind::Partnership, keys: DocumentKeys::from_random([3; 32], [4; 32]) };
        let fragment = invite.fragment();
        for bad in [
            "".to_string(),
            "http://x/join".to_string(),
            fragment.replace("partnership", "diary"),
            fragment[..fragment.len() - 3].to_string(),
            invite.keys.to_fragment(),
        ] {
            assert!(Invite::parse(&bad).is_err(), "{bad}");
        }
    }
}
