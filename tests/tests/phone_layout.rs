//! On a 375 px phone every page fits without sideways scrolling, the header
//! and menu bar keep one height on the shortest and the longest page, and
//! the navigation works from the keyboard alone. Every section is saved as a
//! screenshot at 375 and 1366 px under `target/screenshots/`, to look at the
//! whole app after a run. See: issue 2 (foundation), issue 12.

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
    let shots = screenshots_dir()?;
    let mut bars = Vec::new();
    for section in Section::ALL {
        action::open_section(&browser, section).await?;
        check::no_horizontal_scroll(&browser).await?;
        let heights = browser
            .eval("return [document.querySelector('.top-bar').offsetHeight, document.querySelector('.nav').offsetHeight, document.documentElement.scrollHeight];")
            .await?;
        bars.push((section.title(), heights));
        std::fs::write(shots.join(format!("{}-375.png", section.title().to_lowercase())), browser.client.screenshot().await?)?;
    }
    let first = &bars[0].1;
    for (title, heights) in &bars {
        assert_eq!((heights[0].as_i64(), heights[1].as_i64()), (first[0].as_i64(), first[1].as_i64()), "header and menu bar on {title}: {bars:?}");
    }

    // The same pages on a laptop, for the record.
    let laptop = Browser::open(&driver, Viewport { width: 1366, height: 900, mobile: false }).await?;
    laptop.client.goto(&server.url("/")).await?;
    find::heading(&laptop, "Home").await?;
    for section in Section::ALL {
        action::open_section(&laptop, section).await?;
        std::fs::write(shots.join(format!("{}-1366.png", section.title().to_lowercase())), laptop.client.screenshot().await?)?;
    }
    laptop.close().await?;

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
    // The keyboard goes on from the new page's heading, not the menu link.
    find::until(&browser, "the focus on the new page's heading", "document.activeElement?.tagName === 'H1'").await?;
    let menu = find::css(&browser, ".nav-toggle").await?;
    assert_eq!(menu.attr("aria-expanded").await?.as_deref(), Some("false"), "the menu closes after choosing");

    browser.close().await
}

/// `target/screenshots/`, at the workspace root.
fn screenshots_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
