//! Every page, at phone width, filled with real content: an axe-core audit
//! finds no serious or critical violations and nothing scrolls sideways; the
//! main actions (profile, goal plan, goals and milestones, reordering,
//! partnership, journal entry) are done from the keyboard alone.
//! See: issue 5.

use confidant_e2e::{action, check, find, Browser, ChromeDriver, TestServer, Viewport};
use fantoccini::key::Key;

/// Put the keyboard focus on `css`, as Tab would, and type `text` there.
async fn type_into(browser: &Browser, css: &str, text: &str) -> anyhow::Result<()> {
    find::css(browser, css).await?;
    browser.eval(&format!("document.querySelector({css:?}).focus(); return true;")).await?;
    browser.client.active_element().await?.send_keys(text).await?;
    Ok(())
}

async fn audit(browser: &Browser, page: &str) -> anyhow::Result<()> {
    check::accessible(browser, page).await?;
    check::no_horizontal_scroll(browser).await
}

#[tokio::test]
async fn every_page_passes_an_accessibility_audit_and_works_from_the_keyboard() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let browser = Browser::open(&driver, Viewport::PHONE).await?;

    // Empty pages first, as a new user sees them.
    for path in ["/", "/journal", "/goals", "/partnerships", "/workshop", "/program", "/resources", "/settings", "/join", "/nowhere"] {
        browser.client.goto(&server.url(path)).await?;
        find::css(&browser, "h1").await?;
        find::until(&browser, "the page to finish loading", "!document.querySelector('.loading')").await?;
        audit(&browser, &format!("{path} (empty)")).await?;
    }

    // Keyboard only: the profile ...
    browser.client.goto(&server.url("/settings")).await?;
    type_into(&browser, "#profile-new-name", "Sam Rivera").await?;
    action::press(&browser, Key::Enter).await?;
    find::css(&browser, "#profile-name").await?;
    audit(&browser, "/settings (profile)").await?;

    // ... a goal plan with two goals, reordered with Alt+Arrow ...
    browser.client.goto(&server.url("/goals")).await?;
    type_into(&browser, "#new-plan-title", "Year two").await?;
    action::press(&browser, Key::Enter).await?;
    find::heading(&browser, "Year two").await?;
    let plan_url = browser.client.current_url().await?;
    for goal in ["Publish a paper", "Find a lab"] {
        type_into(&browser, "#new-goal", goal).await?;
        action::press(&browser, Key::Enter).await?;
        find::until(&browser, goal, &action::has_goal(goal)).await?;
    }
    type_into(&browser, "[data-testid='goal-title']", "").await?;
    browser.client.active_element().await?.send_keys(&format!("{}{}", char::from(Key::Alt), char::from(Key::Down))).await?;
    find::until(&browser, "the goals reordered", &format!("{}[0] === 'Find a lab'", action::GOAL_TITLES)).await?;
    // A goal reads as text and is renamed where it stands: Enter opens it,
    // Escape leaves it as it was, Enter saves, and focus comes back to it.
    type_into(&browser, "[data-testid='goal-title']", "").await?;
    action::press(&browser, Key::Enter).await?;
    find::until(&browser, "the goal's field, focused", "document.activeElement.id.endsWith('-title') && document.activeElement.value === 'Find a lab'").await?;
    browser.client.active_element().await?.send_keys(" in Lyon").await?;
    action::press(&browser, Key::Escape).await?;
    find::until(&browser, "the rename cancelled, focus on the goal", &format!("{}[0] === 'Find a lab' && document.activeElement.dataset.testid === 'goal-title'", action::GOAL_TITLES)).await?;
    action::press(&browser, Key::Enter).await?;
    find::until(&browser, "the goal's field again", "document.activeElement.id.endsWith('-title')").await?;
    browser.client.active_element().await?.send_keys(&format!("{} in Lyon", char::from(Key::End))).await?;
    action::press(&browser, Key::Enter).await?;
    find::until(&browser, "the goal renamed, focus on it", &format!("{}[0] === 'Find a lab in Lyon' && document.activeElement.dataset.testid === 'goal-title'", action::GOAL_TITLES)).await?;
    let fields = browser.eval("return document.querySelectorAll(\"[data-testid='goal'] input[id$='-title']\").length;").await?;
    anyhow::ensure!(fields.as_u64() == Some(0), "the goals read as text when nobody is renaming them");
    // ... a milestone, ticked with the space bar: the chart appears.
    // The milestone form opens from its button and takes the focus.
    type_into(&browser, "[data-testid='add-milestone']", "").await?;
    action::press(&browser, Key::Enter).await?;
    find::until(&browser, "the milestone field, focused", "document.activeElement.id.endsWith('-milestone')").await?;
    browser.client.active_element().await?.send_keys("Visit three labs").await?;
    action::press(&browser, Key::Enter).await?;
    find::css(&browser, "[data-testid='milestone'] input[type='checkbox']").await?;
    browser.eval("document.querySelector(\"[data-testid='milestone'] input[type='checkbox']\").focus(); return true;").await?;
    action::press(&browser, Key::Space).await?;
    find::css(&browser, "[data-testid='progress-chart']").await?;
    type_into(&browser, "#comment-text", "Are three labs enough?").await?;
    find::by_text(&browser, "button", "Add comment").await?;
    browser.eval("document.querySelector('#comment-text').closest('form').querySelector('button').focus(); return true;").await?;
    action::press(&browser, Key::Enter).await?;
    find::css(&browser, "[data-testid='comment']").await?;
    type_into(&browser, "#new-question", "Are my goals realistic?").await?;
    action::press(&browser, Key::Enter).await?;
    find::css(&browser, "[data-testid='open-question']").await?;
    audit(&browser, "a goal plan").await?;

    // ... a partnership, started from the keyboard.
    browser.client.goto(&server.url("/partnerships")).await?;
    type_into(&browser, "#start-partner", "Ana Lima").await?;
    action::press(&browser, Key::Enter).await?;
    find::heading(&browser, "Ana Lima and Sam Rivera").await?;
    type_into(&browser, "#meeting-agenda", "Introductions").await?;
    action::press(&browser, Key::Enter).await?;
    find::css(&browser, "[data-testid='meeting']").await?;
    type_into(&browser, "[data-testid='meeting'] .inline-form input", "Send my CV").await?;
    action::press(&browser, Key::Enter).await?;
    find::css(&browser, "[data-testid='action-item']").await?;
    // The terms open for changing from the keyboard, and Escape closes them.
    type_into(&browser, "[data-testid='change-agreement']", "").await?;
    action::press(&browser, Key::Enter).await?;
    find::css(&browser, "#p-duration").await?;
    audit(&browser, "a partnership").await?;
    find::until(&browser, "the focus on the first field", "document.activeElement?.id === 'p-start'").await?;
    type_into(&browser, "#p-every", "").await?;
    action::press(&browser, Key::Escape).await?;
    find::until(&browser, "the focus back on the button", "document.activeElement?.dataset.testid === 'change-agreement'").await?;
    // Hand-over: a note, then the partnership with the next mentor carries it.
    type_into(&browser, "#handover-text", "Sam wants someone in industry.").await?;
    browser.eval("document.querySelector('#handover-text').closest('form').querySelector('button').focus(); return true;").await?;
    action::press(&browser, Key::Enter).await?;
    find::css(&browser, "[data-testid='start-next']").await?;
    browser.eval("document.querySelector(\"[data-testid='start-next']\").focus(); return true;").await?;
    action::press(&browser, Key::Enter).await?;
    find::heading(&browser, "a mentor and Sam Rivera").await?;
    let note = find::css(&browser, "[data-testid='inherited-note']").await?.text().await?;
    assert_eq!(note, "Note from the previous mentor: Sam wants someone in industry.");
    audit(&browser, "a partnership after hand-over").await?;

    // ... and a journal entry.
    browser.client.goto(&server.url("/journal")).await?;
    type_into(&browser, "#new-entry-title", "First thoughts").await?;
    action::press(&browser, Key::Enter).await?;
    find::heading(&browser, "First thoughts").await?;
    type_into(&browser, "#entry-body", "Nervous but hopeful.").await?;
    audit(&browser, "a journal entry").await?;

    // The section pages with content in them.
    for path in ["/", "/journal", "/goals", "/partnerships", "/resources"] {
        browser.client.goto(&server.url(path)).await?;
        find::css(&browser, "h1").await?;
        find::until(&browser, "the page to finish loading", "!document.querySelector('.loading')").await?;
        audit(&browser, path).await?;
    }
    browser.client.goto(plan_url.as_str()).await?;
    find::heading(&browser, "Year two").await?;
    check::no_console_errors(&browser).await?;

    // The audit itself catches what it should: an unlabelled field fails it.
    browser.eval("const i = document.createElement('input'); i.type = 'text'; document.querySelector('main').append(i); return true;").await?;
    let caught = check::accessible(&browser, "a page with an unlabelled field").await;
    assert!(caught.as_ref().is_err_and(|e| e.to_string().contains("label")), "{caught:?}");
    browser.close().await
}
