//! Two tabs of the app on one device edit the same goal plan: each shows the
//! other's edits live; after both tabs are closed and the plan is reopened,
//! nothing is lost, including an edit typed just before a tab was closed.
//! See: issue 3.

use confidant_e2e::{action, find, Browser, ChromeDriver, TestServer, Viewport};
use fantoccini::Locator;

async fn goal_titles(browser: &Browser) -> anyhow::Result<Vec<String>> {
    let mut titles = Vec::new();
    for title in browser.client.find_all(Locator::Css("[data-testid='goal-title']")).await? {
        titles.push(title.text().await?.trim().to_owned());
    }
    Ok(titles)
}

async fn wait_for_goals(browser: &Browser, expected: &[&str]) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + confidant_e2e::WAIT;
    loop {
        let titles = goal_titles(browser).await?;
        if expected.iter().all(|e| titles.iter().any(|t| t == e)) {
            return Ok(());
        }
        anyhow::ensure!(std::time::Instant::now() < deadline, "expected goals {expected:?}, page shows {titles:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn two_tabs_share_edits_live_and_nothing_is_lost_on_close() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let browser = Browser::open(&driver, Viewport::DESKTOP).await?;
    let client = &browser.client;

    // Tab A creates a plan and a goal.
    client.goto(&server.url("/goals")).await?;
    find::css(&browser, "#new-plan-title").await?.send_keys("Two tabs").await?;
    find::by_text(&browser, "button", "Create goal plan").await?.click().await?;
    find::heading(&browser, "Two tabs").await?;
    let plan_url = client.current_url().await?;
    action::add_goal(&browser, "From tab A").await?;
    wait_for_goals(&browser, &["From tab A"]).await?;
    let tab_a = client.window().await?;

    // Tab B opens the same plan and adds its own goal.
    let tab_b = client.new_window(true).await?.handle;
    client.switch_to_window(tab_b.clone()).await?;
    client.goto(plan_url.as_str()).await?;
    wait_for_goals(&browser, &["From tab A"]).await?;
    action::add_goal(&browser, "From tab B").await?;

    // Tab A shows B's goal without a reload, and its own edits reach B.
    client.switch_to_window(tab_a.clone()).await?;
    wait_for_goals(&browser, &["From tab A", "From tab B"]).await?;
    action::add_goal(&browser, "Second from A").await?;
    client.switch_to_window(tab_b.clone()).await?;
    wait_for_goals(&browser, &["From tab A", "From tab B", "Second from A"]).await?;

    // An edit typed just before closing the tab: no pause for the save timer.
    let keeper = client.new_window(true).await?.handle;
    client.switch_to_window(tab_b).await?;
    let why = find::css(&browser, "[data-testid='goal'] textarea").await?;
    why.send_keys("typed right before closing").await?;
    client.close_window().await?;
    client.switch_to_window(tab_a).await?;
    client.close_window().await?;

    // Reopen: everything is there.
    client.switch_to_window(keeper).await?;
    client.goto(plan_url.as_str()).await?;
    wait_for_goals(&browser, &["From tab A", "From tab B", "Second from A"]).await?;
    let why = find::css(&browser, "[data-testid='goal'] textarea").await?;
    let text = why.prop("value").await?.unwrap_or_default();
    assert_eq!(text, "typed right before closing");

    browser.close().await
}

#[tokio::test]
async fn an_edit_is_kept_when_the_user_leaves_the_page_at_once() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let browser = Browser::open(&driver, Viewport::DESKTOP).await?;
    let client = &browser.client;

    client.goto(&server.url("/goals")).await?;
    find::css(&browser, "#new-plan-title").await?.send_keys("Leaving quickly").await?;
    find::by_text(&browser, "button", "Create goal plan").await?.click().await?;
    find::heading(&browser, "Leaving quickly").await?;
    let plan_url = client.current_url().await?;

    // Rename, then go to another section before the save timer fires.
    find::css(&browser, "[data-testid='plan-title']").await?.click().await?;
    find::css(&browser, "#plan-title").await?.send_keys(" (draft)\u{E007}").await?;
    find::css(&browser, "nav a[href='/journal']").await?.click().await?;
    find::heading(&browser, "Journal").await?;

    client.goto(plan_url.as_str()).await?;
    find::heading(&browser, "Leaving quickly (draft)").await?;
    // And the plan list shows the new title.
    client.goto(&server.url("/goals")).await?;
    find::by_text(&browser, "a", "Leaving quickly (draft)").await?;

    browser.close().await
}
