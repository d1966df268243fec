//! "A new version is ready: reload to update."
//!
//! Shown when a new service worker has installed behind the running one. The
//! user chooses when to switch, so nobody is reloaded mid-sentence.

use leptos::prelude::*;

use crate::service_worker;

#[component]
pub fn UpdatePrompt(enabled: bool) -> impl IntoView {
    let (waiting, set_waiting) = signal_local(None::<web_sys::ServiceWorker>);
    if enabled {
        service_worker::register(move |worker| set_waiting.set(Some(worker)));
    }
    let reload = move |_| {
        if let Some(worker) = waiting.get_untracked() {
            service_worker::activate_and_reload(&worker);
        }
    };
    view! {
        <Show when=move || waiting.with(Option::is_some)>
            <div class="update" role="alert">
                <span>"A new version of Confidant is ready."</span>
                <button type="button" on:click=reload>"Reload to update"</button>
            </div>
        </Show>
    }
}
