//! A mentee and a mentor, two browsers (separate profiles): the mentee fills
//! the profile, writes a goal plan and invites a mentor to a partnership; the
//! mentor accepts; both edit the plan; a meeting is logged with an action
//! item turned milestone; Home on each side shows the next meeting due by the
//! cadence; the `.ics` download parses as iCalendar with the expected events;
//! the journal exports as Markdown containing the entry. See: issue 5.

use std::time::Duration;

use confidant_e2e::{action, check, find, Browser, ChromeDriver, TestServer, Viewport};
use confidant_shared::calendar_day::{add_days, day_text, parse_day, NaiveDate};
use confidant_shared::partnership::MeetingCadence;
use icalendar::{Calendar, CalendarComponent, Component, DatePerhapsTime};

/// Changes cross the relay between two browsers.
const SYNC: Duration = Duration::from_secs(45);

async fn wait_for_text(browser: &Browser, what: &str, needle: &str) -> anyhow::Result<()> {
    find::text_within(browser, what, &[needle], SYNC).await
}

/// The scenario's today, fixed in both browsers (the app's clock seam).
fn scenario_today() -> NaiveDate {
    parse_day("2027-03-10").expect("a day")
}

async fn attention(browser: &Browser) -> anyhow::Result<Vec<String>> {
    let value = browser.eval("return [...document.querySelectorAll(\"[data-testid='attention']\")].map(e => e.innerText.trim());").await?;
    Ok(serde_json::from_value(value)?)
}

async fn home_says(browser: &Browser, server: &TestServer, text: &str) -> anyhow::Result<()> {
    browser.client.goto(&server.url("/")).await?;
    find::heading(browser, "Home").await?;
    let script = format!("[...document.querySelectorAll(\"[data-testid='attention']\")].some(e => e.innerText.trim() === {text:?})");
    if find::until_within(browser, text, &script, SYNC).await.is_err() {
        anyhow::bail!("Home does not say {text:?}; it says {:?}", attention(browser).await?);
    }
    Ok(())
}

