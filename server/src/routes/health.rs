//! `GET /healthz`: the server is up, and which version it serves.

use axum::Json;
use serde::Serialize;

#[derive(Serialize)]
pub struct Health {
    status: &'static str,
    version: &'static str,
}

pub async fn health_show() -> Json<Health> {
    Json(Health { status: "ok", version: confidant_shared::APP_VERSION })
}
