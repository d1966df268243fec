//! A workshop room, five browsers: the facilitator creates a workshop and
//! shows one join link; three participants (an odd count) open it on their
//! phones, join with their names, and appear on the facilitator's screen.
//! The facilitator moves the room on to the first round: every phone shows
//! the same table and names its partners (a trio), the countdowns agree,
//! and a participant's phone has no control that could move the room.
//! Then, in round 2, the relay stops: with the whole schedule already on
//! the phones, each moves on to round 3 by itself when its time is up (the
//! phones' clocks moved on through the app's clock seam, not waited for).
//! A participant's notes from a round land in their own journal, and in
//! nothing shared or stored by the relay. Two who both want to keep in
//! touch are told; a one-sided wish is heard by nobody. Back online, one of
//! the two starts a partnership that the other accepts from Home; the one
//! whose wish was not returned cannot send one. At the wrap-up each shares
//! answers without a name: the facilitator sees a count while people
//! answer, then (a co-facilitator ends the wrap-up) the answers, sorted,
//! with no name. See: issue 13.

use std::time::{Duration, Instant};

use confidant_e2e::{action, check, find, Browser, ChromeDriver, TestServer, Viewport};

/// Changes cross the relay between browsers.
const SYNC: Duration = Duration::from_secs(45);

async fn step_is(browser: &Browser, text: &str) -> anyhow::Result<()> {
    let script = format!("document.querySelector(\"[data-testid='workshop-step']\")?.innerText === {text:?}");
    if let Err(err) = find::until_within(browser, &format!("the step {text:?}"), &script, SYNC).await {
        let seen = browser.eval("return (document.querySelector(\"[data-testid='workshop-step']\")?.innerText ?? '(no step)') + ' at ' + location.pathname + ': ' + document.querySelector('main')?.innerText;").await?;
        anyhow::bail!("{err}; the page shows {seen}");
    }
    Ok(())
}

/// The countdown on the page, in seconds.
async fn countdown(browser: &Browser) -> anyhow::Result<i64> {
    let text = find::css(browser, "[data-testid='countdown']").await?.text().await?;
    let (minutes, seconds) = text.split_once(':').ok_or_else(|| anyhow::anyhow!("no countdown in {text:?}"))?;
    Ok(minutes.trim().parse::<i64>()? * 60 + seconds.get(..2).unwrap_or_default().parse::<i64>()?)
}

