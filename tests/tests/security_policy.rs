//! The app runs under a strict Content-Security-Policy (no inline script but
//! the hashed boot script, no eval but WebAssembly) without a single console
//! error. See: issue 2 (foundation).

use confidant_e2e::{action, check, find, Browser, ChromeDriver, TestServer, Viewport};
use confidant_shared::Section;

#[tokio::test]
async fn the_app_loads_under_its_csp_with_no_console_errors() -> anyhow::Result<()> {
    let server = TestServer::start().await?;

    let response = reqwest::get(server.url("/journal")).await?;
    let csp = response
        .headers()
        .get("content-security-policy")
        .expect("CSP header on the app page")
        .to_str()?
        .to_owned();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "{csp}");

    let driver = ChromeDriver::start().await?;
    let browser = Browser::open(&driver, Viewport::DESKTOP).await?;
    browser.client.goto(&server.url("/")).await?;
    find::heading(&browser, "Home").await?;
    for section in Section::ALL {
        action::open_section(&browser, section).await?;
    }
    browser.client.refresh().await?;
    find::heading(&browser, Section::ALL[Section::ALL.len() - 1].title()).await?;
    check::no_console_errors(&browser).await?;

    // The check above can see errors: one logged now is caught.
    browser.eval("console.error('probe: the console log is read');").await?;
    assert!(check::no_console_errors(&browser).await.is_err());

    browser.close().await
}
