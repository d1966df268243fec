//! Every route of the app in one place. Pages link and navigate only
//! through these functions; [`ROUTES`] lists the paths the router
//! (`app/src/lib.rs`) declares, and a test checks that every link made here
//! matches one of them. Keeping `ROUTES` and the router alike is by hand.

use crate::document::{DocumentId, DocumentKind};
use crate::Section;

/// Accepting an invite: `/join#<invite>` (the invite stays in the fragment).
pub const JOIN: &str = crate::sync::invite::JOIN_PATH;
/// Pairing another of the person's devices: `/link#<offer>`.
pub const LINK: &str = crate::sync::device_link::LINK_PATH;

/// The page of one document, for the kinds that have one.
pub fn document(kind: DocumentKind, id: DocumentId) -> Option<String> {
    let section = match kind {
        DocumentKind::Journal => Section::Journal,
        DocumentKind::GoalPlan => Section::Goals,
        DocumentKind::Partnership => Section::Partnerships,
        DocumentKind::Workshop => Section::Workshop,
        DocumentKind::Program => Section::Program,
        DocumentKind::ProgramPage => return Some(program_page(id)),
        DocumentKind::Group => return Some(group(id)),
        _ => return None,
    };
    Some(format!("{}/{id}", section.path()))
}

/// One journal entry.
pub fn journal_entry(id: DocumentId) -> String {
    format!("{}/{id}", Section::Journal.path())
}

/// One goal plan.
pub fn goal_plan(id: DocumentId) -> String {
    format!("{}/{id}", Section::Goals.path())
}

/// One partnership.
pub fn partnership(id: DocumentId) -> String {
    format!("{}/{id}", Section::Partnerships.path())
}

/// One reading group or peer mentoring group (listed with partnerships).
pub fn group(id: DocumentId) -> String {
    format!("{}/group/{id}", Section::Partnerships.path())
}

/// One workshop: the facilitator's controls, or a participant's table.
pub fn workshop(id: DocumentId) -> String {
    format!("{}/{id}", Section::Workshop.path())
}

/// One program, as its coordinators run it.
pub fn program(id: DocumentId) -> String {
    format!("{}/{id}", Section::Program.path())
}

/// A program's public page, as its members follow it, with the intake forms.
pub fn program_page(id: DocumentId) -> String {
    format!("{}/page/{id}", Section::Program.path())
}

/// A partnership just started, opened where its invite is shown.
pub fn partnership_inviting(id: DocumentId) -> String {
    format!("{}?invite=1", partnership(id))
}

/// Starting a partnership with someone met in a workshop, who both wished
/// to keep in touch: the form, with their name filled in, sends the invite
/// to their device (`to`, their inbox address) instead of showing a link.
pub fn partnership_with(name: &str, to: &str, workshop: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new()).append_pair("with", name).append_pair("to", to).append_pair("workshop", workshop).finish();
    format!("{}?{query}", Section::Partnerships.path())
}

/// The routes the router must declare, with `:id` for a document id.
pub const ROUTES: &[&str] = &[
    "/", "/journal", "/journal/:id", "/goals", "/goals/:id", "/partnerships", "/partnerships/:id", "/partnerships/group/:id", "/workshop", "/workshop/:id", "/program", "/program/:id",
    "/program/page/:id",
    "/resources", "/settings", JOIN, LINK,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_the_app_makes_matches_a_declared_route() {
        let id = DocumentId::from_random([7; 16]);
        let matches = |path: &str| {
            let path = path.split('?').next().unwrap();
            ROUTES.iter().any(|route| {
                let (r, p): (Vec<_>, Vec<_>) = (route.split('/').collect(), path.split('/').collect());
                r.len() == p.len() && r.iter().zip(&p).all(|(r, p)| r == p || (*r == ":id" && p.parse::<DocumentId>().is_ok()))
            })
        };
        let with = partnership_with("Sam & Ana?", "abc_-", "ws1");
        assert_eq!(with, "/partnerships?with=Sam+%26+Ana%3F&to=abc_-&workshop=ws1");
        for path in [journal_entry(id), goal_plan(id), partnership(id), partnership_inviting(id), workshop(id), group(id), program(id), program_page(id), with] {
            assert!(matches(&path), "{path}");
        }
        for section in Section::ALL {
            assert!(matches(section.path()), "{}", section.path());
        }
        for kind in DocumentKind::ALL {
            if let Some(path) = document(kind, id) {
                assert!(matches(&path), "{path}");
            }
        }
    }
}