#[tokio::test]
async fn participants_join_by_link_and_every_phone_shows_the_same_table_and_time() -> anyhow::Result<()> {
    let mut server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    // The facilitator's laptop on the projector.
    let facilitator = Browser::open(&driver, Viewport { width: 1920, height: 1080, mobile: false }).await?;

    facilitator.client.goto(&server.url("/workshop")).await?;
    find::css(&facilitator, "#workshop-title").await?.send_keys("Career success").await?;
    action::set_value(&facilitator, "#workshop-rounds", "3").await?;
    action::set_value(&facilitator, "#workshop-day", "2026-12-03").await?;
    action::set_value(&facilitator, "#workshop-questions", "What will you try first?\n\nWhom will you call this month?").await?;
    find::css(&facilitator, "[data-testid='create-workshop']").await?.click().await?;
    find::heading(&facilitator, "Career success").await?;
    find::until(&facilitator, "the join link", "document.querySelector(\"[data-testid='workshop-join']\")?.value.includes('#')").await?;
    let link = find::css(&facilitator, "[data-testid='workshop-join']").await?.prop("value").await?.unwrap_or_default();
    assert!(find::css(&facilitator, ".qr svg").await.is_ok(), "the join link is on the projector as a QR code too");
    // One link for the room: the same after a reload.
    facilitator.client.refresh().await?;
    find::until(&facilitator, "the join link again", "document.querySelector(\"[data-testid='workshop-join']\")?.value.includes('#')").await?;
    let again = find::css(&facilitator, "[data-testid='workshop-join']").await?.prop("value").await?.unwrap_or_default();
    assert_eq!(again, link, "the projector shows the same join link after a reload");
    step_is(&facilitator, "Gathering: join with the link or the QR code").await?;

    let names = ["Ana Lima", "Sam Rivera", "Kim Osei"];
    let mut phones = Vec::new();
    // Each phone's own address of the workshop (its local id there).
    let mut rooms = Vec::new();
    for name in names {
        let phone = Browser::open(&driver, Viewport::PHONE).await?;
        action::accept_invite_as(&phone, &link, name).await?;
        find::until_within(&phone, "the workshop on the phone", "document.querySelector('h1')?.innerText === 'Career success'", SYNC).await?;
        find::until(&phone, "the name from the profile", &format!("document.querySelector('#workshop-name')?.value === {name:?}")).await?;
        find::css(&phone, "[data-testid='workshop-join-button']").await?;
        // Pressed by script: the form may be drawn again as sync settles.
        find::until(&phone, "the join pressed", "(b => b ? (b.click(), true) : false)(document.querySelector(\"[data-testid='workshop-join-button']\"))").await?;
        rooms.push(phone.client.current_url().await?.path().to_owned());
        phones.push(phone);
    }
    for (phone, name) in phones.iter().zip(names) {
        find::until_within(phone, &format!("{name} joined"), "document.querySelector(\"[data-testid='workshop-seat']\")", SYNC).await?;
    }
    let day = find::css(&phones[0], "[data-testid='workshop-day']").await?.text().await?;
    assert!(day.contains('3') && day.contains("2026"), "the workshop's day on the phone: {day}");
    let roster = "[...document.querySelectorAll(\"[data-testid='workshop-roster'] .roster-name\")].map(li => li.innerText).sort().join('|')";
    find::until_within(&facilitator, "all three on the facilitator's screen", &format!("{roster} === 'Ana Lima|Kim Osei|Sam Rivera'"), SYNC).await?;
    // Kim steps out: marked absent, her phone offers to join again; back, she is seated again.
    find::css(&facilitator, "[aria-label='Mark Kim Osei absent']").await?.click().await?;
    find::until(&facilitator, "Kim absent", &format!("{roster} === 'Ana Lima|Kim Osei (absent)|Sam Rivera'")).await?;
    find::until_within(&phones[2], "Kim asked to join again", "!!document.querySelector(\"[data-testid='workshop-join-button']\")", SYNC).await?;
    find::css(&facilitator, "[aria-label='Mark Kim Osei here again']").await?.click().await?;
    find::until_within(&phones[2], "Kim seated again", "!!document.querySelector(\"[data-testid='workshop-seat']\")", SYNC).await?;
    check::accessible(&facilitator, "the facilitator's workshop page").await?;
    check::accessible(&phones[0], "a participant's workshop page").await?;

    // A participant cannot move the room: no control on the phone.
    let controls = phones[0].eval("return document.querySelectorAll(\"[data-testid^='workshop-next'], [data-testid='workshop-pause']\").length;").await?;
    assert_eq!(controls.as_u64(), Some(0));

    // Start, then on through introductions and peer mentoring to the preparation.
    for step in ["Introductions", "What peer mentoring is", "Preparing: your goals and questions for the next six months"] {
        find::css(&facilitator, "[data-testid='workshop-next']").await?.click().await?;
        step_is(&facilitator, step).await?;
    }
    // Ana prepares on her phone: one goal typed, one prompt pressed, one
    // moved up by keyboard; saved to her journal and as a goal plan.
    step_is(&phones[0], "Preparing: your goals and questions for the next six months").await?;
    let prep = &phones[0];
    find::css(prep, "#prep-new").await?.send_keys("Submit my first grant").await?;
    find::css(prep, "[data-testid='prep-add']").await?.click().await?;
    find::by_text(prep, "button", "+ Are my goals realistic?").await?.click().await?;
    find::css(prep, "#prep-new").await?.send_keys("Find a writing group").await?;
    find::css(prep, "[data-testid='prep-add']").await?.click().await?;
    let order = "[...document.querySelectorAll(\"[data-testid='prep-list'] .prep-text\")].map(s => s.innerText).join('|')";
    find::until(prep, "three items in the order added", &format!("{order} === 'Submit my first grant|Are my goals realistic?|Find a writing group'")).await?;
    let up = find::css(prep, "[aria-label='Move Find a writing group up']").await?;
    up.send_keys("\u{E007}").await?; // Enter, on the focused button
    find::until(prep, "moved up one", &format!("{order} === 'Submit my first grant|Find a writing group|Are my goals realistic?'")).await?;
    find::until(prep, "focus stays on the moved item", "document.activeElement?.getAttribute('aria-label') === 'Move Find a writing group up'").await?;
    find::until(prep, "the move said aloud", "document.querySelector(\".prep-list + [aria-live]\")?.textContent === 'Moved \u{201c}Find a writing group\u{201d} to place 2.'").await?;
    prep.eval("document.activeElement.click(); return true;").await?;
    find::until(prep, "moved to the top", &format!("{order} === 'Find a writing group|Submit my first grant|Are my goals realistic?'")).await?;
    find::until(prep, "focus on the same item at the top", "document.activeElement?.getAttribute('aria-label') === 'Move Find a writing group down'").await?;
    check::accessible(prep, "the preparation on a phone").await?;
    find::css(prep, "#prep-as-plan").await?.click().await?;
    find::css(prep, "[data-testid='save-prep']").await?.click().await?;
    find::css(prep, "[data-testid='prep-plan']").await?;
    find::css(&facilitator, "[data-testid='workshop-next']").await?.click().await?;
    step_is(&facilitator, "Round 1 of 3").await?;
    // The list stays in view through the rounds.
    find::until_within(prep, "the list in round 1", &format!("{order} === 'Find a writing group|Submit my first grant|Are my goals realistic?'"), SYNC).await?;
    for phone in &phones {
        step_is(phone, "Round 1 of 3").await?;
    }
    // Three people: one table of three, each phone naming the other two.
    for (phone, name) in phones.iter().zip(names) {
        let others: Vec<&str> = names.iter().copied().filter(|n| *n != name).collect();
        let script = format!(
            "(s => s.startsWith('Round 1 of 3 \u{b7} Table 1 \u{b7} with ') && s.includes({:?}) && s.includes({:?}))(document.querySelector(\"[data-testid='workshop-seat']\")?.innerText ?? '')",
            others[0], others[1]
        );
        find::until_within(phone, &format!("{name}'s table"), &script, SYNC).await?;
    }
    facilitator.save_screenshot("workshop-facilitator-1920").await?;
    phones[0].save_screenshot("workshop-participant-375").await?;
    // The projector's cue: a trio's ten minutes split three ways.
    let cue = find::css(&facilitator, "[data-testid='room-cue']").await?.text().await?;
    assert!(cue.starts_with("The trio's turn 1 of 3; the next in 3:"), "the projector cues the trio: {cue}");
    let tables = find::css(&facilitator, "[data-testid='workshop-tables']").await?.text().await?;
    assert!(names.iter().all(|n| tables.contains(n)), "the facilitator sees the table: {tables}");

    // Every screen counts down the same seconds (read one after another;
    // the time taken between reads is added back).
    let first = Instant::now();
    let mut seen = Vec::new();
    for browser in std::iter::once(&facilitator).chain(phones.iter()) {
        let left = countdown(browser).await?;
        seen.push(left + first.elapsed().as_secs_f64().round() as i64);
    }
    let spread = seen.iter().max().unwrap() - seen.iter().min().unwrap();
    assert!(spread <= 1, "countdowns differ by {spread} s: {seen:?}");
    assert!(seen.iter().all(|s| (590..=600).contains(s)), "a fresh ten-minute round: {seen:?}");

    // Ana's notes from the round go to her own journal, nowhere shared.
    const MARKER: &str = "zebra-notes-7731";
    find::css(&phones[0], "#round-notes").await?.send_keys(&format!("Kim suggested a writing group. {MARKER}")).await?;
    find::css(&phones[0], "[data-testid='save-round-notes']").await?.click().await?;
    find::css(&phones[0], "[data-testid='round-notes-saved']").await?;

    // Keep in touch: Ana and Sam both ask, Kim asks Ana, who does not ask Kim.
    for (phone, about) in [(&phones[0], "Sam Rivera"), (&phones[2], "Ana Lima"), (&phones[1], "Ana Lima")] {
        let tick = format!(
            "const li = [...document.querySelectorAll(\"[data-testid='keep-in-touch']\")].find(li => li.innerText.includes({about:?})); \
             if (!li) return false; li.querySelector('input').click(); return true;"
        );
        find::until(phone, &format!("the keep-in-touch choice about {about}"), &format!("document.querySelector(\"[data-testid='keep-in-touch']\")")).await?;
        assert_eq!(phone.eval(&tick).await?.as_bool(), Some(true));
    }
    let both = |name: &str| format!("[...document.querySelectorAll(\"[data-testid='kept-in-touch']\")].some(p => p.innerText.startsWith('You and {name} both want to keep in touch.'))");
    find::until_within(&phones[0], "Ana hears that Sam asked too", &both("Sam Rivera"), SYNC).await?;
    find::until_within(&phones[1], "Sam hears that Ana asked too", &both("Ana Lima"), SYNC).await?;
    // Sam's wish went after Kim's and was answered: Kim's one-sided wish is
    // heard by nobody, neither by Kim nor by Ana.
    let count = "return document.querySelectorAll(\"[data-testid='kept-in-touch']\").length;";
    assert_eq!(phones[2].eval(count).await?.as_u64(), Some(0), "Kim hears nothing");
    assert_eq!(phones[0].eval(count).await?.as_u64(), Some(1), "Ana hears of Sam only");
    check::accessible(&phones[0], "a participant's page in a round").await?;
    check::accessible(&facilitator, "the projector in a round").await?;

    // Round 2, then the Wi-Fi drops: no relay. Ten minutes later each
    // phone is in round 3, at its table, by itself.
    find::css(&facilitator, "[data-testid='workshop-next']").await?.click().await?;
    for browser in std::iter::once(&facilitator).chain(phones.iter()) {
        step_is(browser, "Round 2 of 3").await?;
    }
    server.stop().await?;
    for phone in &phones {
        phone.eval("localStorage.setItem('confidant-clock-skew-ms', String(10 * 60 * 1000 + 5000)); return true;").await?;
    }
    for (phone, name) in phones.iter().zip(names) {
        step_is(phone, "Round 3 of 3").await?;
        let others: Vec<&str> = names.iter().copied().filter(|n| *n != name).collect();
        let script = format!(
            "(s => s.startsWith('Round 3 of 3 \u{b7} Table 1 \u{b7} with ') && s.includes({:?}) && s.includes({:?}))(document.querySelector(\"[data-testid='workshop-seat']\")?.innerText ?? '')",
            others[0], others[1]
        );
        find::until(phone, &format!("{name}'s table in round 3, offline"), &script).await?;
        let left = countdown(phone).await?;
        assert!((590..=596).contains(&left), "{name}'s round 3 counts down from ten minutes: {left} s");
    }
    // Everyone asks for a buzz (the phone's vibration, counted here).
    for phone in &phones {
        phone.eval("window.buzzes = 0; navigator.vibrate = () => { window.buzzes += 1; return true; }; return true;").await?;
        find::css(phone, "#workshop-buzz").await?.click().await?;
        find::until(phone, "a buzz to show what it feels like", "window.buzzes === 1").await?;
    }
    // Five minutes on, the trio is in its second turn: two of the three have
    // swapped roles, and their phones say so (and buzz).
    for phone in &phones {
        phone.eval("localStorage.setItem('confidant-clock-skew-ms', String(15 * 60 * 1000 + 5000)); return true;").await?;
    }
    let seat_text = "document.querySelector(\"[data-testid='workshop-seat']\")?.innerText ?? ''";
    for (phone, name) in phones.iter().zip(names) {
        find::until(phone, &format!("{name}'s phone in the trio's second turn"), &format!("({seat_text}).includes('swap in 1:')")).await?;
    }
    let mut swapped = 0;
    for phone in &phones {
        if phone.eval(&format!("return {seat_text};")).await?.as_str().unwrap_or_default().contains("you are now the") {
            swapped += 1;
        }
    }
    assert_eq!(swapped, 2, "the first mentee is now a mentor, and the next one the mentee");
    let mut buzzed = 0;
    for phone in &phones {
        if phone.eval("return window.buzzes;").await?.as_u64() == Some(2) {
            buzzed += 1;
        }
    }
    assert_eq!(buzzed, 2, "the two who swapped felt it, the other did not");

    // The notes are in Ana's journal; not on the facilitator's screen, not
    // in anything the relay stored.
    phones[0].client.goto(&server.url("/journal")).await?;
    find::by_text(&phones[0], "a", "Career success, round 1").await?.click().await?;
    find::until(&phones[0], "the notes in the entry", &format!("document.querySelector('#entry-body')?.value.includes({MARKER:?})")).await?;
    // The preparation is there too, and its goals, in order, are a goal plan.
    phones[0].client.goto(&server.url("/journal")).await?;
    find::by_text(&phones[0], "a", "Career success: my goals and questions").await?.click().await?;
    find::until(&phones[0], "the prep in the entry", "document.querySelector('#entry-body')?.value === '1. Find a writing group\\n2. Submit my first grant\\n3. Are my goals realistic?'").await?;
    phones[0].client.goto(&server.url("/goals")).await?;
    find::by_text(&phones[0], "a", "My goals for the next six months").await?.click().await?;
    find::until(&phones[0], "the goals in order, the question left out", &format!("{}.join('|') === 'Find a writing group|Submit my first grant'", action::GOAL_TITLES)).await?;
    let shown = facilitator.eval(&format!("return document.body.innerText.includes({MARKER:?});")).await?;
    assert_eq!(shown.as_bool(), Some(false), "the facilitator never sees a participant's notes");
    check::never_stored(&server.data_dir(), MARKER)?;

    // The relay is back, and the phones' clocks are right again.
    server.restart().await?;
    for phone in &phones {
        phone.eval("localStorage.removeItem('confidant-clock-skew-ms'); return true;").await?;
    }

    // Sam and Ana both wished: Sam starts a partnership from his phone, and
    // the invite goes to Ana's Home. Kim, whose wish Ana did not return,
    // opening the same link gets the plain form: nothing would go to Ana.
    find::until_within(&phones[1], "Sam's way to start a partnership", "document.querySelector(\"[data-testid='start-partnership-with']\")", SYNC).await?;
    let start = phones[1].eval("return document.querySelector(\"[data-testid='start-partnership-with']\").href;").await?.as_str().unwrap_or_default().to_owned();
    phones[1].client.goto(&start).await?;
    find::until(&phones[1], "the partner's name filled in", "document.querySelector('#start-partner')?.value === 'Ana Lima'").await?;
    find::css(&phones[1], "[data-testid='invite-goes-home']").await?;
    find::css(&phones[1], "[data-testid='start-partnership']").await?.click().await?;
    let sent = "location.pathname.startsWith('/partnerships/') && !!document.querySelector(\".sync[data-status='up-to-date']\")";
    find::until_within(&phones[1], "Sam's invite sent and acknowledged", sent, SYNC).await?;
    phones[2].client.goto(&start).await?;
    find::until_within(&phones[2], "Kim's device ready (its wishes loaded)", "!!document.querySelector(\".sync[data-status='up-to-date']\") && !!document.querySelector('#start-partner')", SYNC).await?;
    let plain = phones[2].eval("return [document.querySelector('#start-partner').value, !!document.querySelector(\"[data-testid='invite-goes-home']\")];").await?;
    assert_eq!(plain, serde_json::json!(["", false]), "a link to someone who did not wish it back sends nothing to them");
    phones[0].client.goto(&server.url("/")).await?;
    let invitations = "[...document.querySelectorAll(\"[data-testid='invitation'] a\")].map(a => a.innerText)";
    find::until_within(&phones[0], "Sam's invitation on Ana's Home", &format!("{invitations}.some(t => t.startsWith('Sam Rivera invites you to a partnership'))"), SYNC).await?;
    let shown = phones[0].eval(&format!("return {invitations};")).await?;
    assert_eq!(shown.as_array().map(Vec::len), Some(1), "Sam's invitation alone: {shown}");
    check::accessible(&phones[0], "Home with an invitation").await?;
    phones[0].eval("document.querySelector(\"[data-testid='invitation'] a\").click(); return true;").await?;
    find::until(&phones[0], "the accept button", "document.querySelector(\"[data-testid='accept-invite']\")?.disabled === false").await?;
    find::css(&phones[0], "[data-testid='accept-invite']").await?.click().await?;
    find::until_within(&phones[0], "the partnership with Sam on Ana's phone", "location.pathname.startsWith('/partnerships/') && document.querySelector('h1')?.innerText.includes('Sam Rivera')", SYNC).await?;
    phones[0].client.goto(&server.url("/")).await?;
    find::css(&phones[0], "#page-title").await?;
    find::until(&phones[0], "the invitation gone once accepted", "!document.querySelector(\"[data-testid='invitation']\") && !!document.querySelector(\"[data-testid='attention'], [data-testid='empty-state']\")").await?;

    // Wrap-up: the facilitator moves the room on; everyone answers in their
    // own journal, and each shares a copy without a name.
    for (phone, room) in phones.iter().zip(&rooms) {
        phone.client.goto(&server.url(room)).await?;
    }
    for step in ["Round 3 of 3", "Wrap-up"] {
        find::css(&facilitator, "[data-testid='workshop-next']").await?.click().await?;
        step_is(&facilitator, step).await?;
    }
    let shared = "document.querySelector(\"[data-testid='wrap-up-shared']\")?.innerText ?? ''";
    let answers = ["Both sides felt natural (ana-7)", "Shorter than a lab meeting (sam-7)", "I will email my trio (kim-7)"];
    for (at, ((phone, name), answer)) in phones.iter().zip(names).zip(answers).enumerate() {
        step_is(phone, "Wrap-up").await?;
        let asked = phone.eval("return [...document.querySelectorAll(\"label[for^='wrap-up-']\")].map(l => l.innerText).filter(t => t.endsWith('?'));").await?;
        assert_eq!(asked, serde_json::json!(["What will you try first?", "Whom will you call this month?"]), "the facilitator's own questions");
        find::css(phone, "#wrap-up-0").await?.send_keys(answer).await?;
        find::css(phone, "#wrap-up-share").await?.click().await?;
        find::css(phone, "[data-testid='save-wrap-up']").await?.click().await?;
        find::until(phone, &format!("{name}'s answers saved and shared"), "(document.querySelector(\"[data-testid='wrap-up-saved']\")?.innerText ?? '').startsWith('Saved in your journal, and shared')").await?;
        if at == 1 {
            // Two people: the facilitator sees a count, no answer.
            find::until_within(&facilitator, "two shared, nothing shown", &format!("({shared}).startsWith('2 shared so far')"), SYNC).await?;
            assert!(!facilitator.eval(&format!("return {shared};")).await?.as_str().unwrap_or_default().contains("(ana-7)"));
        }
    }
    // Three have shared: still a count while people answer, so the answers
    // that appear cannot be matched to whoever just tapped.
    find::until_within(&facilitator, "three shared, answers held back", &format!("({shared}).startsWith('3 shared so far. Answers show when the wrap-up ends')"), SYNC).await?;
    check::accessible(&phones[1], "a participant's wrap-up").await?;
    check::accessible(&facilitator, "the projector at the wrap-up").await?;

    // A co-facilitator, invited by link, ends the wrap-up from their laptop.
    find::css(&facilitator, ".co-facilitator summary").await?.click().await?;
    find::css(&facilitator, "[data-testid='invite-co-facilitator']").await?.click().await?;
    find::until(&facilitator, "the co-facilitator link", "document.querySelector(\"[data-testid='co-facilitator-link']\")?.value.includes('#')").await?;
    let co_link = find::css(&facilitator, "[data-testid='co-facilitator-link']").await?.prop("value").await?.unwrap_or_default();
    let co_facilitator = Browser::open(&driver, Viewport::DESKTOP).await?;
    action::accept_invite_as(&co_facilitator, &co_link, "Lee Park").await?;
    step_is(&co_facilitator, "Wrap-up").await?;
    find::css(&co_facilitator, "[data-testid='workshop-next']").await?.click().await?;
    for browser in [&facilitator, &phones[2]] {
        step_is(browser, "Finished: thank you").await?;
    }
    co_facilitator.close().await?;

    // Now the answers, all at once, sorted, without names.
    let listed = "[...document.querySelectorAll(\"[data-testid='wrap-up-answer']\")].map(li => li.innerText).join('|')";
    find::until_within(&facilitator, "three answers, without names", &format!("{listed} === {:?}", "Both sides felt natural (ana-7)|I will email my trio (kim-7)|Shorter than a lab meeting (sam-7)"), SYNC).await?;
    let section = facilitator.eval(&format!("return {shared};")).await?.as_str().unwrap_or_default().to_owned();
    assert!(names.iter().all(|n| !section.contains(n) && !section.contains(n.split(' ').next().unwrap())), "no name beside the answers: {section}");
    check::accessible(&facilitator, "the projector with the answers").await?;
    facilitator.save_screenshot("workshop-wrap-up-1920").await?;

    // The summary to download says what the room shared, without names.
    let downloads = tempfile::tempdir()?;
    facilitator.download_into(downloads.path()).await?;
    find::css(&facilitator, "[data-testid='download-summary']").await?.click().await?;
    let summary = check::downloaded(downloads.path(), "career-success-summary.md").await?;
    assert!(summary.starts_with("# Career success") && summary.contains("- I will email my trio (kim-7)") && summary.contains("- People: 3 present of 3 who joined") && summary.contains("### What will you try first?"), "{summary}");

    // Ana's answer is in her own journal too.
    phones[0].client.goto(&server.url("/journal")).await?;
    find::by_text(&phones[0], "a", "Career success: wrap-up").await?;

    for phone in phones {
        phone.close().await?;
    }
    facilitator.close().await
}
