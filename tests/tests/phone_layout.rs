//! On a 375 px phone every page fits without sideways scrolling, and the
//! navigation works from the keyboard alone. See: issue 2 (foundation).

use confidant_e2e::{action, check, find, Browser, ChromeDriver, TestServer, Viewport};
use confidant_shared::Section;
use fantoccini::key::Key;

#[tokio::test]
async fn every_page_fits_a_phone_and_the_menu_works_by_keyboard() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let browser = Browser::open(&driver, Viewport::PHONE).await?;

    browser.client.goto(&server.url("/")).await?;
    find::heading(&browser, "Home").await?;
    let width = browser.eval("return window.innerWidth;").await?;
    assert_eq!(width, 375);
    for section in Section::ALL {
        action::open_section(&browser, section).await?;
        check::no_horizontal_scroll(&browser).await?;
    }

    // Keyboard only: Tab to the skip link, then the Menu button, open it with
    // Enter, Tab to the second section and follow it with Enter.
    browser.client.goto(&server.url("/")).await?;
    find::heading(&browser, "Home").await?;
    action::press(&browser, Key::Tab).await?;
    let focused = browser.client.active_element().await?;
    assert_eq!(focused.text().await?, "Skip to content");
    action::press(&browser, Key::Tab).await?;
    let focused = browser.client.active_element().await?;
    assert_eq!(focused.text().await?, "Menu");
    action::press(&browser, Key::Enter).await?;
    assert_eq!(focused.attr("aria-expanded").await?.as_deref(), Some("true"));
    action::press(&browser, Key::Tab).await?;
    action::press(&browser, Key::Tab).await?;
    action::press(&browser, Key::Enter).await?;
    find::heading(&browser, Section::ALL[1].title()).await?;
    let menu = find::css(&browser, ".nav-toggle").await?;
    assert_eq!(menu.attr("aria-expanded").await?.as_deref(), Some("false"), "the menu closes after choosing");

    browser.close().await
}
