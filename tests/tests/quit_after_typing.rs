//! Nothing typed is lost when the browser quits right after the last
//! keystroke: 51 quits of the same person's browser, every third one on a
//! CPU slowed six times, each reopening finds every word typed before it.
//! See: issue 11.

use confidant_e2e::{find, Browser, ChromeDriver, TestServer, Viewport};

const QUITS: usize = 51;

async fn entry_body(browser: &Browser) -> anyhow::Result<String> {
    find::until(browser, "the entry open", "document.querySelector('#entry-body')").await?;
    Ok(browser.eval("return document.querySelector('#entry-body').value").await?.as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn words_typed_just_before_quitting_are_there_on_reopening() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let profile = tempfile::tempdir()?;

    let browser = Browser::open_profile(&driver, Viewport::DESKTOP, profile.path()).await?;
    browser.client.goto(&server.url("/journal")).await?;
    find::css(&browser, "#new-entry-title").await?.send_keys("Quit test").await?;
    find::by_text(&browser, "button", "Write entry").await?.click().await?;
    find::heading(&browser, "Quit test").await?;
    let entry = browser.client.current_url().await?;
    browser.close().await?;

    let mut typed: Vec<String> = Vec::new();
    for quit in 0..QUITS {
        let browser = Browser::open_profile(&driver, Viewport::DESKTOP, profile.path()).await?;
        let throttled = quit % 3 == 2;
        if throttled {
            browser.throttle_cpu(6).await?;
        }
        browser.client.goto(entry.as_str()).await?;
        let body = entry_body(&browser).await?;
        let lost: Vec<&String> = typed.iter().filter(|w| !body.split_whitespace().any(|b| b == w.as_str())).collect();
        assert!(lost.is_empty(), "after quit {quit}, the entry lost {lost:?}; it reads {body:?}");

        let word = format!("word{quit}");
        find::css(&browser, "#entry-body").await?.send_keys(&format!(" {word}")).await?;
        // Straight after the last key: quit.
        browser.close().await?;
        typed.push(word);
    }

    let browser = Browser::open_profile(&driver, Viewport::DESKTOP, profile.path()).await?;
    browser.client.goto(entry.as_str()).await?;
    let body = entry_body(&browser).await?;
    let words: Vec<&str> = body.split_whitespace().collect();
    assert_eq!(words, typed.iter().map(String::as_str).collect::<Vec<_>>(), "every word, in order");
    // And the list shows the entry (the replay stored it as a record).
    browser.client.goto(&server.url("/journal")).await?;
    find::by_text(&browser, "a", "Quit test").await?;
    browser.close().await
}
