//! What surrounds every page: skip link, header with sync status, navigation,
//! the main landmark, and a footer with the version and update prompt.

mod nav;
mod sync_indicator;
mod update_prompt;

pub use nav::Nav;
pub use sync_indicator::SyncIndicator;
pub use update_prompt::UpdatePrompt;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Says so when the app stopped last time while reading a document, and
/// that document was set aside (see `store::load_guard`).
#[component]
fn SetAsideNotice() -> impl IntoView {
    let set_aside = LocalResource::new(|| async {
        crate::store::app_store().await.ok()?;
        crate::store::load_guard::set_aside()
    });
    move || {
        set_aside.get().flatten().map(|_| view! {
            <p class="notice" role="alert" data-testid="set-aside">
                "The app stopped last time while reading one of your documents. That document's saved data was set aside \
                 (kept, not deleted) and everything else is as it was. If it was shared, ask your partner to share it again."
            </p>
        })
    }
}

/// After moving to another page, the keyboard and screen reader go on from
/// its heading (or the page itself while it loads), not from the menu link
/// just followed or a form that is gone. Focus the user put inside the page
/// meanwhile is left where it is.
fn focus_new_page() {
    request_animation_frame(|| {
        let document = document();
        let main = document.get_element_by_id("main");
        let stays = document.active_element().is_some_and(|active| {
            let in_page = main.as_ref().is_some_and(|main| main.contains(Some(&active)) && &active != main);
            in_page && active.is_connected()
        });
        if stays {
            return;
        }
        let heading = document.query_selector("main h1").ok().flatten();
        if let Some(target) = heading.or(main) {
            focus_as_a_landmark(target);
        }
    });
}

/// A page whose module arrived after the move: if the focus is still on the
/// page region it was given meanwhile, it goes on to the page's heading.
pub(crate) fn focus_arrived_page() {
    request_animation_frame(|| {
        let document = document();
        let Some(main) = document.get_element_by_id("main") else { return };
        if document.active_element().as_ref() != Some(&main) {
            return;
        }
        if let Some(heading) = main.query_selector("h1").ok().flatten() {
            focus_as_a_landmark(heading);
        }
    });
}

/// Put the focus on the page region itself, where a page that is still
/// arriving keeps it (see [`focus_arrived_page`]).
pub(crate) fn focus_page_region() {
    if let Some(main) = document().get_element_by_id("main") {
        focus_as_a_landmark(main);
    }
}

/// Focus an element that is not a control (a heading, the page region).
fn focus_as_a_landmark(target: web_sys::Element) {
    if let Ok(target) = target.dyn_into::<web_sys::HtmlElement>() {
        if !target.has_attribute("tabindex") {
            let _ = target.set_attribute("tabindex", "-1");
        }
        let _ = target.focus();
    }
}

#[component]
pub fn Shell(service_worker: bool, children: Children) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|before| before != path) {
            focus_new_page();
        }
        path
    });
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <div class="layout">
            <header class="top-bar">
                <span class="brand">"Confidant"</span>
                <SyncIndicator/>
            </header>
            <Nav/>
            <main id="main" class="content" tabindex="-1">
                <SetAsideNotice/>
                {children()}
            </main>
            <footer class="footer">
                <UpdatePrompt enabled=service_worker/>
                <p class="version">"Confidant " <span data-testid="app-version">{confidant_shared::APP_VERSION}</span></p>
            </footer>
        </div>
    }
}
