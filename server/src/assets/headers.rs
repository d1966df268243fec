//! Middleware that puts the serving policy on every response.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use super::cache_policy;
use crate::app_state::AppState;

/// Security headers on everything; cache headers on successful file responses.
pub async fn apply_serving_policy(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();

    if let Ok(csp) = HeaderValue::from_str(state.csp().header_value()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Invite keys live in URL fragments, which browsers never send; no-referrer
    // also keeps document paths from leaking to any other site.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));

    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let cache = if !response.status().is_success() || is_html {
        cache_policy::REVALIDATE
    } else {
        cache_policy::cache_control(&path)
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    response
}
