//! What a user does in the app.

use confidant_shared::Section;
use fantoccini::key::Key;

use crate::{find, Browser};

/// Open a section from the navigation, as a user clicks it, and wait for its page.
pub async fn open_section(browser: &Browser, section: Section) -> anyhow::Result<()> {
    // On a phone the list sits behind the Menu button.
    let toggle = find::css(browser, ".nav-toggle").await?;
    if toggle.is_displayed().await? && toggle.attr("aria-expanded").await?.as_deref() != Some("true") {
        toggle.click().await?;
    }
    find::css(browser, &format!("nav a[href='{}']", section.path())).await?.click().await?;
    find::heading(browser, section.title()).await?;
    Ok(())
}

/// Press a key on whatever has the focus.
pub async fn press(browser: &Browser, key: Key) -> anyhow::Result<()> {
    let focused = browser.client.active_element().await?;
    focused.send_keys(&char::from(key).to_string()).await?;
    Ok(())
}

/// Create the user's profile in Settings with a name and one role
/// (`mentee`, `mentor` or `coordinator`).
pub async fn create_profile(browser: &Browser, server: &impl crate::Site, name: &str, role: &str) -> anyhow::Result<()> {
    browser.client.goto(&server.url("/settings")).await?;
    find::css(browser, "#profile-new-name").await?.send_keys(name).await?;
    find::css(browser, &format!("input[name='profile-new-role'][value='{role}']")).await?.click().await?;
    find::by_text(browser, "button", "Create my profile").await?.click().await?;
    find::css(browser, "#profile-name").await?;
    Ok(())
}

/// Accept an invite link on a device that has a profile: open it and press Accept.
pub async fn accept_invite(browser: &Browser, link: &str) -> anyhow::Result<()> {
    open_invite(browser, link).await?;
    if browser.eval("return document.querySelector('#join-name') !== null").await?.as_bool() == Some(true) {
        anyhow::bail!("the join page asks for a name: this browser has no profile (use accept_invite_as)");
    }
    find::css(browser, "[data-testid='accept-invite']").await?.click().await?;
    Ok(())
}

/// Accept an invite link on a device with no profile yet, giving the name
/// the join page asks for.
pub async fn accept_invite_as(browser: &Browser, link: &str, name: &str) -> anyhow::Result<()> {
    open_invite(browser, link).await?;
    find::css(browser, "#join-name").await?.send_keys(name).await?;
    find::css(browser, "[data-testid='accept-invite']").await?.click().await?;
    Ok(())
}

/// Open an invite link and wait until Accept can be pressed (the page knows
/// whether this device has a profile).
async fn open_invite(browser: &Browser, link: &str) -> anyhow::Result<()> {
    browser.client.goto(link).await?;
    find::until(browser, "the accept button", "document.querySelector(\"[data-testid='accept-invite']\")?.disabled === false").await
}

/// The invite link of the shared document on the page, once it is made.
pub async fn invite_link(browser: &Browser) -> anyhow::Result<String> {
    find::until(browser, "an invite link", "document.querySelector(\"[data-testid='invite-link']\")?.value.includes('#')").await?;
    Ok(find::css(browser, "[data-testid='invite-link']").await?.prop("value").await?.unwrap_or_default())
}

/// Set a form control's value (a select's choice, a date) as a user's pick
/// would, firing its input and change events.
pub async fn set_value(browser: &Browser, css: &str, value: &str) -> anyhow::Result<()> {
    find::css(browser, css).await?;
    browser
        .eval(&format!(
            "const e = document.querySelector({css:?}); e.value = {value:?}; \
             e.dispatchEvent(new Event('input', {{ bubbles: true }})); e.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;"
        ))
        .await?;
    Ok(())
}

/// Make `day` the app's today in this browser (its clock seam), so that a
/// date scenario runs on a fixed day rather than the wall clock. Opens the
/// app's start page first: the setting lives in the app's origin.
pub async fn fix_today(browser: &Browser, server: &impl crate::Site, day: confidant_shared::calendar_day::NaiveDate) -> anyhow::Result<()> {
    browser.client.goto(&server.url("/")).await?;
    let text = confidant_shared::calendar_day::day_text(day);
    browser.eval(&format!("localStorage.setItem('confidant-fixed-today', {text:?}); return true;")).await?;
    Ok(())
}

/// `day` as the app writes it in this browser's language (Intl's default
/// locale, the way the app formats days).
pub async fn day_words(browser: &Browser, day: confidant_shared::calendar_day::NaiveDate) -> anyhow::Result<String> {
    use confidant_shared::calendar_day::Datelike;
    let script = format!(
        "return new Intl.DateTimeFormat([], {{weekday: 'short', day: 'numeric', month: 'short', year: 'numeric'}}).format(new Date({}, {}, {}));",
        day.year(),
        day.month0(),
        day.day()
    );
    let words = browser.eval(&script).await?;
    words.as_str().map(str::to_owned).ok_or_else(|| anyhow::anyhow!("the browser wrote no day for {day}"))
}

/// A script giving the titles of the goals on the page, in priority order
/// (each reads as text, edited where it stands).
pub const GOAL_TITLES: &str = "[...document.querySelectorAll(\"[data-testid='goal-title']\")].map(b => b.textContent.trim())";

