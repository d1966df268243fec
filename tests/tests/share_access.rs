//! Who can still read a shared goal plan: the owner replaces the invite
//! link, and a former member (who had the old link) gets nothing new while a
//! partner with the new link gets everything; a member who stops sharing on
//! their device neither sends nor receives any more. See: issue 4.

use std::time::Duration;

use confidant_e2e::{action, find, Browser, ChromeDriver, TestServer, Viewport};

/// How long a change would take to arrive if it were going to (it arrives in
/// well under a second when it does).
const WOULD_HAVE_ARRIVED: Duration = Duration::from_secs(4);

async fn add_goal(browser: &Browser, title: &str) -> anyhow::Result<()> {
    find::css(browser, "#new-goal").await?.send_keys(title).await?;
    find::by_text(browser, "button", "Add goal").await?.click().await?;
    shows(browser, title).await
}

fn has_goal(title: &str) -> String {
    format!("[...document.querySelectorAll(\"[data-testid='goal'] input[id$='-title']\")].some(i => i.value === {title:?})")
}

async fn shows(browser: &Browser, title: &str) -> anyhow::Result<()> {
    find::until(browser, &format!("the goal {title:?}"), &has_goal(title)).await
}

async fn never_shows(browser: &Browser, title: &str) -> anyhow::Result<()> {
    tokio::time::sleep(WOULD_HAVE_ARRIVED).await;
    let there = browser.eval(&format!("return {};", has_goal(title))).await?;
    anyhow::ensure!(there.as_bool() == Some(false), "{title:?} arrived where it should not have");
    Ok(())
}

async fn accept(browser: &Browser, link: &str) -> anyhow::Result<()> {
    action::accept_invite(browser, link).await?;
    find::heading(browser, "Access plan").await?;
    Ok(())
}

async fn up_to_date(browser: &Browser) -> anyhow::Result<()> {
    find::until(browser, "sync up to date", "document.querySelector(\".sync[data-status='up-to-date']\")").await
}

#[tokio::test]
async fn replacing_the_link_locks_out_former_members_and_leaving_stops_sync() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let owner = Browser::open(&driver, Viewport::DESKTOP).await?;
    let former = Browser::open(&driver, Viewport::DESKTOP).await?;
    let partner = Browser::open(&driver, Viewport::DESKTOP).await?;

    owner.client.goto(&server.url("/goals")).await?;
    find::css(&owner, "#new-plan-title").await?.send_keys("Access plan").await?;
    find::by_text(&owner, "button", "Create goal plan").await?.click().await?;
    find::heading(&owner, "Access plan").await?;
    add_goal(&owner, "Before replacing").await?;
    find::css(&owner, "[data-testid='share']").await?.click().await?;
    let old_link = action::invite_link(&owner).await?;
    accept(&former, &old_link).await?;
    shows(&former, "Before replacing").await?;

    // The owner replaces the link; the former member's device is not told.
    find::css(&owner, "[data-testid='replace-keys']").await?.click().await?;
    find::until(&owner, "a new invite link", &format!("document.querySelector(\"[data-testid='invite-link']\")?.value !== {old_link:?}")).await?;
    let new_link = action::invite_link(&owner).await?;
    add_goal(&owner, "After replacing").await?;
    up_to_date(&owner).await?;
    never_shows(&former, "After replacing").await?;
    // Nor does anything the former member writes reach the owner.
    add_goal(&former, "From the former member").await?;
    never_shows(&owner, "From the former member").await?;

    // The partner with the new link gets the whole plan, and live edits.
    accept(&partner, &new_link).await?;
    shows(&partner, "Before replacing").await?;
    shows(&partner, "After replacing").await?;
    add_goal(&partner, "From the partner").await?;
    shows(&owner, "From the partner").await?;

    // The partner stops sharing: edits no longer cross either way.
    find::css(&partner, "[data-testid='leave']").await?.click().await?;
    find::css(&partner, "[data-testid='share']").await?;
    add_goal(&owner, "After the partner left").await?;
    up_to_date(&owner).await?;
    never_shows(&partner, "After the partner left").await?;
    add_goal(&partner, "Kept on the partner's device").await?;
    never_shows(&owner, "Kept on the partner's device").await?;
    // The partner's own copy stays, with everything it had.
    partner.client.refresh().await?;
    shows(&partner, "Kept on the partner's device").await?;
    shows(&partner, "From the partner").await?;

    owner.close().await?;
    former.close().await?;
    partner.close().await
}
