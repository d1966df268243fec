//! The sections of the app, in navigation order.
//!
//! One list drives the navigation, the router and the end-to-end tests, so a
//! section cannot be added to one and forgotten in another.

use serde::{Deserialize, Serialize};

/// A top-level section of Confidant, as a user finds it in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Section {
    Home,
    Journal,
    Goals,
    Partnerships,
    Workshop,
    Program,
    Resources,
    Settings,
}

impl Section {
    /// Every section in navigation order.
    pub const ALL: [Section; 8] = [
        Section::Home,
        Section::Journal,
        Section::Goals,
        Section::Partnerships,
        Section::Workshop,
        Section::Program,
        Section::Resources,
        Section::Settings,
    ];

    /// The URL path of the section's page.
    pub const fn path(self) -> &'static str {
        match self {
            Section::Home => "/",
            Section::Journal => "/journal",
            Section::Goals => "/goals",
            Section::Partnerships => "/partnerships",
            Section::Workshop => "/workshop",
            Section::Program => "/program",
            Section::Resources => "/resources",
            Section::Settings => "/settings",
        }
    }

    /// The label in the navigation and the page's heading.
    pub const fn title(self) -> &'static str {
        match self {
            Section::Home => "Home",
            Section::Journal => "Journal",
            Section::Goals => "Goal plans",
            Section::Partnerships => "Partnerships",
            Section::Workshop => "Workshop",
            Section::Program => "Program",
            Section::Resources => "Resources",
            Section::Settings => "Settings",
        }
    }

    /// One sentence under the heading: what the section is for.
    pub const fn purpose(self) -> &'static str {
        match self {
            Section::Home => "What needs your attention now: meetings due, check-ins and goals coming up.",
            Section::Journal => "Your private notes: meeting notes, reflections, preparation and questions.",
            Section::Goals => "Goals for the next six months, with milestones, in the order that matters to you.",
            Section::Partnerships => "Your mentoring partnerships (agreement, meeting cadence and meeting log) and your reading and peer mentoring groups.",
            Section::Workshop => "Speed peer-mentoring rounds: preparation, pairings and the round timer.",
            Section::Program => "For coordinators: intake, matching, check-ins, surveys and budget.",
            Section::Resources => "Where to refer someone, and what confidentiality does and does not cover.",
            Section::Settings => "Your profile, your devices, and the data stored in this browser.",
        }
    }

    /// What the page says while it has nothing to show yet.
    pub const fn empty_state(self) -> &'static str {
        match self {
            Section::Home => "Nothing needs your attention yet. Once you have a partnership or a goal plan, upcoming meetings and due milestones appear here.",
            Section::Journal => "No journal entries yet. Entries you write stay on your own devices.",
            Section::Goals => "No goal plans yet. A goal plan holds your goals, why they matter, and milestones with due dates.",
            Section::Partnerships => "No partnerships yet. Start one below and send your partner the invite, or open an invite link you were sent.",
            Section::Workshop => "No workshop yet. A facilitator starts one and shares it with the room.",
            Section::Program => "No program yet. Coordinators set up a program from one of the templates.",
            Section::Resources => "Your program has not shared its own referral list on this device yet, so these are the services every program has; ask your coordinator for their contacts.",
            Section::Settings => "No profile yet. Your name, roles and contact boundaries will be kept here, on this device.",
        }
    }

    /// The section a path belongs to: `/goals/abc` is in Goals.
    /// Unknown paths belong to no section (the app shows "page not found").
    pub fn from_path(path: &str) -> Option<Section> {
        let first = path.trim_start_matches('/').split(['/', '?', '#']).next().unwrap_or("");
        Section::ALL
            .into_iter()
            .find(|section| section.path().trim_start_matches('/') == first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_has_a_distinct_path_and_title() {
        let mut paths: Vec<_> = Section::ALL.iter().map(|s| s.path()).collect();
        let mut titles: Vec<_> = Section::ALL.iter().map(|s| s.title()).collect();
        paths.sort();
        paths.dedup();
        titles.sort();
        titles.dedup();
        assert_eq!(paths.len(), Section::ALL.len());
        assert_eq!(titles.len(), Section::ALL.len());
    }

    #[test]
    fn deep_links_belong_to_their_section() {
        assert_eq!(Section::from_path("/goals/abc"), Some(Section::Goals));
        assert_eq!(Section::from_path("/journal?topic=career"), Some(Section::Journal));
        assert_eq!(Section::from_path("/"), Some(Section::Home));
        assert_eq!(Section::from_path("/settings/"), Some(Section::Settings));
        assert_eq!(Section::from_path("/nowhere"), None);
        for section in Section::ALL {
            assert_eq!(Section::from_path(section.path()), Some(section));
        }
    }
}
