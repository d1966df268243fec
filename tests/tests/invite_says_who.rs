//! An invite that says who and what, two browsers: a mentee with no profile
//! yet starts a partnership (the form asks her name) and lands on the invite (link, Copy, QR) at the top of the
//! page; a mentor with no profile yet opens it on a phone, is told who
//! invites them and as what, gives their name, and is the mentor on both
//! sides and on their Home. A meeting deleted goes for both, and Undo brings
//! it back for both. See: issue 12.

use std::time::Duration;

use confidant_e2e::{action, find, Browser, ChromeDriver, TestServer, Viewport};

/// Changes cross the relay between two browsers.
const SYNC: Duration = Duration::from_secs(45);

async fn says(browser: &Browser, what: &str, text: &str) -> anyhow::Result<()> {
    find::text_within(browser, what, &[text], SYNC).await
}

#[tokio::test]
async fn the_invited_mentor_is_told_who_invites_and_is_the_mentor_on_both_sides() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let mentee = Browser::open(&driver, Viewport::DESKTOP).await?;
    let mentor = Browser::open(&driver, Viewport::PHONE).await?;

    // The mentee, with no profile yet, starts a partnership: the form asks her
    // name (making her profile) and she lands on the invite, at the top.
    mentee.client.goto(&server.url("/partnerships")).await?;
    find::css(&mentee, "#start-my-name").await?.send_keys("Sam Rivera").await?;
    find::css(&mentee, "#start-partner").await?.send_keys("Ana").await?;
    find::by_text(&mentee, "button", "Start and invite my partner").await?.click().await?;
    find::heading(&mentee, "Ana and Sam Rivera").await?;
    let link = action::invite_link(&mentee).await?;
    find::until(&mentee, "the focus on Copy", "document.activeElement?.dataset.testid === 'invite-link-copy'").await?;
    let in_view = mentee
        .eval("const r = document.querySelector(\"[data-testid='invite-link']\").getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight;")
        .await?;
    assert_eq!(in_view.as_bool(), Some(true), "the invite link is on screen without scrolling");
    assert!(find::css(&mentee, ".qr svg").await.is_ok(), "and as a QR code");

    // The mentor, on a phone with no profile, is told who and what.
    mentor.client.goto(&link).await?;
    find::heading(&mentor, "Invitation").await?;
    says(&mentor, "who invites", "Sam Rivera invites you to a mentoring partnership as the mentor.").await?;
    action::accept_invite_as(&mentor, &link, "Ana Lima").await?;
    find::until_within(&mentor, "the partnership to arrive", "document.querySelector('h1').innerText === 'Ana Lima and Sam Rivera'", SYNC).await?;
    says(&mentor, "the mentor's side", "You are the mentor here.").await?;

    // The mentee sees the mentor by the name she gave, and stays the mentee.
    find::until_within(&mentee, "the mentor's name", "document.querySelector('h1').innerText === 'Ana Lima and Sam Rivera'", SYNC).await?;
    says(&mentee, "the mentee's side", "You are the mentee here.").await?;

    // Home names the partner, not oneself.
    mentor.client.goto(&server.url("/")).await?;
    find::heading(&mentor, "Home").await?;
    says(&mentor, "the next meeting on Home", "with Sam Rivera").await?;
    let own_name = mentor
        .eval("return [...document.querySelectorAll(\"[data-testid='attention']\")].some(e => e.innerText.includes('with Ana'));")
        .await?;
    assert_eq!(own_name.as_bool(), Some(false), "the mentor's Home does not name her as her own partner");

    // A meeting deleted (asked first) goes for both; Undo brings it back for both.
    find::css(&mentee, "#meeting-agenda").await?.send_keys("Intro chat").await?;
    find::by_text(&mentee, "button", "Add meeting").await?.click().await?;
    mentor.client.back().await?;
    says(&mentor, "the meeting on the mentor's side", "Intro chat").await?;
    find::css(&mentee, "[data-testid='delete-meeting']").await?.click().await?;
    find::css(&mentee, "[data-testid='confirm-delete-meeting']").await?.click().await?;
    let gone = "!document.querySelector(\"[data-testid='meeting']\")";
    find::until_within(&mentor, "the meeting to go on the mentor's side", gone, SYNC).await?;
    find::css(&mentee, "[data-testid='undo-meeting']").await?.click().await?;
    says(&mentor, "the meeting back on the mentor's side", "Intro chat").await?;
    Ok(())
}
