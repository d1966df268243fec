//! ChromeDriver and headless Chromium sessions, each with its own profile.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A ChromeDriver process on a free loopback port, killed on drop.
pub struct ChromeDriver {
    child: Child,
    port: u16,
}

impl ChromeDriver {
    pub async fn start() -> anyhow::Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        // Its own process group, so the browsers it starts go with it.
        let child = Command::new(CHROMEDRIVER)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("start {CHROMEDRIVER} (scripts/install.sh --test installs it)"))?;
        let driver = ChromeDriver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("chromedriver did not start on port {port}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(driver)
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // The whole group: killing ChromeDriver alone leaves its browsers
        // running, and they slow every later test and benchmark.
        let group = format!("-{}", self.child.id());
        let _ = std::process::Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The size of the browser's viewport.
#[derive(Debug, Clone, Copy)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
    pub mobile: bool,
}

impl Viewport {
    pub const DESKTOP: Viewport = Viewport { width: 1280, height: 900, mobile: false };
    /// A common phone: 375 CSS pixels wide.
    pub const PHONE: Viewport = Viewport { width: 375, height: 740, mobile: true };
}

/// One person's browser: a Chromium session with its own profile folder.
pub struct Browser {
    pub client: Client,
    _profile: Option<tempfile::TempDir>,
}

impl Browser {
    pub async fn open(driver: &ChromeDriver, viewport: Viewport) -> anyhow::Result<Self> {
        let profile = tempfile::tempdir()?;
        let mut browser = Browser::open_profile(driver, viewport, profile.path()).await?;
        browser._profile = Some(profile);
        Ok(browser)
    }

    /// A session on a profile folder the caller keeps: the same person's
    /// browser started again after it quit.
    pub async fn open_profile(driver: &ChromeDriver, viewport: Viewport, profile: &std::path::Path) -> anyhow::Result<Self> {
        let args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), json!({ "binary": CHROMIUM, "args": args }));
        caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&driver.url())
            .await
            .context("open a Chromium session")?;
        let browser = Browser { client, _profile: None };
        browser.set_viewport(viewport).await?;
        Ok(browser)
    }

    /// Show pages at `viewport`, as on another screen.
    pub async fn set_viewport(&self, viewport: Viewport) -> anyhow::Result<()> {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({
                "width": viewport.width,
                "height": viewport.height,
                "deviceScaleFactor": if viewport.mobile { 2 } else { 1 },
                "mobile": viewport.mobile,
            }),
        )
        .await?;
        Ok(())
    }

    /// Save the whole page as `target/screenshots/<name>.png`, for anyone to
    /// look at the app after a run.
    pub async fn save_screenshot(&self, name: &str) -> anyhow::Result<()> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("{name}.png")), self.full_page_png().await?)?;
        Ok(())
    }

    /// The whole page, also what lies below the screen, as PNG bytes.
    pub async fn full_page_png(&self) -> anyhow::Result<Vec<u8>> {
        use base64::Engine;
        let shot = self.cdp("Page.captureScreenshot", json!({ "format": "png", "captureBeyondViewport": true })).await?;
        let data = shot["data"].as_str().context("a screenshot")?;
        Ok(base64::engine::general_purpose::STANDARD.decode(data)?)
    }

    /// Run a Chrome DevTools Protocol command and return its result.
    pub async fn cdp(&self, cmd: &str, params: Value) -> anyhow::Result<Value> {
        let command = DevToolsCommand { cmd: cmd.to_owned(), params };
        self.client.issue_cmd(command).await.with_context(|| format!("CDP {cmd}"))
    }

    /// Save downloads into `dir`, as a user's Downloads folder.
    pub async fn download_into(&self, dir: &std::path::Path) -> anyhow::Result<()> {
        self.cdp("Browser.setDownloadBehavior", json!({ "behavior": "allow", "downloadPath": dir.to_string_lossy() })).await?;
        Ok(())
    }

    /// Console messages since the last call: (level, message).
    pub async fn console_log(&self) -> anyhow::Result<Vec<(String, String)>> {
        let entries = self.client.issue_cmd(BrowserLog).await.context("read the console log")?;
        Ok(entries
            .as_array()
            .into_iter()
            .flatten()
            .map(|entry| {
                (
                    entry["level"].as_str().unwrap_or("").to_owned(),
                    entry["message"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect())
    }

    /// Run JavaScript in the page and return its value.
    pub async fn eval(&self, script: &str) -> anyhow::Result<Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Run JavaScript that awaits a promise (the script's last argument is the callback).
    pub async fn eval_async(&self, script: &str) -> anyhow::Result<Value> {
        Ok(self.client.execute_async(script, vec![]).await?)
    }

    /// Slow the page's CPU down `rate` times, as on a cheap phone.
    pub async fn throttle_cpu(&self, rate: u32) -> anyhow::Result<()> {
        self.cdp("Emulation.setCPUThrottlingRate", json!({ "rate": rate })).await?;
        Ok(())
    }

    /// Quit the browser (ChromeDriver ends Chromium as closing its last
    /// window would: a profile the caller keeps gets a clean shutdown).
    pub async fn close(self) -> anyhow::Result<()> {
        self.client.close().await?;
        Ok(())
    }
}

/// ChromeDriver's extension for DevTools commands.
#[derive(Debug)]
struct DevToolsCommand {
    cmd: String,
    params: Value,
}

impl WebDriverCompatibleCommand for DevToolsCommand {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// ChromeDriver's log endpoint, for the page's console.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}
