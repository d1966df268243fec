//! The release build fetches each section's code the first time one of its
//! pages opens. When that module does not arrive (offline on a first visit
//! to the section), the page says so in one sentence and offers to try
//! again; trying again once the network is back opens the page, and the
//! app went on working meanwhile. A download that stalls gives up and says
//! the same. See: issue 11.

use confidant_e2e::{find, Browser, ChromeDriver, TestServer, Viewport};
use confidant_shared::Section;
use serde_json::json;

#[tokio::test]
async fn a_section_whose_code_does_not_arrive_says_so_and_opens_on_trying_again() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let browser = Browser::open(&driver, Viewport::DESKTOP).await?;
    // The network, not the service worker's cache, answers: the mentoring
    // pages' module is refused as if the connection had dropped.
    browser.cdp("Network.enable", json!({})).await?;
    browser.cdp("Network.setBypassServiceWorker", json!({ "bypass": true })).await?;
    browser.cdp("Network.setBlockedURLs", json!({ "urls": ["*split_mentoring_pages*"] })).await?;

    browser.client.goto(&server.url("/")).await?;
    find::heading(&browser, "Home").await?;
    find::css(&browser, &format!("nav a[href='{}']", Section::Journal.path())).await?.click().await?;
    let alert = find::css(&browser, "[role='alert'].page-loading").await?;
    assert_eq!(alert.find(fantoccini::Locator::Css("p")).await?.text().await?, "This page could not be downloaded: check your connection and try again, or reload if Confidant was just updated.");

    // Another section still opens: one missing module stops nothing else.
    find::css(&browser, &format!("nav a[href='{}']", Section::Settings.path())).await?.click().await?;
    find::heading(&browser, Section::Settings.title()).await?;

    find::css(&browser, &format!("nav a[href='{}']", Section::Journal.path())).await?.click().await?;
    let try_again = find::by_text(&browser, "button", "Try again").await?;
    browser.cdp("Network.setBlockedURLs", json!({ "urls": [] })).await?;
    try_again.click().await?;
    find::heading(&browser, Section::Journal.title()).await?;
    // The keyboard goes on from the page's heading, not from the top of
    // the document where the removed button left it.
    find::until(&browser, "the focus on the page's heading", "document.activeElement?.tagName === 'H1'").await?;
    let empty = find::css(&browser, "[data-testid='empty-state']").await?.text().await?;
    assert_eq!(empty, Section::Journal.empty_state());

    // Reload is the way out when this version's modules are gone from the
    // server (an update while the tab was open): the page opens afresh.
    browser.cdp("Network.setBlockedURLs", json!({ "urls": ["*split_workshop_pages*"] })).await?;
    find::css(&browser, &format!("nav a[href='{}']", Section::Workshop.path())).await?.click().await?;
    let reload = find::by_text(&browser, "button", "Reload").await?;
    browser.cdp("Network.setBlockedURLs", json!({ "urls": [] })).await?;
    browser.eval("window.beforeReload = true; return true;").await?;
    reload.click().await?;
    find::until(&browser, "a fresh page", "window.beforeReload === undefined").await?;
    find::heading(&browser, Section::Workshop.title()).await?;

    // A download that stalls (the request is held: no answer, no error, as
    // on a connection that died unnoticed) gives up after ten seconds
    // without a byte and offers Try again, instead of "Opening this page…"
    // for ever.
    browser.cdp("Network.enable", json!({})).await?;
    browser.cdp("Network.setBypassServiceWorker", json!({ "bypass": true })).await?;
    browser.cdp("Fetch.enable", json!({ "patterns": [{ "urlPattern": "*split_program_pages*", "requestStage": "Request" }] })).await?;
    find::css(&browser, &format!("nav a[href='{}']", Section::Program.path())).await?.click().await?;
    find::css(&browser, "[role='status'].page-loading").await?;
    find::until_within(
        &browser,
        "the stalled page saying it could not be downloaded",
        "document.querySelector(\"[role='alert'].page-loading p\")?.textContent.startsWith('This page could not be downloaded')",
        std::time::Duration::from_secs(40),
    )
    .await?;
    browser.cdp("Fetch.disable", json!({})).await?;
    find::by_text(&browser, "button", "Try again").await?.click().await?;
    find::heading(&browser, Section::Program.title()).await?;

    browser.close().await
}
