//! Program benchmark, in headless Chromium (the app's wasm). Prints
//! figures; asserts nothing about time. Skipped by `scripts/test` (ignored);
//! `scripts/bench` runs it in release with `--include-ignored`.
//!
//! - matching 500 mentees to 200 mentors of capacity 1 to 3 (the issue's
//!   target: under 2 s in the browser), the coordinator's "Draft matches";
//! - the coordinator's page over a program of 500 matches (target: under
//!   300 ms to render), from mounting the page to every match on screen,
//!   the program read from IndexedDB included.

use std::collections::{BTreeMap, BTreeSet};

use confidant_app::store::{app_store, OpenDocument};
use confidant_shared::program::matching::{draft, Candidate, MatchingRules};
use confidant_shared::program::{Availability, CareerStage, Match, MatchStatus, MeetingMode, Member, MemberId, Program, ProgramTemplate};
use confidant_shared::program::{IntakeForm, IntakeRole};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const QUICK: bool = option_env!("CONFIDANT_BENCH_QUICK").is_some();
const MENTEES: usize = if QUICK { 50 } else { 500 };
const MENTORS: usize = if QUICK { 20 } else { 200 };
const MATCHES: usize = if QUICK { 50 } else { 500 };
/// The rows the dashboard draws at first (the page's `ROWS_AT_ONCE`).
const FIRST_ROWS: usize = if MATCHES < 25 { MATCHES } else { 25 };

fn now() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

/// A small fixed-seed generator: the same roster on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

const TOPICS: [&str; 6] = ["Career planning", "Advanced degree", "New to academia", "Organizational culture", "Job search", "Work/life issues"];

fn candidate(rng: &mut Lcg, id: String, capacity: u32) -> Candidate {
    let topics: BTreeSet<String> = (0..1 + rng.next(3)).map(|_| TOPICS[rng.next(6) as usize].to_string()).collect();
    let slots: Vec<u8> = (0..4).map(|_| rng.next(15) as u8).collect();
    Candidate {
        name: id.clone(),
        id: MemberId::new(&id),
        department: format!("Department {}", rng.next(12)),
        topics,
        career_stage: CareerStage::ALL[rng.next(4) as usize],
        availability: Availability::from_slots(&slots),
        meeting_mode: [MeetingMode::InPerson, MeetingMode::Online, MeetingMode::Either][rng.next(3) as usize],
        avoid: BTreeSet::new(),
        capacity,
        eligible: true,
    }
}

#[wasm_bindgen_test]
#[ignore]
async fn matching_500_mentees_to_200_mentors() {
    let mut rng = Lcg(14);
    let mentors: Vec<Candidate> = (0..MENTORS).map(|i| { let places = 1 + rng.next(3) as u32; candidate(&mut rng, format!("mentor-{i:03}"), places) }).collect();
    let mentees: Vec<Candidate> = (0..MENTEES).map(|i| candidate(&mut rng, format!("mentee-{i:03}"), 0)).collect();
    let rules = MatchingRules { different_department: true, ..Default::default() };
    let places: u32 = mentors.iter().map(|m| m.capacity).sum();
    let mut times = Vec::new();
    let mut placed = 0;
    for _ in 0..3 {
        let start = now();
        let d = draft(&mentors, &mentees, &rules);
        times.push(now() - start);
        placed = d.pairs.len();
    }
    times.sort_by(f64::total_cmp);
    console_log!(
        "matching {MENTEES} mentees to {MENTORS} mentors ({places} places, across departments): {:.0} ms median of 3 (min {:.0}, max {:.0}); {placed} placed",
        times[1], times[0], times[2]
    );
}

