//! Who can still read and write a shared goal plan. The owner invites two
//! people, each with a link of their own, and removes one: the remaining
//! partner's device moves to the new keys by itself and both go on
//! co-editing, while the removed member keeps what they had, is told the
//! plan was closed to them, and nothing they write reaches anyone. A member
//! who stops sharing on their device neither sends nor receives any more.
//! Absence is shown after a later allowed change on the same path arrived.
//! See: issue 4, issue 10.

use confidant_e2e::{action, find, Browser, ChromeDriver, TestServer, Viewport};

async fn shows(browser: &Browser, title: &str) -> anyhow::Result<()> {
    find::until_within(browser, &format!("the goal {title:?}"), &confidant_e2e::action::has_goal(title), std::time::Duration::from_secs(45)).await
}

async fn lacks(browser: &Browser, title: &str) -> anyhow::Result<()> {
    let there = browser.eval(&format!("return {};", confidant_e2e::action::has_goal(title))).await?;
    anyhow::ensure!(there.as_bool() == Some(false), "{title:?} arrived where it should not have");
    Ok(())
}

async fn accept(browser: &Browser, link: &str) -> anyhow::Result<()> {
    action::accept_invite(browser, link).await?;
    find::heading(browser, "Access plan").await?;
    Ok(())
}

/// A new invite link for one more person.
async fn new_link(owner: &Browser, previous: Option<&str>) -> anyhow::Result<String> {
    match previous {
        None => find::css(owner, "[data-testid='share']").await?.click().await?,
        Some(previous) => {
            find::css(owner, "[data-testid='another-invite']").await?.click().await?;
            find::until(owner, "a new invite link", &format!("document.querySelector(\"[data-testid='invite-link']\")?.value !== {previous:?}")).await?;
        }
    }
    action::invite_link(owner).await
}

#[tokio::test]
async fn removing_a_member_moves_the_others_and_leaving_stops_sync() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let owner = Browser::open(&driver, Viewport::DESKTOP).await?;
    let former = Browser::open(&driver, Viewport::DESKTOP).await?;
    let partner = Browser::open(&driver, Viewport::DESKTOP).await?;
    action::create_profile(&former, &server, "Flo Former", "mentor").await?;
    action::create_profile(&partner, &server, "Pat Partner", "mentor").await?;

    owner.client.goto(&server.url("/goals")).await?;
    find::css(&owner, "#new-plan-title").await?.send_keys("Access plan").await?;
    find::by_text(&owner, "button", "Create goal plan").await?.click().await?;
    find::heading(&owner, "Access plan").await?;
    let plan_url = owner.client.current_url().await?;
    action::add_goal(&owner, "Before removing").await?;
    let former_link = new_link(&owner, None).await?;
    let partner_link = new_link(&owner, Some(&former_link)).await?;
    accept(&former, &former_link).await?;
    accept(&partner, &partner_link).await?;
    shows(&former, "Before removing").await?;
    shows(&partner, "Before removing").await?;
    action::add_goal(&former, "From the former member, while a member").await?;
    shows(&owner, "From the former member, while a member").await?;

    // Both introduced themselves: the owner sees them by name and removes one.
    find::until(&owner, "both members listed", "[...document.querySelectorAll(\"[data-testid='member']\")].map(m => m.innerText).join('|').includes('Flo Former') && [...document.querySelectorAll(\"[data-testid='member']\")].some(m => m.innerText.includes('Pat Partner'))").await?;
    find::css(&owner, "button[aria-label='Remove Flo Former']").await?.click().await?;
    find::until(&owner, "the member removed", "![...document.querySelectorAll(\"[data-testid='member']\")].some(m => m.innerText.includes('Flo Former'))").await?;

    // The removed member's device is told the plan is closed to it.
    find::until_within(&former, "the plan closed", "document.querySelector(\"[data-testid='share-closed']\")", std::time::Duration::from_secs(45)).await?;

    // The remaining partner moved by itself: both go on co-editing.
    action::add_goal(&owner, "After removing, from the owner").await?;
    shows(&partner, "After removing, from the owner").await?;
    action::add_goal(&partner, "After removing, from the partner").await?;
    shows(&owner, "After removing, from the partner").await?;
    find::until(&owner, "who wrote it", "document.querySelector(\"[data-testid='last-change-by']\")?.innerText.includes('Pat Partner')").await?;

    // The former member writes on: it reaches nobody. A later edit from the
    // partner reaches the owner, so the former one would have too.
    action::add_goal(&former, "From the former member, after removal").await?;
    action::add_goal(&partner, "A later edit from the partner").await?;
    shows(&owner, "A later edit from the partner").await?;
    lacks(&owner, "From the former member, after removal").await?;
    action::add_goal(&owner, "A later edit from the owner").await?;
    shows(&partner, "A later edit from the owner").await?;
    lacks(&partner, "From the former member, after removal").await?;
    // Nor does anything new reach the former member: it still has its copy.
    owner.client.goto(plan_url.as_str()).await?;
    former.client.refresh().await?;
    shows(&former, "From the former member, after removal").await?;
    lacks(&former, "After removing, from the owner").await?;

    // The partner stops sharing: edits no longer cross either way.
    find::css(&partner, "[data-testid='leave']").await?.click().await?;
    find::css(&partner, "[data-testid='share']").await?;
    action::add_goal(&partner, "Kept on the partner's device").await?;
    action::add_goal(&owner, "After the partner left").await?;
    partner.client.refresh().await?;
    shows(&partner, "Kept on the partner's device").await?;
    shows(&partner, "After removing, from the owner").await?;
    lacks(&partner, "After the partner left").await?;
    lacks(&owner, "Kept on the partner's device").await?;

    owner.close().await?;
    former.close().await?;
    partner.close().await
}
