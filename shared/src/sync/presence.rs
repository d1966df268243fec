//! Who else has a shared document open right now.
//!
//! Each open page announces itself every [`ANNOUNCE_EVERY_MS`] with an
//! ephemeral (never stored) signal; an announcement counts for
//! [`PRESENT_FOR_MS`], so someone who closes the page drops off within
//! half a minute without having to say goodbye.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const ANNOUNCE_EVERY_MS: i64 = 10_000;
pub const PRESENT_FOR_MS: i64 = 25_000;

/// What a page announces. `device` is random per page, so one person in two
/// tabs counts once per tab but never collides with someone else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    pub device: String,
    pub name: Option<String>,
}

impl Announcement {
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> Option<Self> {
        serde_json::from_slice(bytes).ok()
    }
}

/// Announcements heard, per document.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Presence {
    heard: BTreeMap<([u8; 16], String), (Option<String>, i64)>,
}

impl Presence {
    pub fn heard(&mut self, doc: [u8; 16], announcement: Announcement, now_ms: i64) {
        self.heard.insert((doc, announcement.device), (announcement.name, now_ms + PRESENT_FOR_MS));
    }

    /// The names of those present (unnamed ones as "A partner"), oldest
    /// arrival first; expired entries are dropped.
    pub fn here(&mut self, doc: [u8; 16], now_ms: i64) -> Vec<String> {
        self.heard.retain(|_, (_, until)| *until > now_ms);
        self.heard
            .iter()
            .filter(|((d, _), _)| *d == doc)
            .map(|(_, (name, _))| name.clone().unwrap_or_else(|| "A partner".to_string()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sam(device: &str) -> Announcement {
        Announcement { device: device.into(), name: Some("Sam".into()) }
    }

    #[test]
    fn someone_is_present_until_their_announcements_stop() {
        let mut presence = Presence::default();
        let plan = [1; 16];
        presence.heard(plan, sam("a"), 0);
        assert_eq!(presence.here(plan, 1_000), ["Sam"]);
        assert!(presence.here([2; 16], 1_000).is_empty(), "another document");
        presence.heard(plan, sam("a"), ANNOUNCE_EVERY_MS);
        assert_eq!(presence.here(plan, ANNOUNCE_EVERY_MS + PRESENT_FOR_MS - 1), ["Sam"], "renewed");
        assert!(presence.here(plan, ANNOUNCE_EVERY_MS + PRESENT_FOR_MS).is_empty(), "gone after a silence");
    }

    #[test]
    fn each_page_counts_once_and_garbage_is_ignored() {
        let mut presence = Presence::default();
        let plan = [1; 16];
        presence.heard(plan, sam("a"), 0);
        presence.heard(plan, sam("a"), 5);
        presence.heard(plan, Announcement { device: "b".into(), name: None }, 5);
        assert_eq!(presence.here(plan, 10), ["Sam", "A partner"]);
        assert_eq!(Announcement::decode(&sam("a").encode()), Some(sam("a")));
        assert_eq!(Announcement::decode(b"\xff not json"), None);
    }
}
