//! Finding entries: full-text search over title and text, and filters by
//! kind, topic and partnership.

use super::{EntryKind, JournalEntry};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalFilter {
    /// Words that must all appear (any case) in the title, text or topics.
    pub text: String,
    pub kind: Option<EntryKind>,
    pub topic: Option<String>,
    pub partnership: Option<String>,
}

impl JournalFilter {
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.kind.is_none() && self.topic.is_none() && self.partnership.is_none()
    }

    pub fn matches(&self, entry: &JournalEntry) -> bool {
        if self.kind.is_some_and(|k| k != entry.entry_kind) {
            return false;
        }
        if self.topic.as_ref().is_some_and(|t| !entry.topics.contains(t)) {
            return false;
        }
        if self.partnership.is_some() && self.partnership != entry.partnership {
            return false;
        }
        let haystack = format!("{}\n{}\n{}", entry.title.as_str(), entry.body.as_str(), entry.topics.join("\n")).to_lowercase();
        self.text.to_lowercase().split_whitespace().all(|word| haystack.contains(word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_appear_and_filters_narrow_it_down() {
        let mut a = JournalEntry::new("2026-11-01", EntryKind::MeetingNotes, "Meeting with Ana", "We talked about the Fulbright application.", 1);
        a.topics = vec!["Career planning".into()];
        a.partnership = Some("p1".into());
        let b = JournalEntry::new("2026-11-02", EntryKind::Question, "Is my plan realistic?", "", 2);
        let find = |filter: &JournalFilter| [&a, &b].iter().filter(|e| filter.matches(e)).count();
        assert_eq!(find(&JournalFilter::default()), 2);
        assert_eq!(find(&JournalFilter { text: "fulbright ANA".into(), ..Default::default() }), 1);
        assert_eq!(find(&JournalFilter { text: "fulbright realistic".into(), ..Default::default() }), 0);
        assert_eq!(find(&JournalFilter { text: "career".into(), ..Default::default() }), 1);
        assert_eq!(find(&JournalFilter { kind: Some(EntryKind::Question), ..Default::default() }), 1);
        assert_eq!(find(&JournalFilter { topic: Some("Career planning".into()), ..Default::default() }), 1);
        assert_eq!(find(&JournalFilter { partnership: Some("p2".into()), ..Default::default() }), 0);
        assert!(JournalFilter { text: "  ".into(), ..Default::default() }.is_empty());
    }
}
