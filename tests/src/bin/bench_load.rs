//! Load benchmark: what a user downloads and how fast the app appears.
//!
//! Prints the app's transfer size (wasm + js + css: raw, gzip, brotli, read
//! from the built `dist/`) and the time to first render in headless
//! Chromium: on localhost cold (fresh profile, nothing cached) and warm
//! (served by the service worker), and a participant's first visit on a
//! crowded room's Wi-Fi (Chromium's network emulation: 1.6 Mbps down,
//! 750 kbps up, 150 ms round trip; fresh profile). Medians of several runs.
//! Run with `scripts/bench` (it builds the app first).

use std::path::Path;
use std::time::Duration;

use confidant_e2e::{find, server, Browser, ChromeDriver, TestServer, Viewport};

/// `scripts/bench --quick` (run by the test command) proves the benchmark
/// still runs; one run of each, figures meaningless.
const QUICK: bool = option_env!("CONFIDANT_BENCH_QUICK").is_some();
const RUNS: usize = if QUICK { 1 } else { 7 };
const WIFI_RUNS: usize = if QUICK { 1 } else { 5 };
const FIRST_RENDER: &str = "\
    const mark = performance.getEntriesByName('confidant:first-render')[0];\
    return mark ? mark.startTime : null;";
/// The first paint with text: the page's own loading screen, before the app.
const FIRST_PAINT: &str = "\
    const paint = performance.getEntriesByName('first-contentful-paint')[0];\
    return paint ? paint.startTime : null;";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dist = server::built_app()?;
    print_transfer_size(&dist)?;

    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let browser = Browser::open(&driver, Viewport::DESKTOP).await?;
        browser.client.goto(&server.url("/")).await?;
        cold.push(first_render(&browser).await?);
        find::until(&browser, "the service worker", "navigator.serviceWorker.controller").await?;
        for _ in 0..2 {
            browser.client.refresh().await?;
            warm.push(first_render(&browser).await?);
        }
        browser.close().await?;
    }
    println!();
    println!("time to first render, headless Chromium on localhost ({RUNS} cold runs, {} warm)", warm.len());
    println!("  cold (fresh profile):   median {:6.1} ms   (min {:.1}, max {:.1})", median(&mut cold), min(&cold), max(&cold));
    println!("  warm (service worker):  median {:6.1} ms   (min {:.1}, max {:.1})", median(&mut warm), min(&warm), max(&warm));

    let (mut wifi, mut loading) = (Vec::new(), Vec::new());
    for _ in 0..WIFI_RUNS {
        let browser = Browser::open(&driver, Viewport::PHONE).await?;
        browser.cdp("Network.enable", serde_json::json!({})).await?;
        browser
            .cdp(
                "Network.emulateNetworkConditions",
                serde_json::json!({
                    "offline": false,
                    "latency": 150,
                    "downloadThroughput": 1_600_000 / 8,
                    "uploadThroughput": 750_000 / 8,
                }),
            )
            .await?;
        browser.client.goto(&server.url("/")).await?;
        wifi.push(first_render(&browser).await?);
        loading.push(browser.eval(FIRST_PAINT).await?.as_f64().ok_or_else(|| anyhow::anyhow!("no first contentful paint recorded"))?);
        browser.close().await?;
    }
    println!("  first visit on a crowded Wi-Fi (1.6 Mbps down, 750 kbps up, 150 ms RTT, phone, {WIFI_RUNS} runs):");
    println!("    loading screen shown: median {:6.1} ms   (min {:.1}, max {:.1})", median(&mut loading), min(&loading), max(&loading));
    println!("    app rendered:         median {:6.1} ms   (min {:.1}, max {:.1})", median(&mut wifi), min(&wifi), max(&wifi));
    Ok(())
}

