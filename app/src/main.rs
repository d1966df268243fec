//! Entry point: mount the app on the page Trunk built.

use confidant_app::App;
use leptos::prelude::*;

/// The Performance API mark set once the shell is on screen; the load
/// benchmark reads it (milliseconds since navigation start).
const FIRST_RENDER_MARK: &str = "confidant:first-render";

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(|| view! { <App/> });
    // The page's own loading screen (index.html) has done its work.
    if let Some(loading) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("loading")) {
        loading.remove();
    }
    // Mounting is synchronous: the shell is in the DOM now.
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(FIRST_RENDER_MARK);
    }
}
