//! A program's settings, and the template each seed program starts from.
//! Everything here is the coordinator's to edit; the templates only save
//! them typing what their program's own page already says.

use autosurgeon::{Hydrate, Reconcile};
use chrono::{Datelike, NaiveDate};

use super::ProgramTemplate;
use crate::calendar_day::{day_text, parse_day};
use crate::partnership::AcademicCalendar;
use crate::partnership::{AgreedDuration, MeetingCadence};

/// How people are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum Roles {
    /// Mentors take mentees up to their capacity.
    MentorMentee,
    /// Everyone is a peer; pairs are made among all.
    Peers,
}

/// The academic year's semesters, as the coordinator set them ("01-10").
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct SemesterDates {
    pub spring_starts: String,
    pub spring_ends: String,
    pub fall_starts: String,
    pub fall_ends: String,
}

impl Default for SemesterDates {
    fn default() -> Self {
        let c = AcademicCalendar::default();
        let text = |(m, d): (u32, u32)| format!("{m:02}-{d:02}");
        SemesterDates { spring_starts: text(c.spring.0), spring_ends: text(c.spring.1), fall_starts: text(c.fall.0), fall_ends: text(c.fall.1) }
    }
}

impl SemesterDates {
    /// The calendar the date rules use; a bound that does not read as a
    /// month and day keeps the common default.
    pub fn calendar(&self) -> AcademicCalendar {
        let default = AcademicCalendar::default();
        let read = |text: &str, fallback: (u32, u32)| {
            let (m, d) = text.trim().split_once('-').unwrap_or(("", ""));
            match (m.parse::<u32>(), d.parse::<u32>()) {
                // Any leap year tells whether the day exists.
                (Ok(m), Ok(d)) if NaiveDate::from_ymd_opt(2028, m, d).is_some() => (m, d),
                _ => fallback,
            }
        };
        AcademicCalendar {
            spring: (read(&self.spring_starts, default.spring.0), read(&self.spring_ends, default.spring.1)),
            fall: (read(&self.fall_starts, default.fall.0), read(&self.fall_ends, default.fall.1)),
        }
    }
}

/// What a program is and asks of its members.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct ProgramSettings {
    pub purpose: String,
    /// What the roles are called: "Peer advisor" / "Peer advisee".
    pub mentor_role: String,
    pub mentee_role: String,
    pub coordinator_role: String,
    pub roles: Roles,
    /// The topics relationships centre on; intake chooses among them.
    pub topics: Vec<String>,
    pub duration: AgreedDuration,
    pub cadence: MeetingCadence,
    /// Days of service before someone may mentor (the Libraries: a year).
    pub mentor_min_service_days: u32,
    /// Matches cross home departments (Peer Connections).
    pub different_department: bool,
    /// The program asks people to tell their supervisor before signing up.
    pub supervisor_informed_required: bool,
    /// The last day intake is open (`YYYY-MM-DD`); none: always open.
    pub intake_deadline: Option<String>,
    /// Days between the check-ins a pair shares with the coordinator.
    pub check_in_every_days: u32,
    /// A match with no meeting for this many days is stalled.
    pub stalled_after_days: u32,
    pub semesters: SemesterDates,
    /// What both sides commit to, as the program's page lists it.
    pub expectations: Vec<String>,
    /// Who to ask: the coordinator's name and how to reach them.
    pub contact: String,
    /// Places a volunteer offers unless they say otherwise.
    pub default_capacity: u32,
}

/// A match with no meeting for this long is stalled (the 21 days).
pub const STALLED_AFTER_DAYS: u32 = 21;

