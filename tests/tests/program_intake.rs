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
use confidant_shared::calendar_day::NaiveDate;

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

/// A 1×1 PNG: a receipt's photo, as small as one can be.
const ONE_PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// A member answers the program's survey on its page: "I have clear
/// goals" at `goals` (1 to 5), with their name or without.
async fn answer_survey(phone: &Browser, page: &str, goals: u8, named: bool) -> anyhow::Result<()> {
    phone.client.goto(page).await?;
    find::until_within(phone, "the survey on the program's page", "!!document.querySelector(\"[data-testid='survey']\")", SYNC).await?;
    find::text_within(phone, "whether names go with the answers", &["You choose whether your name goes with your answers."], SYNC).await?;
    find::css(phone, &format!("[data-testid='survey'] input[id$='-goals-{}']", goals - 1)).await?.click().await?;
    if named {
        find::css(phone, "[data-testid='survey-named']").await?.click().await?;
    }
    find::css(phone, "[data-testid='send-survey']").await?.click().await?;
    find::text_within(phone, "the answers sent", &[if named { "Sent, with your name." } else { "Sent, without your name." }], SYNC).await?;
    Ok(())
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
    action::set_value(&coordinator, "#program-edit-resources", "Counselling | Staff counselling | 617-555-0199 | Stress at work").await?;
    // A setting that does not read is refused with why, and nothing is saved.
    action::set_value(&coordinator, "#program-edit-stalled", "soon").await?;
    find::css(&coordinator, "[data-testid='save-program']").await?.click().await?;
    find::text_within(&coordinator, "the refusal", &["Days without a meeting before a match counts as stalled must be a whole number from 7 to 365."], SYNC).await?;
    action::set_value(&coordinator, "#program-edit-stalled", "21").await?;
    // This university's fall ends on 12 December, not the common 15th.
    action::set_value(&coordinator, "#program-edit-fall-ends", "12-12").await?;
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
    // The pair's own dates count by the program's calendar: the term's
    // notice on the partnership page names the program's last day of fall.
    let fall_ends = mira
        .eval("return new Intl.DateTimeFormat([], {weekday: 'short', day: 'numeric', month: 'short', year: 'numeric'}).format(new Date(2026, 11, 12))")
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string();
    find::text_within(mira, "the program's end of term on the partnership", &[&format!("The term ends on {fall_ends}")], SYNC).await?;
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
    // Or in the app, sealed to both: the words reach each phone's program page.
    find::css(&coordinator, "[data-testid='write-in-app']").await?.click().await?;
    find::css(&coordinator, "[data-testid='send-check-in']").await?.click().await?;
    find::text_within(&coordinator, "the check-in sent", &["Sent to both, sealed."], SYNC).await?;

    // The term ends in two weeks: the continuation notice, answered by both.
    find::css(&coordinator, "[data-testid='send-notice']").await?.click().await?;
    find::text_within(&coordinator, "the notice sent", &["Sent to both."], SYNC).await?;
    for (phone, page) in [(mira, &pages[0]), (oli, &pages[2])] {
        phone.client.goto(page).await?;
        find::until_within(phone, "the continuation question", "!!document.querySelector(\"[data-testid='continue-match']\")", SYNC).await?;
        find::text_within(phone, "the term's end", &["The term ends on"], SYNC).await?;
        find::text_within(phone, "the coordinator's check-in", &["From the coordinator", "I am checking in on how your Peer Connections partnership is going"], SYNC).await?;
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
    // Kept in her profile (read back from it), not only ticked on screen.
    find::until(mira, "the mark saved", "document.querySelector(\"[data-testid='needs-attention']\")?.dataset.kept === 'true'").await?;
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
    // Advisors must have this year's training before they are matched
    // (seeds 003/004): without it the draft leaves Noor out; ticked
    // present at today's training, she is matched again.
    find::css(&coordinator, "#training-required").await?.click().await?;
    find::text_within(&coordinator, "who needs training", &["Still need training before they can be matched as a mentor: Mira Chen, Noor Haddad."], SYNC).await?;
    find::css(&coordinator, "[data-testid='draft-matches']").await?.click().await?;
    find::css(&coordinator, "[data-testid='draft']").await?;
    assert_eq!(coordinator.eval("return document.querySelectorAll(\"[data-testid='draft-pair']\").length").await?.as_u64(), Some(0), "no advisor is trained: nobody is placed");
    let effects = find::css(&coordinator, "[data-testid='rule-effects']").await?.text().await?;
    assert!(effects.contains("ruled out: the mentor is not eligible yet."), "{effects}");
    find::by_text(&coordinator, "summary", "Add a training").await?.click().await?;
    action::set_value(&coordinator, "#training-day", "2026-12-01").await?;
    action::set_value(&coordinator, "#training-place", "Library, room 2").await?;
    find::css(&coordinator, "[data-testid='add-training']").await?.click().await?;
    find::css(&coordinator, "[data-testid='training']").await?;
    coordinator.eval("[...document.querySelectorAll(\"[data-testid='training'] label\")].find(l => l.innerText.includes('Noor Haddad')).querySelector('input').click(); return true").await?;
    find::text_within(&coordinator, "Noor trained", &["Still need training before they can be matched as a mentor: Mira Chen."], SYNC).await?;
    // The draft follows: Noor is placed now, while Mira still is not.
    find::until(&coordinator, "Noor's two pairs", "document.querySelectorAll(\"[data-testid='draft-pair']\").length === 2").await?;
    coordinator.eval("[...document.querySelectorAll(\"[data-testid='training'] label\")].find(l => l.innerText.includes('Mira Chen')).querySelector('input').click(); return true").await?;
    find::text_within(&coordinator, "both trained", &["Every mentor has this year's training."], SYNC).await?;
    check::accessible(&coordinator, "the training").await?;
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

    // The program passes to a successor: a co-coordinator's invite,
    // accepted on her own laptop, brings the program and its page; she
    // takes the intake over, the first coordinator's device goes quiet, and
    // the next form and an announcement go through hers.
    coordinator.client.goto(&program_url).await?;
    find::heading(&coordinator, "Peer Connections").await?;
    find::css(&coordinator, "[data-testid='invite-someone']").await?.click().await?;
    let invite = action::invite_link(&coordinator).await?;
    let successor = Browser::open(&driver, Viewport::DESKTOP).await?;
    action::fix_today(&successor, &server, today()).await?;
    action::accept_invite_as(&successor, &invite, "Dana Okafor").await?;
    find::heading(&successor, "Peer Connections").await?;
    find::text_within(&successor, "the page followed", &["come to another coordinator's device"], SYNC).await?;
    find::until_within(&successor, "the program's link", "document.querySelector(\"[data-testid='program-link']\")?.value.includes('#')", SYNC).await?;
    let successors_link = find::css(&successor, "[data-testid='program-link']").await?.prop("value").await?.unwrap_or_default();
    assert_eq!(successors_link, link, "one link to the program's page, whoever shows it");
    find::css(&successor, "[data-testid='take-intake']").await?.click().await?;
    find::text_within(&successor, "the intake moved", &["now come to this device"], SYNC).await?;
    find::text_within(&coordinator, "the hand-over seen", &["come to another coordinator's device"], SYNC).await?;
    // The hand-over checklist is the program's: ticked on one laptop, seen on the other.
    find::css(&successor, "#handover-intake").await?.click().await?;
    find::until_within(&coordinator, "the checklist ticked", "document.querySelector('#handover-intake')?.checked === true", SYNC).await?;
    check::accessible(&successor, "the successor's program").await?;
    coordinator.client.goto("about:blank").await?;
    let lea = Person { name: "Lea Novak", department: "History", volunteer: false };
    let (lea_phone, lea_page) = join(&driver, &server, &link, &lea, "Evenings.", false).await?;
    find::until_within(&successor, "Lea on the successor's roster", "[...document.querySelectorAll(\"[data-testid='roster-row']\")].some(r => r.innerText.includes('Lea Novak'))", SYNC).await?;
    find::text_within(&lea_phone, "the form received by the successor", &["The coordinator has your form."], SYNC).await?;
    find::css(&successor, "#announce-text").await?.send_keys("Dana Okafor now runs the program.").await?;
    find::css(&successor, "[data-testid='send-announcement']").await?.click().await?;
    find::css(&successor, "[data-testid='announced']").await?;
    lea_phone.client.goto(&server.url("/")).await?;
    find::text_within(&lea_phone, "the successor's announcement", &["Dana Okafor now runs the program."], SYNC).await?;

    // The pre-survey (seed 001's "brief pre- and post-survey"), where each
    // member chooses whether to give their name, totals shown from three
    // anonymous answers. Three answer anonymously (one of them twice: it
    // counts once) and one with her name. Two anonymous and one named
    // would not do: the total minus the named answer would be the two.
    find::by_text(&successor, "summary", "New survey").await?.click().await?;
    action::set_value(&successor, "#survey-naming", "choose").await?;
    action::set_value(&successor, "#survey-threshold", "2").await?;
    find::css(&successor, "[data-testid='publish-survey']").await?.click().await?;
    find::text_within(&successor, "a threshold below the floor refused", &["The smallest group shown must be a whole number from 3 to 50."], SYNC).await?;
    action::set_value(&successor, "#survey-threshold", "3").await?;
    find::css(&successor, "[data-testid='publish-survey']").await?.click().await?;
    find::text_within(&successor, "the survey published", &["Published. The program's page is updated for its members."], SYNC).await?;
    answer_survey(ana, &pages[1], 5, false).await?;
    find::text_within(ana, "answered before", &["Sending again replaces those answers."], SYNC).await?;
    check::accessible(ana, "a survey on a phone").await?;
    check::no_horizontal_scroll(ana).await?;
    // She changes her mind: the second answer replaces the first.
    find::css(ana, "[data-testid='survey'] input[id$='-goals-1']").await?.click().await?;
    find::css(ana, "[data-testid='send-survey']").await?.click().await?;
    find::text_within(ana, "sent again", &["Sent again, without your name: these answers replace your earlier ones."], SYNC).await?;
    answer_survey(mira, &pages[0], 4, false).await?;
    answer_survey(oli, &pages[2], 2, false).await?;
    answer_survey(&lea_phone, &lea_page, 3, true).await?;
    // While it is open: the count and the named answer, no totals.
    find::text_within(&successor, "four answered", &["each member chooses whether to give their name: 4 answered."], SYNC).await?;
    find::text_within(&successor, "the named answer", &["Lea Novak — I have clear goals for my career in the next year.: Neither agree nor disagree"], SYNC).await?;
    find::css(&successor, "[data-testid='results-waiting']").await?;
    find::css(&successor, "[data-testid='close-survey']").await?.click().await?;
    find::css(&successor, "[data-testid='survey-results']").await?;
    let lines: Vec<String> = serde_json::from_value(successor.eval("return [...document.querySelectorAll(\"[data-testid='survey-results'] section\")[0].querySelectorAll(\"[data-testid='result-line']\")].map(l => l.dataset.hidden + ' ' + l.innerText)").await?)?;
    // (4 + 2 + 2 + 3) / 4: Ana's second answer, counted once.
    assert_eq!(lines[0], "false Everyone: mean 2.8 from 4 answers (2 × 2, 1 × 3, 1 × 4).", "{lines:?}");
    // One anonymous advisor: no breakdown by role at all (the whole minus
    // the advisees would be her).
    assert!(lines[1].starts_with("true Peer advisor: not shown") && lines[2].starts_with("true Peer advisee: not shown"), "{lines:?}");
    check::accessible(&successor, "the survey's results").await?;

    // The lunch fund: a proposed budget, submitted and approved; an advisee
    // asks to be reimbursed for a lunch with a receipt, after a malformed
    // amount, a future day, a receipt too large and one of the wrong kind
    // are each refused with why and nothing typed is lost.
    let downloads = tempfile::tempdir()?;
    successor.download_into(downloads.path()).await?;
    find::by_text(&successor, "summary", "Proposed budget").await?.click().await?;
    action::set_value(&successor, "#budget-lines", "Lunch fund | 500\nBooks | 120.00").await?;
    find::css(&successor, "[data-testid='save-proposal']").await?.click().await?;
    find::text_within(&successor, "the draft saved", &["The proposed budget is saved as a draft."], SYNC).await?;
    find::css(&successor, "[data-testid='submit-proposal']").await?.click().await?;
    find::text_within(&successor, "submitted", &["Submitted, waiting for approval."], SYNC).await?;
    find::css(&successor, "[data-testid='approve-proposal']").await?.click().await?;
    find::text_within(&successor, "approved", &["Approved: it is the budget of fiscal year 2026–27"], SYNC).await?;
    let files = tempfile::tempdir()?;
    let receipt = files.path().join("lunch.png");
    std::fs::write(&receipt, ONE_PIXEL_PNG)?;
    let too_large = files.path().join("scan.png");
    std::fs::write(&too_large, [ONE_PIXEL_PNG, &vec![0u8; 410 * 1024]].concat())?;
    let not_a_receipt = files.path().join("receipt.png");
    std::fs::write(&not_a_receipt, "<html>not a receipt</html>")?;
    oli.client.goto(&pages[2]).await?;
    find::until_within(oli, "the request form", "!!document.querySelector('#claim-amount')", SYNC).await?;
    action::set_value(oli, "#claim-amount", "23.5.0").await?;
    action::set_value(oli, "#claim-date", "2026-11-20").await?;
    action::set_value(oli, "#claim-what", "Lunch with Mira").await?;
    action::set_value(oli, "#claim-meeting", "Lunch on 20 November").await?;
    find::css(oli, "[data-testid='send-claim']").await?.click().await?;
    find::text_within(oli, "the problem said", &["An amount is digits, with at most one decimal mark (like 12.50)."], SYNC).await?;
    action::set_value(oli, "#claim-amount", "23.50").await?;
    action::set_value(oli, "#claim-date", "2026-12-05").await?;
    find::css(oli, "[data-testid='send-claim']").await?.click().await?;
    find::text_within(oli, "the problem said", &["The day it was spent cannot be in the future."], SYNC).await?;
    action::set_value(oli, "#claim-date", "2026-11-20").await?;
    find::css(oli, "#claim-receipt").await?.send_keys(&too_large.to_string_lossy()).await?;
    find::text_within(oli, "the problem said", &["The receipt is larger than 400 KB; take a smaller photo or crop it, then attach it again."], SYNC).await?;
    find::css(oli, "#claim-receipt").await?.send_keys(&not_a_receipt.to_string_lossy()).await?;
    find::text_within(oli, "the problem said", &["A receipt must be a photo (JPEG, PNG or WebP) or a PDF."], SYNC).await?;
    let kept = oli.eval("return ['#claim-amount', '#claim-date', '#claim-what', '#claim-meeting'].map(s => document.querySelector(s).value)").await?;
    assert_eq!(kept, serde_json::json!(["23.50", "2026-11-20", "Lunch with Mira", "Lunch on 20 November"]), "nothing typed is lost");
    find::css(oli, "#claim-receipt").await?.send_keys(&receipt.to_string_lossy()).await?;
    find::css(oli, "[data-testid='receipt-ready']").await?;
    check::accessible(oli, "the reimbursement form").await?;
    check::no_horizontal_scroll(oli).await?;
    find::css(oli, "[data-testid='send-claim']").await?.click().await?;
    find::text_within(oli, "the request sent", &["Sent to the coordinator, sealed."], SYNC).await?;
    find::text_within(oli, "the request listed", &["$23.50 for Lunch with Mira (Lunch fund): Sent on"], SYNC).await?;
    // The coordinator opens the receipt from its own encrypted document,
    // approves and marks it reimbursed; the advisee sees each step.
    // Days read in the coordinator's own way of writing them.
    let spent = action::day_words(&successor, NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()).await?;
    let arrived = format!("Oli Park: $23.50 on {spent} for Lunch with Mira (Lunch fund), Lunch on 20 November");
    find::text_within(&successor, "the request arrived", &[&arrived], SYNC).await?;
    find::css(&successor, "[data-testid='open-receipt']").await?.click().await?;
    find::until_within(&successor, "the receipt shown", "document.querySelector(\"img[data-testid='receipt']\")?.naturalWidth === 1", SYNC).await?;
    find::css(&successor, "[data-testid='claim-approve']").await?.click().await?;
    find::text_within(oli, "approved, on the phone", &["Approved on"], SYNC).await?;
    find::css(&successor, "[data-testid='claim-mark']").await?.click().await?;
    find::text_within(oli, "reimbursed, on the phone", &["Reimbursed on"], SYNC).await?;
    let left = find::css(&successor, "[data-testid='money-summary']").await?.text().await?;
    assert!(left.contains("Lunch fund: $476.50 left of $500.00 ($23.50 reimbursed, $0.00 approved and not yet paid); Books: $120.00 left of $120.00"), "{left}");
    find::css(&successor, "[data-testid='download-claims']").await?.click().await?;
    let csv = check::downloaded(downloads.path(), "reimbursements.csv").await?;
    assert!(csv.contains("Oli Park,oli@example.edu,2026-11-20,Lunch fund,23.50,USD,Lunch with Mira,Lunch on 20 November,Reimbursed,2026-12-01,"), "{csv}");
    check::accessible(&successor, "the budget").await?;
    // The request and its receipt crossed the relay sealed.
    check::never_stored(&server.data_dir(), "Lunch with Mira")?;

    // The program report: outcomes, meetings, the survey's shown means;
    // its CSV holds the same figures, and printing prints it alone.
    find::css(&successor, "[data-testid='open-report']").await?.click().await?;
    let words: Vec<String> = serde_json::from_value(successor.eval("return [...document.querySelectorAll(\"[data-testid='report'] [data-testid='chart-words']\")].map(e => e.innerText)").await?)?;
    assert_eq!(words[0], "Matches made: 1 (0 active, 0 completed, 1 ended early). On the roster: 2 mentors, 3 mentees, 5 waiting for a match.", "{words:?}");
    assert_eq!(words[1], "Meetings per month, from the counts pairs shared: 2026-12: 1.", "{words:?}");
    let closed = action::day_words(&successor, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).await?;
    assert_eq!(words[2], format!("Before the program (closed {closed}, 4 answered), mean per question and the change since the earlier survey: I have clear goals for my career in the next year. 2.8."), "{words:?}");
    find::css(&successor, "[data-testid='download-report']").await?.click().await?;
    let report = check::downloaded(downloads.path(), "program-report.csv").await?;
    for line in ["matches,made,1,", "matches,ended early,1,", "members,waiting for a match,5,", "meetings,2026-12,1,", "survey: Before the program,I have clear goals for my career in the next year.,2.75,"] {
        assert!(report.lines().any(|l| l == line), "{line} in {report}");
    }
    check::accessible(&successor, "the program report").await?;
    successor.cdp("Emulation.setEmulatedMedia", serde_json::json!({ "media": "print" })).await?;
    let printed = successor.eval("return [getComputedStyle(document.querySelector('[data-testid=report]')).visibility, getComputedStyle(document.querySelector('[data-testid=roster]')).visibility]").await?;
    assert_eq!(printed, serde_json::json!(["visible", "hidden"]), "printing shows the report alone");
    successor.cdp("Emulation.setEmulatedMedia", serde_json::json!({ "media": "" })).await?;
    // The desk, its survey results, budget and report open, on a phone's width.
    successor.set_viewport(Viewport::PHONE).await?;
    check::accessible(&successor, "the desk with survey results, budget and report at 375 px").await?;
    successor.set_viewport(Viewport::DESKTOP).await?;

    // The program's referral list replaces the common directory for its members.
    ana.client.goto(&server.url("/resources")).await?;
    find::text_within(ana, "the program's referral list", &["The referral list of Peer Connections.", "Staff counselling"], SYNC).await?;

    // The forms' words are on the coordinators' devices, never in the relay's files.
    check::never_stored(&server.data_dir(), MARKER)?;
    check::no_console_errors(&coordinator).await?;
    Ok(())
}
