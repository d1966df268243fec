//! A reading group with three members, three browsers (one a phone): the
//! facilitator starts it from the Partnerships page and plans four weekly
//! meetings (a length of 5 minutes is refused first, with why, and nothing
//! typed is lost); two members join from the invite link; a member adds a
//! reading (a `javascript:` link is refused); the group logs today's
//! meeting (who came, ticked on two devices, and shared notes seen by all);
//! everyone's Home reminds them of the meeting; a member exports the
//! calendar, which holds the four meetings with time, place and reading
//! but not the notes; private notes go to a member's own journal; the relay
//! stores no word of the notes; the page passes axe at 375 px; the group
//! shares its attendance with a program, whose coordinator sees the counts
//! and no name or note. See: issue 15.

use std::time::Duration;

use confidant_e2e::{action, check, find, Browser, ChromeDriver, TestServer, Viewport};
use confidant_shared::calendar_day::{parse_day, NaiveDate};
use icalendar::{Calendar, CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventLike};

/// Changes cross the relay between browsers.
const SYNC: Duration = Duration::from_secs(45);
const GROUP: &str = "Later-stage reading group";
const NOTES: &str = "Chapter one: write every weekday, even for fifteen minutes";

/// A Tuesday.
fn today() -> NaiveDate {
    parse_day("2027-03-09").expect("a day")
}

const CARD: &str = "[data-testid='group-meeting']";

/// Tick `name` as there at today's meeting (the first card).
async fn tick(browser: &Browser, name: &str) -> anyhow::Result<()> {
    let label = format!("[...document.querySelector(\"{CARD}\")?.querySelectorAll('label.choice') ?? []].find(l => l.textContent.includes({name:?}))");
    find::until_within(browser, &format!("{name} in who came"), &format!("!!{label}"), SYNC).await?;
    browser.eval(&format!("{label}.querySelector('input').click(); return true;")).await?;
    Ok(())
}

/// Press a button as soon as it is there, found and clicked in one step
/// (a page that redraws meanwhile cannot leave a stale element behind).
async fn press(browser: &Browser, css: &str) -> anyhow::Result<()> {
    let script = format!("(() => {{ const b = document.querySelector({css:?}); if (!b || b.disabled) return false; b.click(); return true; }})()");
    find::until_within(browser, &format!("{css} pressed"), &script, SYNC).await
}

async fn counts_say(browser: &Browser, who: &str, text: &str) -> anyhow::Result<()> {
    let script = format!("document.querySelector(\"[data-testid='group-counts']\")?.innerText === {text:?}");
    find::until_within(browser, &format!("{text:?} on {who}'s page"), &script, SYNC).await
}

async fn home_says(browser: &Browser, server: &TestServer, who: &str, text: &str) -> anyhow::Result<()> {
    browser.client.goto(&server.url("/")).await?;
    find::heading(browser, "Home").await?;
    let script = format!("[...document.querySelectorAll(\"[data-testid='attention']\")].some(e => e.innerText.trim() === {text:?})");
    find::until_within(browser, &format!("{who}'s Home reminding of the meeting"), &script, SYNC).await
}

