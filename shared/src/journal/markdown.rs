//! The journal as Markdown: one entry, or all of them, for the user's own
//! copy (a notes app, a printout for a supervisor conversation).

use super::{EntryKind, JournalEntry};

pub fn kind_label(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::MeetingNotes => "Meeting notes",
        EntryKind::Reflection => "Reflection",
        EntryKind::Prep => "Preparation",
        EntryKind::Question => "Question",
    }
}

/// One entry: a heading with its date and title, a line of what it is, then
/// the entry as written (it may itself be Markdown).
pub fn entry_markdown(entry: &JournalEntry) -> String {
    let title = entry.title.as_str().trim();
    let title = if title.is_empty() { "Untitled entry" } else { title };
    let day = entry.date.map(crate::calendar_day::day_text).unwrap_or_default();
    let mut out = format!("## {} · {}\n\n", day, title.replace('\n', " "));
    let mut about = vec![format!("*{}*", kind_label(entry.entry_kind))];
    if !entry.topics.is_empty() {
        about.push(format!("Topics: {}", entry.topics.join(", ")));
    }
    out.push_str(&about.join(" · "));
    out.push_str("\n\n");
    let body = entry.body.as_str().trim_end();
    if !body.is_empty() {
        out.push_str(body);
        out.push_str("\n\n");
    }
    out
}

/// The file one entry is saved as: its date and title, so that several
/// exported entries read apart in a Downloads folder
/// (`journal-2027-03-10-after-meeting-ana.md`).
pub fn entry_file_name(entry: &JournalEntry) -> String {
    let mut slug = String::new();
    for c in entry.title.as_str().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.chars().count() >= 48 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    // A typed day, never the stored text, goes into a file name.
    let date = entry.date.map(crate::calendar_day::day_text);
    match (date, slug.is_empty()) {
        (Some(date), false) => format!("journal-{date}-{slug}.md"),
        (Some(date), true) => format!("journal-{date}.md"),
        (None, false) => format!("journal-{slug}.md"),
        (None, true) => "journal-entry.md".to_owned(),
    }
}

/// All entries, newest first, under one heading.
pub fn journal_markdown(entries: &[JournalEntry]) -> String {
    let mut sorted: Vec<&JournalEntry> = entries.iter().collect();
    crate::sort::by(&mut sorted, |a, b| b.date.cmp(&a.date).then_with(|| b.created_ms.cmp(&a.created_ms)));
    let mut out = String::from("# My Confidant journal\n\n");
    if sorted.is_empty() {
        out.push_str("No entries yet.\n");
    }
    for entry in sorted {
        out.push_str(&entry_markdown(entry));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_export_newest_first_with_kind_topics_and_text() {
        let mut old = JournalEntry::new("2026-10-01", EntryKind::Prep, "Before meeting Ana", "- ask about the CV\n- lab visit", 1);
        old.topics = vec!["Job search".into(), "Career planning".into()];
        let new = JournalEntry::new("2026-11-20", EntryKind::Reflection, "", "", 2);
        let text = journal_markdown(&[old, new]);
        assert_eq!(
            text,
            "# My Confidant journal\n\n\
             ## 2026-11-20 · Untitled entry\n\n*Reflection*\n\n\
             ## 2026-10-01 · Before meeting Ana\n\n*Preparation* · Topics: Job search, Career planning\n\n- ask about the CV\n- lab visit\n\n"
        );
        assert_eq!(journal_markdown(&[]), "# My Confidant journal\n\nNo entries yet.\n");
    }

    #[test]
    fn an_exported_entry_is_named_after_its_day_and_title() {
        let entry = |date: &str, title: &str| JournalEntry::new(date, EntryKind::Reflection, title, "", 1);
        assert_eq!(entry_file_name(&entry("2027-03-10", "After meeting Ana!")), "journal-2027-03-10-after-meeting-ana.md");
        assert_eq!(entry_file_name(&entry("2027-03-10", "")), "journal-2027-03-10.md");
        assert_eq!(entry_file_name(&entry("../../etc", "../x/y")), "journal-x-y.md", "nothing of a path survives");
        assert_eq!(entry_file_name(&entry("", "  ")), "journal-entry.md");
        assert!(entry_file_name(&entry("2027-03-10", &"long ".repeat(100))).len() < 80);
    }
}
