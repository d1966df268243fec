//! Calendar days on the user's own clock.
//!
//! Meetings, due dates and agreement ends are calendar days (`2026-12-07`),
//! not instants: a meeting "on the 7th" is on the 7th wherever the pair
//! lives. The only instant is "now", which the app turns into the user's
//! today with their clock's offset from UTC, so 23:30 in Chicago on the 31st
//! is still the 31st although it is already the 1st in UTC.

pub use chrono::{Datelike, NaiveDate};
use chrono::{DateTime, Days};

/// The user's calendar day at `utc_ms` (milliseconds since the Unix epoch),
/// `offset_minutes` east of UTC: +60 in Berlin in winter, -300 in Chicago.
/// (The browser's `getTimezoneOffset()` is the same number negated.)
pub fn local_date(utc_ms: i64, offset_minutes: i32) -> Option<NaiveDate> {
    let shifted = utc_ms.checked_add(i64::from(offset_minutes) * 60_000)?;
    DateTime::from_timestamp_millis(shifted).map(|t| t.date_naive())
}

/// A day as documents store it, `YYYY-MM-DD`; `None` for anything else.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    // Four-digit years only: chrono's `%Y` also reads "+262142-12-31", the
    // calendar's last day, from which any later day overflows.
    let digits = text.len() == 10 && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    digits.then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()).flatten()
}

/// Whether `day` is one documents can store and read back: years 0000 to
/// 9999, the four digits [`parse_day`] reads. A day from another device
/// (a letter, a form) is checked with this before it is kept.
pub fn is_storable(day: NaiveDate) -> bool {
    (0..=9999).contains(&day.year())
}

/// A day as documents store it.
pub fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A day as documents store it, or empty text for none (a CSV cell, a form field).
pub fn day_text_or_empty(day: Option<NaiveDate>) -> String {
    day.map(day_text).unwrap_or_default()
}

/// `day` plus `days` (saturating at the calendar's end, which no plan reaches).
pub fn add_days(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX)
}

/// `day` minus `days`.
pub fn sub_days(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(days)).unwrap_or(NaiveDate::MIN)
}

/// How a day reads in the app: "Mon 7 Dec 2026".
pub fn day_label(day: NaiveDate) -> String {
    day.format("%a %-d %b %Y").to_string()
}

/// Days in documents, for `#[autosurgeon(with = "crate::calendar_day::stored")]`
/// on an `Option<NaiveDate>`: written as `YYYY-MM-DD` text, as they always
/// were (no migration). Read leniently: text that is not a day (a partner's
/// malformed edit, an empty field from an older version), another type, or
/// no field at all is no day, never a document that cannot be opened.
/// The next save writes back what was read, so such a value becomes no day
/// (every version has written days with [`day_text`], so only a malformed
/// edit is lost). Where "not a day" must keep a meaning, the field has its
/// own module (a survey's `closed_on`).
pub mod stored {
    use autosurgeon::{HydrateError, Prop, ReadDoc, Reconciler};
    use automerge::{ObjId, ScalarValue, Value};

    use super::{day_text, parse_day, NaiveDate};

    pub fn hydrate<D: ReadDoc>(doc: &D, obj: &ObjId, prop: Prop<'_>) -> Result<Option<NaiveDate>, HydrateError> {
        Ok(doc.get(obj, &prop)?.and_then(|(value, _)| day_in(&value)))
    }

    /// The day a stored value holds: ISO text that reads as a day. Any
    /// other value (a number, a map, text that is no day) is no day, so
    /// one odd field never stops the rest of a document from reading.
    pub fn day_in(value: &Value<'_>) -> Option<NaiveDate> {
        match value {
            Value::Scalar(value) => match value.as_ref() {
                ScalarValue::Str(text) => parse_day(text),
                _ => None,
            },
            Value::Object(_) => None,
        }
    }

    pub fn reconcile<R: Reconciler>(day: &Option<NaiveDate>, mut reconciler: R) -> Result<(), R::Error> {
        match day {
            Some(day) => reconciler.str(day_text(*day)),
            None => reconciler.none(),
        }
    }
}

/// Like [`stored`], for the days that earlier versions read as required
/// text (a partnership's start, a meeting's or a journal entry's day, a
/// group's days): no day is written as empty text, as it always was, never
/// as null, which a partner's older app could not read.
pub mod stored_text {
    use autosurgeon::{HydrateError, Prop, ReadDoc, Reconciler};
    use automerge::ObjId;

    use super::{day_text, NaiveDate};

    pub fn hydrate<D: ReadDoc>(doc: &D, obj: &ObjId, prop: Prop<'_>) -> Result<Option<NaiveDate>, HydrateError> {
        super::stored::hydrate(doc, obj, prop)
    }

