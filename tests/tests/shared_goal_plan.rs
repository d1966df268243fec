//! Two people, two browsers (separate profiles), one goal plan: A shares it,
//! B accepts the invite link, both edit live; then the relay stops, both
//! edit the same goal's text and add milestones offline and reload; the relay
//! comes back and both converge to the same plan with every edit. The invite
//! key never reaches the server. See: issue 4.

use std::time::Duration;

use confidant_e2e::{action, find, Browser, ChromeDriver, TestServer, Viewport};

/// Converging after the relay returns waits for a reconnect with backoff.
const CONVERGE: Duration = Duration::from_secs(60);

async fn status_is(browser: &Browser, status: &str) -> anyhow::Result<()> {
    let script = format!("document.querySelector(\".sync[data-status='{status}']\")");
    find::until_within(browser, &format!("sync status {status}"), &script, CONVERGE).await
}

/// The goals on the page as `title|why|milestone;milestone`, in order.
async fn plan_text(browser: &Browser) -> anyhow::Result<Vec<String>> {
    let value = browser
        .eval(
            "return [...document.querySelectorAll(\"[data-testid='goal']\")].map(g => \
               g.querySelector(\"[data-testid='goal-title']\").textContent.trim() + '|' + g.querySelector('textarea').value + '|' + \
               [...g.querySelectorAll(\"[data-testid='milestone']\")].map(m => m.textContent.trim()).sort().join(';'));",
        )
        .await?;
    Ok(serde_json::from_value(value)?)
}

async fn wait_for_text(browser: &Browser, what: &str, needles: &[&str]) -> anyhow::Result<()> {
    find::text_within(browser, what, needles, CONVERGE).await
}

async fn add_milestone_to_first_goal(browser: &Browser, title: &str) -> anyhow::Result<()> {
    // The form stays open after a milestone, for the next one.
    if browser.eval("return document.querySelector(\"[data-testid='goal'] .milestone-form\") === null;").await?.as_bool() == Some(true) {
        find::css(browser, "[data-testid='goal'] [data-testid='add-milestone']").await?.click().await?;
    }
    find::css(browser, "[data-testid='goal'] .milestone-form input[type='text']").await?.send_keys(title).await?;
    find::css(browser, "[data-testid='goal'] .milestone-form button[type='submit']").await?.click().await?;
    Ok(())
}

#[tokio::test]
async fn partners_co_edit_a_goal_plan_live_and_offline_and_converge() -> anyhow::Result<()> {
    let mut server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let mentee = Browser::open(&driver, Viewport::DESKTOP).await?;
    let mentor = Browser::open(&driver, Viewport::DESKTOP).await?;

    // The mentee writes a plan and shares it.
    mentee.client.goto(&server.url("/goals")).await?;
    find::css(&mentee, "#new-plan-title").await?.send_keys("Our plan").await?;
    find::by_text(&mentee, "button", "Create goal plan").await?.click().await?;
    find::heading(&mentee, "Our plan").await?;
    let plan_url = mentee.client.current_url().await?;
    action::add_goal(&mentee, "Publish a paper").await?;
    wait_for_text(&mentee, "the first goal", &["Publish a paper"]).await?;
    find::css(&mentee, "[data-testid='share']").await?.click().await?;
    let link = action::invite_link(&mentee).await?;
    let key = link.split_once('#').map(|(_, key)| key.to_owned()).expect("the key is in the fragment");
    assert!(find::css(&mentee, ".qr svg").await.is_ok(), "the invite is shown as a QR code too");
    status_is(&mentee, "up-to-date").await?;

    // The mentor opens the link and accepts: the plan arrives.
    mentor.client.goto(&link).await?;
    find::heading(&mentor, "Invitation").await?;
    find::css(&mentor, "#join-name").await?.send_keys("Ana Lima").await?;
    find::css(&mentor, "[data-testid='accept-invite']").await?.click().await?;
    find::heading(&mentor, "Our plan").await?;
    wait_for_text(&mentor, "the shared goal on the mentor's side", &["Publish a paper"]).await?;
    let mentor_url = mentor.client.current_url().await?;
    assert!(!mentor_url.as_str().contains(&key), "the key does not stay in the address bar");

    // Live: each sees the other's edits, and who else is here.
    action::add_goal(&mentor, "Find a co-author").await?;
    wait_for_text(&mentee, "the mentor's goal, live", &["Find a co-author"]).await?;
    action::add_goal(&mentee, "Plan the defence").await?;
    wait_for_text(&mentor, "the mentee's goal, live", &["Plan the defence"]).await?;
    find::until(&mentee, "the mentor's presence", "document.querySelector(\"[data-testid='presence']\").innerText.includes('Also here now')").await?;

    // The relay goes away; both keep working, on the same goal's text.
    server.stop().await?;
    status_is(&mentee, "offline").await?;
    status_is(&mentor, "offline").await?;
    find::css(&mentee, "[data-testid='goal'] textarea").await?.send_keys("Mentee: it opens the postdoc door.").await?;
    find::css(&mentor, "[data-testid='goal'] textarea").await?.send_keys("Mentor: aim for the spring deadline.").await?;
    add_milestone_to_first_goal(&mentee, "Draft the introduction").await?;
    add_milestone_to_first_goal(&mentor, "Book a writing retreat").await?;
    wait_for_text(&mentee, "the mentee's offline edits", &["Draft the introduction"]).await?;
    wait_for_text(&mentor, "the mentor's offline edits", &["Book a writing retreat"]).await?;

    // Both reload while offline (the service worker serves the app).
    mentee.client.goto(plan_url.as_str()).await?;
    mentor.client.goto(mentor_url.as_str()).await?;
    wait_for_text(&mentee, "the mentee's edits after reload", &["Mentee: it opens the postdoc door.", "Draft the introduction"]).await?;
    wait_for_text(&mentor, "the mentor's edits after reload", &["Mentor: aim for the spring deadline.", "Book a writing retreat"]).await?;

    // The relay returns: both converge to the same plan holding every edit.
    server.restart().await?;
    let everything = [
        "Publish a paper",
        "Find a co-author",
        "Plan the defence",
        "Mentee: it opens the postdoc door.",
        "Mentor: aim for the spring deadline.",
        "Draft the introduction",
        "Book a writing retreat",
    ];
    wait_for_text(&mentee, "every edit on the mentee's side", &everything).await?;
    wait_for_text(&mentor, "every edit on the mentor's side", &everything).await?;
    status_is(&mentee, "up-to-date").await?;
    status_is(&mentor, "up-to-date").await?;
    assert_eq!(plan_text(&mentee).await?, plan_text(&mentor).await?, "both show the same plan");

    // The key never reached the server, and the relay holds no plaintext.
    let requests = server.requests();
    assert!(requests.iter().any(|r| r.starts_with("GET /join")), "the server saw the invite page load");
    let keys_part = key.split_once('.').map(|(_, keys)| keys).unwrap_or(&key);
    for request in &requests {
        assert!(!request.contains(keys_part), "a request carried the invite key: {request}");
    }
    for entry in std::fs::read_dir(server.data_dir())? {
        let bytes = std::fs::read(entry?.path())?;
        for plain in ["Publish a paper", "postdoc", "writing retreat", keys_part] {
            assert!(!bytes.windows(plain.len()).any(|w| w == plain.as_bytes()), "the relay stored {plain:?}");
        }
    }

    mentee.close().await?;
    mentor.close().await
}
