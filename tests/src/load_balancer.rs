//! nginx as the load balancer in front of relay instances, for the tests:
//! the repository's own `deploy/nginx/*.conf` inside a minimal main
//! configuration whose files all live in a temporary folder. Stopped when
//! dropped. `scripts/install.sh --test` installs nginx.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

pub struct LoadBalancer {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl LoadBalancer {
    /// nginx on a free loopback port, spreading over `upstreams` (host:port).
    pub async fn start(upstreams: &[String]) -> anyhow::Result<LoadBalancer> {
        let dir = tempfile::Builder::new().prefix("confidant-nginx").tempdir()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/nginx").canonicalize()?;
        let d = dir.path().display();
        let servers: String = upstreams.iter().map(|u| format!("        server {u} max_fails=1 fail_timeout=2s;\n")).collect();
        let config = format!(
            "worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    include {deploy}/confidant-http.conf;
    upstream confidant {{
{servers}    }}
    server {{
        listen 127.0.0.1:{port};
        include {deploy}/confidant-proxy.conf;
    }}
}}
",
            deploy = deploy.display()
        );
        std::fs::write(dir.path().join("nginx.conf"), config)?;
        // Workers run as nobody when nginx starts as root.
        let _ = Command::new("chown").args(["-R", "nobody:nogroup"]).arg(dir.path()).status();
        let child = Command::new("nginx")
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("start nginx (scripts/install.sh --test installs it)")?;
        let balancer = LoadBalancer { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            if Instant::now() > deadline {
                bail!("nginx did not start: {}", std::fs::read_to_string(balancer.dir.path().join("error.log")).unwrap_or_default());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(balancer)
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl crate::Site for LoadBalancer {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for LoadBalancer {
    /// A fast shutdown (SIGTERM) stops nginx's workers with it; SIGKILL
    /// would leave them running.
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