#[tokio::test]
async fn a_mentee_and_a_mentor_plan_meet_and_export() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let mentee = Browser::open(&driver, Viewport::DESKTOP).await?;
    let mentor = Browser::open(&driver, Viewport::DESKTOP).await?;
    let downloads = tempfile::tempdir()?;
    mentee.download_into(downloads.path()).await?;
    action::fix_today(&mentee, &server, scenario_today()).await?;
    action::fix_today(&mentor, &server, scenario_today()).await?;

    // The mentee fills the profile and writes a goal plan.
    action::create_profile(&mentee, &server, "Sam Rivera", "mentee").await?;
    find::css(&mentee, "#profile-department").await?.send_keys("Biology").await?;
    find::css(&mentee, "#profile-boundaries").await?.send_keys("No calls after 21:00").await?;
    // Reloading at once loses nothing typed.
    mentee.client.refresh().await?;
    find::until(&mentee, "the boundaries after reload", "document.querySelector('#profile-boundaries')?.value === 'No calls after 21:00'").await?;
    find::until(&mentee, "the department after reload", "document.querySelector('#profile-department')?.value === 'Biology'").await?;
    mentee.client.goto(&server.url("/goals")).await?;
    find::css(&mentee, "#new-plan-title").await?.send_keys("Year two").await?;
    find::by_text(&mentee, "button", "Create goal plan").await?.click().await?;
    find::heading(&mentee, "Year two").await?;
    let plan_url = mentee.client.current_url().await?;
    let plan_id = plan_url.path().rsplit('/').next().unwrap_or_default().to_owned();
    find::css(&mentee, "#new-goal").await?.send_keys("Publish a paper").await?;
    find::by_text(&mentee, "button", "Add goal").await?.click().await?;
    wait_for_text(&mentee, "the first goal", "Publish a paper").await?;

    // ... and invites a mentor to a partnership on that plan.
    mentee.client.goto(&server.url("/partnerships")).await?;
    find::css(&mentee, "[data-testid='empty-state']").await?;
    find::css(&mentee, "#start-partner").await?.send_keys("Ana").await?;
    find::until(&mentee, "the plan in the list", &format!("document.querySelector(\"#start-plan option[value='{plan_id}']\")")).await?;
    action::set_value(&mentee, "#start-plan", &plan_id).await?;
    find::by_text(&mentee, "button", "Start and invite my partner").await?.click().await?;
    find::heading(&mentee, "Ana and Sam Rivera").await?;
    let partnership_url = mentee.client.current_url().await?;
    let partnership_id = partnership_url.path().rsplit('/').next().unwrap_or_default().to_owned();
    let link = action::invite_link(&mentee).await?;

    // The mentor, with a profile of their own, accepts: they join as the mentor.
    action::create_profile(&mentor, &server, "Ana Lima", "mentor").await?;
    action::accept_invite(&mentor, &link).await?;
    find::until_within(&mentor, "the partnership to arrive", "document.querySelector('h1').innerText === 'Ana Lima and Sam Rivera'", SYNC).await?;
    let mentor_partnership = mentor.client.current_url().await?;
    // The mentee sees who joined.
    find::until_within(&mentee, "the mentor's name", "document.querySelector('h1').innerText === 'Ana Lima and Sam Rivera'", SYNC).await?;

    // Both edit the plan: the mentor opens it from the partnership.
    find::by_text(&mentor, "a", "Open the goal plan you work on together").await?.click().await?;
    wait_for_text(&mentor, "the mentee's goal on the mentor's side", "Publish a paper").await?;
    find::css(&mentor, "#new-goal").await?.send_keys("Find a co-author").await?;
    find::by_text(&mentor, "button", "Add goal").await?.click().await?;
    mentee.client.goto(plan_url.as_str()).await?;
    wait_for_text(&mentee, "the mentor's goal on the mentee's side", "Find a co-author").await?;

    // The mentor logs today's meeting with an action item and makes it a milestone.
    mentor.client.goto(mentor_partnership.as_str()).await?;
    find::heading(&mentor, "Ana Lima and Sam Rivera").await?;
    find::css(&mentor, "#meeting-agenda").await?.send_keys("Goals for spring").await?;
    find::by_text(&mentor, "button", "Add meeting").await?.click().await?;
    find::css(&mentor, "[data-testid='meeting'] .inline-form input").await?.send_keys("Draft the introduction").await?;
    find::by_text(&mentor, "button", "Add action item").await?.click().await?;
    // Asked which goal and by when, the mentor picks the co-author goal and a day.
    find::css(&mentor, "[data-testid='make-milestone']").await?.click().await?;
    find::css(&mentor, "[data-testid='milestone-choice']").await?;
    find::until(&mentor, "the plan's goals to choose from", "[...document.querySelectorAll(\"[data-testid='milestone-choice'] option\")].some(o => o.text === 'Find a co-author')").await?;
    let goal = mentor
        .eval("return [...document.querySelectorAll(\"[data-testid='milestone-choice'] option\")].find(o => o.text === 'Find a co-author').value;")
        .await?;
    let goal = goal.as_str().unwrap_or_default().to_owned();
    action::set_value(&mentor, "[data-testid='milestone-choice'] select", &goal).await?;
    let milestone_due = add_days(scenario_today(), 10);
    action::set_value(&mentor, "[data-testid='milestone-choice'] input[type='date']", &day_text(milestone_due)).await?;
    find::css(&mentor, "[data-testid='confirm-milestone']").await?.click().await?;
    wait_for_text(&mentor, "the item turned milestone", "now a goal plan milestone").await?;
    wait_for_text(&mentee, "the milestone on the mentee's plan", "Draft the introduction").await?;
    // Days read as the browser's language writes them.
    let milestone_day = action::day_words(&mentee, milestone_due).await?;
    let placed = format!(
        "[...(({})?.querySelectorAll(\"[data-testid='milestone']\") ?? [])].some(m => m.innerText.includes('Draft the introduction (due {milestone_day})'))",
        action::goal_card("Find a co-author")
    );
    find::until_within(&mentee, "the milestone under the chosen goal, with its day", &placed, SYNC).await?;

    // Home on each side: the next meeting is due by the cadence (met today,
    // twice in the first month: about two weeks on).
    let today = scenario_today();
    let due = MeetingCadence::default().next_due(today, &[today]);
    let due_day = action::day_words(&mentee, due).await?;
    home_says(&mentee, &server, &format!("Next meeting with Ana Lima is due by {due_day}.")).await?;
    home_says(&mentor, &server, &format!("Next meeting with Sam Rivera is due by {due_day}.")).await?;
    // The milestone, ten days off, is "coming up" on both Homes, named as the mentee's plan.
    let milestone = |whose: &str| {
        format!("Milestone \u{201c}Draft the introduction\u{201d} (Find a co-author, {whose} \u{201c}Year two\u{201d}) is due by {milestone_day}.")
    };
    home_says(&mentor, &server, &milestone("in Sam Rivera's plan")).await?;
    home_says(&mentee, &server, &milestone("in your plan")).await?;
    let grouped = mentee
        .eval(&format!("return document.querySelector(\"[data-testid='home-group-coming-up']\")?.innerText.includes({:?}) === true;", milestone("in your plan")))
        .await?;
    assert_eq!(grouped.as_bool(), Some(true), "under Coming up");

    // Both see what was agreed: the mentor changes the duration, the mentee sees it.
    mentor.client.goto(mentor_partnership.as_str()).await?;
    // The terms read as sentences; the fields open on request.
    find::css(&mentor, "[data-testid='change-agreement']").await?.click().await?;
    action::set_value(&mentor, "#p-duration", "s3r").await?;
    find::css(&mentor, "[data-testid='agreement-done']").await?.click().await?;
    wait_for_text(&mentor, "the new duration", "Duration: 3 semesters, renewable").await?;

    // The mentee plans the next meeting; the calendar file has it and the cadence.
    mentee.client.goto(partnership_url.as_str()).await?;
    wait_for_text(&mentee, "the new duration on the mentee's side", "Duration: 3 semesters, renewable").await?;
    wait_for_text(&mentee, "the mentor's meeting", "Goals for spring").await?;
    wait_for_text(&mentee, "the duration the mentor set", "Duration: 3 semesters, renewable").await?;
    let planned = add_days(today, 10);
    action::set_value(&mentee, "#meeting-date", &day_text(planned)).await?;
    find::css(&mentee, "#meeting-agenda").await?.send_keys("CV review").await?;
    find::by_text(&mentee, "button", "Add meeting").await?.click().await?;
    find::until(&mentee, "two meetings", "document.querySelectorAll(\"[data-testid='meeting']\").length === 2").await?;
    find::css(&mentee, "[data-testid='download-calendar']").await?.click().await?;
    let ics = check::downloaded(downloads.path(), "confidant-meetings.ics").await?;
    let calendar: Calendar = ics.parse().map_err(|e| anyhow::anyhow!("not valid iCalendar: {e}\n{ics}"))?;
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 3, "today's meeting, the planned one and the next one due: {ics}");
    // All-day events end the next day, and nothing of the agenda leaves the app.
    for event in &events {
        let start = match event.get_start() {
            Some(DatePerhapsTime::Date(day)) => day,
            other => panic!("an all-day start, not {other:?}: {ics}"),
        };
        assert_eq!(event.get_end(), Some(DatePerhapsTime::Date(add_days(start, 1))), "{ics}");
    }
    assert!(!ics.contains("CV review") && !ics.contains("Goals for spring"), "no agenda in the calendar: {ics}");
    let meeting = events.iter().find(|e| e.get_start() == Some(DatePerhapsTime::Date(planned))).unwrap_or_else(|| panic!("the planned meeting in {ics}"));
    assert_eq!(meeting.get_summary(), Some("Mentoring meeting with Ana Lima"));
    // "At least once a month" names no day to repeat on: the next one due, no guessed series.
    let next_due = events.iter().find(|e| e.get_uid() == Some(&format!("cadence-{partnership_id}@confidant"))).expect("the cadence");
    assert_eq!(next_due.get_start(), Some(DatePerhapsTime::Date(add_days(planned, 30))));
    assert_eq!(next_due.property_value("RRULE"), None, "{ics}");
    let planned_day = action::day_words(&mentee, planned).await?;
    home_says(&mentee, &server, &format!("Next meeting with Ana Lima: planned for {planned_day}.")).await?;
    // Home's own download (whose code arrives with the mentoring pages':
    // Home itself opens no document) has the same meetings.
    std::fs::remove_file(downloads.path().join("confidant-meetings.ics"))?;
    find::css(&mentee, "[data-testid='download-calendar']").await?.click().await?;
    let from_home = check::downloaded(downloads.path(), "confidant-meetings.ics").await?;
    assert!(from_home.contains(&format!("cadence-{partnership_id}@confidant")) && !from_home.contains("CV review"), "{from_home}");
    find::text_within(&mentee, "the download said", &["Saved confidant-meetings.ics with the meetings of 1 partnership(s)."], confidant_e2e::WAIT).await?;

    // The journal: an entry, found by search, exported as Markdown.
    mentee.client.goto(&server.url("/journal")).await?;
    find::css(&mentee, "#new-entry-title").await?.send_keys("After meeting Ana").await?;
    find::by_text(&mentee, "button", "Write entry").await?.click().await?;
    find::heading(&mentee, "After meeting Ana").await?;
    find::css(&mentee, "#entry-body").await?.send_keys("We agreed on a spring deadline.").await?;
    find::by_text(&mentee, "a", "Back to your journal").await?.click().await?;
    find::css(&mentee, "#journal-search").await?.send_keys("spring deadline").await?;
    find::until(&mentee, "the entry found by its text", "document.querySelectorAll(\"[data-testid='journal-entry']\").length === 1").await?;
    find::css(&mentee, "#journal-search").await?.send_keys(" nowhere").await?;
    find::until(&mentee, "no match", "document.querySelectorAll(\"[data-testid='journal-entry']\").length === 0").await?;
    find::css(&mentee, "[data-testid='export-journal']").await?.click().await?;
    let markdown = check::downloaded(downloads.path(), "confidant-journal.md").await?;
    assert!(markdown.starts_with("# My Confidant journal"), "{markdown}");
    assert!(markdown.contains(&format!("## {} · After meeting Ana", day_text(today))), "{markdown}");
    assert!(markdown.contains("We agreed on a spring deadline."), "{markdown}");

    check::no_console_errors(&mentee).await?;
    mentee.close().await?;
    mentor.close().await
}
