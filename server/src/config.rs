//! Server configuration, read once at the edge (flags and environment).

use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the server listens and where it keeps its files.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on, e.g. `127.0.0.1:8080`.
    pub listen: SocketAddr,
    /// The built app (Trunk's `dist/`, after `prepare-assets`).
    pub dist_dir: PathBuf,
    /// Embedded storage for the relay (created if missing).
    pub data_dir: PathBuf,
    /// Where `/metrics` is served, if anywhere (never on the public address).
    pub metrics_listen: Option<SocketAddr>,
    /// The host clients reach the relay at (`mentor.example.edu`), which
    /// subscription proofs must name. Without it, the `Host` header each
    /// client sent is used, which a relay in the middle could set.
    pub public_host: Option<String>,
    /// A `postgres://` URL: the relay's store on PostgreSQL, shared by every
    /// instance given the same URL. Without it, SQLite in `data_dir`.
    pub database_url: Option<String>,
}

/// The relay's limits, all in one place (the defaults suit one machine).
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    pub relay: confidant_shared::sync::relay_limits::RelayLimits,
    pub store: crate::relay::StoreLimits,
    pub connections: crate::relay::ConnectionLimits,
}
