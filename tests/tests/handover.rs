//! Hand-over, three browsers (separate profiles): a mentee and a mentor work
//! on a shared goal plan; the mentor hands over with a note; the mentee starts
//! the partnership with the next mentor, who accepts and sees the note and
//! the whole plan. From then on the previous mentor gets nothing new of the
//! plan (her copy is closed), and nothing she writes reaches it: absence is
//! checked once a later allowed change on the same path has arrived.
//! See: issue 5, issue 10.

use std::time::Duration;

use confidant_e2e::{action, find, Browser, ChromeDriver, TestServer, Viewport};

/// Changes cross the relay between browsers.
const SYNC: Duration = Duration::from_secs(45);

async fn shows_goal(browser: &Browser, title: &str) -> anyhow::Result<()> {
    find::until_within(browser, &format!("the goal {title:?}"), &confidant_e2e::action::has_goal(title), SYNC).await
}

async fn lacks_goal(browser: &Browser, title: &str) -> anyhow::Result<()> {
    let there = browser.eval(&format!("return {};", confidant_e2e::action::has_goal(title))).await?;
    anyhow::ensure!(there.as_bool() == Some(false), "{title:?} arrived where it should not have");
    Ok(())
}

#[tokio::test]
async fn the_next_mentor_gets_the_note_and_the_plan_and_the_previous_one_nothing_new() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let mentee = Browser::open(&driver, Viewport::DESKTOP).await?;
    let previous = Browser::open(&driver, Viewport::DESKTOP).await?;
    let next = Browser::open(&driver, Viewport::DESKTOP).await?;

    // The mentee's plan, in a partnership with Ana.
    action::create_profile(&mentee, &server, "Sam Rivera", "mentee").await?;
    mentee.client.goto(&server.url("/goals")).await?;
    find::css(&mentee, "#new-plan-title").await?.send_keys("Year two").await?;
    find::by_text(&mentee, "button", "Create goal plan").await?.click().await?;
    find::heading(&mentee, "Year two").await?;
    let plan_url = mentee.client.current_url().await?;
    let plan_id = plan_url.path().rsplit('/').next().unwrap_or_default().to_owned();
    action::add_goal(&mentee, "Publish a paper").await?;
    mentee.client.goto(&server.url("/partnerships")).await?;
    find::css(&mentee, "#start-partner").await?.send_keys("Ana").await?;
    find::until(&mentee, "the plan in the list", &format!("document.querySelector(\"#start-plan option[value='{plan_id}']\")")).await?;
    action::set_value(&mentee, "#start-plan", &plan_id).await?;
    find::by_text(&mentee, "button", "Start and invite my partner").await?.click().await?;
    find::heading(&mentee, "Ana and Sam Rivera").await?;
    let first_partnership = mentee.client.current_url().await?;
    let link = action::invite_link(&mentee).await?;

    // Ana joins and works on the plan.
    action::create_profile(&previous, &server, "Ana Lima", "mentor").await?;
    action::accept_invite(&previous, &link).await?;
    find::until_within(&previous, "the partnership to arrive", "document.querySelector('h1').innerText === 'Ana Lima and Sam Rivera'", SYNC).await?;
    let previous_partnership = previous.client.current_url().await?;
    find::by_text(&previous, "a", "Open the goal plan you work on together").await?.click().await?;
    shows_goal(&previous, "Publish a paper").await?;
    let previous_plan = previous.client.current_url().await?;
    action::add_goal(&previous, "Find a co-author").await?;
    mentee.client.goto(plan_url.as_str()).await?;
    shows_goal(&mentee, "Find a co-author").await?;

    // Ana hands over with a note.
    previous.client.goto(previous_partnership.as_str()).await?;
    find::heading(&previous, "Ana Lima and Sam Rivera").await?;
    find::css(&previous, "#handover-text").await?.send_keys("Sam wants someone in industry.").await?;
    find::by_text(&previous, "button", "Hand over").await?.click().await?;
    find::css(&previous, "[data-testid='handover-note']").await?;

    // The mentee starts the partnership with the next mentor from the handed-over one.
    mentee.client.goto(first_partnership.as_str()).await?;
    find::until_within(&mentee, "the hand-over to arrive", "document.querySelector(\"[data-testid='start-next']\")", SYNC).await?;
    find::css(&mentee, "[data-testid='start-next']").await?.click().await?;
    find::heading(&mentee, "a mentor and Sam Rivera").await?;
    let note = find::css(&mentee, "[data-testid='inherited-note']").await?.text().await?;
    assert_eq!(note, "Note from the previous mentor: Sam wants someone in industry.");
    let next_link = action::invite_link(&mentee).await?;
    // The mentee goes on with the plan: everything so far is still there.
    find::by_text(&mentee, "a", "Open the goal plan you work on together").await?.click().await?;
    shows_goal(&mentee, "Publish a paper").await?;
    shows_goal(&mentee, "Find a co-author").await?;
    action::add_goal(&mentee, "Move to industry").await?;

    // The next mentor joins: the note and the whole plan, the new goal included.
    action::create_profile(&next, &server, "Lee Chen", "mentor").await?;
    action::accept_invite(&next, &next_link).await?;
    find::until_within(&next, "the next partnership to arrive", "document.querySelector('h1').innerText === 'Lee Chen and Sam Rivera'", SYNC).await?;
    find::until_within(&next, "the previous mentor's note", "document.querySelector(\"[data-testid='inherited-note']\").innerText.includes('someone in industry')", SYNC).await?;
    find::until_within(&next, "the plan's link", "[...document.querySelectorAll('main a')].some(a => a.innerText === 'Open the goal plan you work on together')", SYNC).await?;
    find::by_text(&next, "a", "Open the goal plan you work on together").await?.click().await?;
    for goal in ["Publish a paper", "Find a co-author", "Move to industry"] {
        shows_goal(&next, goal).await?;
    }
    action::add_goal(&next, "Ask about internships").await?;
    mentee.client.goto(plan_url.as_str()).await?;
    shows_goal(&mentee, "Ask about internships").await?;

    // Ana keeps what she saw, but nothing new reaches her, and nothing she
    // writes reaches the plan.
    // Her copy of the plan was closed by its owner: once she has read that
    // (the last thing the old keys will ever carry), nothing new is there.
    previous.client.goto(previous_plan.as_str()).await?;
    shows_goal(&previous, "Find a co-author").await?;
    find::until_within(&previous, "the plan closed to her", "document.querySelector(\"[data-testid='share-closed']\")", SYNC).await?;
    lacks_goal(&previous, "Move to industry").await?;
    lacks_goal(&previous, "Ask about internships").await?;
    // What she writes stays with her: a later goal from the next mentor
    // reaches the mentee, and hers never did.
    action::add_goal(&previous, "Ana's late idea").await?;
    action::add_goal(&next, "A goal after Ana's idea").await?;
    mentee.client.goto(plan_url.as_str()).await?;
    shows_goal(&mentee, "A goal after Ana's idea").await?;
    lacks_goal(&mentee, "Ana's late idea").await?;
    lacks_goal(&next, "Ana's late idea").await?;
    // Her handed-over partnership says where the plan went.
    previous.client.goto(previous_partnership.as_str()).await?;
    find::until_within(&previous, "the plan moved on", "document.querySelector(\"[data-testid='plan-moved-on']\")", SYNC).await?;

    mentee.close().await?;
    previous.close().await?;
    next.close().await
}