#[tokio::test]
async fn a_reading_group_of_three_logs_a_meeting_and_exports_its_calendar() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let dana = Browser::open(&driver, Viewport::DESKTOP).await?;
    let li = Browser::open(&driver, Viewport::PHONE).await?;
    let omar = Browser::open(&driver, Viewport::DESKTOP).await?;
    let downloads = tempfile::tempdir()?;
    omar.download_into(downloads.path()).await?;
    for browser in [&dana, &li, &omar] {
        action::fix_today(browser, &server, today()).await?;
    }

    // The facilitator starts the group.
    action::create_profile(&dana, &server, "Dana Okafor", "mentor").await?;
    dana.client.goto(&server.url("/partnerships")).await?;
    action::set_value(&dana, "#group-name", GROUP).await?;
    action::set_value(&dana, "#group-grouped-by", "third year and beyond").await?;
    press(&dana, "[data-testid='start-group']").await?;
    find::heading(&dana, GROUP).await?;
    let group_page = dana.client.current_url().await?.to_string();
    find::text_within(&dana, "who runs it", &["A reading group, grouped by third year and beyond, facilitated by Dana Okafor."], SYNC).await?;

    // Four weekly meetings from today at 17:30; a 5-minute meeting is refused first.
    action::set_value(&dana, "#group-plan-time", "17:30").await?;
    action::set_value(&dana, "#group-plan-place", "Room 204, Main Library").await?;
    action::set_value(&dana, "#group-plan-repeat", "weekly").await?;
    action::set_value(&dana, "#group-plan-count", "4").await?;
    action::set_value(&dana, "#group-plan-minutes", "5").await?;
    press(&dana, "[data-testid='group-plan']").await?;
    find::text_within(&dana, "why the length is refused", &["A meeting lasts from 15 minutes to 8 hours."], SYNC).await?;
    find::until(&dana, "the place kept", "document.querySelector('#group-plan-place').value === 'Room 204, Main Library'").await?;
    anyhow::ensure!(dana.eval(&format!("return document.querySelectorAll(\"{CARD}\").length")).await?.as_u64() == Some(0), "a refused plan planned nothing");
    action::set_value(&dana, "#group-plan-minutes", "90").await?;
    press(&dana, "[data-testid='group-plan']").await?;
    find::until(&dana, "four meetings", &format!("document.querySelectorAll(\"{CARD}\").length === 4")).await?;

    // Two members join, each from their own link: one on a phone, one on a laptop.
    press(&dana, "[data-testid='invite-someone']").await?;
    let link = action::invite_link(&dana).await?;
    action::accept_invite_as(&li, &link, "Li Wei").await?;
    find::until_within(&li, "the group on Li's phone", &format!("document.querySelector('h1')?.innerText === {GROUP:?}"), SYNC).await?;
    press(&dana, "[data-testid='another-invite']").await?;
    find::until(&dana, "a second link", &format!("document.querySelector(\"[data-testid='invite-link']\")?.value.includes('#') && document.querySelector(\"[data-testid='invite-link']\").value !== {link:?}")).await?;
    let link = action::invite_link(&dana).await?;
    action::accept_invite_as(&omar, &link, "Omar Haddad").await?;
    find::until_within(&omar, "the group on Omar's laptop", &format!("document.querySelector('h1')?.innerText === {GROUP:?}"), SYNC).await?;
    let three = "document.querySelectorAll(\"[data-testid='group-member']\").length === 3";
    for (who, browser) in [("Dana", &dana), ("Li", &li), ("Omar", &omar)] {
        find::until_within(browser, &format!("three members on {who}'s page"), three, SYNC).await?;
    }
    counts_say(&dana, "Dana", "3 members · no meeting held yet").await?;

    // A reading: a script link is refused, the title stays; a web link goes in.
    action::set_value(&li, "#group-reading-title", "How to Write a Lot").await?;
    action::set_value(&li, "#group-reading-by", "Paul Silvia").await?;
    action::set_value(&li, "#group-reading-link", "javascript:alert(1)").await?;
    press(&li, "[data-testid='group-add-reading']").await?;
    find::text_within(&li, "why the link is refused", &["A link must start with https:// or http://."], SYNC).await?;
    find::until(&li, "the title kept", "document.querySelector('#group-reading-title').value === 'How to Write a Lot'").await?;
    action::set_value(&li, "#group-reading-link", "https://example.org/silvia").await?;
    press(&li, "[data-testid='group-add-reading']").await?;
    let listed = "[...document.querySelectorAll(\"[data-testid='group-reading'] a\")].some(a => a.textContent === 'How to Write a Lot' && a.href === 'https://example.org/silvia')";
    find::until_within(&dana, "the reading on Dana's list", listed, SYNC).await?;

    // Today's meeting: its reading, who came (ticked on two devices), shared notes.
    find::until_within(&dana, "the reading offered for today's meeting", &format!("[...document.querySelectorAll(\"{CARD} select option\")].some(o => o.textContent === 'How to Write a Lot')"), SYNC).await?;
    dana.eval(&format!(
        "const s = document.querySelector(\"{CARD} select\"); s.value = [...s.options].find(o => o.textContent === 'How to Write a Lot').value; \
         s.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;"
    ))
    .await?;
    tick(&dana, "Dana Okafor").await?;
    tick(&dana, "Li Wei").await?;
    tick(&omar, "Omar Haddad").await?;
    find::css(&li, &format!("{CARD} [data-testid='group-notes']")).await?.send_keys(NOTES).await?;
    for (who, browser) in [("Dana", &dana), ("Li", &li), ("Omar", &omar)] {
        counts_say(browser, who, "3 members · 1 meeting held, 3.0 came on average").await?;
    }
    find::until_within(&omar, "Li's notes on Omar's laptop", &format!("document.querySelector(\"{CARD} [data-testid='group-notes']\").value === {NOTES:?}"), SYNC).await?;
    find::until_within(&omar, "the reading chosen on Omar's laptop", &format!("document.querySelector(\"{CARD} select\").selectedOptions[0]?.textContent === 'How to Write a Lot'"), SYNC).await?;

    // The page at 375 px, after the changes arrived.
    check::accessible(&li, "the reading group on a phone").await?;
    check::no_horizontal_scroll(&li).await?;

    // The calendar: four meetings from today, with time, place and reading, no notes.
    press(&omar, "[data-testid='group-calendar']").await?;
    let ics = check::downloaded(downloads.path(), "later-stage-reading-group.ics").await?;
    anyhow::ensure!(!ics.contains("weekday"), "the shared notes stay out of the calendar: {ics}");
    let calendar: Calendar = ics.parse().map_err(|e| anyhow::anyhow!("the .ics does not parse: {e}"))?;
    let mut events: Vec<_> = calendar.components.into_iter().filter_map(|c| if let CalendarComponent::Event(e) = c { Some(e) } else { None }).collect();
    events.sort_by_key(|e| format!("{:?}", e.get_start()));
    anyhow::ensure!(events.len() == 4, "four meetings: {ics}");
    let starts: Vec<_> = events.iter().map(|e| e.get_start()).collect();
    let expected: Vec<_> = [9, 16, 23, 30]
        .into_iter()
        .map(|d| Some(DatePerhapsTime::DateTime(CalendarDateTime::Floating(NaiveDate::from_ymd_opt(2027, 3, d).unwrap().and_hms_opt(17, 30, 0).unwrap()))))
        .collect();
    anyhow::ensure!(starts == expected, "weekly at 17:30: {starts:?}");
    anyhow::ensure!(events.iter().all(|e| e.get_summary() == Some(GROUP) && e.get_location() == Some("Room 204, Main Library")), "{ics}");
    anyhow::ensure!(events[0].get_description() == Some("Reading: How to Write a Lot by Paul Silvia"), "today's reading: {ics}");

    // Home reminds each member of today's meeting.
    let reminder = format!("{GROUP} meets today at 17:30, Room 204, Main Library.");
    home_says(&dana, &server, "Dana", &reminder).await?;
    home_says(&li, &server, "Li", &reminder).await?;

    // Private notes go to Li's own journal, not the group.
    li.client.back().await?;
    press(&li, "[data-testid='group-private-notes']").await?;
    find::until_within(&li, "Li's private notes entry", &format!("document.querySelector('h1')?.innerText.startsWith({:?})", format!("{GROUP}, ")), SYNC).await?;

    // The group shares its attendance with its program: the coordinator
    // sees the counts, and nothing of the notes.
    let coordinator = Browser::open(&driver, Viewport::DESKTOP).await?;
    action::fix_today(&coordinator, &server, today()).await?;
    coordinator.client.goto(&server.url("/program")).await?;
    find::css(&coordinator, "[data-testid='empty-state']").await?;
    action::set_value(&coordinator, "#program-template", "PeerConnections").await?;
    // A browser opened a moment ago may still be starting its device: the
    // page says so, and pressing again starts the program.
    for _ in 0..20 {
        press(&coordinator, "[data-testid='start-program']").await?;
        let started_or_told = "document.querySelector('h1')?.innerText === 'Peer Connections' || document.body.innerText.includes('still starting')";
        find::until_within(&coordinator, "the program started, or why not yet", started_or_told, SYNC).await?;
        if coordinator.eval("return document.querySelector('h1')?.innerText === 'Peer Connections'").await?.as_bool() == Some(true) {
            break;
        }
    }
    find::heading(&coordinator, "Peer Connections").await?;
    find::css(&coordinator, "[data-testid='no-group-reports']").await?;
    find::until(&coordinator, "the program's link", "document.querySelector(\"[data-testid='program-link']\")?.value.includes('#')").await?;
    let program_link = find::css(&coordinator, "[data-testid='program-link']").await?.prop("value").await?.unwrap_or_default();
    action::accept_invite(&dana, &program_link).await?;
    find::until_within(&dana, "the program's page on Dana's laptop", "document.querySelector('h1')?.innerText === 'Peer Connections'", SYNC).await?;
    dana.client.goto(&group_page).await?;
    press(&dana, "[data-testid='group-share-counts']").await?;
    find::text_within(&dana, "what the group shares", &["The group shares its attendance with Peer Connections"], SYNC).await?;
    let report = "[...document.querySelectorAll(\"[data-testid='group-report']\")].some(e => e.innerText.includes('Later-stage reading group') && e.innerText.includes('3 members · 1 meeting held, 3.0 came on average'))";
    find::until_within(&coordinator, "the group's counts on the coordinator's desk", report, SYNC).await?;
    let desk = coordinator.eval("return document.body.innerText;").await?;
    anyhow::ensure!(!desk.as_str().unwrap_or_default().contains("weekday") && !desk.as_str().unwrap_or_default().contains("Li Wei"), "the desk shows counts only");

    // The relay holds the notes sealed only.
    check::never_stored(&server.data_dir(), "fifteen minutes")?;
    Ok(())
}
