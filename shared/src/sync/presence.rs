//! Who else has a shared document open right now.
//!
//! Each open page announces itself every [`ANNOUNCE_EVERY_MS`] with a
//! presence signal; an announcement counts for [`PRESENT_FOR_MS`], so someone
//! who closes the page drops off within half a minute without having to say
//! goodbye.

use std::collections::BTreeMap;

use super::sync_id::SyncId;

pub const ANNOUNCE_EVERY_MS: i64 = 10_000;
pub const PRESENT_FOR_MS: i64 = 25_000;

/// Announcements heard, per document and page.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Presence {
    heard: BTreeMap<(SyncId, [u8; 8]), (Option<String>, i64)>,
}

impl Presence {
    pub fn heard(&mut self, doc: SyncId, page: [u8; 8], name: Option<String>, now_ms: i64) {
        self.heard.insert((doc, page), (name, now_ms + PRESENT_FOR_MS));
    }

    /// The names of those present (unnamed ones as "A partner"), oldest
    /// page first; expired entries are dropped.
    pub fn here(&mut self, doc: SyncId, now_ms: i64) -> Vec<String> {
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

    #[test]
    fn someone_is_present_until_their_announcements_stop() {
        let mut presence = Presence::default();
        let plan = SyncId::from_bytes([1; 16]);
        presence.heard(plan, [1; 8], Some("Sam".into()), 0);
        assert_eq!(presence.here(plan, 1_000), ["Sam"]);
        assert!(presence.here(SyncId::from_bytes([2; 16]), 1_000).is_empty(), "another document");
        presence.heard(plan, [1; 8], Some("Sam".into()), ANNOUNCE_EVERY_MS);
        assert_eq!(presence.here(plan, ANNOUNCE_EVERY_MS + PRESENT_FOR_MS - 1), ["Sam"], "renewed");
        assert!(presence.here(plan, ANNOUNCE_EVERY_MS + PRESENT_FOR_MS).is_empty(), "gone after a silence");
    }

    #[test]
    fn each_page_counts_once() {
        let mut presence = Presence::default();
        let plan = SyncId::from_bytes([1; 16]);
        presence.heard(plan, [1; 8], Some("Sam".into()), 0);
        presence.heard(plan, [1; 8], Some("Sam".into()), 5);
        presence.heard(plan, [2; 8], None, 5);
        assert_eq!(presence.here(plan, 10), ["Sam", "A partner"]);
    }
}
