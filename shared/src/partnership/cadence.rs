//! When the pair should meet next: "twice during the first month, and at
//! least once a month thereafter" (the Libraries agreement), or whatever
//! cadence the pair set; when a check-in is overdue; and the mentors' rule of
//! checking in with each mentee at least once a semester.

use chrono::{Months, NaiveDate};

use super::term::{AcademicCalendar, Semester};
use super::{MeetingCadence, Partnership};
use crate::calendar_day::add_days;

/// Meetings in the first month are at least this many days apart.
const MIN_DAYS_APART: u64 = 7;

/// The next meeting: when it is due by the cadence, and the one the pair
/// planned, if they did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextMeeting {
    pub due: NaiveDate,
    pub planned: Option<NaiveDate>,
    /// The last meeting held, if any.
    pub last_held: Option<NaiveDate>,
}

impl NextMeeting {
    /// Days past due with nothing planned; 0 when on time or planned.
    pub fn days_overdue(&self, today: NaiveDate) -> i64 {
        if self.planned.is_some() {
            return 0;
        }
        (today - self.due).num_days().max(0)
    }
}

impl MeetingCadence {
    /// When the next meeting is due, given the partnership's start and the
    /// days meetings were held (sorted). The introductory meeting is due on
    /// the start date; the first month's meetings are spread over the month;
    /// after that, one every `every_days` after the last.
    pub fn next_due(&self, start: NaiveDate, held: &[NaiveDate]) -> NaiveDate {
        let Some(&last) = held.last() else { return start };
        let first_month_ends = start.checked_add_months(Months::new(1)).unwrap_or(NaiveDate::MAX);
        let in_first_month = held.iter().filter(|d| **d >= start && **d < first_month_ends).count() as u64;
        let wanted = u64::from(self.first_month);
        if in_first_month < wanted && last < first_month_ends {
            let step = ((first_month_ends - start).num_days() as u64) / wanted.max(1);
            add_days(start, step * in_first_month).max(add_days(last, MIN_DAYS_APART))
        } else {
            add_days(last, u64::from(self.every_days.max(1)))
        }
    }
}

impl Partnership {
    /// Days of the meetings held on or before `today`, oldest first.
    pub fn held_meetings(&self, today: NaiveDate) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = self.meetings.values().filter_map(|m| m.date).filter(|d| *d <= today).collect();
        crate::sort::ascending(&mut days);
        days
    }

    /// The next meeting, while the partnership runs and has a valid start.
    pub fn next_meeting(&self, today: NaiveDate) -> Option<NextMeeting> {
        if !self.is_running() {
            return None;
        }
        let start = self.start_date?;
        let held = self.held_meetings(today);
        let planned = self.meetings.values().filter_map(|m| m.date).filter(|d| *d > today).min();
        Some(NextMeeting { due: self.cadence.next_due(start, &held), planned, last_held: held.last().copied() })
    }

    /// Mentors check in with each mentee at least once a semester: the
    /// semester to check in before, if none of this semester's days so far
    /// had a meeting.
    pub fn semester_check_in(&self, calendar: &AcademicCalendar, today: NaiveDate) -> Option<Semester> {
        if !self.is_running() {
            return None;
        }
        let semester = calendar.semester_of(today)?;
        let met = self.meetings.values().filter_map(|m| m.date).any(|d| semester.contains(d));
        (!met).then_some(semester)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partnership::{AgreedDuration, Meeting, PartnershipStatus};

    fn day(text: &str) -> NaiveDate {
        crate::calendar_day::parse_day(text).unwrap()
    }

    fn partnership(start: &str, met_on: &[&str]) -> Partnership {
        let mut p = Partnership::new("Ana", "Sam", start, AgreedDuration::Months(6));
        for (n, date) in met_on.iter().enumerate() {
            p.meetings.insert(format!("m{n}"), Meeting::new(&format!("m{n}"), date));
        }
        p
    }

    #[test]
    fn twice_in_the_first_month_then_monthly() {
        let cadence = MeetingCadence::default();
        let start = day("2027-01-04");
        // The introductory meeting is due on the start date.
        assert_eq!(cadence.next_due(start, &[]), start);
        // Met on the start date: the second is due mid-month (Jan has 31 days: 15 days on).
        assert_eq!(cadence.next_due(start, &[start]), day("2027-01-19"));
        // Both first-month meetings held: then a month after the last.
        assert_eq!(cadence.next_due(start, &[start, day("2027-01-18")]), day("2027-02-17"));
        // A late introductory meeting still leaves a week before the second.
        assert_eq!(cadence.next_due(start, &[day("2027-01-28")]), day("2027-02-04"));
        // The first month is over with one meeting: monthly from the last.
        assert_eq!(cadence.next_due(start, &[day("2027-02-10")]), day("2027-03-12"));
    }

    #[test]
    fn a_first_month_that_starts_at_a_month_end_is_a_calendar_month() {
        let cadence = MeetingCadence::default();
        // 31 Jan + 1 month is 28 Feb: 28 days, the second meeting 14 days on.
        let start = day("2027-01-31");
        assert_eq!(cadence.next_due(start, &[start]), day("2027-02-14"));
        // In a leap year, 29 days: still 14 days on.
        let start = day("2028-01-31");
        assert_eq!(cadence.next_due(start, &[start]), day("2028-02-14"));
        // A weekly cadence the pair chose.
        let weekly = MeetingCadence { first_month: 1, every_days: 7 };
        assert_eq!(weekly.next_due(start, &[start]), day("2028-02-07"));
    }

    #[test]
    fn overdue_counts_from_the_due_day_unless_a_meeting_is_planned() {
        let p = partnership("2026-09-01", &["2026-09-01", "2026-09-16"]);
        let next = p.next_meeting(day("2026-11-20")).unwrap();
        assert_eq!(next.due, day("2026-10-16"));
        assert_eq!(next.last_held, Some(day("2026-09-16")));
        assert_eq!(next.days_overdue(day("2026-11-20")), 35);
        assert_eq!(next.days_overdue(day("2026-10-16")), 0);
        // A meeting planned for next week: nothing is overdue any more.
        let mut planned = p.clone();
        planned.meetings.insert("m9".into(), Meeting::new("m9", "2026-11-27"));
        let next = planned.next_meeting(day("2026-11-20")).unwrap();
        assert_eq!(next.planned, Some(day("2026-11-27")));
        assert_eq!(next.days_overdue(day("2026-11-20")), 0);
        // Ended partnerships are due nothing.
        let mut ended = p;
        ended.status = PartnershipStatus::Ended;
        assert_eq!(ended.next_meeting(day("2026-11-20")), None);
    }

    #[test]
    fn mentors_check_in_once_each_semester() {
        let cal = AcademicCalendar::default();
        let p = partnership("2026-09-01", &["2026-09-01", "2026-10-01"]);
        // Met in the fall: nothing to do until spring.
        assert_eq!(p.semester_check_in(&cal, day("2026-12-01")), None);
        // Winter break: no semester, no check-in.
        assert_eq!(p.semester_check_in(&cal, day("2027-01-02")), None);
        // Spring has started and they have not met in it.
        let spring = p.semester_check_in(&cal, day("2027-02-01")).unwrap();
        assert_eq!(spring.ends, day("2027-05-15"));
    }
}
