//! The built app's files, precompressed when the browser accepts it.
//!
//! A path with no file behind it is either a page of the app (`/goals/abc`:
//! answer with index.html and let the router take over) or a missing file
//! (`/missing.js`: 404, so a stale asset never gets HTML by mistake).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::response::Response;
use axum::Router;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::app_state::AppState;
use crate::error::AppError;

/// Serve `dist/`, falling back to the app's page for deep links.
pub fn service(state: AppState) -> Router {
    let files = ServeDir::new(state.dist_dir())
        .precompressed_br()
        .precompressed_gzip()
        .fallback(app_page.with_state(state));
    Router::new().fallback_service(files)
}

/// Answer a deep link with the app's entry page.
pub async fn app_page(State(state): State<AppState>, request: Request) -> Result<Response, AppError> {
    let path = request.uri().path();
    if names_a_file(path) {
        return Err(AppError::NotFound(path.to_owned()));
    }
    let index = ServeFile::new(state.dist_dir().join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let Ok(response) = index.oneshot(request).await;
    Ok(response.map(Body::new))
}

/// `/app.js` names a file; `/goals/abc` and `/` name pages.
fn names_a_file(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|last| last.contains('.'))
}
