//! Confidant is an installable app that keeps working offline: after a first
//! visit the server can vanish and a reload still shows every section; a new
//! deploy is offered as "Reload to update" and taken only when the user asks.
//! See: issue 2 (foundation).

use confidant_e2e::{action, find, Browser, ChromeDriver, TestServer, Viewport};
use confidant_shared::Section;
use serde_json::json;

/// Wait until the service worker controls the page and has precached the app.
async fn wait_until_offline_ready(browser: &Browser) -> anyhow::Result<()> {
    find::until(browser, "the service worker to control the page", "navigator.serviceWorker.controller").await
}

#[tokio::test]
async fn after_a_first_visit_the_app_works_with_the_server_gone() -> anyhow::Result<()> {
    let mut server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let browser = Browser::open(&driver, Viewport::DESKTOP).await?;

    browser.client.goto(&server.url("/")).await?;
    find::heading(&browser, "Home").await?;
    wait_until_offline_ready(&browser).await?;

    let installability = browser.cdp("Page.getInstallabilityErrors", json!({})).await?;
    let errors = installability["installabilityErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("unexpected answer from Chromium: {installability}"));
    assert!(errors.is_empty(), "Chromium reports installability errors: {errors:#?}");

    let home = server.url("/");
    server.stop().await?;
    assert!(reqwest::get(&home).await.is_err(), "the server is really down");

    browser.client.refresh().await?;
    find::heading(&browser, "Home").await?;
    for section in Section::ALL {
        action::open_section(&browser, section).await?;
    }
    // A deep link typed while offline loads too.
    browser.client.goto(&server.url("/goals/offline-plan")).await?;
    find::heading(&browser, "Goal plans").await?;

    browser.close().await
}

#[tokio::test]
async fn a_new_deploy_is_offered_and_taken_on_request() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let browser = Browser::open(&driver, Viewport::DESKTOP).await?;

    browser.client.goto(&server.url("/")).await?;
    wait_until_offline_ready(&browser).await?;
    let old_cache = browser
        .eval_async("const done = arguments[0]; caches.keys().then(done);")
        .await?;
    let old_cache = old_cache[0].as_str().expect("one cache").to_owned();

    // Deploy a new build: the worker's version changes.
    let sw_path = server.dist_dir().join("sw.js");
    let sw = std::fs::read_to_string(&sw_path)?;
    let old_version = old_cache.trim_start_matches("confidant-");
    std::fs::write(&sw_path, sw.replace(old_version, "next-release"))?;
    for compressed in ["sw.js.br", "sw.js.gz"] {
        std::fs::remove_file(server.dist_dir().join(compressed))?;
    }

    // Nothing changes under the user's feet: the update is only offered.
    browser.client.refresh().await?;
    let button = find::by_text(&browser, "button", "Reload to update").await?;
    find::heading(&browser, "Home").await?;
    button.click().await?;

    find::until(
        &browser,
        "the new version to take over",
        "navigator.serviceWorker.controller && !document.querySelector('.update')",
    )
    .await?;
    let caches = browser
        .eval_async("const done = arguments[0]; caches.keys().then(done);")
        .await?;
    assert_eq!(caches, json!(["confidant-next-release"]), "the old version's cache is gone");
    find::heading(&browser, "Home").await?;

    browser.close().await
}
