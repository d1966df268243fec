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