async fn first_render(browser: &Browser) -> anyhow::Result<f64> {
    // Polls a mark the page records itself; the poll's pace does not
    // change the figure. Long enough for the emulated Wi-Fi.
    for _ in 0..2400 {
        if let Some(ms) = browser.eval(FIRST_RENDER).await?.as_f64() {
            return Ok(ms);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    anyhow::bail!("the app did not render within 60 s")
}

fn print_transfer_size(dist: &Path) -> anyhow::Result<()> {
    println!("app transfer size (dist: {})", dist.display());
    println!("  {:<52} {:>9} {:>9} {:>9}", "file", "raw", "gzip", "brotli");
    let mut files: Vec<_> = std::fs::read_dir(dist)?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| [".wasm", ".js", ".css"].iter().any(|ext| name.ends_with(ext)) && name != "sw.js")
        .collect();
    files.sort();
    // The pages' own modules (and those pages share), split off the main
    // wasm by scripts/split-app: fetched the first time a page opens.
    let (later, first): (Vec<String>, Vec<String>) = files.into_iter().partition(|name| name.ends_with(".wasm") && !name.ends_with("_bg.wasm"));
    let sizes = |name: &str| -> anyhow::Result<[u64; 3]> {
        let size = |suffix: &str| std::fs::metadata(dist.join(format!("{name}{suffix}"))).map(|m| m.len());
        Ok([size("")?, size(".gz")?, size(".br")?])
    };
    let mut total = [0u64; 3];
    for name in &first {
        let s = sizes(name)?;
        println!("  {:<52} {:>9} {:>9} {:>9}", name, kb(s[0]), kb(s[1]), kb(s[2]));
        total.iter_mut().zip(s).for_each(|(t, s)| *t += s);
    }
    println!("  {:<52} {:>9} {:>9} {:>9}", "total, a first visit (wasm + js + css)", kb(total[0]), kb(total[1]), kb(total[2]));
    let mut rest = [0u64; 3];
    for name in &later {
        sizes(name)?.into_iter().zip(rest.iter_mut()).for_each(|(s, r)| *r += s);
    }
    println!("  {:<52} {:>9} {:>9} {:>9}", format!("split modules, when needed ({} files)", later.len()), kb(rest[0]), kb(rest[1]), kb(rest[2]));
    // Of those, the sync engine's code is fetched on every first visit,
    // while the first page draws: counted apart, and with the first visit.
    let loader = first.iter().find(|name| name.starts_with("__wasm_split")).map(|name| std::fs::read_to_string(dist.join(name))).transpose()?;
    if let Some(loader) = loader {
        let engine = modules_of(&loader, "sync_engine");
        let mut bytes = [0u64; 3];
        for name in &engine {
            sizes(name)?.into_iter().zip(bytes.iter_mut()).for_each(|(s, b)| *b += s);
        }
        println!("  {:<52} {:>9} {:>9} {:>9}", format!("  of which the sync engine, as Home draws ({} files)", engine.len()), kb(bytes[0]), kb(bytes[1]), kb(bytes[2]));
        let all: Vec<u64> = total.iter().zip(bytes).map(|(t, b)| t + b).collect();
        println!("  {:<52} {:>9} {:>9} {:>9}", "a first visit once sync runs", kb(all[0]), kb(all[1]), kb(all[2]));
    }
    Ok(())
}

/// The files a split module needs (its own and the chunks it shares),
/// from the notes the split loader keeps above each chunk ("/* users */").
fn modules_of(loader: &str, module: &str) -> Vec<String> {
    let mut files = Vec::new();
    let mut users: Option<&str> = None;
    for line in loader.lines().map(str::trim) {
        if let Some(note) = line.strip_prefix("/* ").and_then(|l| l.strip_suffix(" */")) {
            users = Some(note);
            continue;
        }
        if let Some(at) = line.find("new URL(\"./") {
            let file = line[at + "new URL(\"./".len()..].split('"').next().unwrap_or_default();
            let own = file.starts_with(&format!("split_{module}-"));
            if own || users.is_some_and(|u| u.split(", ").any(|u| u == module)) {
                files.push(file.to_owned());
            }
            users = None;
        }
    }
    files
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn min(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(0.0, f64::max)
}
