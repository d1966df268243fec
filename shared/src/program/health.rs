//! What a coordinator may know of a match, and what it tells them.
//!
//! A pair may share counts with its program: meetings held per month, the
//! last meeting's day, the partnership's status and a "we need help" flag.
//! [`CheckIn::from_partnership`] is the only way one is made, and it reads
//! no note, agenda, action item or goal: the coordinator's dashboard is
//! built from these and nothing else. From them: each match's health (on
//! cadence, stalled, no report), and the continuation notice due two to
//! three weeks before a term ends.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::template::ProgramSettings;
use crate::calendar_day::sub_days;
use crate::partnership::{term_ending_after, Partnership, PartnershipStatus, NOTICE_DAYS};

/// Months a check-in reports, newest last; older months are dropped.
pub const MAX_MONTHS: usize = 24;

/// Meetings held in one calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCount {
    pub year: i32,
    pub month: u32,
    pub meetings: u32,
}

/// The counts a pair shares with its program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    /// Meetings held per month, oldest first.
    pub meetings_per_month: Vec<MonthCount>,
    pub last_meeting: Option<NaiveDate>,
    pub status: PartnershipStatus,
    /// The pair asks the coordinator to get in touch.
    pub needs_help: bool,
    /// The day the pair's device made this check-in.
    pub made_on: NaiveDate,
}

impl CheckIn {
    /// The counts of `partnership` on `today`: meetings held up to today,
    /// per month. Nothing else of the partnership is read.
    pub fn from_partnership(partnership: &Partnership, needs_help: bool, today: NaiveDate) -> CheckIn {
        let held = partnership.held_meetings(today);
        let mut months: BTreeMap<(i32, u32), u32> = BTreeMap::new();
        for day in &held {
            *months.entry((day.year(), day.month())).or_insert(0) += 1;
        }
        let skip = months.len().saturating_sub(MAX_MONTHS);
        let meetings_per_month = months.into_iter().skip(skip).map(|((year, month), meetings)| MonthCount { year, month, meetings }).collect();
        CheckIn { meetings_per_month, last_meeting: held.last().copied(), status: partnership.status, needs_help, made_on: today }
    }

    /// A check-in from the network keeps the bounds a real one has.
    pub fn is_plausible(&self, today: NaiveDate) -> bool {
        self.meetings_per_month.len() <= MAX_MONTHS
            && self.meetings_per_month.iter().all(|m| m.meetings <= 31 && (1..=12).contains(&m.month))
            && self.last_meeting.is_none_or(|d| d <= self.made_on)
            && self.made_on <= today
    }

    pub fn meetings_held(&self) -> u32 {
        self.meetings_per_month.iter().map(|m| m.meetings).sum()
    }
}

/// How a match is doing, as the dashboard shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Health {
    /// The pair asked for help.
    NeedsHelp,
    /// No meeting for longer than the program allows.
    Stalled { days_since: i64 },
    /// No check-in (or only an old one) from the pair.
    NoReport,
    /// Meeting as agreed.
    OnCadence,
    /// The partnership ended (completed or early).
    Ended,
}

impl Health {
    pub fn label(self) -> String {
        match self {
            Health::NeedsHelp => "Asked for help".to_string(),
            Health::Stalled { days_since } => format!("Stalled: no meeting in {days_since} days"),
            Health::NoReport => "No report".to_string(),
            Health::OnCadence => "On cadence".to_string(),
            Health::Ended => "Ended".to_string(),
        }
    }

    /// Whether the coordinator should look at it now.
    pub fn needs_attention(self) -> bool {
        matches!(self, Health::NeedsHelp | Health::Stalled { .. } | Health::NoReport)
    }
}

/// Grace after a check-in is due before the match reads "no report".
const REPORT_GRACE_DAYS: i64 = 7;

/// The health of a match made on `matched_on`, from its latest check-in.
pub fn health(matched_on: NaiveDate, latest: Option<&CheckIn>, settings: &ProgramSettings, today: NaiveDate) -> Health {
    let report_due = i64::from(settings.check_in_every_days) + REPORT_GRACE_DAYS;
    let Some(check_in) = latest else {
        return if (today - matched_on).num_days() > report_due { Health::NoReport } else { Health::OnCadence };
    };
    if matches!(check_in.status, PartnershipStatus::Ended | PartnershipStatus::HandedOver) {
        return Health::Ended;
    }
    if check_in.needs_help {
        return Health::NeedsHelp;
    }
    // Since the last meeting, or since the match if they never met.
    let since = check_in.last_meeting.unwrap_or(matched_on).max(matched_on);
    let days_since = (today - since).num_days();
    if days_since > i64::from(settings.stalled_after_days) {
        return Health::Stalled { days_since };
    }
    if (today - check_in.made_on).num_days() > report_due {
        return Health::NoReport;
    }
    Health::OnCadence
}

/// The coordinator's continuation notice for a match: the day its term
/// ends, from three weeks before it until it was sent for that term.
pub fn notice_due(matched_on: NaiveDate, settings: &ProgramSettings, sent_for: Option<NaiveDate>, today: NaiveDate) -> Option<NaiveDate> {
    let term_ends = term_ending_after(settings.duration, matched_on, &settings.semesters.calendar(), today)?;
    let window_opens = sub_days(term_ends, NOTICE_DAYS);
    (today >= window_opens && today <= term_ends && sent_for != Some(term_ends)).then_some(term_ends)
}

/// Why a relationship should end, as the seeds list the reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, autosurgeon::Reconcile, autosurgeon::Hydrate)]
pub enum EndReason {
    MismatchedPersonalities,
    MismatchedSchedules,
    Promotion,
    Transfer,
    NewDuties,
    /// The agreed time ran its course.
    Completed,
    Other,
}

