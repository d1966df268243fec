//! A first visit downloads the app once: the service worker fills its cache
//! from what the browser just fetched (the hashed files are immutable), not
//! by downloading every file a second time. See: issue 12.

use confidant_e2e::{find, Browser, ChromeDriver, TestServer, Viewport};

#[tokio::test]
async fn the_service_worker_reuses_what_the_first_visit_fetched() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let browser = Browser::open(&driver, Viewport::PHONE).await?;

    browser.client.goto(&server.url("/")).await?;
    find::heading(&browser, "Home").await?;
    // Installed and in control: its cache is full.
    find::until(&browser, "the service worker in control", "navigator.serviceWorker.controller !== null").await?;
    let cached = browser
        .eval_async(
            "const done = arguments[arguments.length - 1];\
             caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k).then(c => c.keys()))))\
               .then(all => done(all.flat().map(r => new URL(r.url).pathname)));",
        )
        .await?;
    let cached: Vec<String> = serde_json::from_value(cached)?;
    let wasm = cached.iter().find(|p| p.ends_with("_bg.wasm")).ok_or_else(|| anyhow::anyhow!("no wasm in the cache: {cached:?}"))?;
    let js = cached.iter().find(|p| p.ends_with(".js") && p.contains("confidant-app")).ok_or_else(|| anyhow::anyhow!("no app script cached: {cached:?}"))?;

    for file in [wasm, js] {
        let fetched = server.requests().iter().filter(|r| r.starts_with(&format!("GET {file} "))).count();
        assert_eq!(fetched, 1, "{file} was downloaded {fetched} times on a first visit");
    }
    browser.close().await
}
