//! What a user would notice, asserted.

use anyhow::ensure;

use crate::Browser;

/// The console holds no errors (CSP violations, failed loads, panics).
pub async fn no_console_errors(browser: &Browser) -> anyhow::Result<()> {
    let errors: Vec<String> = browser
        .console_log()
        .await?
        .into_iter()
        .filter(|(level, _)| level == "SEVERE")
        .map(|(_, message)| message)
        .collect();
    ensure!(errors.is_empty(), "console errors: {errors:#?}");
    Ok(())
}

/// The page fits the viewport's width: nothing scrolls sideways.
pub async fn no_horizontal_scroll(browser: &Browser) -> anyhow::Result<()> {
    let widths = browser
        .eval("return [document.documentElement.scrollWidth, window.innerWidth];")
        .await?;
    let (scroll, viewport) = (widths[0].as_u64().unwrap_or(0), widths[1].as_u64().unwrap_or(0));
    ensure!(scroll <= viewport, "page is {scroll}px wide in a {viewport}px viewport");
    Ok(())
}
