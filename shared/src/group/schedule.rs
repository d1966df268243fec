//! Planning a group's meetings: one, or a series on a rhythm (every week,
//! every two weeks, on the same day each month), read from the form as a
//! person typed it.

use chrono::{Months, NaiveDate, NaiveTime};

use super::{line_text, GroupError};
use crate::calendar_day::{add_days, parse_day};

/// The most meetings one plan makes (a semester of weekly meetings and more).
pub const MAX_PLANNED: u32 = 26;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    Once,
    Weekly,
    Fortnightly,
    /// The same day of each month (the month's last day where it is shorter).
    Monthly,
}

impl Repeat {
    pub const ALL: [Repeat; 4] = [Repeat::Once, Repeat::Weekly, Repeat::Fortnightly, Repeat::Monthly];

    pub fn token(self) -> &'static str {
        match self {
            Repeat::Once => "once",
            Repeat::Weekly => "weekly",
            Repeat::Fortnightly => "fortnightly",
            Repeat::Monthly => "monthly",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Repeat::Once => "Just this one",
            Repeat::Weekly => "Every week",
            Repeat::Fortnightly => "Every two weeks",
            Repeat::Monthly => "The same day every month",
        }
    }
}

/// Meetings to plan, as read from the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingPlan {
    pub first: NaiveDate,
    pub time: Option<NaiveTime>,
    pub minutes: u32,
    pub place: String,
    pub repeat: Repeat,
    pub count: u32,
}

impl MeetingPlan {
    /// Read the form's fields; each problem comes back as one sentence.
    /// An empty time is a day with no set time.
    pub fn read(day: &str, time: &str, minutes: &str, place: &str, repeat: &str, count: &str) -> Result<Self, GroupError> {
        let first = parse_day(day).ok_or(GroupError::NoDay)?;
        let time = match time.trim() {
            "" => None,
            t => Some(NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| GroupError::BadTime)?),
        };
        let minutes: u32 = minutes.trim().parse().ok().filter(|m| (15..=480).contains(m)).ok_or(GroupError::BadLength)?;
        let repeat = Repeat::ALL.into_iter().find(|r| r.token() == repeat).unwrap_or(Repeat::Once);
        let count = if repeat == Repeat::Once {
            1
        } else {
            count.trim().parse().ok().filter(|c| (1..=MAX_PLANNED).contains(c)).ok_or(GroupError::BadCount)?
        };
        Ok(MeetingPlan { first, time, minutes, place: line_text(place)?, repeat, count })
    }

    /// The days of the meetings this plan makes.
    pub fn days(&self) -> Vec<NaiveDate> {
        let count = if self.repeat == Repeat::Once { 1 } else { self.count.min(MAX_PLANNED) };
        (0..count)
            .filter_map(|i| match self.repeat {
                Repeat::Once => Some(self.first),
                Repeat::Weekly => Some(add_days(self.first, 7 * u64::from(i))),
                Repeat::Fortnightly => Some(add_days(self.first, 14 * u64::from(i))),
                // Always from the first day, so 31 Jan gives 28 Feb and then 31 Mar.
                Repeat::Monthly => self.first.checked_add_months(Months::new(i)),
            })
            .collect()
    }

    /// The time as a meeting stores it: "17:30", or empty.
    pub fn time_text(&self) -> String {
        self.time.map(|t| t.format("%H:%M").to_string()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_day::day_text;

    fn days(plan: &MeetingPlan) -> Vec<String> {
        plan.days().into_iter().map(day_text).collect()
    }

    #[test]
    fn a_series_falls_on_its_rhythm() {
        let weekly = MeetingPlan::read("2026-12-08", "17:30", "90", " Room 204 ", "weekly", "4").unwrap();
        assert_eq!(days(&weekly), ["2026-12-08", "2026-12-15", "2026-12-22", "2026-12-29"]);
        assert_eq!((weekly.time_text().as_str(), weekly.place.as_str()), ("17:30", "Room 204"));
        let fortnightly = MeetingPlan::read("2026-12-08", "", "60", "", "fortnightly", "3").unwrap();
        assert_eq!(days(&fortnightly), ["2026-12-08", "2026-12-22", "2027-01-05"]);
        assert_eq!(fortnightly.time_text(), "");
        let monthly = MeetingPlan::read("2027-01-31", "12:00", "60", "", "monthly", "3").unwrap();
        assert_eq!(days(&monthly), ["2027-01-31", "2027-02-28", "2027-03-31"], "the month's last day where it is shorter, then back");
        let once = MeetingPlan::read("2026-12-08", "09:05", "30", "", "once", "ignored").unwrap();
        assert_eq!(days(&once), ["2026-12-08"]);
    }

    #[test]
    fn each_bad_field_says_what_to_do() {
        assert_eq!(MeetingPlan::read("", "17:30", "90", "", "once", "1"), Err(GroupError::NoDay));
        assert_eq!(MeetingPlan::read("2026-12-08", "5.30pm", "90", "", "once", "1"), Err(GroupError::BadTime));
        assert_eq!(MeetingPlan::read("2026-12-08", "25:00", "90", "", "once", "1"), Err(GroupError::BadTime));
        for minutes in ["", "10", "481", "-5", "ninety"] {
            assert_eq!(MeetingPlan::read("2026-12-08", "", minutes, "", "once", "1"), Err(GroupError::BadLength), "{minutes}");
        }
        for count in ["0", "27", "", "lots"] {
            assert_eq!(MeetingPlan::read("2026-12-08", "", "60", "", "weekly", count), Err(GroupError::BadCount), "{count}");
        }
        assert_eq!(MeetingPlan::read("2026-12-08", "", "60", &"p".repeat(201), "once", "1"), Err(GroupError::TooLong));
    }
}
