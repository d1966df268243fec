//! A partnership that started months ago: Home flags the introductory
//! meeting never logged and asks, three weeks before the agreement ends,
//! whether to continue; continuing renews the agreement and the question
//! goes away on both Home and the partnership page. See: issue 5.

use confidant_e2e::{find, Browser, ChromeDriver, TestServer, Viewport};
use confidant_shared::calendar_day::{day_text, parse_day, sub_days};
use confidant_shared::partnership::{AcademicCalendar, AgreedDuration, Partnership};

async fn attention(browser: &Browser) -> anyhow::Result<Vec<String>> {
    find::until(browser, "Home to load", "!document.querySelector('.loading')").await?;
    let value = browser.eval("return [...document.querySelectorAll(\"[data-testid='attention']\")].map(e => e.innerText.trim());").await?;
    Ok(serde_json::from_value(value)?)
}

#[tokio::test]
async fn home_asks_before_the_agreement_ends_and_continuing_renews_it() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let browser = Browser::open(&driver, Viewport::DESKTOP).await?;

    browser.client.goto(&server.url("/settings")).await?;
    // A fixed day for the app (its clock seam), not the wall clock.
    let today = parse_day("2027-03-10").expect("a day");
    browser.eval(&format!("localStorage.setItem('confidant-fixed-today', {:?}); return true;", day_text(today))).await?;
    find::css(&browser, "#profile-new-name").await?.send_keys("Sam Rivera").await?;
    find::by_text(&browser, "button", "Create my profile").await?.click().await?;
    find::css(&browser, "#profile-name").await?;

    // Six months, started 170 days ago: it ends in two weeks or so.
    let start = sub_days(today, 170);
    browser.client.goto(&server.url("/partnerships")).await?;
    find::css(&browser, "#start-partner").await?.send_keys("Ana Lima").await?;
    browser
        .eval(&format!(
            "const e = document.querySelector('#start-date'); e.value = {:?}; e.dispatchEvent(new Event('input', {{ bubbles: true }})); return true;",
            day_text(start)
        ))
        .await?;
    find::by_text(&browser, "button", "Start and invite my partner").await?.click().await?;
    find::heading(&browser, "Ana Lima and Sam Rivera").await?;
    let page = browser.client.current_url().await?;

    let expected = Partnership::new("Ana Lima", "Sam Rivera", &day_text(start), AgreedDuration::Months(6));
    let ends = expected.agreement_ends(&AcademicCalendar::default()).expect("an end");
    browser.client.goto(&server.url("/")).await?;
    let items = attention(&browser).await?;
    let (start_day, ends_day) = (confidant_e2e::action::day_words(&browser, start).await?, confidant_e2e::action::day_words(&browser, ends).await?);
    assert_eq!(
        items,
        [
            format!("Your introductory meeting with Ana Lima was due on {start_day}. Plan it."),
            format!("The agreement with Ana Lima ends on {ends_day}: continue, or end the partnership?"),
        ],
        "Home, late things first"
    );

    // The pair continues: the agreement runs six more months, the question goes.
    browser.client.goto(page.as_str()).await?;
    find::css(&browser, "[data-testid='continuation']").await?;
    find::until(&browser, "renewal due", "document.querySelector('main').innerText.includes('Renewal is due.')").await?;
    find::by_text(&browser, "button", "Continue").await?.click().await?;
    find::until(&browser, "the renewed duration", "document.querySelector(\"[data-testid='agreement-duration']\").innerText.startsWith('Duration: 12 months')").await?;
    find::until(&browser, "the question gone", "!document.querySelector(\"[data-testid='continuation']\")").await?;
    find::until(&browser, "active again", "document.querySelector('main').innerText.includes('The partnership is active.')").await?;
    browser.client.goto(&server.url("/")).await?;
    find::heading(&browser, "Home").await?;
    find::until(&browser, "Home without the question", "document.querySelectorAll(\"[data-testid='attention']\").length === 1").await?;
    let items = attention(&browser).await?;
    assert!(items[0].starts_with("Your introductory meeting with Ana Lima was due"), "{items:?}");
    browser.close().await
}
