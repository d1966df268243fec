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
}

/// The directory before a program fills in its own contacts.
pub const DEFAULT_REFERRALS: [Referral; 6] = [
    Referral {
        category: "Counselling",
        name: "Counselling and mental health services",
        when: "Stress, adjustment, relationships, depression, grief. Individual and group counselling; usually several sessions free.",
    },
    Referral {
        category: "Ombuds",
        name: "University ombuds",
        when: "A confidential, independent place for workplace concerns and conflict mediation.",
    },
    Referral {
        category: "Human resources",
        name: "Human resources",
        when: "Employment questions: contracts, leave, accommodations, workplace policies.",
    },
    Referral {
        category: "International students",
        name: "International students and scholars office",
        when: "Visa status, work rules and other questions for international students and staff.",
    },
    Referral {
        category: "Harassment and sexual violence",
        name: "Relationship and sexual violence center",
        when: "Relationship or sexual violence and harassment: medical care, counselling, emergency housing, reporting, filing a complaint. Reachable after hours through campus police.",
    },
    Referral {
        category: "Emergencies",
        name: "Campus police or emergency services",
        when: "Anyone in immediate danger. Call at once.",
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

/// The directory a page shows: the program's own list if it has one, the
/// defaults otherwise, as (category, name, what for, contact).
pub fn directory(program: &[Resource]) -> Vec<(String, String, String, String)> {
    if program.is_empty() {
        return DEFAULT_REFERRALS.iter().map(|r| (r.category.into(), r.name.into(), r.when.into(), String::new())).collect();
    }
    program.iter().map(|r| (r.category.clone(), r.name.clone(), r.notes.as_str().to_owned(), r.contact.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_directory_names_every_required_kind_of_help() {
        let categories: Vec<String> = directory(&[]).into_iter().map(|r| r.0).collect();
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
        assert_eq!(directory(&program), vec![("Ombuds".into(), "Dr. Lee, ombuds".into(), "Conflict mediation".into(), "314-555-0100".into())]);
    }
}
