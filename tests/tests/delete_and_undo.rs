//! Deleting safely, two browsers: a mentee removes a goal of the shared plan
//! (asked first), the mentor sees it go, and Undo brings it back for both; a
//! milestone is marked overdue, renamed and re-dated where it stands,
//! deleted and undone;
//! a journal entry deleted and undone comes back, and deleted again is gone
//! from the list at once and from IndexedDB once Undo is no longer offered.
//! See: issue 12.

use std::time::Duration;

use confidant_e2e::{action, check, find, Browser, ChromeDriver, TestServer, Viewport};

/// Changes cross the relay between two browsers.
const SYNC: Duration = Duration::from_secs(45);

async fn lacks_goal(browser: &Browser, title: &str) -> anyhow::Result<()> {
    find::until_within(browser, &format!("the goal {title:?} to go"), &format!("!({})", action::has_goal(title)), SYNC).await
}

/// Records and list lines of `id` in the app's IndexedDB.
async fn stored(browser: &Browser, id: &str) -> anyhow::Result<u64> {
    let script = format!(
        "const done = arguments[arguments.length - 1]; const id = {id:?};\
         const open = indexedDB.open('confidant');\
         open.onerror = () => done(-1);\
         open.onsuccess = () => {{\
           const db = open.result; const tx = db.transaction(['chunks', 'documents'], 'readonly');\
           const chunks = tx.objectStore('chunks').getAllKeys(); const docs = tx.objectStore('documents').getAllKeys();\
           tx.oncomplete = () => {{ const n = [...chunks.result, ...docs.result].filter(k => String(k).includes(id)).length; db.close(); done(n); }};\
         }};"
    );
    browser.eval_async(&script).await?.as_u64().ok_or_else(|| anyhow::anyhow!("IndexedDB did not open"))
}

