//! Where to refer someone, and what confidentiality covers: the Resources
//! page, reachable from every partnership. A program replaces or extends the
//! directory with its own offices (its `resources` list); these are the
//! kinds of help every program in the seeds names.

use crate::program::Resource;

/// A referral every program needs a line for, with a sensible default text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Referral {
    pub category: &'static str,
    pub name: &'static str,
    pub when: &'static str,
    pub contact: &'static str,
}

/// The directory before a program fills in its own contacts.
/// Emergencies first: whoever opens this page in a crisis must not scroll.
pub const DEFAULT_REFERRALS: [Referral; 6] = [
    Referral {
        category: "Emergencies",
        name: "Campus police or emergency services",
        when: "Anyone in immediate danger. Call at once.",
        contact: "911",
    },
    Referral {
        category: "Counselling",
        name: "Counselling and mental health services",
        when: "Stress, adjustment, relationships, depression, grief. Individual and group counselling; usually several sessions free.",
        contact: "",
    },
    Referral {
        category: "Ombuds",
        name: "University ombuds",
        when: "A confidential, independent place for workplace concerns and conflict mediation.",
        contact: "",
    },
    Referral {
        category: "Human resources",
        name: "Human resources",
        when: "Employment questions: contracts, leave, accommodations, workplace policies.",
        contact: "",
    },
    Referral {
        category: "International students",
        name: "International students and scholars office",
        when: "Visa status, work rules and other questions for international students and staff.",
        contact: "",
    },
    Referral {
        category: "Harassment and sexual violence",
        name: "Relationship and sexual violence center",
        when: "Relationship or sexual violence and harassment: medical care, counselling, emergency housing, reporting, filing a complaint. Reachable after hours through campus police.",
        contact: "",
    },
];

/// What a mentor keeps confidential, and when they must report: the
/// Graduate Handbook's rules, in plain words.
pub const CONFIDENTIALITY_GUIDANCE: [(&str, &str); 4] = [
    (
        "What stays between you",
        "Conversations in a mentoring partnership usually remain confidential. Notes in your journal stay on your own devices; what you write in a shared goal plan or partnership only your partner can read.",
    ),
    (
        "Asking for advice",
        "A mentor may describe a situation in general terms to other mentors or program staff to get advice. Whether any identifying detail is shared is the mentee's decision.",
    ),
    (
        "Harm to self or others: must be reported, with the name",
        "If a mentee may harm themselves or someone else, actually or potentially, the mentor has to report it, and the report must identify the mentee.",
    ),
    (
        "Harassment or sexual violence: must be reported, the name may be withheld",
        "Information about sexual harassment, discriminatory harassment or sexual violence has to be reported; the report can withhold the mentee's name.",
    ),
];

/// One line of the directory as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    pub category: String,
    pub name: String,
    pub when: String,
    pub contact: String,
    /// `tel:` or `https:` when the contact is a number or a web address,
    /// so a phone can call or open it in one tap.
    pub link: Option<String>,
}

/// The directory a page shows: the program's own list if it has one (a
/// program edits it), the defaults otherwise; emergencies first.
pub fn directory(program: &[Resource]) -> Vec<DirectoryEntry> {
    let mut entries: Vec<DirectoryEntry> = if program.is_empty() {
        DEFAULT_REFERRALS.iter().map(|r| entry(r.category, r.name, r.when, r.contact)).collect()
    } else {
        program.iter().map(|r| entry(&r.category, &r.name, r.notes.as_str(), &r.contact)).collect()
    };
    crate::sort::by_key(&mut entries, |e| !is_emergency(&e.category));
    entries
}

fn entry(category: &str, name: &str, when: &str, contact: &str) -> DirectoryEntry {
    DirectoryEntry { category: category.into(), name: name.into(), when: when.into(), contact: contact.trim().into(), link: contact_link(contact) }
}

fn is_emergency(category: &str) -> bool {
    let category = category.to_lowercase();
    category.contains("emergenc") || category.contains("danger") || category.contains("crisis")
}

/// A link for a contact that is a phone number or a web address; nothing
/// for anything else (an office's room, a name), and never another scheme.
pub fn contact_link(contact: &str) -> Option<String> {
    let contact = contact.trim();
    if contact.starts_with("https://") && !contact.contains(char::is_whitespace) {
        return Some(contact.to_owned());
    }
    let digits: String = contact.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    let phone_like = contact.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    (phone_like && (3..=20).contains(&digits.len())).then(|| format!("tel:{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_directory_names_every_required_kind_of_help() {
        let categories: Vec<String> = directory(&[]).into_iter().map(|r| r.category).collect();
        assert_eq!(categories[0], "Emergencies", "emergencies first");
        assert_eq!(directory(&[])[0].link.as_deref(), Some("tel:911"));
        for needed in ["Counselling", "Ombuds", "Human resources", "International students", "Harassment and sexual violence"] {
            assert!(categories.iter().any(|c| c == needed), "{needed} missing");
        }
        let program = vec![Resource {
            id: "r1".into(),
            name: "Dr. Lee, ombuds".into(),
            category: "Ombuds".into(),
            contact: "314-555-0100".into(),
            notes: autosurgeon::Text::with_value("Conflict mediation"),
        }];
        let mut program = program;
        program.push(Resource {
            id: "r2".into(),
            name: "Campus police".into(),
            category: "Emergency".into(),
            contact: "+1 (314) 555-0199".into(),
            notes: autosurgeon::Text::with_value("Immediate danger"),
        });
        let list = directory(&program);
        assert_eq!(list[0].name, "Campus police", "a program's emergency line comes first too");
        assert_eq!(list[0].link.as_deref(), Some("tel:+13145550199"));
        assert_eq!((list[1].name.as_str(), list[1].link.as_deref()), ("Dr. Lee, ombuds", Some("tel:3145550100")));
    }

    #[test]
    fn only_numbers_and_web_addresses_become_links() {
        assert_eq!(contact_link("https://counselling.example.edu/book"), Some("https://counselling.example.edu/book".into()));
        assert_eq!(contact_link("javascript:alert(1)"), None);
        assert_eq!(contact_link("http://plain.example.edu"), None);
        assert_eq!(contact_link("Room 101, Student Center"), None);
        assert_eq!(contact_link("12"), None);
    }
}
