//! Exports that restore a whole life, four browsers: a mentee with a linked
//! phone shares a goal plan with her mentor, exports everything with its
//! keys under a passphrase, and restores the file on a new device. The
//! restored plan keeps syncing with the mentor both ways: no second,
//! separate copy; and, once she says the file is her own, the new device is
//! linked to her phone again, her journal following both ways (never for a
//! file she does not claim: it would hand its maker every key). The protected file shows nothing of what it
//! holds, and a wrong passphrase imports nothing. See: issue 12.

use std::time::Duration;

use confidant_e2e::{action, check, find, Browser, ChromeDriver, TestServer, Viewport};

/// Changes cross the relay between browsers.
const SYNC: Duration = Duration::from_secs(45);
const PASSPHRASE: &str = "correct horse battery";

async fn settings_say(browser: &Browser, text: &str) -> anyhow::Result<()> {
    let script = format!("document.querySelector(\"[data-testid='settings-message']\")?.innerText.includes({text:?})");
    find::until_within(browser, &format!("Settings to say {text:?}"), &script, SYNC).await
}

#[tokio::test]
async fn a_protected_export_restored_on_a_new_device_keeps_syncing_with_the_partner() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let downloads = tempfile::tempdir()?;
    let mentee = Browser::open(&driver, Viewport::DESKTOP).await?;
    let mentor = Browser::open(&driver, Viewport::DESKTOP).await?;
    mentee.download_into(downloads.path()).await?;

    // A shared plan, a partnership, and her phone linked.
    action::share_a_plan(&mentee, &mentor, &server, "Our plan", &["Publish a paper"]).await?;
    let mentor_plan = mentor.client.current_url().await?;
    mentee.client.goto(&server.url("/partnerships")).await?;
    find::css(&mentee, "#start-partner").await?.send_keys("Ana Lima").await?;
    find::by_text(&mentee, "button", "Start and invite my partner").await?.click().await?;
    find::heading(&mentee, "Ana Lima and Sam Rivera").await?;
    let link = action::invite_link(&mentee).await?;
    action::accept_invite(&mentor, &link).await?;
    find::until_within(&mentor, "the partnership to arrive", "document.querySelector('h1').innerText === 'Ana Lima and Sam Rivera'", SYNC).await?;
    let mentor_partnership = mentor.client.current_url().await?;
    let phone = Browser::open(&driver, Viewport::PHONE).await?;
    action::link_device(&mentee, &phone, &server).await?;
    action::write_entry(&mentee, &server, "Before the export", "Written on the laptop.").await?;
    action::journal_shows(&phone, &server, "Before the export", "Written on the laptop.").await?;
    find::until(&mentee, "the goal saved", "!Object.keys(localStorage).some(k => k.startsWith('confidant-unsaved:'))").await?;

    // Everything, with its keys, under a passphrase.
    mentee.client.goto(&server.url("/settings")).await?;
    // Keys are asked for, and then only under a passphrase.
    find::css(&mentee, "#export-keys").await?.click().await?;
    find::by_text(&mentee, "button", "Export all my data").await?.click().await?;
    settings_say(&mentee, "Choose a passphrase to protect the keys").await?;
    find::css(&mentee, "#export-passphrase").await?.send_keys(PASSPHRASE).await?;
    find::by_text(&mentee, "button", "Export all my data").await?.click().await?;
    let sealed = check::downloaded(downloads.path(), "confidant-export-protected.json").await?;
    for secret in ["Publish a paper", "Our plan", "Sam Rivera", "goal_plan.2."] {
        anyhow::ensure!(!sealed.contains(secret), "the protected file shows {secret:?}");
    }
    let file = downloads.path().join("confidant-export-protected.json");

    // A new device: a wrong passphrase imports nothing, the right one everything.
    let restored = Browser::open(&driver, Viewport::DESKTOP).await?;
    restored.client.goto(&server.url("/settings")).await?;
    find::css(&restored, "#import-file").await?.send_keys(&file.to_string_lossy()).await?;
    find::css(&restored, "#import-passphrase").await?.send_keys("not the passphrase").await?;
    find::by_text(&restored, "button", "Open and import").await?.click().await?;
    settings_say(&restored, "the passphrase does not open this file").await?;
    let field = find::css(&restored, "#import-passphrase").await?;
    field.clear().await?;
    field.send_keys(PASSPHRASE).await?;
    // Not said to be her own file: the documents come in, her devices' link does not.
    find::by_text(&restored, "button", "Open and import").await?.click().await?;
    settings_say(&restored, "shared ones reconnect to your partners. Nothing that was here was replaced.").await?;
    // Again, saying it is her own: linked to her other devices too.
    find::css(&restored, "#import-file").await?.send_keys(&file.to_string_lossy()).await?;
    find::css(&restored, "#import-passphrase").await?.send_keys(PASSPHRASE).await?;
    find::css(&restored, "#import-relink").await?.click().await?;
    find::by_text(&restored, "button", "Open and import").await?.click().await?;
    settings_say(&restored, "and this device is linked to your other devices again").await?;

    // Linked to her phone again: the journal follows both ways.
    action::journal_shows(&restored, &server, "Before the export", "Written on the laptop.").await?;
    action::write_entry(&phone, &server, "From the phone", "Written after the restore.").await?;
    action::journal_shows(&restored, &server, "From the phone", "Written after the restore.").await?;
    action::write_entry(&restored, &server, "From the new laptop", "Restored and writing.").await?;
    action::journal_shows(&phone, &server, "From the new laptop", "Restored and writing.").await?;

    // The restored plan syncs with the mentor, both ways.
    restored.client.goto(&server.url("/goals")).await?;
    find::by_text(&restored, "a", "Our plan").await?.click().await?;
    find::heading(&restored, "Our plan").await?;
    action::shows_goal(&restored, "Publish a paper").await?;
    action::add_goal(&restored, "After the restore").await?;
    mentor.client.goto(mentor_plan.as_str()).await?;
    action::shows_goal(&mentor, "After the restore").await?;
    action::add_goal(&mentor, "From the mentor").await?;
    action::shows_goal(&restored, "From the mentor").await?;
    // One plan on the restored device, not a second copy.
    restored.client.goto(&server.url("/goals")).await?;
    find::by_text(&restored, "a", "Our plan").await?;
    let copies = restored.eval("return [...document.querySelectorAll('main a')].filter(a => a.innerText === 'Our plan').length;").await?;
    assert_eq!(copies.as_u64(), Some(1), "one plan");

    // The restored partnership syncs with the mentor too.
    restored.client.goto(&server.url("/partnerships")).await?;
    find::by_text(&restored, "a", "Ana Lima and Sam Rivera").await?.click().await?;
    find::heading(&restored, "Ana Lima and Sam Rivera").await?;
    find::css(&restored, "#meeting-agenda").await?.send_keys("After the restore").await?;
    find::by_text(&restored, "button", "Add meeting").await?.click().await?;
    mentor.client.goto(mentor_partnership.as_str()).await?;
    find::text_within(&mentor, "the restored side's meeting", &["After the restore"], SYNC).await?;
    find::css(&mentor, "#meeting-agenda").await?.send_keys("The mentor's meeting").await?;
    find::by_text(&mentor, "button", "Add meeting").await?.click().await?;
    find::text_within(&restored, "the mentor's meeting on the restored side", &["The mentor's meeting"], SYNC).await?;
    Ok(())
}
