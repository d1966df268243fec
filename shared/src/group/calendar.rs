//! A group's meetings as an iCalendar file (`.ics`) for each member's own
//! calendar app: one event per meeting from today on.
//!
//! A meeting with a set time is a timed event in floating local time (the
//! group meets at 17:30 where it meets, whatever the phone's zone), lasting
//! its minutes; one without is an all-day event. UIDs are stable, so
//! importing again updates events. Shared notes never go in: a calendar
//! provider is outside the encryption. The place and the reading do, as
//! members need them to turn up.

use chrono::{DateTime, Duration, NaiveDate};
use icalendar::{Calendar, CalendarDateTime, Component, DatePerhapsTime, Event, EventLike};

use super::Group;
use crate::calendar_day::add_days;

/// A text another member wrote, fit for one iCalendar value: no control
/// characters (a line break would start a property or an event of its
/// own: the calendar's `NAME` is written unescaped), at most a line's length.
fn value(text: &str) -> String {
    text.trim().chars().filter(|c| !c.is_control()).take(super::MAX_LINE_CHARS).collect()
}

/// The calendar of `group` (document `document`), stamped `now_ms`.
pub fn group_calendar(document: &str, group: &Group, today: NaiveDate, now_ms: i64) -> String {
    let stamp = DateTime::from_timestamp_millis(now_ms).unwrap_or_default();
    let name = value(&group.name);
    let name = if name.is_empty() { format!("Your {}", group.purpose.noun()) } else { name };
    let mut ics = Calendar::new();
    ics.name(&name);
    for (id, meeting) in group.meetings_in_order().into_iter().take(super::MAX_MEETINGS) {
        let Some(day) = meeting.date().filter(|d| *d >= today) else { continue };
        let uid_part: String = id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').take(64).collect();
        let mut event = Event::new();
        event.uid(&format!("group-{uid_part}-{document}@confidant")).timestamp(stamp).summary(&name);
        let start = meeting.start_time().map(|time| day.and_time(time));
        let end = start.and_then(|start| start.checked_add_signed(Duration::minutes(i64::from(meeting.minutes.clamp(15, 480)))));
        match start.zip(end) {
            Some((start, end)) => {
                event.starts(DatePerhapsTime::DateTime(CalendarDateTime::Floating(start))).ends(DatePerhapsTime::DateTime(CalendarDateTime::Floating(end)));
            }
            None => {
                event.starts(day).ends(add_days(day, 1));
            }
        }
        let place = value(&meeting.place);
        if !place.is_empty() {
            event.location(&place);
        }
        if let Some(reading) = group.reading_of(meeting) {
            let by = value(&reading.by);
            let by = if by.is_empty() { String::new() } else { format!(" by {by}") };
            event.description(&format!("Reading: {}{by}", value(&reading.title)));
        }
        ics.push(event.done());
    }
    ics.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{day, reading_group};
    use super::super::MeetingPlan;
    use super::*;
    use icalendar::CalendarComponent;

    fn events(text: &str) -> Vec<Event> {
        let parsed: Calendar = text.parse().expect("valid iCalendar");
        parsed.components.into_iter().filter_map(|c| if let CalendarComponent::Event(e) = c { Some(e) } else { None }).collect()
    }

    #[test]
    fn meetings_ahead_become_events_with_time_place_and_reading_never_notes() {
        let mut g = reading_group();
        let weekly = MeetingPlan::read("2026-12-01", "17:30", "90", "Room 204, Main Library", "weekly", "3").unwrap();
        g.plan(&weekly, &["a".into(), "b".into(), "c".into()]).unwrap();
        let all_day = MeetingPlan::read("2027-01-12", "", "60", "", "once", "1").unwrap();
        g.plan(&all_day, &["d".into()]).unwrap();
        g.add_reading("r", "How to Write a Lot", "Paul Silvia", "", day("2026-12-01")).unwrap();
        g.meetings.get_mut("b").unwrap().reading = Some("r".into());
        g.meetings.get_mut("b").unwrap().shared_notes.update("Li is struggling with chapter 2");
        let text = group_calendar("doc1", &g, day("2026-12-02"), 1_795_000_000_000);
        assert!(!text.contains("struggling"), "shared notes stay in the app");
        let events = events(&text);
        assert_eq!(events.len(), 3, "the past meeting is not exported: {text}");
        let b = events.iter().find(|e| e.get_uid() == Some("group-b-doc1@confidant")).unwrap();
        let start = day("2026-12-08").and_hms_opt(17, 30, 0).unwrap();
        assert_eq!(b.get_start(), Some(DatePerhapsTime::DateTime(CalendarDateTime::Floating(start))));
        assert_eq!(b.get_end(), Some(DatePerhapsTime::DateTime(CalendarDateTime::Floating(start + Duration::minutes(90)))));
        assert_eq!(b.get_summary(), Some("Later-stage reading group"));
        assert_eq!(b.get_location(), Some("Room 204, Main Library"));
        assert_eq!(b.get_description(), Some("Reading: How to Write a Lot by Paul Silvia"));
        assert!(text.contains("DTSTART:20261208T173000\r\n"), "floating local time, no zone: {text}");
        let d = events.iter().find(|e| e.get_uid() == Some("group-d-doc1@confidant")).unwrap();
        assert_eq!(d.get_start(), Some(DatePerhapsTime::Date(day("2027-01-12"))));
        assert_eq!(d.get_end(), Some(DatePerhapsTime::Date(day("2027-01-13"))));
    }

    #[test]
    fn what_another_member_wrote_cannot_add_lines_or_overflow() {
        let mut g = reading_group();
        g.name = "Group\r\nBEGIN:VALARM\r\nACTION:DISPLAY".into();
        let plan = MeetingPlan::read("2026-12-08", "23:30", "480", "Room\r\nATTACH:http://x", "once", "1").unwrap();
        g.plan(&plan, &["a\r\nX:1".into()]).unwrap();
        // The calendar's last day, as chrono's `%Y` would read it, is no day.
        g.meetings.get_mut("a\r\nX:1").unwrap().place = "Room\r\nATTACH:http://x".into();
        let mut last = g.meetings["a\r\nX:1"].clone();
        last.day = crate::calendar_day::parse_day("+262142-12-31");
        assert_eq!(last.day, None);
        g.meetings.insert("z".into(), last);
        let text = group_calendar("doc1", &g, day("2026-12-02"), 1_795_000_000_000);
        for line in text.split("\r\n") {
            assert!(!line.starts_with("BEGIN:VALARM") && !line.starts_with("ATTACH") && !line.starts_with("X:1") && !line.starts_with("ACTION"), "{text}");
        }
        assert_eq!(events(&text).len(), 1, "{text}");
    }
}