    pub fn reconcile<R: Reconciler>(day: &Option<NaiveDate>, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.str(day.map(day_text).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(text: &str) -> i64 {
        DateTime::parse_from_rfc3339(text).unwrap().timestamp_millis()
    }

    #[test]
    fn today_is_the_day_on_the_users_clock_not_in_utc() {
        // 04:30 UTC on 1 Feb is still the evening of 31 Jan in Chicago (UTC-6).
        let instant = ms("2027-02-01T04:30:00Z");
        assert_eq!(local_date(instant, -360), parse_day("2027-01-31"));
        assert_eq!(local_date(instant, 0), parse_day("2027-02-01"));
        // ... and already the afternoon of 1 Feb in Auckland (UTC+13).
        assert_eq!(local_date(ms("2027-01-31T12:00:00Z"), 13 * 60), parse_day("2027-02-01"));
        // A half-hour zone (India, UTC+5:30) crosses midnight at 18:30 UTC.
        assert_eq!(local_date(ms("2026-12-31T18:29:00Z"), 330), parse_day("2026-12-31"));
        assert_eq!(local_date(ms("2026-12-31T18:30:00Z"), 330), parse_day("2027-01-01"));
    }

    #[test]
    fn only_whole_iso_days_parse() {
        assert_eq!(parse_day(" 2028-02-29 "), NaiveDate::from_ymd_opt(2028, 2, 29));
        assert_eq!(parse_day("2027-02-29"), None);
        assert_eq!(parse_day("next week"), None);
        assert_eq!(parse_day(""), None);
        assert_eq!(day_text(parse_day("2027-03-04").unwrap()), "2027-03-04");
        // What is stored reads back; days past four-digit years are not kept.
        for day in [NaiveDate::from_ymd_opt(0, 1, 1).unwrap(), NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()] {
            assert!(is_storable(day));
            assert_eq!(parse_day(&day_text(day)), Some(day));
        }
        for day in [NaiveDate::MAX, NaiveDate::MIN, NaiveDate::from_ymd_opt(-1, 1, 1).unwrap(), NaiveDate::from_ymd_opt(10000, 1, 1).unwrap()] {
            assert!(!is_storable(day));
            assert_eq!(parse_day(&day_text(day)), None);
        }
        assert_eq!(day_label(parse_day("2026-12-07").unwrap()), "Mon 7 Dec 2026");
    }

    #[derive(Debug, PartialEq, autosurgeon::Reconcile, autosurgeon::Hydrate)]
    struct Held {
        #[autosurgeon(with = "crate::calendar_day::stored")]
        on: Option<NaiveDate>,
    }

    #[test]
    fn days_are_stored_as_text_and_what_is_not_a_day_reads_as_none() {
        use automerge::transaction::Transactable;
        use automerge::{AutoCommit, ReadDoc, ScalarValue, ROOT};
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &Held { on: parse_day("2026-12-07") }).unwrap();
        // The same ISO text older versions wrote and read.
        assert_eq!(doc.get(ROOT, "on").unwrap().map(|(v, _)| v.to_string()), Some("\"2026-12-07\"".to_string()));
        let read: Held = autosurgeon::hydrate(&doc).unwrap();
        assert_eq!(read.on, parse_day("2026-12-07"));
        // A partner's malformed day, an empty field, a number, or nothing:
        // the document still opens, with no day.
        for odd in [ScalarValue::Str("next Tuesday".into()), ScalarValue::Str("".into()), ScalarValue::Int(7), ScalarValue::Str("+262143-12-20".into())] {
            doc.put(ROOT, "on", odd).unwrap();
            assert_eq!(autosurgeon::hydrate::<_, Held>(&doc).unwrap(), Held { on: None });
        }
        doc.delete(ROOT, "on").unwrap();
        assert_eq!(autosurgeon::hydrate::<_, Held>(&doc).unwrap(), Held { on: None });
    }

    #[derive(Debug, PartialEq, autosurgeon::Reconcile, autosurgeon::Hydrate)]
    struct HeldAsText {
        #[autosurgeon(with = "crate::calendar_day::stored_text")]
        on: Option<NaiveDate>,
    }

    #[test]
    fn days_older_versions_read_as_text_are_never_written_as_null() {
        use automerge::{AutoCommit, ReadDoc, ROOT};
        // An older version reads these as required text: no day is "".
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &HeldAsText { on: None }).unwrap();
        let older: String = autosurgeon::hydrate_prop(&doc, ROOT, "on").unwrap();
        assert_eq!(older, "");
        assert_eq!(autosurgeon::hydrate::<_, HeldAsText>(&doc).unwrap(), HeldAsText { on: None });
        autosurgeon::reconcile(&mut doc, &HeldAsText { on: parse_day("2026-12-07") }).unwrap();
        assert_eq!(doc.get(ROOT, "on").unwrap().map(|(v, _)| v.to_string()), Some("\"2026-12-07\"".to_string()));
        assert_eq!(autosurgeon::hydrate::<_, HeldAsText>(&doc).unwrap().on, parse_day("2026-12-07"));
    }

}