/// A script that is true when the goal plan on the page shows the goal `title`.
pub fn has_goal(title: &str) -> String {
    format!("{GOAL_TITLES}.includes({title:?})")
}

/// A script giving the goal card (`[data-testid='goal']`) titled `title`.
pub fn goal_card(title: &str) -> String {
    format!("[...document.querySelectorAll(\"[data-testid='goal']\")].find(g => g.querySelector(\"[data-testid='goal-title']\").textContent.trim() === {title:?})")
}

/// Wait for the goal `title` on the page (from this person or, by sync, a partner).
pub async fn shows_goal(browser: &Browser, title: &str) -> anyhow::Result<()> {
    find::until_within(browser, &format!("the goal {title:?}"), &has_goal(title), std::time::Duration::from_secs(45)).await
}

/// Add a goal to the goal plan on the page and wait until it shows.
pub async fn add_goal(browser: &Browser, title: &str) -> anyhow::Result<()> {
    find::css(browser, "#new-goal").await?.send_keys(title).await?;
    find::by_text(browser, "button", "Add goal").await?.click().await?;
    shows_goal(browser, title).await
}

/// The scene several partner tests start from: the mentee, as "Sam Rivera",
/// writes the plan `title` with `goals`, shares it, and the mentor (no
/// profile yet) accepts as "Ana Lima" and sees every goal. Both browsers end
/// on the plan.
pub async fn share_a_plan(mentee: &Browser, mentor: &Browser, server: &impl crate::Site, title: &str, goals: &[&str]) -> anyhow::Result<()> {
    create_profile(mentee, server, "Sam Rivera", "mentee").await?;
    mentee.client.goto(&server.url("/goals")).await?;
    find::css(mentee, "#new-plan-title").await?.send_keys(title).await?;
    find::by_text(mentee, "button", "Create goal plan").await?.click().await?;
    find::heading(mentee, title).await?;
    for goal in goals {
        add_goal(mentee, goal).await?;
    }
    find::css(mentee, "[data-testid='share']").await?.click().await?;
    let link = invite_link(mentee).await?;
    accept_invite_as(mentor, &link, "Ana Lima").await?;
    find::heading(mentor, title).await?;
    for goal in goals {
        shows_goal(mentor, goal).await?;
    }
    Ok(())
}

/// How long a change may take to cross the relay between browsers.
const SYNC: std::time::Duration = std::time::Duration::from_secs(45);

/// Write a journal entry `title` with `body`, and go back to the journal
/// (leaving the page saves at once).
pub async fn write_entry(browser: &Browser, server: &impl crate::Site, title: &str, body: &str) -> anyhow::Result<()> {
    browser.client.goto(&server.url("/journal")).await?;
    find::css(browser, "#new-entry-title").await?.send_keys(title).await?;
    find::by_text(browser, "button", "Write entry").await?.click().await?;
    find::heading(browser, title).await?;
    find::css(browser, "#entry-body").await?.send_keys(body).await?;
    find::by_text(browser, "a", "Back to your journal").await?.click().await?;
    find::heading(browser, "Journal").await?;
    Ok(())
}

/// A script that is true when the journal on the page lists `title`.
pub fn journal_lists(title: &str) -> String {
    format!("[...document.querySelectorAll(\"[data-testid='journal-entry'] a\")].some(a => a.textContent === {title:?})")
}

/// Wait until the journal lists `title` (written here or on a linked
/// device) and the entry reads `body`.
pub async fn journal_shows(browser: &Browser, server: &impl crate::Site, title: &str, body: &str) -> anyhow::Result<()> {
    browser.client.goto(&server.url("/journal")).await?;
    find::until_within(browser, &format!("the entry {title:?} in the journal"), &journal_lists(title), SYNC).await?;
    find::by_text(browser, "a", title).await?.click().await?;
    find::heading(browser, title).await?;
    let script = format!("document.querySelector('#entry-body').value === {body:?}");
    find::until_within(browser, &format!("the body of {title:?}"), &script, SYNC).await
}

/// Link `new` to the person's device `from`: a device link from Settings,
/// the same code confirmed on both screens (see linked_devices.rs for the
/// steps checked one by one).
pub async fn link_device(from: &Browser, new: &Browser, server: &impl crate::Site) -> anyhow::Result<()> {
    from.client.goto(&server.url("/settings")).await?;
    find::css(from, "[data-testid='link-device']").await?.click().await?;
    find::until(from, "the device link", "document.querySelector(\"[data-testid='device-link']\")?.value.includes('/link#device.')").await?;
    let link = find::css(from, "[data-testid='device-link']").await?.prop("value").await?.unwrap_or_default();
    new.client.goto(&link).await?;
    find::css(new, "[data-testid='ask-link']").await?.click().await?;
    find::css(new, "[data-testid='codes-match']").await?.click().await?;
    find::until_within(from, "the first device asked to confirm", "document.querySelector(\"[data-testid='codes-match']\")", SYNC).await?;
    find::css(from, "[data-testid='codes-match']").await?.click().await?;
    find::until_within(new, "linked", "document.querySelector(\"[data-testid='device-linked']\")", SYNC).await
}
