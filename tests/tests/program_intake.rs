//! A program from the coordinator's side and the participants', four
//! browsers: the coordinator starts Peer Connections from its template and
//! shares the program page's link; a mentor (capacity two) and two mentees
//! open it on their phones. One mentee is in the mentor's own department,
//! which Peer Connections forbids. A form without the expectations read is
//! stopped with the reason before it is sent. The three forms arrive in the
//! coordinator's roster, sealed (the relay's files hold no word of them);
//! the draft pairs the mentor with the mentee from another department, says
//! why, and leaves the other one unplaced because of the department rule.
//! Published, the pair is introduced; the advisor starts the partnership
//! and the advisee accepts it; a meeting is logged, and the coordinator's
//! dashboard shows its count but not its agenda. Two weeks before the
//! term ends the continuation notice goes out and both answer; then the
//! advisee asks to end the match, the coordinator ends it early, both are
//! told, and a new volunteer takes the two waiting mentees (the old pair
//! is not offered again). The coordinator's tab is closed while the forms
//! arrive, and loses none. Every browser runs on 1 December 2026 (the
//! app's clock seam). See: issue 14.

use std::time::Duration;

use confidant_e2e::{action, check, find, Browser, ChromeDriver, TestServer, Viewport};

/// Letters and changes cross the relay between browsers.
const SYNC: Duration = Duration::from_secs(45);

/// Fall 2026 ends on 15 December: its continuation notice is due.
fn today() -> confidant_shared::calendar_day::NaiveDate {
    confidant_shared::calendar_day::parse_day("2026-12-01").expect("a day")
}

/// A phone that opens the program's link and sends its form.
/// Returns the phone and its address of the program's page.
async fn join(driver: &ChromeDriver, server: &TestServer, link: &str, person: &Person, note: &str, first: bool) -> anyhow::Result<(Browser, String)> {
    let phone = Browser::open(driver, Viewport::PHONE).await?;
    action::fix_today(&phone, server, today()).await?;
    action::accept_invite_as(&phone, link, person.name).await?;
    find::until_within(&phone, "the program's page", "document.querySelector('h1')?.innerText === 'Peer Connections'", SYNC).await?;
    find::css(&phone, "#intake-name").await?;
    find::text_within(&phone, "the coordinator's contact as edited", &["Questions? Contact Dean Rivera, 617-555-0100."], SYNC).await?;
    fill_form(&phone, person, note).await?;
    if first {
        // Sent without the expectations read: stopped here, with why.
        find::css(&phone, "[data-testid='send-intake']").await?.click().await?;
        find::text_within(&phone, "the reason", &["Please read the program's expectations"], SYNC).await?;
        check::accessible(&phone, "the intake form with a problem").await?;
        check::no_horizontal_scroll(&phone).await?;
    }
    find::css(&phone, "#intake-read").await?.click().await?;
    find::css(&phone, "[data-testid='send-intake']").await?.click().await?;
    find::css(&phone, "[data-testid='intake-sent']").await?;
    let page = phone.client.current_url().await?.to_string();
    Ok((phone, page))
}

struct Person {
    name: &'static str,
    department: &'static str,
    volunteer: bool,
}

async fn fill_form(phone: &Browser, person: &Person, note: &str) -> anyhow::Result<()> {
    if person.volunteer {
        find::css(phone, "#intake-volunteer").await?.click().await?;
        action::set_value(phone, "#intake-capacity", "2").await?;
        action::set_value(phone, "#intake-stage", "Senior").await?;
    }
    find::css(phone, "#intake-name").await?.send_keys(person.name).await?;
    find::css(phone, "#intake-contact").await?.send_keys(&format!("{}@example.edu", person.name.split(' ').next().unwrap_or("x").to_lowercase())).await?;
    find::css(phone, "#intake-department").await?.send_keys(person.department).await?;
    action::set_value(phone, "#intake-started", "2024-09-01").await?;
    find::css(phone, "#intake-topic-0").await?.click().await?;
    find::css(phone, "#intake-free-0").await?.click().await?;
    find::css(phone, "#intake-note").await?.send_keys(note).await?;
    Ok(())
}