#[wasm_bindgen_test]
#[ignore]
async fn the_coordinators_page_over_500_matches() {
    let today = confidant_shared::calendar_day::parse_day("2026-12-01").unwrap();
    let mut program = Program::new("Libraries mentoring", ProgramTemplate::LibrariesMentoring, today);
    let form = |role, name: &str| IntakeForm {
        topics: BTreeSet::from(["Career planning".to_string()]),
        capacity: if role == IntakeRole::VolunteerToMentor { 3 } else { 0 },
        ..IntakeForm::example(role, name, "Libraries")
    };
    let mut matches = BTreeMap::new();
    for i in 0..MATCHES {
        let (mentor, mentee) = (format!("mentor-{}", i / 3), format!("mentee-{i}"));
        program.roster.entry(mentor.clone()).or_insert_with(|| Member::from_form(&mentor, &form(IntakeRole::VolunteerToMentor, &mentor), today));
        program.roster.insert(mentee.clone(), Member::from_form(&mentee, &form(IntakeRole::RequestMentor, &mentee), today));
        let check_in = format!(r#"{{"meetings_per_month":[{{"year":2026,"month":11,"meetings":{}}}],"last_meeting":"2026-11-{:02}","status":"Active","needs_help":false,"made_on":"2026-11-28"}}"#, 1 + i % 3, 1 + i % 28);
        let id = format!("match-{i:04}");
        matches.insert(id.clone(), Match {
            id,
            mentor,
            mentee,
            matched_on: confidant_shared::calendar_day::parse_day("2026-09-01"),
            reasons: vec!["both chose Career planning".into()],
            status: MatchStatus::Introduced,
            ended_on: None,
            check_in: Some(check_in),
            notice_sent_for: None,
            answers: Vec::new(),
            end_requests: Vec::new(),
        });
    }
    program.matches = matches;
    let store = app_store().await.unwrap();
    let id = OpenDocument::create(&store, &program).await.unwrap().id();
    let bytes = store.read_records(id).await.unwrap().iter().map(|r| r.bytes.len()).sum::<usize>();

    // A second program like it, never read: its first visit is one with
    // the app's code already run once in this tab (as after Home, which
    // reads every program a coordinator runs).
    let other = OpenDocument::create(&store, &program).await.unwrap().id();

    let window = web_sys::window().unwrap();
    // The first visit in a fresh tab (nothing read, no code run yet), the
    // same page again, then the other program's first visit: from mounting
    // the page to the dashboard on screen (the counts over every match and
    // the first rows, those needing a look first); and one "Show more".
    let mut times = Vec::new();
    let mut more_ms = 0.0;
    for (visit, program_id) in [id, id, other].into_iter().enumerate() {
        window.history().unwrap().push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("/program/{program_id}"))).unwrap();
        let document = window.document().unwrap();
        let container = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&container).unwrap();
        let start = now();
        let owner = leptos::mount::mount_to(container.clone().unchecked_into(), || view! {
            <Router><Routes fallback=|| "no route"><Route path=path!("/program/:id") view=confidant_app::pages::ProgramPage/></Routes></Router>
        });
        let rows = |c: &web_sys::Element| c.query_selector_all("[data-testid='match-row']").unwrap().length() as usize;
        let mut shown = 0;
        for _ in 0..20_000 {
            shown = rows(&container);
            if shown == FIRST_ROWS && container.query_selector("[data-testid='match-counts']").unwrap().is_some() {
                break;
            }
            TimeoutFuture::new(1).await;
        }
        times.push(now() - start);
        assert_eq!(shown, FIRST_ROWS, "the first rows on the page");
        // Every member here still waits: the roster draws its first page only.
        let roster_rows = container.query_selector_all("[data-testid='roster-row']").unwrap().length() as usize;
        assert_eq!(roster_rows, 25.min(program.roster.len()), "the roster's first page");
        assert_eq!(container.query_selector("[data-testid='more-roster']").unwrap().is_some(), program.roster.len() > 25, "the rest of the roster a click away");
        let counts = container.query_selector("[data-testid='match-counts']").unwrap().unwrap().text_content().unwrap_or_default();
        assert!(counts.starts_with(&format!("{MATCHES} matches")), "{counts}");
        if visit == 1 && MATCHES > FIRST_ROWS {
            let more: web_sys::HtmlElement = container.query_selector("[data-testid='more-matches']").unwrap().unwrap().unchecked_into();
            let start = now();
            more.click();
            for _ in 0..20_000 {
                if rows(&container) == 2 * FIRST_ROWS {
                    break;
                }
                TimeoutFuture::new(1).await;
            }
            more_ms = now() - start;
            assert_eq!(rows(&container), 2 * FIRST_ROWS, "the next rows");
        }
        drop(owner);
        container.remove();
    }
    let open_start = now();
    OpenDocument::open::<Program>(&store, id).await.unwrap();
    let open_ms = now() - open_start;
    console_log!(
        "coordinator's page over {MATCHES} matches ({} on the roster, {bytes} bytes stored), from mount to the counts and the first {FIRST_ROWS} rows on screen: first visit in a fresh tab {:.0} ms, again {:.0} ms, another program's first visit {:.0} ms; show {FIRST_ROWS} more {more_ms:.0} ms; opening the program (IndexedDB, hydrate) {open_ms:.0} ms",
        program.roster.len(),
        times[0],
        times[1],
        times[2]
    );
}
