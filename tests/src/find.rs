//! Lookups that wait for the app to render, up to [`crate::WAIT`].

use std::time::Instant;

use anyhow::bail;
use fantoccini::elements::Element;
use fantoccini::Locator;

use crate::{Browser, WAIT};

/// How often a lookup looks again. fantoccini's own default (250 ms) would
/// add up to a quarter second to every page that renders a moment after
/// it loads (a page whose module is still arriving).
const EVERY: std::time::Duration = std::time::Duration::from_millis(50);

/// The first element matching `css`, once it exists.
pub async fn css(browser: &Browser, css: &str) -> anyhow::Result<Element> {
    Ok(browser.client.wait().at_most(WAIT).every(EVERY).for_element(Locator::Css(css)).await?)
}

/// The page's main heading, once it reads `text`.
pub async fn heading(browser: &Browser, text: &str) -> anyhow::Result<Element> {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(h1) = browser.client.find(Locator::Css("h1")).await {
            if h1.text().await.unwrap_or_default() == text {
                return Ok(h1);
            }
        }
        if Instant::now() > deadline {
            let seen = match browser.client.find(Locator::Css("h1")).await {
                Ok(h1) => h1.text().await.unwrap_or_default(),
                Err(_) => "(no heading)".into(),
            };
            bail!("heading {text:?} did not appear; the page shows {seen:?}");
        }
        tokio::time::sleep(EVERY).await;
    }
}

/// A button or link by its visible text.
pub async fn by_text(browser: &Browser, tag: &str, text: &str) -> anyhow::Result<Element> {
    let xpath = format!("//{tag}[normalize-space()='{text}']");
    Ok(browser.client.wait().at_most(WAIT).every(EVERY).for_element(Locator::XPath(&xpath)).await?)
}

/// Wait until `script` (a JavaScript expression) is truthy in the page.
pub async fn until(browser: &Browser, what: &str, script: &str) -> anyhow::Result<()> {
    until_within(browser, what, script, WAIT).await
}

/// As [`until`], for things that take longer (a reconnect after backoff).
pub async fn until_within(browser: &Browser, what: &str, script: &str, wait: std::time::Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + wait;
    // A page still rendering can make the check throw (an element not there
    // yet): that counts as "not yet", and the last such error is reported on
    // timeout so a broken check is still visible.
    let guarded = format!("try {{ return !!({script}); }} catch (e) {{ return String(e); }}");
    loop {
        let answer = browser.eval(&guarded).await?;
        if answer.as_bool() == Some(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            match answer.as_str() {
                Some(error) => bail!("timed out waiting for {what} (the check last threw: {error})"),
                None => bail!("timed out waiting for {what}"),
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Wait until every one of `needles` shows in the page's main region, as
/// text or in a field, up to `wait` (changes crossing the relay take longer
/// than [`crate::WAIT`]).
pub async fn text_within(browser: &Browser, what: &str, needles: &[&str], wait: std::time::Duration) -> anyhow::Result<()> {
    let checks: Vec<String> = needles
        .iter()
        .map(|n| format!("document.querySelector('main').innerText.includes({n:?}) || [...document.querySelectorAll('main input, main textarea')].some(e => e.value.includes({n:?}))"))
        .collect();
    until_within(browser, what, &format!("({})", checks.join(") && (")), wait).await
}
