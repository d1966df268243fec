//! Two people typing in one paragraph at once, two browsers: the mentee
//! types at the start of a goal's "why" while the mentor types at its end,
//! word after word, each word crossing the relay while the other keeps
//! typing. Each one's words must stay together where they typed them, in the
//! same merged text on both sides: a caret that jumps when the partner's
//! change arrives sends the next keys elsewhere. See: issue 12.

use std::time::Duration;

use confidant_e2e::{action, find, Browser, ChromeDriver, TestServer, Viewport};
use serde_json::json;

/// Changes cross the relay between two browsers.
const SYNC: Duration = Duration::from_secs(45);
const WHY: &str = "textarea[id$='-why']";

/// Type `text` key by key at the caret, as a keyboard would.
async fn type_keys(browser: &Browser, text: &str) -> anyhow::Result<()> {
    for ch in text.chars() {
        browser.cdp("Input.insertText", json!({ "text": ch.to_string() })).await?;
    }
    Ok(())
}

async fn why_text(browser: &Browser) -> anyhow::Result<String> {
    let value = browser.eval(&format!("return document.querySelector({WHY:?}).value;")).await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

async fn why_contains(browser: &Browser, what: &str, needle: &str) -> anyhow::Result<()> {
    find::until_within(browser, what, &format!("document.querySelector({WHY:?}).value.includes({needle:?})"), SYNC).await
}

/// Put the focus in the field with the caret at its start or end.
async fn caret_at(browser: &Browser, at_end: bool) -> anyhow::Result<()> {
    let at = if at_end { "e.value.length" } else { "0" };
    browser.eval(&format!("const e = document.querySelector({WHY:?}); e.focus(); e.setSelectionRange({at}, {at}); return true;")).await?;
    Ok(())
}

#[tokio::test]
async fn two_people_typing_in_one_paragraph_keep_their_words_intact() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let mentee = Browser::open(&driver, Viewport::DESKTOP).await?;
    let mentor = Browser::open(&driver, Viewport::DESKTOP).await?;

    // A shared plan with one goal and its "why".
    action::share_a_plan(&mentee, &mentor, &server, "Our plan", &["Publish a paper"]).await?;
    find::css(&mentee, WHY).await?.send_keys("Both of us write here.").await?;
    why_contains(&mentor, "the why on the mentor's side", "Both of us write here.").await?;

    // The mentee writes at the start, the mentor at the end, at the same time;
    // after each word, both wait until the other's word has arrived.
    caret_at(&mentee, false).await?;
    caret_at(&mentor, true).await?;
    let mentee_words = ["Sam1 ", "Sam2 ", "Sam3 ", "Sam4 "];
    let mentor_words = [" Ana1", " Ana2", " Ana3", " Ana4"];
    for (theirs, ours) in mentee_words.iter().zip(mentor_words) {
        let (a, b) = tokio::join!(type_keys(&mentee, theirs), type_keys(&mentor, ours));
        a?;
        b?;
        why_contains(&mentee, "the mentor's word on the mentee's side", ours).await?;
        why_contains(&mentor, "the mentee's word on the mentor's side", theirs).await?;
    }

    // Both sides hold the same merged text, each one's words intact in place.
    let expected = format!("{}Both of us write here.{}", mentee_words.concat(), mentor_words.concat());
    for (who, browser) in [("mentee", &mentee), ("mentor", &mentor)] {
        let script = format!("document.querySelector({WHY:?}).value === {expected:?}");
        if find::until_within(browser, &format!("the merged text on the {who}'s side"), &script, SYNC).await.is_err() {
            anyhow::bail!("the {who} sees {:?}, not {expected:?}", why_text(browser).await?);
        }
    }
    // And after a reload, from storage.
    mentor.client.refresh().await?;
    why_contains(&mentor, "the merged text after reload", &expected).await?;
    Ok(())
}
