//! Planned meetings as an iCalendar file (`.ics`) for the user's own
//! calendar app: one event per planned meeting, and the cadence as a
//! recurring event from the next meeting due to the end of the agreement.
//!
//! Meetings are calendar days, so events are all-day (`VALUE=DATE`, ending
//! the next day as RFC 5545 wants) and read the same in every time zone.
//! UIDs are stable, so importing the file again updates events instead of
//! duplicating them.
//!
//! Discreet by default: an event names the partner and nothing else. Agendas
//! are confidential and a calendar provider is outside the encryption, so
//! they go in only when the user asks. The cadence repeats only where it
//! implies a rhythm (every week, every n weeks, every n days); "at least
//! once a month" fixes no day, so it becomes the one next meeting due.

use chrono::{DateTime, NaiveDate};
use icalendar::{Calendar, Component, Event, EventLike};

use crate::calendar_day::add_days;
use crate::partnership::{MeetingCadence, Partnership, Side};
use crate::program::calendars::ProgramCalendars;

/// One partnership to export, seen from the user's side.
pub struct PartnershipMeetings<'a> {
    pub document: &'a str,
    pub partnership: &'a Partnership,
    pub side: Side,
}

/// The calendar file, stamped with `now_ms` (milliseconds since the epoch).
/// Agendas go in only with `with_agendas`.
pub fn meetings_calendar(
    partnerships: &[PartnershipMeetings<'_>],
    calendars: &ProgramCalendars,
    today: NaiveDate,
    now_ms: i64,
    with_agendas: bool,
) -> String {
    let stamp = DateTime::from_timestamp_millis(now_ms).unwrap_or_default();
    let mut ics = Calendar::new();
    ics.name("Confidant meetings");
    for entry in partnerships {
        let p = entry.partnership;
        if !p.is_running() {
            continue;
        }
        let with = match p.partner_name(entry.side).trim() {
            "" => "your partner",
            name => name,
        };
        let summary = format!("Mentoring meeting with {with}");
        for meeting in p.meetings.values() {
            let Some(day) = meeting.date.filter(|d| *d >= today) else { continue };
            let mut event = Event::new();
            event
                .uid(&format!("meeting-{}-{}@confidant", meeting.id, entry.document))
                .timestamp(stamp)
                .starts(day)
                .ends(add_days(day, 1))
                .summary(&summary);
            if with_agendas && !meeting.agenda.as_str().trim().is_empty() {
                event.description(meeting.agenda.as_str());
            }
            ics.push(event.done());
        }
        if let (Some(next), Some(ends)) = (p.next_meeting(today), p.agreement_ends(&calendars.of(p))) {
            // The series starts at the next meeting due, or after the one planned.
            let first = match next.planned {
                Some(planned) => add_days(planned, u64::from(p.cadence.every_days.max(1))),
                None => next.due.max(today),
            };
            if first <= ends {
                let mut event = Event::new();
                event
                    .uid(&format!("cadence-{}@confidant", entry.document))
                    .timestamp(stamp)
                    .starts(first)
                    .ends(add_days(first, 1))
                    .description(&format!("Your agreed rhythm: {}.", cadence_words(&p.cadence)));
                match recurrence(&p.cadence, ends) {
                    Some(rule) => event.summary(&format!("{summary} (regular)")).add_property("RRULE", rule),
                    None => event.summary(&format!("{summary} (due by then)")),
                };
                ics.push(event.done());
            }
        }
    }
    ics.done().to_string()
}

/// The RRULE for the cadence until the agreement ends: weeks where it
/// counts whole weeks, days otherwise; none for "at least once a month",
/// which names no day to repeat on.
fn recurrence(cadence: &MeetingCadence, until: NaiveDate) -> Option<String> {
    let until = until.format("%Y%m%d");
    match cadence.every_days.max(1) {
        30 | 31 => None,
        days if days % 7 == 0 => Some(format!("FREQ=WEEKLY;INTERVAL={};UNTIL={until}", days / 7)),
        days => Some(format!("FREQ=DAILY;INTERVAL={days};UNTIL={until}")),
    }
}

/// "every 30 days" / "every week" / "every 2 weeks".
pub fn cadence_words(cadence: &MeetingCadence) -> String {
    match cadence.every_days.max(1) {
        7 => "every week".to_owned(),
        30 | 31 => "at least once a month".to_owned(),
        days if days % 7 == 0 => format!("every {} weeks", days / 7),
        days => format!("every {days} days"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partnership::{AgreedDuration, Meeting};
    use icalendar::{CalendarComponent, DatePerhapsTime};

    fn day(text: &str) -> NaiveDate {
        crate::calendar_day::parse_day(text).unwrap()
    }

    fn events(text: &str) -> Vec<Event> {
        let parsed: Calendar = text.parse().expect("valid iCalendar");
        parsed
            .components
            .into_iter()
            .filter_map(|c| match c {
                CalendarComponent::Event(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn planned_meetings_and_the_cadence_become_events() {
        let mut p = Partnership::new("Ana Lima", "Sam", "2026-11-02", AgreedDuration::Months(6));
        p.meetings.insert("m1".into(), Meeting::new("m1", "2026-11-02"));
        let mut planned = Meeting::new("m2", "2026-11-19");
        planned.agenda.update("Goals for spring; CV review");
        p.meetings.insert("m2".into(), planned);
        let mut ended = Partnership::new("Bo", "Sam", "2026-01-01", AgreedDuration::Months(6));
        ended.status = crate::partnership::PartnershipStatus::Ended;
        let list = [
            PartnershipMeetings { document: "p1", partnership: &p, side: Side::Mentee },
            PartnershipMeetings { document: "p2", partnership: &ended, side: Side::Mentee },
        ];
        let text = meetings_calendar(&list, &ProgramCalendars::default(), day("2026-11-10"), 1_795_000_000_000, false);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(text.contains("\r\nVERSION:2.0\r\n"));
        check_all_day_events(&text);
        let events = events(&text);
        assert_eq!(events.len(), 2, "{text}");
        // The past meeting is not exported; the planned one is, as an all-day event.
        let meeting = events.iter().find(|e| e.get_uid() == Some("meeting-m2-p1@confidant")).unwrap();
        assert_eq!(meeting.get_start(), Some(DatePerhapsTime::Date(day("2026-11-19"))));
        assert_eq!(meeting.get_end(), Some(DatePerhapsTime::Date(day("2026-11-20"))), "an all-day event ends the next day");
        assert_eq!(meeting.get_summary(), Some("Mentoring meeting with Ana Lima"));
        assert_eq!(meeting.get_description(), None, "the agenda stays in the app");
        assert!(!text.contains("CV review"));
        // "At least once a month" names no day: the next meeting due, not a guessed monthly repeat.
        let series = events.iter().find(|e| e.get_uid() == Some("cadence-p1@confidant")).unwrap();
        assert_eq!(series.get_start(), Some(DatePerhapsTime::Date(day("2026-12-19"))));
        assert_eq!(series.property_value("RRULE"), None);
        assert!(text.contains("DTSTAMP:"));
        // Asked for, the agenda goes in.
        let with = meetings_calendar(&list, &ProgramCalendars::default(), day("2026-11-10"), 1_795_000_000_000, true);
        assert!(self::events(&with).iter().any(|e| e.get_description() == Some("Goals for spring; CV review")));
    }

    /// Strictly: every event has a date start and a date end the next day.
    fn check_all_day_events(text: &str) {
        let date = |line: &str, name: &str| {
            line.strip_prefix(name).map(|d| NaiveDate::parse_from_str(d, "%Y%m%d").expect("a date"))
        };
        let blocks: Vec<&str> = text.split("BEGIN:VEVENT").skip(1).collect();
        assert!(!blocks.is_empty(), "{text}");
        for block in blocks {
            let start = block.split("\r\n").find_map(|l| date(l, "DTSTART;VALUE=DATE:"));
            let end = block.split("\r\n").find_map(|l| date(l, "DTEND;VALUE=DATE:"));
            assert!(start.is_some() && end == start.map(|s| add_days(s, 1)), "an all-day event ends the next day: {block}");
            assert!(!block.contains("\r\nDTSTART:") && !block.contains("\r\nDTEND:"), "dates only: {block}");
        }
    }

    #[test]
    fn the_rhythm_reads_in_plain_words_and_rules() {
        let weekly = MeetingCadence { first_month: 4, every_days: 14 };
        assert_eq!(cadence_words(&weekly), "every 2 weeks");
        assert_eq!(recurrence(&weekly, day("2027-05-15")).as_deref(), Some("FREQ=WEEKLY;INTERVAL=2;UNTIL=20270515"));
        assert_eq!(
            recurrence(&MeetingCadence { first_month: 1, every_days: 10 }, day("2027-05-15")).as_deref(),
            Some("FREQ=DAILY;INTERVAL=10;UNTIL=20270515")
        );
        assert_eq!(recurrence(&MeetingCadence::default(), day("2027-05-15")), None);
        assert_eq!(cadence_words(&MeetingCadence::default()), "at least once a month");
    }
}
