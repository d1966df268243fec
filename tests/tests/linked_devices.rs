//! One person, two devices. Linking the phone from the laptop's Settings is
//! a pairing both screens confirm with the same code; then the journal
//! follows the person both ways. Removing the phone: it says it was
//! unlinked, keeps what it had, and nothing the laptop writes afterwards
//! reaches it (checked once the phone has read everything it still
//! follows). The link's secret never reaches the server. See: issue 4,
//! issue 10.

use std::time::Duration;

use confidant_e2e::action::{journal_lists, journal_shows, write_entry};
use confidant_e2e::{find, Browser, ChromeDriver, TestServer, Viewport};

const SYNC: Duration = Duration::from_secs(45);

async fn code(browser: &Browser) -> anyhow::Result<String> {
    Ok(find::css(browser, "[data-testid='pairing-code']").await?.text().await?)
}

#[tokio::test]
async fn a_linked_device_confirmed_on_both_screens_follows_the_journal_until_it_is_removed() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let laptop = Browser::open(&driver, Viewport::DESKTOP).await?;
    let phone = Browser::open(&driver, Viewport::PHONE).await?;

    write_entry(&laptop, &server, "Before linking", "Felt ready to ask about authorship.").await?;

    laptop.client.goto(&server.url("/settings")).await?;
    find::css(&laptop, "[data-testid='link-device']").await?.click().await?;
    find::until(&laptop, "the device link", "document.querySelector(\"[data-testid='device-link']\")?.value.includes('/link#device.')").await?;
    let link = find::css(&laptop, "[data-testid='device-link']").await?.prop("value").await?.unwrap_or_default();
    assert!(find::css(&laptop, ".qr svg").await.is_ok(), "the device link is shown as a QR code too");

    // The phone opens it and asks; both screens show the same code.
    phone.client.goto(&link).await?;
    find::heading(&phone, "Link this device").await?;
    assert!(!phone.client.current_url().await?.as_str().contains("device."), "the secret left the address bar");
    find::css(&phone, "[data-testid='ask-link']").await?.click().await?;
    let phone_code = code(&phone).await?;
    find::until_within(&laptop, "the laptop asked to confirm", "document.querySelector(\"[data-testid='pairing-code']\")", SYNC).await?;
    let laptop_code = code(&laptop).await?;
    assert_eq!(phone_code, laptop_code, "both screens show one code");
    assert_eq!(phone_code.len(), 7, "six digits: {phone_code}");
    // Nothing is shared before both confirm.
    find::css(&phone, "[data-testid='codes-match']").await?.click().await?;
    find::until(&phone, "confirmed on the phone", "document.body.innerText.includes('Now confirm on your other device')").await?;
    find::css(&laptop, "[data-testid='codes-match']").await?.click().await?;
    find::until_within(&phone, "linked", "document.querySelector(\"[data-testid='device-linked']\")", SYNC).await?;
    journal_shows(&phone, &server, "Before linking", "Felt ready to ask about authorship.").await?;

    // Entries written after linking follow too, both ways.
    write_entry(&laptop, &server, "After linking", "Sam suggested the spring deadline.").await?;
    journal_shows(&phone, &server, "After linking", "Sam suggested the spring deadline.").await?;
    write_entry(&phone, &server, "From the phone", "Notes on the bus.").await?;
    journal_shows(&laptop, &server, "From the phone", "Notes on the bus.").await?;

    // Settings on the laptop lists the phone; removing it is one click.
    laptop.client.goto(&server.url("/settings")).await?;
    find::until_within(&laptop, "the phone listed", "document.querySelectorAll(\"[data-testid='linked-device']\").length === 1", SYNC).await?;
    find::css(&laptop, "[data-testid='unlink-device']").await?.click().await?;
    find::until_within(&laptop, "the phone removed", "document.querySelectorAll(\"[data-testid='linked-device']\").length === 0", SYNC).await?;

    // The phone says it was unlinked, and keeps what it had.
    phone.client.goto(&server.url("/settings")).await?;
    find::until_within(&phone, "the phone told it was unlinked", "document.querySelector(\"[data-testid='device-unlinked']\")", SYNC).await?;
    journal_shows(&phone, &server, "After linking", "Sam suggested the spring deadline.").await?;

    // What the laptop writes now never reaches the phone: once the phone
    // has read everything it still follows, the entry is not there.
    write_entry(&laptop, &server, "After unlinking", "Only for the laptop.").await?;
    find::until_within(&laptop, "the laptop's entry at the relay", "document.querySelector(\".sync[data-status='up-to-date']\")", SYNC).await?;
    phone.client.goto(&server.url("/journal")).await?;
    find::until_within(&phone, "the phone caught up with the relay", "document.querySelector(\".sync[data-status='up-to-date']\")", SYNC).await?;
    let there = phone.eval(&format!("return {};", journal_lists("After unlinking"))).await?;
    anyhow::ensure!(there.as_bool() == Some(false), "the laptop's entry reached the unlinked phone");
    // The laptop goes on as before.
    journal_shows(&laptop, &server, "After unlinking", "Only for the laptop.").await?;

    let secret = link.split_once("#device.").map(|(_, s)| s.to_owned()).unwrap_or_default();
    assert!(secret.len() > 100);
    for request in server.requests() {
        assert!(!request.contains(&secret), "a request carried the device link's secret: {request}");
    }

    laptop.close().await?;
    phone.close().await
}
