//! The user's today, from the browser's clock and time zone. (Rust's
//! `SystemTime::now()` panics in the browser; dates come from `js_sys::Date`.)

use confidant_shared::calendar_day::{day_text, local_date, NaiveDate};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Today on the user's clock.
pub fn today_day() -> NaiveDate {
    // getTimezoneOffset is minutes *behind* UTC; local_date wants minutes ahead.
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i32);
    local_date(now_ms(), offset).unwrap_or_default()
}

/// Today as documents store days, `YYYY-MM-DD`.
pub fn today() -> String {
    day_text(today_day())
}
