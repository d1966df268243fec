//! A throwaway PostgreSQL cluster for the tests that need one: Debian's
//! PostgreSQL (`scripts/install.sh --test` installs it) in a temporary
//! folder, on a free loopback port, trusting local connections. PostgreSQL
//! refuses to run as root, so as root it runs as `nobody`. Stopped when
//! dropped.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};

pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
}

fn binaries() -> anyhow::Result<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed: run scripts/install.sh --test")?
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().context("no PostgreSQL server binaries under /usr/lib/postgresql")
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

impl Postgres {
    /// Create and start a cluster.
    pub fn start() -> anyhow::Result<Postgres> {
        let bin = binaries()?;
        let dir = tempfile::Builder::new().prefix("confidant-pg").tempdir()?;
        if is_root() {
            let status = Command::new("chown").args(["-R", "nobody:nogroup"]).arg(dir.path()).status()?;
            if !status.success() {
                bail!("cannot hand {} to nobody", dir.path().display());
            }
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let postgres = Postgres { dir, bin, port };
        postgres.run("initdb", &["-D", &postgres.data(), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"])?;
        postgres.ctl_start()?;
        Ok(postgres)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// Run one of PostgreSQL's programs, as `nobody` when we are root.
    fn run(&self, program: &str, args: &[&str]) -> anyhow::Result<()> {
        let path = self.bin.join(program);
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let out = command.args(args).current_dir(self.dir.path()).stdin(Stdio::null()).output().with_context(|| format!("run {}", path.display()))?;
        if !out.status.success() {
            bail!("{program} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        }
        Ok(())
    }

    fn ctl_start(&self) -> anyhow::Result<()> {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200", self.port, self.dir.path().display());
        let log = self.dir.path().join("postgres.log").display().to_string();
        self.run("pg_ctl", &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "-t", "60", "start"])
    }

    /// Stop the database at once (connections are cut, as in a crash of
    /// the server process) and start it again.
    pub fn restart(&self) -> anyhow::Result<()> {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "immediate", "-w", "stop"])?;
        self.ctl_start()
    }

    /// A URL for a fresh database of its own.
    pub fn database(&self, name: &str) -> anyhow::Result<String> {
        self.run("psql", &["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "postgres", "-q", "-c", &format!("CREATE DATABASE {name}")])?;
        Ok(format!("postgres://postgres@127.0.0.1:{}/{name}", self.port))
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.run("pg_ctl", &["-D", &self.data(), "-m", "immediate", "-w", "stop"]);
    }
}
