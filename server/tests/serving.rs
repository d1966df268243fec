//! How the server serves the built app: content types, caching, compression,
//! the CSP, deep links and missing files. Driven through the router with
//! `oneshot` on a small built app written to a temporary folder.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use confidant_server::{router, AppState, ServerConfig};
use http_body_util::BodyExt;
use tower::ServiceExt;

const INLINE: &str = "import init from '/confidant-app-0123456789abcdef.js'; await init();";

struct BuiltApp {
    _dir: tempfile::TempDir,
    state: AppState,
}

fn built_app() -> BuiltApp {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(dist.join("icons")).unwrap();
    let index = format!(
        "<!DOCTYPE html><html><head><script type=\"module\">{INLINE}</script></head><body>{}</body></html>",
        "<p>padding so compression pays</p>".repeat(40)
    );
    std::fs::write(dist.join("index.html"), index).unwrap();
    std::fs::write(dist.join("confidant-app-0123456789abcdef_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dist.join("confidant-app-0123456789abcdef.js"), "export default 1;".repeat(20)).unwrap();
    std::fs::write(dist.join("manifest.webmanifest"), r#"{"name":"Confidant"}"#).unwrap();
    std::fs::write(dist.join("icons/icon-192.png"), [137, 80, 78, 71]).unwrap();
    confidant_server::assets::prepare::prepare(&dist).unwrap();
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        dist_dir: dist,
        data_dir: dir.path().join("data"),
        metrics_listen: None,
        public_host: None,
        database_url: None,
    };
    let state = AppState::load(&config).unwrap();
    BuiltApp { _dir: dir, state }
}

async fn get(app: &BuiltApp, path: &str, accept_encoding: Option<&str>) -> axum::response::Response {
    let mut request = Request::get(path);
    if let Some(enc) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, enc);
    }
    router(app.state.clone()).oneshot(request.body(Body::empty()).unwrap()).await.unwrap()
}

fn header_of<'a>(response: &'a axum::response::Response, name: header::HeaderName) -> &'a str {
    response.headers().get(name).map(|v| v.to_str().unwrap()).unwrap_or("")
}

async fn body_text(response: axum::response::Response) -> String {
    String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned()
}

#[tokio::test]
async fn the_app_page_is_revalidated_and_carries_a_strict_csp() {
    let app = built_app();
    let response = get(&app, "/", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header_of(&response, header::CONTENT_TYPE).starts_with("text/html"));
    assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-cache");
    let csp = header_of(&response, header::CONTENT_SECURITY_POLICY).to_owned();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("'sha256-"), "inline boot script is allowed by hash: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("object-src 'none'"), "{csp}");
    assert_eq!(header_of(&response, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
}

#[tokio::test]
async fn deep_links_load_the_app_and_missing_files_are_404() {
    let app = built_app();
    let response = get(&app, "/goals/abc", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-cache");
    assert!(body_text(response).await.contains(INLINE));

    let response = get(&app, "/confidant-app-ffffffffffffffff.js", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-cache", "a 404 is never cached forever");
}

#[tokio::test]
async fn hashed_assets_are_immutable_with_the_right_type() {
    let app = built_app();
    let response = get(&app, "/confidant-app-0123456789abcdef_bg.wasm", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header_of(&response, header::CONTENT_TYPE), "application/wasm");
    assert_eq!(header_of(&response, header::CACHE_CONTROL), "public, max-age=31536000, immutable");

    let response = get(&app, "/manifest.webmanifest", None).await;
    assert_eq!(header_of(&response, header::CONTENT_TYPE), "application/manifest+json");
    assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-cache");

    let response = get(&app, "/sw.js", None).await;
    assert!(header_of(&response, header::CONTENT_TYPE).contains("javascript"));
    assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-cache");
    assert!(body_text(response).await.contains("/confidant-app-0123456789abcdef_bg.wasm"));
}

#[tokio::test]
async fn precompressed_files_are_served_when_accepted() {
    let app = built_app();
    let plain = get(&app, "/confidant-app-0123456789abcdef.js", None).await;
    assert_eq!(header_of(&plain, header::CONTENT_ENCODING), "");
    let plain_len = body_text(plain).await.len();

    let br = get(&app, "/confidant-app-0123456789abcdef.js", Some("gzip, deflate, br")).await;
    assert_eq!(header_of(&br, header::CONTENT_ENCODING), "br");
    assert!(header_of(&br, header::CONTENT_TYPE).contains("javascript"));
    assert!(br.into_body().collect().await.unwrap().to_bytes().len() < plain_len);

    let gz = get(&app, "/goals/abc", Some("gzip")).await;
    assert_eq!(header_of(&gz, header::CONTENT_ENCODING), "gzip");
}

#[tokio::test]
async fn healthz_reports_the_version() {
    let app = built_app();
    let response = get(&app, "/healthz", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = body_text(response).await;
    assert!(body.contains("\"status\":\"ok\""), "{body}");
    assert!(body.contains(confidant_shared::APP_VERSION), "{body}");
}

#[test]
fn starting_without_a_built_app_says_how_to_build_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        dist_dir: dir.path().join("dist"),
        data_dir: dir.path().join("data"),
        metrics_listen: None,
        public_host: None,
        database_url: None,
    };
    let err = AppState::load(&config).err().expect("no app, no start").to_string();
    assert!(err.contains("trunk build"), "{err}");
}
