//! A document whose saved bytes make Automerge panic (found by fuzzing: a
//! document chunk with a valid checksum; a partner or an import file could
//! carry one) stops the app once. On the next start the app sets that
//! document aside (its records moved to quarantine, not deleted), says so,
//! and everything else works. See: issue 10.

use confidant_e2e::{find, Browser, ChromeDriver, TestServer, Viewport};
use confidant_shared::document::DocumentId;
use confidant_shared::storage::{ChunkKind, StoredChunk};

#[tokio::test]
async fn a_document_that_crashed_the_app_is_set_aside_on_the_next_start() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let browser = Browser::open(&driver, Viewport::DESKTOP).await?;

    // A good plan first.
    browser.client.goto(&server.url("/goals")).await?;
    find::css(&browser, "#new-plan-title").await?.send_keys("Still here").await?;
    find::by_text(&browser, "button", "Create goal plan").await?.click().await?;
    find::heading(&browser, "Still here").await?;
    let good_plan = browser.client.current_url().await?;

    // The poisoned one, as its records would be stored.
    let id = DocumentId::from_random([0x5a; 16]);
    let record = StoredChunk::new(id, ChunkKind::Snapshot, include_bytes!("../data/automerge-panic.bin").to_vec());
    let bytes: Vec<String> = record.bytes.iter().map(u8::to_string).collect();
    let stored = browser
        .eval_async(&format!(
            "const done = arguments[arguments.length - 1];
             const open = indexedDB.open('confidant');
             open.onsuccess = () => {{
               const db = open.result;
               const tx = db.transaction('chunks', 'readwrite');
               tx.objectStore('chunks').put(new Uint8Array([{}]), {:?});
               tx.oncomplete = () => {{ db.close(); done(true); }};
               tx.onerror = () => done(String(tx.error));
             }};
             open.onerror = () => done(String(open.error));",
            bytes.join(","),
            record.key.to_string()
        ))
        .await?;
    anyhow::ensure!(stored.as_bool() == Some(true), "could not store the record: {stored}");

    // Opening it stops the app mid-load: the marker of the load stays.
    browser.client.goto(&server.url(&format!("/goals/{id}"))).await?;
    find::until(&browser, "the load left unfinished", &format!("sessionStorage.getItem('confidant-loading') === {:?}", id.to_string())).await?;

    // The next start sets it aside and says so; the rest works.
    browser.client.refresh().await?;
    find::until(&browser, "the notice", "document.querySelector(\"[data-testid='set-aside']\")").await?;
    find::until(&browser, "the marker cleared", "sessionStorage.getItem('confidant-loading') === null").await?;
    let quarantined = browser
        .eval_async(
            "const done = arguments[arguments.length - 1];
             const open = indexedDB.open('confidant');
             open.onsuccess = () => {
               const db = open.result;
               const count = db.transaction('quarantine').objectStore('quarantine').count();
               count.onsuccess = () => { db.close(); done(count.result); };
             };",
        )
        .await?;
    assert_eq!(quarantined.as_u64(), Some(1), "kept in quarantine, not deleted");
    browser.client.goto(good_plan.as_str()).await?;
    find::heading(&browser, "Still here").await?;
    browser.client.goto(&server.url(&format!("/goals/{id}"))).await?;
    find::until(&browser, "the set-aside plan answers without stopping the app", "document.querySelector('main').innerText.includes('not on this device')").await?;
    assert!(browser.eval("return sessionStorage.getItem('confidant-loading') === null").await?.as_bool() == Some(true));

    browser.close().await
}