impl EndReason {
    pub const ASKED: [EndReason; 6] = [
        EndReason::MismatchedPersonalities,
        EndReason::MismatchedSchedules,
        EndReason::Promotion,
        EndReason::Transfer,
        EndReason::NewDuties,
        EndReason::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EndReason::MismatchedPersonalities => "Mismatched personalities",
            EndReason::MismatchedSchedules => "Mismatched schedules",
            EndReason::Promotion => "A promotion",
            EndReason::Transfer => "A transfer",
            EndReason::NewDuties => "Significant new duties",
            EndReason::Completed => "Completed",
            EndReason::Other => "Something else",
        }
    }

    /// "Completed" is kept apart from every way of ending early.
    pub fn is_early(self) -> bool {
        self != EndReason::Completed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_day::parse_day;
    use crate::partnership::{AgreedDuration, Meeting};
    use crate::program::ProgramTemplate;

    fn day(text: &str) -> NaiveDate {
        parse_day(text).unwrap()
    }

    fn settings(template: ProgramTemplate) -> ProgramSettings {
        ProgramSettings::from_template(template, day("2026-01-01"))
    }

    #[test]
    fn a_check_in_carries_counts_and_never_what_was_said() {
        let mut p = Partnership::new("Ana", "Sam", "2026-09-01", AgreedDuration::Months(12));
        for (id, date) in [("a", "2026-09-03"), ("b", "2026-09-20"), ("c", "2026-10-05"), ("d", "2026-12-24")] {
            let mut meeting = Meeting::new(id, date);
            meeting.agenda.update("MARKER-agenda");
            meeting.shared_notes.update("MARKER-notes");
            p.meetings.insert(id.into(), meeting);
        }
        let c = CheckIn::from_partnership(&p, false, day("2026-10-31"));
        let months: Vec<(i32, u32, u32)> = c.meetings_per_month.iter().map(|m| (m.year, m.month, m.meetings)).collect();
        assert_eq!(months, vec![(2026, 9, 2), (2026, 10, 1)]);
        assert_eq!(c.last_meeting, Some(day("2026-10-05")));
        assert_eq!(c.meetings_held(), 3);
        let wire = serde_json::to_string(&c).unwrap();
        assert!(!wire.contains("MARKER"), "{wire}");
        assert!(c.is_plausible(day("2026-10-31")));
        assert!(!c.is_plausible(day("2026-10-30")), "made after today");
    }

    #[test]
    fn health_from_the_latest_check_in_with_fixed_days() {
        let s = settings(ProgramTemplate::LibrariesMentoring);
        let matched = day("2026-09-01");
        let check = |last: &str, made: &str, help| CheckIn {
            meetings_per_month: Vec::new(),
            last_meeting: parse_day(last),
            status: PartnershipStatus::Active,
            needs_help: help,
            made_on: day(made),
        };
        // No report yet: fine for a month and a week, then "no report".
        assert_eq!(health(matched, None, &s, day("2026-10-08")), Health::OnCadence);
        assert_eq!(health(matched, None, &s, day("2026-10-09")), Health::NoReport);
        // Met on the 20th: on cadence until 21 days pass, then stalled.
        let c = check("2026-09-20", "2026-09-21", false);
        assert_eq!(health(matched, Some(&c), &s, day("2026-10-11")), Health::OnCadence);
        assert_eq!(health(matched, Some(&c), &s, day("2026-10-12")), Health::Stalled { days_since: 22 });
        // Never met: stalled counts from the match.
        let c = check("", "2026-09-10", false);
        assert_eq!(health(matched, Some(&c), &s, day("2026-09-23")), Health::Stalled { days_since: 22 });
        // A cry for help comes first; an ended partnership is ended.
        let c = check("2026-09-20", "2026-09-21", true);
        assert_eq!(health(matched, Some(&c), &s, day("2026-09-22")), Health::NeedsHelp);
        let mut c = check("2026-09-20", "2026-09-21", false);
        c.status = PartnershipStatus::Ended;
        assert_eq!(health(matched, Some(&c), &s, day("2027-01-22")), Health::Ended);
        // The handbook checks in once a semester: 60 days is not stalled.
        let h = settings(ProgramTemplate::GraduateHandbook);
        let c = check("2026-09-20", "2026-09-21", false);
        assert_eq!(health(matched, Some(&c), &h, day("2026-11-19")), Health::OnCadence);
    }

    #[test]
    fn the_continuation_notice_is_due_two_to_three_weeks_before_a_term_ends() {
        // Peer Connections: three semesters from fall 2026; fall ends 15 Dec.
        let s = settings(ProgramTemplate::PeerConnections);
        let matched = day("2026-09-01");
        assert_eq!(notice_due(matched, &s, None, day("2026-11-23")), None);
        assert_eq!(notice_due(matched, &s, None, day("2026-11-24")), Some(day("2026-12-15")));
        assert_eq!(notice_due(matched, &s, Some(day("2026-12-15")), day("2026-12-01")), None, "sent for this term");
        // Next term: spring ends 15 May.
        assert_eq!(notice_due(matched, &s, Some(day("2026-12-15")), day("2027-04-24")), Some(day("2027-05-15")));
        // The Libraries' twelve months end on the anniversary.
        let l = settings(ProgramTemplate::LibrariesMentoring);
        assert_eq!(notice_due(matched, &l, None, day("2027-08-11")), Some(day("2027-09-01")));
        assert!(EndReason::MismatchedSchedules.is_early() && !EndReason::Completed.is_early());
    }
}