impl ProgramSettings {
    /// The template's settings for a program created on `today` (which
    /// places the intake deadline: the next one on or after today).
    pub fn from_template(template: ProgramTemplate, today: NaiveDate) -> Self {
        let next = |month: u32, day: u32| {
            let this_year = NaiveDate::from_ymd_opt(today.year(), month, day);
            let when = match this_year {
                Some(d) if d >= today => Some(d),
                _ => NaiveDate::from_ymd_opt(today.year() + 1, month, day),
            };
            when.map(day_text)
        };
        let lines = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let base = ProgramSettings {
            purpose: String::new(),
            mentor_role: "Mentor".into(),
            mentee_role: "Mentee".into(),
            coordinator_role: "Coordinator".into(),
            roles: Roles::MentorMentee,
            topics: Vec::new(),
            duration: AgreedDuration::Months(12),
            cadence: MeetingCadence::default(),
            mentor_min_service_days: 0,
            different_department: false,
            supervisor_informed_required: false,
            intake_deadline: None,
            check_in_every_days: 30,
            stalled_after_days: STALLED_AFTER_DAYS,
            semesters: SemesterDates::default(),
            expectations: Vec::new(),
            contact: String::new(),
            default_capacity: 1,
        };
        match template {
            ProgramTemplate::PeerConnections => ProgramSettings {
                purpose: "Opportunities for new employees to expand their skill sets, increase their confidence, and make connections with community members outside of their home departments, labs, or centers.".into(),
                mentor_role: "Peer advisor".into(),
                mentee_role: "Peer advisee".into(),
                coordinator_role: "Program coordinator".into(),
                topics: lines(&["Job responsibilities", "Policies and procedures", "Finding your way around", "Organization and culture", "Where to take an issue"]),
                duration: AgreedDuration::Semesters { count: 3, renewable: true },
                cadence: MeetingCadence { first_month: 1, every_days: 30 },
                different_department: true,
                check_in_every_days: 30,
                expectations: lines(&[
                    "The advisor keeps the relationship confidential and arranges the introductory meeting.",
                    "The advisor answers questions in good time, and is not a trainer, a supervisor or a counselor.",
                    "The advisee researches training materials and resources before asking, and does not contact the advisor too often.",
                    "The advisee puts a supervisor's input before the advisor's.",
                    "Either of you tells the coordinator when the relationship should end.",
                ]),
                contact: "Assistant Dean Heather Williams, 617-253-8904".into(),
                ..base
            },
            ProgramTemplate::LibrariesMentoring => ProgramSettings {
                purpose: "Supporting staff in career or educational decisions, increasing employees' sense of connection to the Libraries, and advising staff on work-life issues.".into(),
                coordinator_role: "Director of Staff Development".into(),
                topics: lines(&[
                    "Career planning",
                    "Pursuit of an advanced degree or professional certification",
                    "New to MIT/academia",
                    "MIT Libraries organizational culture",
                    "Job search",
                    "Work/life issues",
                ]),
                duration: AgreedDuration::Months(12),
                cadence: MeetingCadence { first_month: 2, every_days: 30 },
                mentor_min_service_days: 365,
                supervisor_informed_required: true,
                intake_deadline: next(8, 28),
                check_in_every_days: 30,
                expectations: lines(&[
                    "Complete a brief pre- and post-survey.",
                    "Meet twice during the first month, and at least once a month thereafter.",
                    "Maintain confidentiality and privacy.",
                    "Inform your supervisor of your intention to participate before signing up.",
                    "Have an honest conversation about goals and desired outcomes at the start.",
                    "Be realistic about timelines (6-12 months).",
                    "Meet during work hours, unless by mutual consent.",
                    "Mentees schedule the meetings; mentors refer questions beyond their expertise.",
                ]),
                contact: "Nina Davis-Millis, ninadm@mit.edu".into(),
                ..base
            },
            ProgramTemplate::CareerSuccessWorkshop => ProgramSettings {
                purpose: "Speed peer mentoring: short rounds in pairs, then keep in touch with the people you met.".into(),
                mentor_role: "Peer".into(),
                mentee_role: "Peer".into(),
                coordinator_role: "Facilitator".into(),
                roles: Roles::Peers,
                topics: lines(&["Career planning", "Job search", "Work/life issues"]),
                duration: AgreedDuration::Months(6),
                ..base
            },
            ProgramTemplate::GraduateHandbook => ProgramSettings {
                purpose: "Relationships between more advanced PhD students and first- and second-year students, to decrease early attrition and promote academic success.".into(),
                mentor_role: "Peer mentor".into(),
                mentee_role: "Student".into(),
                coordinator_role: "Departmental coordinator".into(),
                topics: lines(&["Degree steps and timelines", "Working with advisors", "Stress and doubts", "Living on a graduate budget", "Community"]),
                duration: AgreedDuration::Months(12),
                cadence: MeetingCadence { first_month: 1, every_days: 120 },
                // Students usually mentor after their second year.
                mentor_min_service_days: 730,
                check_in_every_days: 120,
                stalled_after_days: 120,
                expectations: lines(&[
                    "Peer mentors commit for at least one year, ideally two.",
                    "Mentors check in with each of their students at least once a semester.",
                    "Mentors are reachable by e-mail and phone within the boundaries they set.",
                    "Conversations stay confidential, except the duties to report harm and harassment.",
                ]),
                default_capacity: 3,
                ..base
            },
        }
    }

    /// The intake deadline as a day, if one is set and reads as a day.
    pub fn intake_deadline(&self) -> Option<NaiveDate> {
        self.intake_deadline.as_deref().and_then(parse_day)
    }

    /// Each role's name, for the forms and the roster.
    pub fn role_names(&self) -> (&str, &str) {
        (&self.mentor_role, &self.mentee_role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_seed_programs_template_says_what_its_page_says() {
        let today = parse_day("2026-12-01").unwrap();
        let peer = ProgramSettings::from_template(ProgramTemplate::PeerConnections, today);
        assert_eq!(peer.role_names(), ("Peer advisor", "Peer advisee"));
        assert_eq!(peer.duration, AgreedDuration::Semesters { count: 3, renewable: true });
        assert!(peer.different_department);
        let libraries = ProgramSettings::from_template(ProgramTemplate::LibrariesMentoring, today);
        assert_eq!(libraries.topics.len(), 6);
        assert_eq!(libraries.mentor_min_service_days, 365);
        // Created after 28 August: next year's deadline.
        assert_eq!(libraries.intake_deadline(), parse_day("2027-08-28"));
        let handbook = ProgramSettings::from_template(ProgramTemplate::GraduateHandbook, today);
        assert_eq!(handbook.check_in_every_days, 120);
        assert_eq!(ProgramSettings::from_template(ProgramTemplate::CareerSuccessWorkshop, today).roles, Roles::Peers);
    }

    #[test]
    fn semester_dates_read_as_the_calendar_or_fall_back() {
        let mut dates = SemesterDates::default();
        assert_eq!(dates.calendar(), AcademicCalendar::default());
        dates.fall_starts = "09-02".into();
        dates.spring_ends = "02-30".into();
        let calendar = dates.calendar();
        assert_eq!(calendar.fall.0, (9, 2));
        assert_eq!(calendar.spring.1, AcademicCalendar::default().spring.1);
    }
}
