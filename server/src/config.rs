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
}
