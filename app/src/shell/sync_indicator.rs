//! The sync status slot in the header.
//!
//! Until the relay exists the status follows the browser's connectivity:
//! offline, or up to date (nothing is waiting to be sent).

use confidant_shared::SyncStatus;
use leptos::ev;
use leptos::prelude::*;

#[component]
pub fn SyncIndicator() -> impl IntoView {
    let (online, set_online) = signal(browser_online());
    // The listeners live as long as the app; the shell is never unmounted.
    let _ = window_event_listener(ev::online, move |_| set_online.set(true));
    let _ = window_event_listener(ev::offline, move |_| set_online.set(false));
    let status = move || if online.get() { SyncStatus::UpToDate } else { SyncStatus::Offline };
    view! {
        <p class="sync" role="status" data-status=move || status().token() title=move || status().description()>
            <span class="sync-dot" aria-hidden="true"></span>
            <span class="sync-label">{move || status().label()}</span>
        </p>
    }
}

fn browser_online() -> bool {
    web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true)
}
