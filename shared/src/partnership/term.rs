//! How long a partnership runs: semesters of the academic year, the end of
//! the agreement, and the continuation notice "two to three weeks before the
//! end of a term" (Peer Connections) or of the agreed months (Libraries).

use chrono::{Datelike, Months, NaiveDate};

use super::{AgreedDuration, Partnership, PartnershipStatus};
use crate::calendar_day::{day_text, parse_day, sub_days};

/// The continuation notice opens this many days before a term ends.
pub const NOTICE_DAYS: u64 = 21;

/// When a Continue extends an agreement of months, by how many.
pub const RENEWAL_MONTHS: u32 = 6;

/// The semesters of the academic year, as (month, day) bounds. Days between
/// semesters (winter and summer breaks) belong to none; a partnership that
/// starts in a break starts counting at the next semester.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcademicCalendar {
    pub spring: ((u32, u32), (u32, u32)),
    pub fall: ((u32, u32), (u32, u32)),
}

impl Default for AcademicCalendar {
    /// A common US calendar: spring 10 January to 15 May, fall 20 August to 15 December.
    fn default() -> Self {
        AcademicCalendar { spring: ((1, 10), (5, 15)), fall: ((8, 20), (12, 15)) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Season {
    Spring,
    Fall,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Semester {
    pub season: Season,
    pub year: i32,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
}

impl Semester {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.starts <= day && day <= self.ends
    }

    pub fn name(&self) -> String {
        match self.season {
            Season::Spring => format!("spring {}", self.year),
            Season::Fall => format!("fall {}", self.year),
        }
    }
}

impl AcademicCalendar {
    fn semester(&self, season: Season, year: i32) -> Semester {
        let ((sm, sd), (em, ed)) = match season {
            Season::Spring => self.spring,
            Season::Fall => self.fall,
        };
        // 29 February, outside leap years, is the 28th.
        let day = |m, d: u32| NaiveDate::from_ymd_opt(year, m, d).or_else(|| NaiveDate::from_ymd_opt(year, m, d.saturating_sub(1))).unwrap_or(NaiveDate::MIN);
        Semester { season, year, starts: day(sm, sd), ends: day(em, ed) }
    }

    fn following(&self, semester: Semester) -> Semester {
        match semester.season {
            Season::Spring => self.semester(Season::Fall, semester.year),
            Season::Fall => self.semester(Season::Spring, semester.year + 1),
        }
    }

    /// The semester `day` falls in, if it is not in a break.
    pub fn semester_of(&self, day: NaiveDate) -> Option<Semester> {
        let current = self.current_or_next(day);
        current.contains(day).then_some(current)
    }

    /// The semester `day` falls in, or the next one if `day` is in a break.
    pub fn current_or_next(&self, day: NaiveDate) -> Semester {
        let mut semester = self.semester(Season::Spring, day.year());
        // Two steps at most reach it (spring, fall, next spring); bounded so
        // that a day at the end of the calendar's range cannot loop for ever.
        for _ in 0..3 {
            if semester.ends >= day {
                break;
            }
            semester = self.following(semester);
        }
        semester
    }

    /// The `count`-th semester counting the one that holds (or follows) `start`.
    pub fn nth_semester(&self, start: NaiveDate, count: u32) -> Semester {
        let mut semester = self.current_or_next(start);
        // A count from a partner's device is bounded: a century of semesters.
        for _ in 1..count.clamp(1, MAX_SEMESTERS) {
            semester = self.following(semester);
        }
        semester
    }
}

/// The most semesters an agreement counts (a century): a larger count, which
/// only a crafted document holds, is read as this.
pub const MAX_SEMESTERS: u32 = 200;

/// The last day of an agreement of `duration` that started on `start`.
pub fn agreement_ends(duration: AgreedDuration, start: NaiveDate, calendar: &AcademicCalendar) -> Option<NaiveDate> {
    match duration {
        AgreedDuration::Months(months) => start.checked_add_months(Months::new(months)),
        AgreedDuration::Semesters { count, .. } => Some(calendar.nth_semester(start, count).ends),
    }
}

/// The term that is ending next: the semester (capped at the agreement's
/// end) for semester agreements, the agreement's end for months. Shared by
/// the pair's own notice and the coordinator's.
pub fn term_ending_after(duration: AgreedDuration, start: NaiveDate, calendar: &AcademicCalendar, today: NaiveDate) -> Option<NaiveDate> {
    let ends = agreement_ends(duration, start, calendar)?;
    if today > ends {
        return Some(ends);
    }
    Some(match duration {
        AgreedDuration::Months(_) => ends,
        AgreedDuration::Semesters { .. } => calendar.current_or_next(today).ends.min(ends),
    })
}

/// The continuation notice: the term ends soon, continue or end?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContinuationNotice {
    pub term_ends: NaiveDate,
    /// This is the last term of the agreement: continuing renews it.
    pub last_term: bool,
}

impl Partnership {
    /// The last day of the agreement, if the start date is a valid day.
    pub fn agreement_ends(&self, calendar: &AcademicCalendar) -> Option<NaiveDate> {
        agreement_ends(self.duration, self.start_date?, calendar)
    }

    /// Whether the partnership still runs (not ended, not handed over).
    pub fn is_running(&self) -> bool {
        matches!(self.status, PartnershipStatus::Active | PartnershipStatus::RenewalDue)
    }

    /// The term that is ending next: the semester (capped at the agreement's
    /// end) for semester agreements, the agreement's end for months.
    fn term_ending_after(&self, calendar: &AcademicCalendar, today: NaiveDate) -> Option<NaiveDate> {
        term_ending_after(self.duration, self.start_date?, calendar, today)
    }

    /// The continuation notice, from three weeks before a term ends until
    /// the pair answers it (an agreement that ran out keeps asking).
    pub fn continuation_notice(&self, calendar: &AcademicCalendar, today: NaiveDate) -> Option<ContinuationNotice> {
        if !self.is_running() {
            return None;
        }
        let term_ends = self.term_ending_after(calendar, today)?;
        // Answered for this term: the day answered is this term's end, give
        // or take the notice (a partner's device may count by the common
        // calendar while the program's is still on its way).
        let answered = self.continuation_answered.as_deref().and_then(parse_day).is_some_and(|day| day.signed_duration_since(term_ends).num_days().unsigned_abs() <= NOTICE_DAYS);
        if answered || today < sub_days(term_ends, NOTICE_DAYS) {
            return None;
        }
        let last_term = Some(term_ends) == self.agreement_ends(calendar);
        Some(ContinuationNotice { term_ends, last_term })
    }

    /// Both agreed to go on past `notice`'s term: a last term renews the
    /// agreement by one semester (or six months).
    pub fn continue_after(&mut self, notice: ContinuationNotice) {
        self.continuation_answered = Some(day_text(notice.term_ends));
        if notice.last_term {
            self.duration = match self.duration {
                AgreedDuration::Months(months) => AgreedDuration::Months(months.saturating_add(RENEWAL_MONTHS)),
                AgreedDuration::Semesters { count, renewable } => AgreedDuration::Semesters { count: count.saturating_add(1), renewable },
            };
        }
        self.status = PartnershipStatus::Active;
    }

    /// The pair ends the partnership at `notice`'s term.
    pub fn end_after(&mut self, notice: ContinuationNotice) {
        self.continuation_answered = Some(day_text(notice.term_ends));
        self.status = PartnershipStatus::Ended;
    }

    /// Hand the mentee over to another mentor, with a note for them.
    pub fn hand_over(&mut self, note: &str) {
        self.handover_note.update(note);
        self.status = PartnershipStatus::HandedOver;
    }

    /// The partnership with the next mentor, starting `start`: the same
    /// mentee, topics, cadence, duration and goal plan, the hand-over note
    /// for the new mentor to read; the mentor's side open for whoever
    /// accepts the invite. Meetings and the checklist start afresh.
    pub fn next_after_handover(&self, start: &str) -> Partnership {
        let mut next = Partnership::new("", &self.mentee, start, self.duration);
        next.mentee_id = self.mentee_id.clone();
        next.topics = self.topics.clone();
        next.cadence = self.cadence;
        next.goal_plan_invite = self.goal_plan_invite.clone();
        next.handover_note.update(self.handover_note.as_str());
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        crate::calendar_day::parse_day(text).unwrap()
    }

    fn semesters(start: &str, count: u32) -> Partnership {
        Partnership::new("Ana", "Sam", start, AgreedDuration::Semesters { count, renewable: true })
    }

    #[test]
    fn a_crafted_duration_or_start_day_cannot_hang_home() {
        let cal = AcademicCalendar::default();
        let mut p = semesters("2026-01-10", u32::MAX);
        assert!(p.agreement_ends(&cal).is_some(), "answers at once");
        // A stored "+262143-12-20" reads as no day; the calendar's last day is the worst that reads.
        p.start_date = Some(NaiveDate::MAX);
        let _ = p.agreement_ends(&cal);
        let _ = p.continuation_notice(&cal, day("2026-05-01"));
        let _ = cal.current_or_next(NaiveDate::MAX);
        // Continuing past a crafted maximum does not overflow.
        for duration in [AgreedDuration::Semesters { count: u32::MAX, renewable: true }, AgreedDuration::Months(u32::MAX)] {
            p.duration = duration;
            p.continue_after(ContinuationNotice { term_ends: day("2026-05-15"), last_term: true });
        }
    }

    #[test]
    fn three_consecutive_semesters_skip_the_breaks() {
        let cal = AcademicCalendar::default();
        // Starting in October: fall 2026, spring 2027, fall 2027.
        assert_eq!(semesters("2026-10-01", 3).agreement_ends(&cal), Some(day("2027-12-15")));
        // Starting in the summer break counts from the fall.
        assert_eq!(semesters("2026-06-20", 1).agreement_ends(&cal), Some(day("2026-12-15")));
        // Starting in the winter break counts from the spring.
        assert_eq!(semesters("2026-12-20", 2).agreement_ends(&cal), Some(day("2027-12-15")));
        assert_eq!(cal.semester_of(day("2026-07-04")), None);
        assert_eq!(cal.semester_of(day("2027-05-15")).map(|s| s.name()), Some("spring 2027".into()));
    }

    #[test]
    fn months_clamp_at_month_ends() {
        let cal = AcademicCalendar::default();
        let p = |start: &str, months| Partnership::new("Ana", "Sam", start, AgreedDuration::Months(months));
        assert_eq!(p("2026-08-31", 6).agreement_ends(&cal), Some(day("2027-02-28")));
        assert_eq!(p("2027-08-31", 6).agreement_ends(&cal), Some(day("2028-02-29")));
        assert_eq!(p("2026-01-31", 12).agreement_ends(&cal), Some(day("2027-01-31")));
        assert_eq!(p("not a day", 6).agreement_ends(&cal), None);
    }

    #[test]
    fn the_continuation_notice_opens_three_weeks_before_each_term_ends() {
        let cal = AcademicCalendar::default();
        let p = semesters("2026-09-01", 3);
        // Fall 2026 ends 15 Dec: the notice opens on 24 Nov, not a day earlier.
        assert_eq!(p.continuation_notice(&cal, day("2026-11-23")), None);
        let notice = p.continuation_notice(&cal, day("2026-11-24")).unwrap();
        assert_eq!(notice, ContinuationNotice { term_ends: day("2026-12-15"), last_term: false });
        assert!(p.continuation_notice(&cal, day("2026-12-15")).is_some());
        // In the winter break, the next term (spring) is months away.
        assert_eq!(p.continuation_notice(&cal, day("2026-12-16")), None);
        // The last term: continuing renews the agreement.
        let last = p.continuation_notice(&cal, day("2027-12-01")).unwrap();
        assert!(last.last_term);
    }

    #[test]
    fn an_answer_given_by_the_common_calendar_holds_under_the_programs() {
        let common = AcademicCalendar::default();
        let program = AcademicCalendar { fall: ((8, 20), (12, 12)), ..common };
        let mut p = semesters("2026-09-01", 3);
        // One partner answered while their device still counted fall to 15 Dec.
        p.continue_after(p.continuation_notice(&common, day("2026-11-30")).unwrap());
        assert_eq!(p.continuation_notice(&program, day("2026-11-30")), None, "the other, counting to 12 Dec, is not asked again");
        assert!(p.continuation_notice(&program, day("2027-04-24")).is_some(), "the spring term still asks");
    }

    #[test]
    fn a_term_ending_on_29_february_ends_on_the_28th_outside_leap_years() {
        let cal = AcademicCalendar { spring: ((1, 10), (2, 29)), ..AcademicCalendar::default() };
        assert_eq!(semesters("2027-01-15", 1).agreement_ends(&cal), Some(day("2027-02-28")));
        assert_eq!(semesters("2028-01-15", 1).agreement_ends(&cal), Some(day("2028-02-29")));
    }

    #[test]
    fn an_answered_notice_stays_answered_and_continuing_renews_the_last_term() {
        let cal = AcademicCalendar::default();
        let mut p = semesters("2026-09-01", 1);
        let notice = p.continuation_notice(&cal, day("2026-12-01")).unwrap();
        assert!(notice.last_term);
        p.continue_after(notice);
        assert_eq!(p.continuation_notice(&cal, day("2026-12-02")), None);
        assert_eq!(p.duration, AgreedDuration::Semesters { count: 2, renewable: true });
        assert_eq!(p.agreement_ends(&cal), Some(day("2027-05-15")));
        // The spring term asks again.
        assert!(p.continuation_notice(&cal, day("2027-04-24")).unwrap().last_term);
        p.end_after(p.continuation_notice(&cal, day("2027-04-24")).unwrap());
        assert_eq!(p.status, PartnershipStatus::Ended);
        assert_eq!(p.continuation_notice(&cal, day("2027-05-20")), None);
    }

    #[test]
    fn the_next_partnership_keeps_the_mentee_and_the_note_but_not_the_meetings() {
        let mut p = semesters("2026-09-01", 3);
        p.mentee_id = Some("sam-id".into());
        p.mentor_id = Some("ana-id".into());
        p.topics = vec!["Job search".into()];
        p.meetings.insert("m1".into(), crate::partnership::Meeting::new("m1", "2026-09-01"));
        p.agreement.confidentiality = true;
        p.hand_over("Sam needs someone in industry.");
        assert_eq!(p.status, PartnershipStatus::HandedOver);
        let next = p.next_after_handover("2026-11-01");
        assert_eq!((next.mentee.as_str(), next.mentee_id.as_deref()), ("Sam", Some("sam-id")));
        assert_eq!((next.mentor.as_str(), next.mentor_id.as_deref()), ("", None));
        assert_eq!(next.handover_note.as_str(), "Sam needs someone in industry.");
        assert_eq!(next.topics, p.topics);
        assert!(next.meetings.is_empty() && !next.agreement.confidentiality);
        assert_eq!(next.status, PartnershipStatus::Active);
        assert_eq!(next.pair_title(), "a mentor and Sam");
    }

    #[test]
    fn an_agreement_that_ran_out_unanswered_keeps_asking() {
        let cal = AcademicCalendar::default();
        let p = Partnership::new("Ana", "Sam", "2026-01-31", AgreedDuration::Months(6));
        // Ends 31 Jul; a month later nobody has answered.
        let notice = p.continuation_notice(&cal, day("2026-08-30")).unwrap();
        assert_eq!(notice, ContinuationNotice { term_ends: day("2026-07-31"), last_term: true });
        assert_eq!(p.continuation_notice(&cal, day("2026-07-09")), None);
        assert!(p.continuation_notice(&cal, day("2026-07-10")).is_some());
    }
}
