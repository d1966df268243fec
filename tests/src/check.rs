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

/// axe-core (installed by `scripts/install.sh --test` into `tests/axe`),
/// read once.
fn axe_source() -> anyhow::Result<&'static str> {
    static AXE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(source) = AXE.get() {
        return Ok(source);
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("axe/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("{} is missing ({e}): run scripts/install.sh --test", path.display()))?;
    Ok(AXE.get_or_init(|| source))
}

/// An axe-core audit of the page as it is now finds no serious or critical
/// violations. `page` names the page in the failure message.
pub async fn accessible(browser: &Browser, page: &str) -> anyhow::Result<()> {
    browser.eval(&format!("{}\n;return true;", axe_source()?)).await?;
    let found = browser
        .eval_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | ')}`)))
               .catch(e => done(['axe failed: ' + e]));",
        )
        .await?;
    let violations: Vec<String> = serde_json::from_value(found)?;
    ensure!(violations.is_empty(), "accessibility violations on {page}:\n{}", violations.join("\n"));
    Ok(())
}

/// The text of the file `name` once the browser has saved it in `dir`
/// (see [`Browser::download_into`]).
pub async fn downloaded(dir: &std::path::Path, name: &str) -> anyhow::Result<String> {
    let path = dir.join(name);
    let deadline = std::time::Instant::now() + crate::WAIT;
    loop {
        if let Ok(text) = std::fs::read_to_string(&path) {
            if !text.is_empty() {
                return Ok(text);
            }
        }
        if std::time::Instant::now() > deadline {
            let seen: Vec<_> = std::fs::read_dir(dir)?.filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
            anyhow::bail!("{name} was not downloaded into {}; found {seen:?}", dir.display());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// No file under `dir` (the relay's data folder) holds `marker` in plain
/// text: what people wrote reached the relay sealed, if at all.
pub fn never_stored(dir: &std::path::Path, marker: &str) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            never_stored(&path, marker)?;
        } else {
            let bytes = std::fs::read(&path)?;
            ensure!(!bytes.windows(marker.len()).any(|w| w == marker.as_bytes()), "{} holds {marker:?} in plain text", path.display());
        }
    }
    Ok(())
}
