//! Which academic calendar a partnership's dates follow: the one its
//! program's coordinator set (on the program page the pair follows), or the
//! common default when it belongs to no program or the page is not on this
//! device yet.

use std::collections::BTreeMap;

use super::page::ProgramPage;
use crate::partnership::{AcademicCalendar, Partnership};

/// The calendars of the program pages this device follows, by page sync id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramCalendars {
    by_page: BTreeMap<String, AcademicCalendar>,
}

impl ProgramCalendars {
    /// From each followed page and its sync id (as a partnership's tie names it).
    pub fn from_pages<'a>(pages: impl IntoIterator<Item = (String, &'a ProgramPage)>) -> Self {
        ProgramCalendars { by_page: pages.into_iter().map(|(sync_id, page)| (sync_id, page.settings.semesters.calendar())).collect() }
    }

    /// The calendar `partnership`'s terms, renewals and notices count by.
    pub fn of(&self, partnership: &Partnership) -> AcademicCalendar {
        partnership.program.as_ref().and_then(|tie| self.by_page.get(&tie.program)).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_day::parse_day;
    use crate::document::Listed;
    use crate::partnership::{AgreedDuration, Side};
    use crate::program::introduction::ProgramTie;
    use crate::program::template::SemesterDates;
    use crate::program::ProgramTemplate;

    fn tie(page: &str) -> ProgramTie {
        ProgramTie {
            program: page.into(),
            program_name: "Peer Connections".into(),
            match_id: "m1".into(),
            coordinator_inbox: String::new(),
            share_check_ins: true,
            needs_help: false,
        }
    }

    fn page_ending_fall_on(day: &str) -> ProgramPage {
        let program = crate::program::Program::new("Peer Connections", ProgramTemplate::PeerConnections, parse_day("2026-08-01").unwrap());
        let mut page = ProgramPage::of(&program, "");
        page.settings.semesters = SemesterDates { fall_ends: day.into(), ..SemesterDates::default() };
        page
    }

    fn partnership(program: Option<ProgramTie>) -> Partnership {
        let mut p = Partnership::started_by(Side::Mentor, "m-mira", "Mira", "Oli", "2026-09-01", AgreedDuration::Semesters { count: 3, renewable: true });
        p.program = program;
        p
    }

    #[test]
    fn a_program_partnership_counts_terms_by_its_programs_calendar() {
        let calendars = ProgramCalendars::from_pages([("page-a".to_string(), &page_ending_fall_on("12-12"))]);
        let today = parse_day("2026-12-01").unwrap();
        let notice = partnership(Some(tie("page-a"))).continuation_notice(&calendars.of(&partnership(Some(tie("page-a")))), today);
        assert_eq!(notice.map(|n| n.term_ends), parse_day("2026-12-12"));
        // Home and the partnership list read the line: it keeps the tie.
        let from_line = Partnership::from_line(partnership(Some(tie("page-a"))).line());
        assert_eq!(calendars.of(&from_line).fall.1, (12, 12));
    }

    #[test]
    fn home_reads_the_same_terms_from_the_pages_line() {
        let page = page_ending_fall_on("12-12");
        let line = serde_json::to_value(page.line()).unwrap();
        let from_line = ProgramPage::from_index(&line).expect("the line reads");
        assert_eq!(from_line.settings.semesters.calendar(), page.settings.semesters.calendar());
        assert_eq!(from_line.name, page.name);
        assert!(!line.to_string().contains(&page.settings.purpose), "long texts stay out: {line}");
        assert!(ProgramPage::from_index(&serde_json::json!({"name": "x"})).is_none(), "a line that does not read is refused");
    }

    #[test]
    fn no_program_or_a_page_not_here_keeps_the_default() {
        let calendars = ProgramCalendars::from_pages([("page-a".to_string(), &page_ending_fall_on("12-12"))]);
        assert_eq!(calendars.of(&partnership(None)), AcademicCalendar::default());
        assert_eq!(calendars.of(&partnership(Some(tie("page-b")))), AcademicCalendar::default());
        // A bound the coordinator left unreadable keeps the default's.
        let odd = ProgramCalendars::from_pages([("page-a".to_string(), &page_ending_fall_on("13-40"))]);
        assert_eq!(odd.of(&partnership(Some(tie("page-a")))), AcademicCalendar::default());
    }
}
