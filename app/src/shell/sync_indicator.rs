//! The sync status slot in the header.
//!
//! Offline when the browser is offline; otherwise what the sync engine
//! says: offline (relay unreachable), syncing N changes, or up to date. In
//! browser unit tests there is no engine and connectivity alone decides.

use confidant_shared::SyncStatus;
use leptos::ev;
use leptos::prelude::*;

use crate::sync::use_sync;

#[component]
pub fn SyncIndicator() -> impl IntoView {
    let (online, set_online) = signal(browser_online());
    // The listeners live as long as the app; the shell is never unmounted.
    let _ = window_event_listener(ev::online, move |_| set_online.set(true));
    let _ = window_event_listener(ev::offline, move |_| set_online.set(false));
    let engine = use_sync();
    let status = Memo::new(move |_| match (online.get(), &engine) {
        (false, _) => SyncStatus::Offline,
        (true, Some(engine)) => engine.status(),
        (true, None) => SyncStatus::UpToDate,
    });
    let status = move || status.get();
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
