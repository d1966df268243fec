//! The app shell in a real browser: every section is in the navigation, a
//! click routes without reloading, the phone menu opens and closes, and the
//! sync indicator follows the browser going offline and online.

use confidant_app::App;
use confidant_shared::Section;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// The app, mounted once for this page: like the real page, one router owns
/// the window's clicks and history, so every test shares it.
fn app_root() -> Element {
    thread_local! {
        static ROOT: Element = {
            let document = web_sys::window().unwrap().document().unwrap();
            let container = document.create_element("div").unwrap();
            document.body().unwrap().append_child(&container).unwrap();
            leptos::mount::mount_to(container.clone().unchecked_into(), || {
                view! { <App service_worker=false relay=false/> }
            })
            .forget();
            container
        };
    }
    ROOT.with(Element::clone)
}

fn find(root: &Element, selector: &str) -> HtmlElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .unchecked_into()
}

/// Wait (up to 5 s) until `holds` is true: the app re-renders on its own
/// schedule, so every check waits for what it expects instead of a pause.
async fn until(what: &str, holds: impl Fn() -> bool) {
    for _ in 0..100 {
        if holds() {
            return;
        }
        TimeoutFuture::new(50).await;
    }
    panic!("{what} did not happen within 5 s")
}

fn text_of(root: &Element, selector: &str) -> Option<String> {
    root.query_selector(selector).ok().flatten().and_then(|e| e.text_content())
}

/// Wait (up to 5 s) for an element that appears once a page has loaded its data.
async fn wait_for(root: &Element, selector: &str) -> HtmlElement {
    for _ in 0..100 {
        if let Some(found) = root.query_selector(selector).unwrap() {
            return found.unchecked_into();
        }
        TimeoutFuture::new(50).await;
    }
    panic!("{selector} did not appear")
}

#[wasm_bindgen_test]
async fn navigation_lists_every_section_and_routes_on_click() {
    let root = app_root();
    let links = root.query_selector_all("nav a").unwrap();
    assert_eq!(links.length() as usize, Section::ALL.len());

    for section in Section::ALL {
        find(&root, &format!("nav a[href='{}']", section.path())).click();
        until(&format!("the {} page", section.title()), || text_of(&root, "h1").as_deref() == Some(section.title())).await;
        assert_eq!(web_sys::window().unwrap().location().pathname().unwrap(), section.path());
        let current = find(&root, "nav a[aria-current='page']");
        assert_eq!(current.get_attribute("href").unwrap(), section.path());
        let empty = wait_for(&root, "[data-testid='empty-state']").await;
        assert_eq!(empty.text_content().unwrap(), section.empty_state());
    }
}

#[wasm_bindgen_test]
async fn the_phone_menu_toggles_and_closes_after_choosing() {
    let root = app_root();
    let toggle = find(&root, ".nav-toggle");
    let list = find(&root, "#nav-list");
    // Whatever another test left: start from a closed menu.
    if toggle.get_attribute("aria-expanded").as_deref() == Some("true") {
        toggle.click();
    }
    until("the menu closed", || toggle.get_attribute("aria-expanded").as_deref() == Some("false")).await;
    assert!(!list.class_list().contains("open"));

    toggle.click();
    until("the menu open", || toggle.get_attribute("aria-expanded").as_deref() == Some("true")).await;
    assert!(list.class_list().contains("open"));

    find(&root, "nav a[href='/resources']").click();
    until("the Resources page", || text_of(&root, "h1").as_deref() == Some("Resources")).await;
    until("the menu closed after choosing", || toggle.get_attribute("aria-expanded").as_deref() == Some("false")).await;
    assert!(!list.class_list().contains("open"));
}

#[wasm_bindgen_test]
async fn the_sync_indicator_follows_connectivity_and_shows_the_version() {
    let root = app_root();
    let window = web_sys::window().unwrap();
    let status = find(&root, ".sync");
    until("up to date", || status.get_attribute("data-status").as_deref() == Some("up-to-date")).await;

    window.dispatch_event(&web_sys::Event::new("offline").unwrap()).unwrap();
    until("offline shown", || status.get_attribute("data-status").as_deref() == Some("offline")).await;
    assert_eq!(find(&root, ".sync-label").text_content().unwrap(), "Offline");

    window.dispatch_event(&web_sys::Event::new("online").unwrap()).unwrap();
    until("up to date again", || text_of(&root, ".sync-label").as_deref() == Some("Up to date")).await;

    assert_eq!(
        find(&root, "[data-testid='app-version']").text_content().unwrap(),
        confidant_shared::APP_VERSION
    );
}
