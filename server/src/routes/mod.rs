//! The HTTP routes, one handler per concern.
//!
//! - `GET /healthz`: liveness and version ([`health`]).
//! - `GET /sync`: the relay's WebSocket ([`sync`]).
//! - `GET /metrics`: Prometheus figures, counts only ([`metrics`]), on its
//!   own listener (`--metrics-listen`), never on the public one.
//! - everything else: the built app, with deep links answered by the app's
//!   page ([`app_files`]).

pub mod app_files;
pub mod health;
pub mod metrics;
pub mod sync;

use axum::routing::get;
use axum::Router;
use tower_http::trace::TraceLayer;

use crate::app_state::AppState;
use crate::assets::headers::apply_serving_policy;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::health_show))
        .route("/sync", get(sync::sync_connect))
        .fallback_service(app_files::service(state.clone()))
        // Layers run bottom-up on the way in: the trace span wraps the policy,
        // so logged responses carry the final headers.
        .layer(axum::middleware::from_fn_with_state(state.clone(), apply_serving_policy))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The relay's figures, for their own listener.
pub fn metrics_router(state: AppState) -> Router {
    Router::new().route("/metrics", get(metrics::metrics_show)).with_state(state)
}
