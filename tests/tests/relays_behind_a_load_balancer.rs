//! Two relay instances on one PostgreSQL database behind nginx, configured
//! with the repository's own `deploy/nginx` files (issue 16). Two browsers
//! co-edit a goal plan through the load balancer; the instance holding a
//! browser's socket is killed (SIGKILL) mid-edit; both browsers reconnect
//! through nginx to the other instance and converge with every edit. The
//! killed instance restarts on its port and rejoins: the other is killed in
//! turn, and both browsers carry on through the restarted one.

use std::time::Duration;

use confidant_e2e::bench_relay_process::{debug_server_binary, start_relay_with, Relay};
use confidant_e2e::load_balancer::LoadBalancer;
use confidant_e2e::postgres::Postgres;
use confidant_e2e::server::built_app;
use confidant_e2e::{action, find, Browser, ChromeDriver, Viewport};

const CONVERGE: Duration = Duration::from_secs(60);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One relay instance: its public port and its metrics port.
struct Instance {
    relay: Option<Relay>,
    port: u16,
    metrics: u16,
}

impl Instance {
    async fn start(url: &str, host: &str, port: u16, metrics: u16) -> anyhow::Result<Instance> {
        let flags = vec![
            "--database-url".to_string(),
            url.to_string(),
            "--public-host".into(),
            host.to_string(),
            "--metrics-listen".into(),
            format!("127.0.0.1:{metrics}"),
        ];
        // Behind a load balancer every socket comes from its address.
        let relay = start_relay_with(&debug_server_binary()?, 1_000, &flags, Some(&built_app()?), Some(port)).await?;
        Ok(Instance { relay: Some(relay), port, metrics })
    }

    /// Open relay sockets on this instance.
    async fn sockets(&self) -> anyhow::Result<u64> {
        let text = reqwest::get(format!("http://127.0.0.1:{}/metrics", self.metrics)).await?.text().await?;
        let line = text.lines().find(|l| l.starts_with("confidant_relay_connections ")).ok_or_else(|| anyhow::anyhow!("no connections figure"))?;
        Ok(line.rsplit(' ').next().unwrap_or("0").parse()?)
    }

    async fn sockets_reach(&self, want: u64) -> anyhow::Result<()> {
        let deadline = std::time::Instant::now() + CONVERGE;
        loop {
            if self.sockets().await.unwrap_or(0) >= want {
                return Ok(());
            }
            anyhow::ensure!(std::time::Instant::now() < deadline, "instance {} never held {want} sockets", self.port);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL: no drain, no goodbye.
    fn kill(&mut self) {
        drop(self.relay.take());
    }
}

async fn both_show(mentee: &Browser, mentor: &Browser, goal: &str) -> anyhow::Result<()> {
    for browser in [mentee, mentor] {
        find::until_within(browser, &format!("the goal {goal:?}"), &action::has_goal(goal), CONVERGE).await?;
    }
    Ok(())
}

#[tokio::test]
async fn two_browsers_move_to_the_other_relay_when_one_is_killed_and_back_when_it_returns() -> anyhow::Result<()> {
    let postgres = Postgres::start()?;
    let url = postgres.database("relay")?;
    let ports = [free_port(), free_port()];
    let balancer = LoadBalancer::start(&ports.map(|p| format!("127.0.0.1:{p}"))).await?;
    let host = balancer.host();
    let mut instances = [Instance::start(&url, &host, ports[0], free_port()).await?, Instance::start(&url, &host, ports[1], free_port()).await?];

    let driver = ChromeDriver::start().await?;
    let mentee = Browser::open(&driver, Viewport::DESKTOP).await?;
    let mentor = Browser::open(&driver, Viewport::DESKTOP).await?;
    action::share_a_plan(&mentee, &mentor, &balancer, "Our plan", &["Publish a paper"]).await?;
    action::add_goal(&mentor, "Before any outage").await?;
    both_show(&mentee, &mentor, "Before any outage").await?;

    // Kill the instance holding the most sockets (at least one browser's).
    let (a, b) = (instances[0].sockets().await?, instances[1].sockets().await?);
    let victim = if a >= b { 0 } else { 1 };
    assert!(a.max(b) >= 1, "the browsers' sockets are on the instances ({a}, {b})");
    instances[victim].kill();
    let (mentee_edit, mentor_edit) = tokio::join!(action::add_goal(&mentee, "Written as a relay died"), action::add_goal(&mentor, "Answered meanwhile"));
    mentee_edit?;
    mentor_edit?;
    both_show(&mentee, &mentor, "Written as a relay died").await?;
    both_show(&mentee, &mentor, "Answered meanwhile").await?;
    instances[1 - victim].sockets_reach(2).await?;

    // The killed instance restarts where it was; the other is killed in
    // turn: both browsers carry on through the one that came back.
    let (port, metrics) = (instances[victim].port, instances[victim].metrics);
    instances[victim] = Instance::start(&url, &host, port, metrics).await?;
    instances[1 - victim].kill();
    action::add_goal(&mentee, "After the restart").await?;
    both_show(&mentee, &mentor, "After the restart").await?;
    action::add_goal(&mentor, "Both on the returned relay").await?;
    both_show(&mentee, &mentor, "Both on the returned relay").await?;
    instances[victim].sockets_reach(2).await?;

    // After a reload, from the returned relay's database as much as from storage.
    mentor.client.refresh().await?;
    for goal in ["Publish a paper", "Before any outage", "Written as a relay died", "Answered meanwhile", "After the restart", "Both on the returned relay"] {
        action::shows_goal(&mentor, goal).await?;
    }
    Ok(())
}
