//! The Content-Security-Policy the app runs under.
//!
//! Trunk's index.html boots the wasm from one inline module script. Rather
//! than allow every inline script, the policy lists the SHA-256 of each inline
//! script found in the built index.html, computed once at start-up.

use base64::Engine;
use sha2::{Digest, Sha256};

/// A rendered `Content-Security-Policy` header value.
#[derive(Debug, Clone)]
pub struct ContentSecurityPolicy {
    header: String,
}

impl ContentSecurityPolicy {
    /// The policy for an app whose entry page is `index_html`.
    pub fn for_index(index_html: &str) -> Self {
        let hashes: String = inline_scripts(index_html)
            .map(|script| {
                let digest = Sha256::digest(script.as_bytes());
                format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
            })
            .collect();
        // 'wasm-unsafe-eval' lets the page compile WebAssembly and nothing else;
        // connect-src 'self' covers the relay's WebSocket on the same origin.
        let header = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
             style-src 'self'; img-src 'self' data: blob:; font-src 'self'; \
             connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        ContentSecurityPolicy { header }
    }

    pub fn header_value(&self) -> &str {
        &self.header
    }
}

/// The bodies of `<script>` elements that have no `src`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attributes, after) = rest.split_once('>')?;
        if attributes.contains("src=") {
            return None;
        }
        let (body, _) = after.split_once("</script>")?;
        Some(body)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_inline_scripts_and_skips_external_ones() {
        let html = r#"<html><head><script src="/a.js"></script>
<script type="module">import init from '/app.js';</script></head></html>"#;
        let policy = ContentSecurityPolicy::for_index(html);
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(b"import init from '/app.js';"));
        assert!(policy.header_value().contains(&format!("'sha256-{expected}'")));
        assert_eq!(policy.header_value().matches("'sha256-").count(), 1);
        assert!(!policy.header_value().contains("unsafe-inline"));
    }
}