#[tokio::test]
async fn intake_forms_reach_the_coordinator_and_the_draft_keeps_the_department_rule() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let coordinator = Browser::open(&driver, Viewport::DESKTOP).await?;
    action::fix_today(&coordinator, &server, today()).await?;

    coordinator.client.goto(&server.url("/program")).await?;
    find::css(&coordinator, "[data-testid='empty-state']").await?;
    action::set_value(&coordinator, "#program-template", "PeerConnections").await?;
    find::css(&coordinator, "[data-testid='start-program']").await?.click().await?;
    find::heading(&coordinator, "Peer Connections").await?;
    find::text_within(&coordinator, "the department rule", &["Matches cross home departments"], SYNC).await?;
    find::until(&coordinator, "the program's link", "document.querySelector(\"[data-testid='program-link']\")?.value.includes('#')").await?;
    let link = find::css(&coordinator, "[data-testid='program-link']").await?.prop("value").await?.unwrap_or_default();
    find::css(&coordinator, "[data-testid='roster-empty']").await?;
    // Everything is editable; the public page follows.
    find::by_text(&coordinator, "summary", "Edit the program").await?.click().await?;
    action::set_value(&coordinator, "#program-edit-contact", "Dean Rivera, 617-555-0100").await?;
    find::css(&coordinator, "[data-testid='save-program']").await?.click().await?;
    find::text_within(&coordinator, "the page updated", &["the program's page is updated for everyone who follows it"], SYNC).await?;
    check::accessible(&coordinator, "the coordinator's program").await?;

    // Nobody's note may reach the relay in plain text.
    const MARKER: &str = "heron-intake-5521";
    let people = [
        Person { name: "Mira Chen", department: "Chemistry", volunteer: true },
        Person { name: "Ana Lima", department: "Chemistry", volunteer: false },
        Person { name: "Oli Park", department: "Physics", volunteer: false },
    ];
    // The coordinator's tab is closed while the forms arrive.
    let program_url = coordinator.client.current_url().await?.to_string();
    coordinator.client.goto("about:blank").await?;
    let mut phones = Vec::new();
    let mut pages = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let (phone, page) = join(&driver, &server, &link, person, &format!("Mornings are best. {MARKER}"), i == 0).await?;
        phones.push(phone);
        pages.push(page);
    }
    coordinator.client.goto(&program_url).await?;
    find::heading(&coordinator, "Peer Connections").await?;

    // The roster fills from the inbox, and each sender hears that it did.
    find::until_within(&coordinator, "three on the roster", "document.querySelectorAll(\"[data-testid='roster-row']\").length === 3", SYNC).await?;
    for phone in &phones {
        find::text_within(phone, "the form received", &["The coordinator has your form."], SYNC).await?;
    }
    let roster = find::css(&coordinator, "[data-testid='roster']").await?.text().await?;
    for person in &people {
        assert!(roster.contains(person.name), "{roster}");
    }
    assert!(roster.contains("Peer advisor (2 places)"), "{roster}");

    find::css(&coordinator, "[data-testid='draft-matches']").await?.click().await?;
    let pairs = find::css(&coordinator, "[data-testid='draft']").await?;
    let pair = find::css(&coordinator, "[data-testid='draft-pair']").await?.text().await?;
    assert!(pair.starts_with("Mira Chen with Oli Park"), "{pair}");
    assert!(pair.contains("both chose Job responsibilities"), "the pair's reasons: {pair}");
    assert_eq!(coordinator.eval("return document.querySelectorAll(\"[data-testid='draft-pair']\").length").await?.as_u64(), Some(1));
    let unplaced = find::css(&coordinator, "[data-testid='unplaced']").await?.text().await?;
    assert!(unplaced.contains("Ana Lima: no mentor is allowed (they are in the same department)"), "{unplaced}");
    let effects = find::css(&coordinator, "[data-testid='rule-effects']").await?.text().await?;
    assert!(effects.contains("1 possible pair ruled out: they are in the same department."), "{effects}");
    drop(pairs);
    check::accessible(&coordinator, "the draft").await?;

    // Publish: each side of the pair is introduced to the other.
    find::css(&coordinator, "[data-testid='publish-matches']").await?.click().await?;
    find::text_within(&coordinator, "the matches published", &["1 match published; 2 introductions sent."], SYNC).await?;
    find::until(&coordinator, "one match", "document.querySelectorAll(\"[data-testid='match-row']\").length === 1").await?;
    let (mira, ana, oli) = (&phones[0], &phones[1], &phones[2]);
    find::text_within(oli, "Oli's introduction", &["You are matched with Mira Chen", "Mira Chen will be in touch"], SYNC).await?;
    find::text_within(mira, "Mira's introduction", &["You are matched with Oli Park", "oli@example.edu (Mornings are best."], SYNC).await?;
    // The advisor arranges the introductory meeting: she starts the partnership.
    find::css(mira, "[data-testid='start-match-partnership']").await?.click().await?;
    find::text_within(mira, "the partnership, part of the program", &["Part of Peer Connections"], SYNC).await?;
    find::until_within(oli, "the invitation from Mira", "!!document.querySelector(\"[data-testid='accept-match-partnership']\")", SYNC).await?;
    find::css(oli, "[data-testid='accept-match-partnership']").await?.click().await?;
    find::until(oli, "the accept button", "document.querySelector(\"[data-testid='accept-invite']\")?.disabled === false").await?;
    find::css(oli, "[data-testid='accept-invite']").await?.click().await?;
    find::text_within(oli, "the partnership on Oli's phone", &["Part of Peer Connections", "Mira Chen"], SYNC).await?;
    // Ana, unplaced, was introduced to nobody.
    let introduced = ana.eval("return document.querySelector(\"[data-testid='introduction']\") !== null").await?;
    assert_eq!(introduced.as_bool(), Some(false), "an unplaced mentee gets no introduction");

    // A meeting is logged: the coordinator sees its count, never its words.
    const AGENDA: &str = "otter-agenda-8813";
    find::css(mira, "#meeting-agenda").await?.send_keys(&format!("Finding the right lab contacts {AGENDA}")).await?;
    find::by_text(mira, "button", "Add meeting").await?.click().await?;
    find::until_within(&coordinator, "the meeting counted", "document.querySelector(\"[data-testid='match-meetings']\")?.innerText === '1'", SYNC).await?;
    let health = find::css(&coordinator, "[data-testid='match-health']").await?.text().await?;
    assert_eq!(health, "On cadence");
    let seen = coordinator.eval(&format!("return document.body.innerText.includes({AGENDA:?});")).await?;
    assert_eq!(seen.as_bool(), Some(false), "the coordinator never sees a meeting's agenda");
    check::never_stored(&server.data_dir(), AGENDA)?;
    check::accessible(&coordinator, "the matches").await?;

    // The advisee asks for help: the coordinator sees it, with an e-mail
    // draft to both (the seed's coordinator checks in by e-mail).
    find::css(oli, "[data-testid='needs-help']").await?.click().await?;
    find::until_within(&coordinator, "the call for help", "document.querySelector(\"[data-testid='match-health']\")?.innerText.startsWith('Asked for help')", SYNC).await?;
    let mail = find::css(&coordinator, "[data-testid='check-in-email']").await?.attr("href").await?.unwrap_or_default();
    assert!(mail.starts_with("mailto:mira@example.edu,oli@example.edu?subject=Checking%20in%3A%20Peer%20Connections"), "{mail}");

    // The term ends in two weeks: the continuation notice, answered by both.
    find::css(&coordinator, "[data-testid='send-notice']").await?.click().await?;
    find::text_within(&coordinator, "the notice sent", &["Sent to both."], SYNC).await?;
    for (phone, page) in [(mira, &pages[0]), (oli, &pages[2])] {
        phone.client.goto(page).await?;
        find::until_within(phone, "the continuation question", "!!document.querySelector(\"[data-testid='continue-match']\")", SYNC).await?;
        find::text_within(phone, "the term's end", &["The term ends on"], SYNC).await?;
        find::css(phone, "[data-testid='continue-match']").await?.click().await?;
        find::css(phone, "[data-testid='term-answered']").await?;
    }
    find::text_within(&coordinator, "both answers", &["Mira Chen continues", "Oli Park continues"], SYNC).await?;

    // An announcement to the advisors, then one to everyone: each reaches
    // Home; the advisee has the second and never the first.
    action::set_value(&coordinator, "#announce-to", "mentors").await?;
    find::css(&coordinator, "#announce-text").await?.send_keys("Advisor training is on Friday.").await?;
    find::css(&coordinator, "[data-testid='send-announcement']").await?.click().await?;
    find::text_within(&coordinator, "sent to the advisors", &["Sent to 1 member."], SYNC).await?;
    action::set_value(&coordinator, "#announce-to", "everyone").await?;
    find::css(&coordinator, "#announce-text").await?.send_keys("The lunch fund is open.").await?;
    find::css(&coordinator, "[data-testid='send-announcement']").await?.click().await?;
    find::text_within(&coordinator, "sent to everyone", &["Sent to 3 members."], SYNC).await?;
    for phone in [mira, oli] {
        phone.client.goto(&server.url("/")).await?;
        find::text_within(phone, "the announcement on Home", &["The lunch fund is open."], SYNC).await?;
    }
    find::text_within(mira, "the advisors' announcement", &["Advisor training is on Friday."], SYNC).await?;
    let heard = oli.eval("return document.querySelector('main').innerText.includes('Advisor training')").await?;
    assert_eq!(heard.as_bool(), Some(false), "an announcement to the advisors does not reach an advisee");
    check::accessible(oli, "Home with an announcement").await?;
    for (phone, page) in [(mira, &pages[0]), (oli, &pages[2])] {
        phone.client.goto(page).await?;
        find::css(phone, "[data-testid='introduction']").await?;
    }
    // The advisor's private mark on the person she looks after stays on
    // her devices (her profile), and is there after a reload.
    find::css(mira, "[data-testid='needs-attention']").await?.click().await?;
    find::until(mira, "the mark saved", "document.querySelector(\"[data-testid='needs-attention']\")?.checked === true").await?;
    mira.client.refresh().await?;
    find::until_within(mira, "the mark after a reload", "document.querySelector(\"[data-testid='needs-attention']\")?.checked === true", SYNC).await?;
    assert!(oli.eval("return document.querySelector(\"[data-testid='needs-attention']\") === null").await?.as_bool() == Some(true), "the advisee has no such mark");

    // The advisee asks to end the match, with a reason and a private note.
    find::by_text(oli, "summary", "This match is not working").await?.click().await?;
    action::set_value(oli, "select[id^='end-reason-']", "MismatchedPersonalities").await?;
    find::css(oli, "textarea[id^='end-note-']").await?.send_keys("We never found a time.").await?;
    find::css(oli, "[data-testid='ask-to-end']").await?.click().await?;
    find::css(oli, "[data-testid='end-asked']").await?;
    find::text_within(&coordinator, "the request to end", &["Oli Park asked to end it (Mismatched personalities). Their note: We never found a time."], SYNC).await?;
    find::css(&coordinator, "[data-testid='dissolve-early']").await?.click().await?;
    find::until(&coordinator, "the match ended early", "document.querySelector(\"[data-testid='match-health']\")?.innerText === 'Ended early'").await?;
    for phone in [mira, oli] {
        find::text_within(phone, "told kindly", &["has ended. That happens, and it is no one's fault"], SYNC).await?;
    }

    // A new volunteer from another department: the re-match places both
    // waiting mentees with her, and never Oli with Mira again.
    let noor = Person { name: "Noor Haddad", department: "Biology", volunteer: true };
    let _noor = join(&driver, &server, &link, &noor, "Afternoons.", false).await?;
    find::until_within(&coordinator, "four on the roster", "document.querySelectorAll(\"[data-testid='roster-row']\").length === 4", SYNC).await?;
    find::css(&coordinator, "[data-testid='draft-matches']").await?.click().await?;
    find::until(&coordinator, "two drafted pairs", "document.querySelectorAll(\"[data-testid='draft-pair']\").length === 2").await?;
    let draft = find::css(&coordinator, "[data-testid='draft']").await?.text().await?;
    assert!(draft.contains("Noor Haddad with Ana Lima") && draft.contains("Noor Haddad with Oli Park"), "{draft}");
    assert!(!draft.contains("Mira Chen with Oli Park"), "the dissolved pair is not offered again: {draft}");
    let effects = find::css(&coordinator, "[data-testid='rule-effects']").await?.text().await?;
    assert!(effects.contains("ruled out: the pair was ruled out."), "{effects}");
    // The coordinator's Home says what needs them.
    coordinator.client.goto(&server.url("/")).await?;
    find::text_within(&coordinator, "the program on Home", &["Peer Connections: 2 waiting for a match: draft the next round."], SYNC).await?;

    // The forms' words are on the coordinator's device, never in the relay's files.
    check::never_stored(&server.data_dir(), MARKER)?;
    check::no_console_errors(&coordinator).await?;
    Ok(())
}
