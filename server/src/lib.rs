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
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

pub use app_state::AppState;
pub use config::ServerConfig;

/// How long a client may take to send a request's headers (a slow client
/// cannot hold a connection open by trickling them).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The whole public HTTP surface of the server.
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

/// Serve the relay's figures (`GET /metrics`) on their own listener, apart
/// from the public one, until `shutdown` resolves.
pub async fn serve_metrics(listener: TcpListener, state: AppState, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    axum::serve(listener, routes::metrics_router(state)).with_graceful_shutdown(shutdown).await
}

/// As [`serve`], for a router the caller extended (the end-to-end tests add
/// a log of every request). Each connection gets a header read timeout and
/// its peer's address (the relay limits connections per address). On
/// shutdown the relay's sockets are closed, so the graceful shutdown does
/// not wait on them.
pub async fn serve_app(
    listener: TcpListener,
    app: Router,
    hub: Arc<relay::RelayHub>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let timers = tokio::spawn(hub.clone().run_timers());
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        // Small frames (acknowledgements, changes) go out at once rather
        // than wait on Nagle's algorithm for the peer's delayed ACK.
        let _ = stream.set_nodelay(true);
        let service = app.clone().map_request(move |mut request: axum::extract::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            request
        });
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    drop(listener);
    hub.close_all();
    timers.abort();
    // In-flight requests finish; a client that never does is not waited for long.
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
    Ok(())
}
