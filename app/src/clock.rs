//! The user's today, from the browser's clock and time zone. (Rust's
//! `SystemTime::now()` panics in the browser; dates come from `js_sys::Date`.)

use confidant_shared::calendar_day::{day_text, local_date, NaiveDate};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The room's clock seam: milliseconds added to this browser's clock where
/// a workshop's countdown is shown, so that a scenario can move one phone
/// on to a later round without waiting. Like the fixed today below, only
/// this person's own display depends on it.
pub const SKEW_KEY: &str = "confidant-clock-skew-ms";

/// This browser's clock, as the workshop's countdown reads it.
pub fn room_now_ms() -> i64 {
    let skew = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(SKEW_KEY).ok().flatten())
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    now_ms() + skew
}

/// The clock seam: a day written here (`YYYY-MM-DD`) is "today" for this
/// browser profile, so that date scenarios run on a fixed day. Only the
/// person's own display depends on it; nothing is sent or signed with it.
pub const FIXED_TODAY_KEY: &str = "confidant-fixed-today";

fn fixed_today() -> Option<NaiveDate> {
    let storage = web_sys::window()?.local_storage().ok()??;
    confidant_shared::calendar_day::parse_day(&storage.get_item(FIXED_TODAY_KEY).ok()??)
}

/// Today on the user's clock.
pub fn today_day() -> NaiveDate {
    if let Some(day) = fixed_today() {
        return day;
    }
    // getTimezoneOffset is minutes *behind* UTC; local_date wants minutes ahead.
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i32);
    local_date(now_ms(), offset).unwrap_or_default()
}

/// Today as documents store days, `YYYY-MM-DD`.
pub fn today() -> String {
    day_text(today_day())
}

/// A day as the person reads days: the browser's language and its way of
/// writing dates ("Mon 7 Dec 2026", "Mo., 7. Dez. 2026", "Mon, Dec 7, 2026").
pub fn day_words(day: NaiveDate) -> String {
    use confidant_shared::calendar_day::Datelike;
    // set_full_year, since Date's constructor reads years 0 to 99 as 1900s.
    let date = js_sys::Date::new_with_year_month_day(2000, 0, 1);
    date.set_full_year_with_month_date(day.year() as u32, day.month0() as i32, day.day() as i32);
    let options = js_sys::Object::new();
    for (key, value) in [("weekday", "short"), ("day", "numeric"), ("month", "short"), ("year", "numeric")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    // No locale named: Intl's default is the browser's own language.
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &options).format();
    match format.call1(&wasm_bindgen::JsValue::NULL, &date).ok().and_then(|words| words.as_string()) {
        Some(words) if !words.is_empty() => words,
        _ => confidant_shared::calendar_day::day_label(day),
    }
}

/// A day that may be missing (a document's optional day), in the person's
/// words; nothing when there is no day.
pub fn maybe_day_words(day: Option<NaiveDate>) -> String {
    day.map(day_words).unwrap_or_default()
}

/// A moment (milliseconds since the epoch) as a day in the person's words.
pub fn moment_day_words(at_ms: i64) -> String {
    let offset = -(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms as f64)).get_timezone_offset() as i32);
    maybe_day_words(local_date(at_ms, offset))
}
