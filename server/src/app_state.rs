//! State shared by every handler, passed explicitly.

use std::path::{Path, PathBuf};
use std::sync::Arc;


use crate::assets::csp::ContentSecurityPolicy;
use crate::config::{Limits, ServerConfig};
use crate::relay::{signal, PostgresStore, RelayHub, RelayStore, SqliteStore};

/// How often an instance on a shared database compares what it follows
/// with the store's heads (a lost notification is at most this late).
pub const CATCH_UP_SECONDS: u64 = 5;

/// The SQLite store in the data folder, not yet opened.
struct SqliteAt(PathBuf);

impl SqliteAt {
    fn open(self, limits: Limits) -> Result<SqliteStore, StartError> {
        SqliteStore::open_with(&self.0, limits.store).map_err(|err| StartError::RelayStore { path: self.0.clone(), reason: err.to_string() })
    }
}

/// What handlers need: where the app lives and the policy to serve it with.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    dist_dir: PathBuf,
    data_dir: PathBuf,
    csp: ContentSecurityPolicy,
    relay: Arc<RelayHub>,
    public_host: Option<String>,
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The built app is missing: the user has to build it first.
    #[error("no built app at {0}: run scripts/run (it builds the app) or `trunk build --release`")]
    MissingApp(PathBuf),
    /// The relay's storage cannot be opened.
    #[error("cannot open the relay's storage in {path}: {reason}")]
    RelayStore { path: PathBuf, reason: String },
    /// The database named by `--database-url` cannot be reached or set up.
    #[error("cannot use the database at --database-url: {0}")]
    Database(String),
    /// The data folder cannot be created.
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl AppState {
    /// Read the built app once (its inline-script hashes for the CSP) and make
    /// sure the data folder exists.
    pub fn load(config: &ServerConfig) -> Result<Self, StartError> {
        Self::load_with(config, Limits::default())
    }

    /// As [`Self::load`], with the relay's limits set (tests shorten the timeouts).
    pub fn load_with(config: &ServerConfig, limits: Limits) -> Result<Self, StartError> {
        let (index_html, store) = Self::prepare(config)?;
        let store = store.open(limits)?;
        Ok(Self::assemble(config, &index_html, Arc::new(store), limits))
    }

    /// As [`Self::load_with`], on PostgreSQL when `config.database_url` is
    /// set: several instances then share one database, and each listens
    /// for the others' stores. Must run inside the server's runtime.
    pub async fn open(config: &ServerConfig, limits: Limits) -> Result<Self, StartError> {
        let Some(url) = config.database_url.clone() else { return Self::load_with(config, limits) };
        let (index_html, _) = Self::prepare(config)?;
        // The URL may hold a password: errors name the database, not the URL.
        let store = PostgresStore::open(&url, limits.store).await.map_err(|err| StartError::Database(err.to_string()))?;
        let instance = store.instance();
        let state = Self::assemble(config, &index_html, Arc::new(store), limits);
        let hub = state.relay_hub();
        hub.compare_heads_every(CATCH_UP_SECONDS);
        tokio::spawn(signal::follow(hub, signal::listen_postgres(url, instance)));
        Ok(state)
    }

    /// Read the built app and make sure the data folder exists.
    fn prepare(config: &ServerConfig) -> Result<(String, SqliteAt), StartError> {
        let index = config.dist_dir.join("index.html");
        let index_html = std::fs::read_to_string(&index).map_err(|_| StartError::MissingApp(config.dist_dir.clone()))?;
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDir { path: config.data_dir.clone(), source })?;
        Ok((index_html, SqliteAt(config.data_dir.clone())))
    }

    fn assemble(config: &ServerConfig, index_html: &str, store: Arc<dyn RelayStore>, limits: Limits) -> Self {
        AppState {
            inner: Arc::new(Inner {
                dist_dir: config.dist_dir.clone(),
                data_dir: config.data_dir.clone(),
                csp: ContentSecurityPolicy::for_index(index_html),
                relay: Arc::new(RelayHub::with_limits(store, limits.relay, limits.store, limits.connections)),
                public_host: config.public_host.clone(),
            }),
        }
    }

    pub fn dist_dir(&self) -> &Path {
        &self.inner.dist_dir
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    pub fn csp(&self) -> &ContentSecurityPolicy {
        &self.inner.csp
    }

    /// The host subscription proofs must name, when configured.
    pub fn public_host(&self) -> Option<&str> {
        self.inner.public_host.as_deref()
    }

    pub fn relay_hub(&self) -> Arc<RelayHub> {
        self.inner.relay.clone()
    }
}
