//! The real Confidant server, run in-process on a loopback port.
//!
//! Each test server serves its own copy of the built app, so a test may
//! change files (a new deploy) without touching other tests.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context};
use confidant_server::{AppState, ServerConfig};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct TestServer {
    addr: SocketAddr,
    dir: tempfile::TempDir,
    requests: Arc<Mutex<Vec<String>>>,
    running: Option<(oneshot::Sender<()>, JoinHandle<std::io::Result<()>>)>,
}

/// The built app: `CONFIDANT_DIST_DIR`, or the workspace's `dist/`.
pub fn built_app() -> anyhow::Result<PathBuf> {
    let dist = std::env::var_os("CONFIDANT_DIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    if !dist.join("sw.js").is_file() {
        bail!("no built app in {}: run `trunk build --release` (scripts/test does)", dist.display());
    }
    Ok(dist)
}

impl TestServer {
    /// Start on a free loopback port with a fresh data folder.
    pub async fn start() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        copy_dir(&built_app()?, &dir.path().join("dist"))?;
        let mut server = TestServer { addr: "127.0.0.1:0".parse()?, dir, requests: Arc::default(), running: None };
        server.listen().await?;
        Ok(server)
    }

    async fn listen(&mut self) -> anyhow::Result<()> {
        let config = ServerConfig {
            listen: self.addr,
            dist_dir: self.dist_dir(),
            data_dir: self.dir.path().join("data"),
            metrics_listen: None,
            public_host: None,
        database_url: None,
        };
        let state = AppState::load(&config)?;
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .with_context(|| format!("bind {}", self.addr))?;
        self.addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let hub = state.relay_hub();
        let log = self.requests.clone();
        let app = confidant_server::router(state).layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                log.lock().unwrap().push(describe(&request));
                next.run(request)
            },
        ));
        let task = tokio::spawn(confidant_server::serve_app(listener, app, hub, async {
            let _ = stopped.await;
        }));
        self.running = Some((stop, task));
        Ok(())
    }

    /// Stop the server (graceful shutdown); the port is free afterwards.
    pub async fn stop(&mut self) -> anyhow::Result<()> {
        if let Some((stop, task)) = self.running.take() {
            let _ = stop.send(());
            task.await??;
        }
        Ok(())
    }

    /// Start again on the same port, with the same data folder.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.stop().await?;
        self.listen().await
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Every request this server received (across restarts): method, target
    /// and headers, one line each.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// The relay's data folder.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// This server's copy of the built app; a test may change it (a deploy).
    pub fn dist_dir(&self) -> PathBuf {
        self.dir.path().join("dist")
    }
}

fn describe(request: &axum::extract::Request) -> String {
    let headers: Vec<String> = request
        .headers()
        .iter()
        .map(|(name, value)| format!("{name}: {}", String::from_utf8_lossy(value.as_bytes())))
        .collect();
    format!("{} {} | {}", request.method(), request.uri(), headers.join(" | "))
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