#[tokio::test]
async fn a_removed_goal_comes_back_with_undo_and_a_deleted_entry_leaves_the_device() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let mentee = Browser::open(&driver, Viewport::DESKTOP).await?;
    let mentor = Browser::open(&driver, Viewport::DESKTOP).await?;
    // The mentor reads German: days are written her way.
    mentor.cdp("Emulation.setLocaleOverride", serde_json::json!({ "locale": "de-DE" })).await?;

    // A shared plan with two goals.
    action::share_a_plan(&mentee, &mentor, &server, "Our plan", &["Publish a paper", "Teach a course"]).await?;

    // The mentee removes a goal: asked first, then gone on both sides.
    find::css(&mentee, "button[aria-label='Remove Publish a paper']").await?.click().await?;
    find::css(&mentee, "[data-testid='confirm-remove']").await?.click().await?;
    lacks_goal(&mentee, "Publish a paper").await?;
    lacks_goal(&mentor, "Publish a paper").await?;
    find::text_within(&mentor, "the goal under recently removed", &["Publish a paper (removed", "by Sam Rivera"], SYNC).await?;
    // The partner is told, in one sentence, what happened and where it went.
    let news = find::css(&mentor, "[data-testid='removal-news']").await?.text().await?;
    anyhow::ensure!(news.starts_with("Sam Rivera removed \u{201c}Publish a paper\u{201d}. It is under Recently removed"), "the mentor reads {news:?}");
    let own = mentee.eval("return document.querySelector(\"[data-testid='removal-news']\").innerText === '';").await?;
    anyhow::ensure!(own.as_bool() == Some(true), "the one who removed it is offered Undo, not told the news");
    check::accessible(&mentor, "a goal plan with a removed goal").await?;
    check::accessible(&mentee, "a goal plan offering Undo").await?;
    // Undo brings it back for both.
    find::css(&mentee, "[data-testid='undo-remove']").await?.click().await?;
    action::shows_goal(&mentee, "Publish a paper").await?;
    action::shows_goal(&mentor, "Publish a paper").await?;
    action::shows_goal(&mentor, "Teach a course").await?;

    // A milestone past its day shows as overdue; it is renamed and re-dated
    // where it stands, deleted, and brought back by Undo.
    let goal = action::goal_card("Teach a course");
    mentee.eval(&format!("{goal}.querySelector(\"[data-testid='add-milestone']\").click(); return true;")).await?;
    find::css(&mentee, ".milestone-form").await?;
    let field = |which: &str| format!("return {goal}.querySelector(\"input[id$='-{which}']\").id;");
    let milestone_field = mentee.eval(&field("milestone")).await?.as_str().unwrap_or_default().to_owned();
    let due_field = mentee.eval(&field("due")).await?.as_str().unwrap_or_default().to_owned();
    find::css(&mentee, &format!("#{milestone_field}")).await?.send_keys("Draft the syllabus").await?;
    action::set_value(&mentee, &format!("#{due_field}"), "2020-01-15").await?;
    find::css(&mentee, &format!("#{milestone_field}")).await?.send_keys("\u{E007}").await?;
    find::css(&mentee, "[data-testid='overdue']").await?;
    find::css(&mentee, "button[aria-label='Edit Draft the syllabus']").await?.click().await?;
    let title = find::css(&mentee, "input[id^='milestone-'][id$='-title']").await?;
    title.clear().await?;
    title.send_keys("Plan the syllabus").await?;
    action::set_value(&mentee, "input[id^='milestone-'][id$='-due']", "2099-06-30").await?;
    // The status is chosen here too: one control for it, not two.
    action::set_value(&mentee, "select[id^='milestone-'][id$='-status']", "in-progress").await?;
    find::css(&mentee, "[data-testid='save-milestone']").await?.click().await?;
    find::text_within(&mentor, "the renamed, re-dated milestone in progress", &["Plan the syllabus (due", "in progress"], SYNC).await?;
    // Each reads the day in their own language.
    find::text_within(&mentor, "the day in the mentor's German", &["Plan the syllabus (due Di., 30. Juni 2099)"], SYNC).await?;
    let day = action::day_words(&mentee, confidant_shared::calendar_day::parse_day("2099-06-30").expect("a day")).await?;
    anyhow::ensure!(!day.contains("Juni"), "the mentee's browser is not German: {day}");
    find::text_within(&mentee, "the day in the mentee's language", &[&format!("Plan the syllabus (due {day})")], SYNC).await?;
    let overdue = mentee.eval("return document.querySelector(\"[data-testid='overdue']\") === null;").await?;
    anyhow::ensure!(overdue.as_bool() == Some(true), "a milestone due in the future is not overdue");
    find::css(&mentee, "button[aria-label='Edit Plan the syllabus']").await?.click().await?;
    find::css(&mentee, "[data-testid='delete-milestone']").await?.click().await?;
    find::until_within(&mentor, "the milestone to go", "!document.querySelector('main').innerText.includes('Plan the syllabus')", SYNC).await?;
    find::css(&mentee, "[data-testid='undo-milestone']").await?.click().await?;
    find::text_within(&mentor, "the milestone back", &["Plan the syllabus (due"], SYNC).await?;

    // The mentor deletes the shared plan from her device: gone from her
    // list; Undo brings it back, syncing again.
    mentor.client.goto(&server.url("/goals")).await?;
    find::by_text(&mentor, "a", "Our plan").await?.click().await?;
    find::heading(&mentor, "Our plan").await?;
    find::css(&mentor, "[data-testid='delete-goal_plan']").await?.click().await?;
    find::css(&mentor, "[data-testid='confirm-delete-goal_plan']").await?.click().await?;
    find::heading(&mentor, "Goal plans").await?;
    find::css(&mentor, "[data-testid='goal_plan-deleted']").await?;
    find::until(&mentor, "the plan out of her list", "![...document.querySelectorAll('main a')].some(a => a.innerText === 'Our plan')").await?;
    find::css(&mentor, "[data-testid='undo-delete-goal_plan']").await?.click().await?;
    find::until_within(&mentor, "the plan back in her list", "[...document.querySelectorAll('main a')].some(a => a.innerText === 'Our plan')", SYNC).await?;
    find::by_text(&mentor, "a", "Our plan").await?.click().await?;
    action::add_goal(&mentee, "After the undo").await?;
    action::shows_goal(&mentor, "After the undo").await?;

    // A private journal entry.
    mentee.client.goto(&server.url("/journal")).await?;
    find::css(&mentee, "#new-entry-title").await?.send_keys("Private thoughts").await?;
    find::by_text(&mentee, "button", "Write entry").await?.click().await?;
    find::heading(&mentee, "Private thoughts").await?;
    find::css(&mentee, "#entry-body").await?.send_keys("Only mine.").await?;
    let entry_url = mentee.client.current_url().await?;
    let entry_id = entry_url.path().rsplit('/').next().unwrap_or_default().to_owned();
    find::until(&mentee, "the entry saved", "!Object.keys(localStorage).some(k => k.startsWith('confidant-unsaved:'))").await?;
    anyhow::ensure!(stored(&mentee, &entry_id).await? > 0, "the entry is in IndexedDB before it is deleted");

    // Deleted, then undone: back in the list.
    find::css(&mentee, "[data-testid='delete-journal']").await?.click().await?;
    find::css(&mentee, "[data-testid='confirm-delete-journal']").await?.click().await?;
    find::heading(&mentee, "Journal").await?;
    find::css(&mentee, "[data-testid='journal-deleted']").await?;
    check::accessible(&mentee, "the journal offering Undo").await?;
    find::until(&mentee, "the entry out of the list", "!document.querySelector('main').innerText.includes('Private thoughts')").await?;
    find::css(&mentee, "[data-testid='undo-delete-journal']").await?.click().await?;
    find::text_within(&mentee, "the entry back in the list", &["Private thoughts"], SYNC).await?;

    // Deleted again and left: gone from the device once Undo is no longer offered.
    mentee.client.goto(entry_url.as_str()).await?;
    find::heading(&mentee, "Private thoughts").await?;
    find::css(&mentee, "[data-testid='delete-journal']").await?.click().await?;
    find::css(&mentee, "[data-testid='confirm-delete-journal']").await?.click().await?;
    find::heading(&mentee, "Journal").await?;
    find::until_within(&mentee, "the Undo offer to end", "!document.querySelector(\"[data-testid='journal-deleted']\")", SYNC).await?;
    let deadline = tokio::time::Instant::now() + SYNC;
    loop {
        let left = stored(&mentee, &entry_id).await?;
        if left == 0 {
            break;
        }
        anyhow::ensure!(tokio::time::Instant::now() < deadline, "{left} records of the deleted entry are still in IndexedDB");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // And it stays gone after a reload (nothing replays it).
    mentee.client.refresh().await?;
    find::heading(&mentee, "Journal").await?;
    find::css(&mentee, "[data-testid='empty-state']").await?;
    anyhow::ensure!(stored(&mentee, &entry_id).await? == 0, "the entry came back after a reload");
    Ok(())
}
