//! A user exports everything from one browser and imports the file in another
//! browser (a fresh profile): the goal plan is there, with its goals. Settings
//! also shows how much this browser stores. See: issue 3.

use std::time::{Duration, Instant};

use confidant_e2e::{action, find, Browser, ChromeDriver, TestServer, Viewport, WAIT};
use confidant_shared::calendar_day::parse_day;
use serde_json::json;

#[tokio::test]
async fn an_export_from_one_browser_imports_into_another() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let downloads = tempfile::tempdir()?;

    // First browser: a plan with a goal, then "Export all my data".
    let first = Browser::open(&driver, Viewport::DESKTOP).await?;
    first.client.goto(&server.url("/goals")).await?;
    find::css(&first, "#new-plan-title").await?.send_keys("Carried over").await?;
    find::by_text(&first, "button", "Create goal plan").await?.click().await?;
    find::heading(&first, "Carried over").await?;
    find::css(&first, "#new-goal").await?.send_keys("Finish the thesis").await?;
    find::by_text(&first, "button", "Add goal").await?.click().await?;
    find::css(&first, "[data-testid='goal']").await?;
    // A milestone due soon, for Home to say in the other browser.
    find::css(&first, "[data-testid='goal'] [data-testid='add-milestone']").await?.click().await?;
    find::css(&first, "[data-testid='goal'] .milestone-form input[type='text']").await?.send_keys("Submit chapter one").await?;
    action::set_value(&first, "[data-testid='goal'] .milestone-form input[type='date']", "2027-03-15").await?;
    find::css(&first, "[data-testid='goal'] .milestone-form button[type='submit']").await?.click().await?;
    find::css(&first, "[data-testid='milestone']").await?;
    // Saved: no edit waits in the write-ahead copy any more.
    find::until(&first, "the goal saved", "!Object.keys(localStorage).some(k => k.startsWith('confidant-unsaved:'))").await?;

    first.client.goto(&server.url("/settings")).await?;
    find::until(&first, "storage use to be shown", "/MB used of/.test(document.querySelector('[data-testid=storage-used]').textContent)").await?;
    first
        .cdp("Browser.setDownloadBehavior", json!({ "behavior": "allow", "downloadPath": downloads.path() }))
        .await?;
    find::by_text(&first, "button", "Export all my data").await?.click().await?;
    let file = downloads.path().join("confidant-export.json");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !file.is_file() {
        anyhow::ensure!(Instant::now() < deadline, "the export was not downloaded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let exported = std::fs::read_to_string(&file)?;
    assert!(exported.contains("Finish the thesis"), "the file is readable by a person");
    first.close().await?;

    // Second browser, nothing stored: import the file.
    let second = Browser::open(&driver, Viewport::DESKTOP).await?;
    action::fix_today(&second, &server, parse_day("2027-03-10").expect("a day")).await?;
    second.client.goto(&server.url("/goals")).await?;
    find::css(&second, "[data-testid='empty-state']").await?;
    second.client.goto(&server.url("/settings")).await?;
    find::css(&second, "#import-file").await?.send_keys(&file.to_string_lossy()).await?;
    find::until(&second, "the import to finish", "/Imported 1 documents/.test(document.body.textContent)").await?;

    // Home reads the document index, where an imported plan has no line
    // yet: it opens the plan (in the release build through a module of its
    // own, Automerge not being in the first download) and says what is due.
    second.client.goto(&server.url("/")).await?;
    find::text_within(&second, "the imported milestone on Home", &["Submit chapter one"], WAIT).await?;

    second.client.goto(&server.url("/goals")).await?;
    find::by_text(&second, "a", "Carried over").await?.click().await?;
    find::heading(&second, "Carried over").await?;
    let goal = find::css(&second, "[data-testid='goal-title']").await?;
    assert_eq!(goal.text().await?, "Finish the thesis");

    second.close().await
}
