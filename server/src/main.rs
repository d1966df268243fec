//! `confidant-server`: run the relay and serve the app, or prepare a build.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use confidant_server::assets::prepare;
use confidant_server::{AppState, ServerConfig};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "confidant-server", version, about = "Confidant: the relay and the app's files")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CONFIDANT_HOST", default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "CONFIDANT_PORT", default_value_t = 8080)]
    port: u16,
    /// Folder for the relay's embedded storage.
    #[arg(long, env = "CONFIDANT_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// The built app (Trunk's output).
    #[arg(long, env = "CONFIDANT_DIST_DIR", default_value = "dist")]
    dist_dir: PathBuf,
    /// Serve Prometheus figures at /metrics on this address (e.g.
    /// 127.0.0.1:9090), apart from the public one. Off unless given.
    #[arg(long, env = "CONFIDANT_METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,
    /// Relay connections taken from one address (a room behind one NAT
    /// shares it); further ones are refused.
    #[arg(long, env = "CONFIDANT_CONNECTIONS_PER_ADDRESS", default_value_t = confidant_server::relay::ConnectionLimits::default().per_address)]
    connections_per_address: usize,
    /// Relay connections taken in all.
    #[arg(long, env = "CONFIDANT_MAX_CONNECTIONS", default_value_t = confidant_server::relay::ConnectionLimits::default().total)]
    max_connections: usize,
    /// Messages one relay connection may send per second (pushes, signals,
    /// posts); past it the client is told to retry shortly.
    #[arg(long, env = "CONFIDANT_MESSAGES_PER_SECOND", default_value_t = confidant_shared::sync::relay_limits::RelayLimits::default().messages_per_window)]
    messages_per_second: u32,
    /// The host clients reach this relay at, e.g. mentor.example.edu (with
    /// the port if not the default). Subscription proofs must name it, so a
    /// proof made for another relay is refused here. Set it in production.
    #[arg(long, env = "CONFIDANT_PUBLIC_HOST")]
    public_host: Option<String>,
    /// Keep the relay's data on PostgreSQL (postgres://user:password@host/db)
    /// instead of SQLite in the data folder. Every instance given the same
    /// database serves the same documents; put them behind a load balancer.
    #[arg(long, env = "CONFIDANT_DATABASE_URL")]
    database_url: Option<String>,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "CONFIDANT_LOG_JSON")]
    log_json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app and the relay (the default).
    Serve,
    /// Finish a Trunk build: write sw.js and precompress assets.
    PrepareAssets {
        /// The build folder; Trunk's hook passes its staging folder.
        #[arg(long, env = "TRUNK_STAGING_DIR")]
        dist: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::PrepareAssets { dist }) => {
            let build = prepare::prepare(&dist)?;
            println!(
                "prepared {}: service worker {} precaches {} files; {} files precompressed",
                dist.display(),
                build.version,
                build.precache.len(),
                build.compressed
            );
            Ok(())
        }
        Some(Command::Serve) | None => serve(cli.serve),
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let filter = EnvFilter::try_from_env("CONFIDANT_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info"));
    if args.log_json {
        tracing_subscriber::fmt().json().with_writer(std::io::stderr).with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter).init();
    }

    let config = ServerConfig {
        listen: SocketAddr::new(args.host, args.port),
        dist_dir: args.dist_dir,
        data_dir: args.data_dir,
        metrics_listen: args.metrics_listen,
        public_host: args.public_host,
        database_url: args.database_url,
    };
    let mut limits = confidant_server::config::Limits::default();
    limits.connections.per_address = args.connections_per_address;
    limits.connections.total = args.max_connections;
    limits.relay.messages_per_window = args.messages_per_second;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let state = AppState::open(&config, limits).await?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, data_dir = %config.data_dir.display(), "listening");
        let (stop_metrics, metrics_stopped) = tokio::sync::oneshot::channel::<()>();
        if let Some(metrics) = config.metrics_listen {
            let metrics_listener = tokio::net::TcpListener::bind(metrics)
                .await
                .with_context(|| format!("cannot listen on {metrics} for metrics"))?;
            tracing::info!(addr = %metrics_listener.local_addr()?, "metrics listening");
            tokio::spawn(confidant_server::serve_metrics(metrics_listener, state.clone(), async {
                let _ = metrics_stopped.await;
            }));
        }
        println!("Confidant is running at http://{addr}/");
        confidant_server::serve(listener, state, shutdown_signal()).await?;
        let _ = stop_metrics.send(());
        tracing::info!("stopped");
        anyhow::Ok(())
    })
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
