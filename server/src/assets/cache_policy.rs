//! How long a browser may keep each file of the app.
//!
//! Trunk puts a content hash in the names of the wasm, js and css files, so a
//! new build never reuses a name: those can be cached forever. Everything else
//! (index.html, sw.js, the manifest, icons) keeps its name across builds and is
//! revalidated on every load, so a deploy reaches users at once.

/// `Cache-Control` for a file whose name carries a content hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` for entry points: the browser must revalidate each time.
pub const REVALIDATE: &str = "no-cache";

/// The `Cache-Control` value for a successful response to `path`.
pub fn cache_control(path: &str) -> &'static str {
    if has_content_hash(path) {
        IMMUTABLE
    } else {
        REVALIDATE
    }
}

/// Whether a file name carries Trunk's content hash: `name-<hex>.ext` or
/// `name-<hex>_bg.wasm`, with at least 8 hex digits.
pub fn has_content_hash(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let Some((stem, _ext)) = file.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let Some((_, hash)) = stem.rsplit_once('-') else {
        return false;
    };
    (8..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_build_outputs_are_immutable() {
        assert_eq!(cache_control("/confidant-app-3f2a9c8e1b7d6a50_bg.wasm"), IMMUTABLE);
        assert_eq!(cache_control("/confidant-app-3f2a9c8e1b7d6a50.js"), IMMUTABLE);
        assert_eq!(cache_control("/styles-1a2b3c4d5e6f7a8b.css"), IMMUTABLE);
    }

    #[test]
    fn entry_points_are_revalidated() {
        for path in ["/", "/index.html", "/sw.js", "/manifest.webmanifest", "/icons/icon-192.png", "/goals/abc"] {
            assert_eq!(cache_control(path), REVALIDATE, "{path}");
        }
        // A word after a dash is not a hash.
        assert_eq!(cache_control("/icons/icon-maskable.png"), REVALIDATE);
    }
}
