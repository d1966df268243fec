//! A user opens Confidant, reaches every section by clicking, and a deep link
//! (a bookmarked goal plan, an unknown page) loads the app at that page.
//! See: issue 2 (foundation).

use confidant_e2e::{action, find, Browser, ChromeDriver, TestServer, Viewport};
use confidant_shared::Section;

#[tokio::test]
async fn every_section_opens_by_clicking_and_deep_links_load() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let browser = Browser::open(&driver, Viewport::DESKTOP).await?;

    browser.client.goto(&server.url("/")).await?;
    find::heading(&browser, "Home").await?;
    for section in Section::ALL.into_iter().rev() {
        action::open_section(&browser, section).await?;
        assert_eq!(browser.client.current_url().await?.path(), section.path());
        let empty = find::css(&browser, "[data-testid='empty-state']").await?.text().await?;
        assert_eq!(empty, section.empty_state());
    }

    browser.client.goto(&server.url("/goals/abc")).await?;
    find::heading(&browser, "Goal plans").await?;
    let message = find::css(&browser, "[data-testid='empty-state']").await?.text().await?;
    assert!(message.contains("This goal plan is not on this device."), "{message}");

    browser.client.goto(&server.url("/no/such/page")).await?;
    find::heading(&browser, "Page not found").await?;
    find::by_text(&browser, "a", "Go to Home").await?.click().await?;
    find::heading(&browser, "Home").await?;

    browser.close().await
}
