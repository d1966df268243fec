//! The Confidant relay server.
//!
//! It serves the app's static files and, with the sync issue, relays
//! end-to-end encrypted changes. It never sees plaintext.
//!
//! Workflow: [`config::ServerConfig`] is read at the edge (flags and
//! environment, in `main.rs`); [`app_state::AppState::load`] reads the built app
//! once at start-up (its CSP hashes); [`router`] builds the axum `Router` that
//! tests drive with `oneshot`; [`serve`] runs it until a shutdown future fires.
//!
//! Modules:
//! - [`assets`]: preparing the built app (service worker, precompression) and
//!   the HTTP policy for serving it (cache headers, CSP).
//! - [`routes`]: one handler per concern.
//! - [`error`]: `AppError`, which renders itself as a response.
//! - [`relay`]: durable storage of encrypted chunks for the sync relay.

pub mod app_state;
pub mod assets;
pub mod config;
pub mod error;
pub mod relay;
pub mod routes;

use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;

pub use app_state::AppState;
pub use config::ServerConfig;

/// The whole HTTP surface of the server.
pub fn router(state: AppState) -> Router {
    routes::router(state)
}

/// Serve on `listener` until `shutdown` resolves, then finish in-flight
/// requests and return.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let hub = state.relay_hub();
    serve_app(listener, router(state), hub, shutdown).await
}

/// As [`serve`], for a router the caller extended (the end-to-end tests add
/// a log of every request). On shutdown the relay's sockets are closed, so
/// the graceful shutdown does not wait on them.
pub async fn serve_app(
    listener: TcpListener,
    app: Router,
    hub: std::sync::Arc<relay::RelayHub>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let shutdown = async move {
        shutdown.await;
        hub.close_all();
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
