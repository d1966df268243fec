//! The user's today, from the browser's clock and time zone. (Rust's
//! `SystemTime::now()` panics in the browser; dates come from `js_sys::Date`.)

use confidant_shared::calendar_day::{day_text, local_date, NaiveDate};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
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
