//! On a 375 px phone every page fits without sideways scrolling, the header
//! and menu bar keep one height on the shortest and the longest page, and
//! the navigation works from the keyboard alone. Every page, empty and with
//! content, is saved as a screenshot at 375 and 1366 px under
//! `target/screenshots/`, to look at the whole app after a run.
//! See: issue 2 (foundation), issue 12.

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
    let mut bars = Vec::new();
    for section in Section::ALL {
        action::open_section(&browser, section).await?;
        check::no_horizontal_scroll(&browser).await?;
        let heights = browser
            .eval("return [document.querySelector('.top-bar').offsetHeight, document.querySelector('.nav').offsetHeight, document.documentElement.scrollHeight];")
            .await?;
        bars.push((section.title(), heights));
        browser.save_screenshot(&format!("{}-375", section.title().to_lowercase())).await?;
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
        laptop.save_screenshot(&format!("{}-1366", section.title().to_lowercase())).await?;
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

/// Every page with a person's content in it (a plan with a goal and a
/// milestone, a partnership with a meeting, a journal entry, the profile,
/// a bad invite, a wrong address), whole, at both widths; at 375 px none
/// scrolls sideways and the header and menu keep the height they have on
/// the shortest page.
#[tokio::test]
async fn every_page_with_content_fits_a_phone_and_is_photographed() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let browser = Browser::open(&driver, Viewport::PHONE).await?;

    action::create_profile(&browser, &server, "Sam Rivera", "mentee").await?;
    browser.client.goto(&server.url("/goals")).await?;
    find::css(&browser, "#new-plan-title").await?.send_keys("Year two").await?;
    find::by_text(&browser, "button", "Create goal plan").await?.click().await?;
    find::heading(&browser, "Year two").await?;
    let plan = browser.client.current_url().await?.to_string();
    action::add_goal(&browser, "Publish a paper in a journal my field reads").await?;
    find::css(&browser, "[data-testid='add-milestone']").await?.click().await?;
    find::css(&browser, "[data-testid='goal'] .milestone-form input[type='text']").await?.send_keys("Draft the introduction\u{E007}").await?;
    find::css(&browser, "[data-testid='milestone']").await?;

    browser.client.goto(&server.url("/partnerships")).await?;
    find::css(&browser, "#start-partner").await?.send_keys("Ana Lima").await?;
    find::by_text(&browser, "button", "Start and invite my partner").await?.click().await?;
    find::heading(&browser, "Ana Lima and Sam Rivera").await?;
    let partnership = browser.client.current_url().await?.to_string();
    find::css(&browser, "#meeting-agenda").await?.send_keys("Introductions").await?;
    find::by_text(&browser, "button", "Add meeting").await?.click().await?;
    find::css(&browser, "[data-testid='meeting']").await?;

    browser.client.goto(&server.url("/journal")).await?;
    find::css(&browser, "#new-entry-title").await?.send_keys("First thoughts\u{E007}").await?;
    find::heading(&browser, "First thoughts").await?;
    find::css(&browser, "#entry-body").await?.send_keys("Nervous but hopeful.").await?;
    let entry = browser.client.current_url().await?.to_string();

    let pages = [
        ("home-with-content", server.url("/")),
        ("settings-profile", server.url("/settings")),
        ("goal-plans-list", server.url("/goals")),
        ("goal-plan", plan),
        ("partnerships-list", server.url("/partnerships")),
        ("partnership", partnership),
        ("journal-list", server.url("/journal")),
        ("journal-entry", entry),
        ("resources-page", server.url("/resources")),
        ("link-device", server.url("/link")),
        ("join-bad-invite", server.url("/join#garbage")),
        ("not-found", server.url("/nowhere")),
    ];
    let bars = "return [document.querySelector('.top-bar').offsetHeight, document.querySelector('.nav').offsetHeight];";
    let mut heights = Vec::new();
    for (name, url) in &pages {
        open(&browser, url).await?;
        check::no_horizontal_scroll(&browser).await?;
        heights.push((*name, browser.eval(bars).await?));
        browser.save_screenshot(&format!("{name}-375")).await?;
    }
    let first = &heights[0].1;
    for (name, bars) in &heights {
        assert_eq!(bars, first, "header and menu bar on {name}: {heights:?}");
    }

    browser.set_viewport(Viewport { width: 1366, height: 900, mobile: false }).await?;
    for (name, url) in &pages {
        open(&browser, url).await?;
        browser.save_screenshot(&format!("{name}-1366")).await?;
    }
    browser.close().await
}

/// Open `url` and wait until its page has drawn itself.
async fn open(browser: &Browser, url: &str) -> anyhow::Result<()> {
    browser.client.goto(url).await?;
    find::css(browser, "main h1").await?;
    find::until(browser, "the page to finish loading", "!document.querySelector('.loading')").await
}
