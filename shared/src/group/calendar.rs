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

/// The calendar of `group` (document `document`), stamped `now_ms`.
pub fn group_calendar(document: &str, group: &Group, today: NaiveDate, now_ms: i64) -> String {
    let stamp = DateTime::from_timestamp_millis(now_ms).unwrap_or_default();
    let mut ics = Calendar::new();
    ics.name(&group.name);
    for (id, meeting) in group.meetings_in_order() {
        let Some(day) = meeting.date().filter(|d| *d >= today) else { continue };
        let mut event = Event::new();
        event.uid(&format!("group-{id}-{document}@confidant")).timestamp(stamp).summary(&group.name);
        match meeting.start_time() {
            Some(time) => {
                let start = day.and_time(time);
                let end = start + Duration::minutes(i64::from(meeting.minutes.clamp(15, 480)));
                event.starts(DatePerhapsTime::DateTime(CalendarDateTime::Floating(start))).ends(DatePerhapsTime::DateTime(CalendarDateTime::Floating(end)));
            }
            None => {
                event.starts(day).ends(add_days(day, 1));
            }
        }
        if !meeting.place.trim().is_empty() {
            event.location(meeting.place.trim());
        }
        if let Some(reading) = group.reading_of(meeting) {
            let by = if reading.by.trim().is_empty() { String::new() } else { format!(" by {}", reading.by.trim()) };
            event.description(&format!("Reading: {}{by}", reading.title));
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
}
