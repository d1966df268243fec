//! One person, two devices: linking the second with the link (or QR code)
//! from Settings makes the journal follow the person. An entry written on
//! the laptop before linking, and one written after, appear on the phone;
//! one written on the phone appears on the laptop. The link's keys never
//! reach the server. See: issue 4 (device linking).

use std::time::Duration;

use confidant_e2e::{find, Browser, ChromeDriver, TestServer, Viewport};

const SYNC: Duration = Duration::from_secs(45);

async fn write_entry(browser: &Browser, server: &TestServer, title: &str, body: &str) -> anyhow::Result<()> {
    browser.client.goto(&server.url("/journal")).await?;
    find::css(browser, "#new-entry-title").await?.send_keys(title).await?;
    find::by_text(browser, "button", "Write entry").await?.click().await?;
    find::heading(browser, title).await?;
    find::css(browser, "#entry-body").await?.send_keys(body).await?;
    // Back to the journal: leaving the page saves at once.
    find::by_text(browser, "a", "Back to your journal").await?.click().await?;
    find::heading(browser, "Journal").await?;
    Ok(())
}

async fn journal_shows(browser: &Browser, server: &TestServer, title: &str, body: &str) -> anyhow::Result<()> {
    browser.client.goto(&server.url("/journal")).await?;
    let script = format!("[...document.querySelectorAll(\"[data-testid='journal-entry'] a\")].some(a => a.textContent === {title:?})");
    find::until_within(browser, &format!("the entry {title:?} in the journal"), &script, SYNC).await?;
    find::by_text(browser, "a", title).await?.click().await?;
    find::heading(browser, title).await?;
    let script = format!("document.querySelector('#entry-body').value === {body:?}");
    find::until_within(browser, &format!("the body of {title:?}"), &script, SYNC).await
}

#[tokio::test]
async fn a_journal_entry_written_on_one_device_appears_on_the_linked_one() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let laptop = Browser::open(&driver, Viewport::DESKTOP).await?;
    let phone = Browser::open(&driver, Viewport::PHONE).await?;

    write_entry(&laptop, &server, "Before linking", "Felt ready to ask about authorship.").await?;

    laptop.client.goto(&server.url("/settings")).await?;
    find::css(&laptop, "[data-testid='link-device']").await?.click().await?;
    find::until(&laptop, "the device link", "document.querySelector(\"[data-testid='device-link']\")?.value.includes('#keyring.')").await?;
    let link = find::css(&laptop, "[data-testid='device-link']").await?.prop("value").await?.unwrap_or_default();
    assert!(find::css(&laptop, ".qr svg").await.is_ok(), "the device link is shown as a QR code too");

    phone.client.goto(&link).await?;
    find::css(&phone, "[data-testid='accept-invite']").await?.click().await?;
    find::heading(&phone, "Journal").await?;
    journal_shows(&phone, &server, "Before linking", "Felt ready to ask about authorship.").await?;

    // Entries written after linking follow too, both ways.
    write_entry(&laptop, &server, "After linking", "Sam suggested the spring deadline.").await?;
    journal_shows(&phone, &server, "After linking", "Sam suggested the spring deadline.").await?;
    write_entry(&phone, &server, "From the phone", "Notes on the bus.").await?;
    journal_shows(&laptop, &server, "From the phone", "Notes on the bus.").await?;

    let keys = link.split_once("#keyring.").map(|(_, keys)| keys.to_owned()).unwrap_or_default();
    assert_eq!(keys.len(), 86);
    for request in server.requests() {
        assert!(!request.contains(&keys), "a request carried the device link's keys: {request}");
    }

    laptop.close().await?;
    phone.close().await
}
