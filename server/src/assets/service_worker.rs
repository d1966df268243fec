//! The service worker, rendered at build time from `public/sw.template.js`.
//!
//! The template is compiled into the server so that `prepare-assets` needs
//! nothing but the built app. The version is a hash of every precached file,
//! so any change to the app installs a new worker and the page offers
//! "reload to update".

/// The template, with `__CONFIDANT_VERSION__` and `__CONFIDANT_PRECACHE__` to fill.
const TEMPLATE: &str = include_str!("../../../public/sw.template.js");

/// Render the worker for this build.
pub fn render(version: &str, precache: &[String]) -> String {
    let list = serde_json::to_string(precache).expect("a list of strings serializes");
    TEMPLATE
        .replace("__CONFIDANT_VERSION__", version)
        .replace("__CONFIDANT_PRECACHE__", &list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_version_and_precache_list() {
        let sw = render("abc123", &["/index.html".into(), "/app-1234abcd.js".into()]);
        assert!(sw.contains("\"abc123\""));
        assert!(sw.contains(r#"["/index.html","/app-1234abcd.js"]"#));
        assert!(!sw.contains("__CONFIDANT_"));
    }
}
