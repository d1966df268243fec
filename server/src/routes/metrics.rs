//! `GET /metrics`: the relay's figures for Prometheus. Counts only.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::app_state::AppState;

pub async fn metrics_show(State(state): State<AppState>) -> impl IntoResponse {
    let hub = state.relay_hub();
    let text = hub.metrics().await;
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}
