//! List pages read every document of a kind through `api::documents_of`:
//! the first read opens each one, and after an edit only the edited
//! document is read again (a coordinator's dashboard of hundreds must not
//! re-read them all on every save), and the list shows the edit.

use confidant_app::api::{documents_of, documents_opened_for_lists};
use confidant_app::store::{app_store, OpenDocument};
use confidant_shared::partnership::{AgreedDuration, Partnership};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn an_edit_re_reads_only_the_edited_document() {
    let store = app_store().await.unwrap();
    let mut docs = Vec::new();
    for i in 0..20 {
        let p = Partnership::new(&format!("Mentor {i}"), &format!("Mentee {i}"), "2026-09-01", AgreedDuration::Months(6));
        docs.push(OpenDocument::create(&store, &p).await.unwrap());
    }
    let before = documents_opened_for_lists();
    let first = documents_of::<Partnership>().await.unwrap();
    assert!(first.len() >= 20);
    assert!(documents_opened_for_lists() - before >= 20, "the first read opens each");

    // Nothing changed: nothing is opened again.
    let before = documents_opened_for_lists();
    let again = documents_of::<Partnership>().await.unwrap();
    assert_eq!(again.len(), first.len());
    assert_eq!(documents_opened_for_lists() - before, 0, "nothing changed, nothing re-read");

    // One edit: one document read again, and the list has the edit.
    let edited = &docs[7];
    edited.change::<Partnership>(|p| p.mentor = "Renamed mentor".into()).await.unwrap();
    let before = documents_opened_for_lists();
    let after = documents_of::<Partnership>().await.unwrap();
    assert_eq!(documents_opened_for_lists() - before, 1, "only the edited document");
    let shown = after.iter().find(|(id, _)| *id == edited.id()).map(|(_, p)| p.mentor.clone());
    assert_eq!(shown.as_deref(), Some("Renamed mentor"));
}

#[wasm_bindgen_test]
async fn home_and_the_partnership_list_read_lines_without_opening_documents() {
    use confidant_app::api::lines_of;
    use confidant_shared::partnership::Meeting;
    let store = app_store().await.unwrap();
    let mut p = Partnership::new("Lined mentor", "Lined mentee", "2026-09-01", AgreedDuration::Months(6));
    let mut meeting = Meeting::new("m1", "2026-09-01");
    meeting.agenda.update("A private agenda");
    p.meetings.insert("m1".into(), meeting);
    let doc = OpenDocument::create(&store, &p).await.unwrap();

    let before = documents_opened_for_lists();
    let lines = lines_of::<Partnership>().await.unwrap();
    assert_eq!(documents_opened_for_lists() - before, 0, "no document opened: the index has their lines");
    let (_, seen) = lines.iter().find(|(id, _)| *id == doc.id()).expect("listed");
    assert_eq!(seen.pair_title(), "Lined mentor and Lined mentee");
    assert_eq!(seen.meetings["m1"].date, confidant_shared::calendar_day::parse_day("2026-09-01"), "meeting days are in the line");
    assert_eq!(seen.meetings["m1"].agenda.as_str(), "", "agendas are not");

    // An edit rewrites the line.
    doc.change::<Partnership>(|p| p.mentee = "Renamed mentee".into()).await.unwrap();
    let lines = lines_of::<Partnership>().await.unwrap();
    let (_, seen) = lines.iter().find(|(id, _)| *id == doc.id()).unwrap();
    assert_eq!(seen.mentee, "Renamed mentee");

    // An entry without a line (changed behind the index's back) is opened.
    store.forget_line(doc.id()).await.unwrap();
    let before = documents_opened_for_lists();
    let lines = lines_of::<Partnership>().await.unwrap();
    assert_eq!(documents_opened_for_lists() - before, 1, "only the one without a line");
    assert!(lines.iter().any(|(id, p)| *id == doc.id() && p.mentee == "Renamed mentee"));
    // ... once: its line is written back, so the next list opens nothing.
    let before = documents_opened_for_lists();
    let lines = lines_of::<Partnership>().await.unwrap();
    assert_eq!(documents_opened_for_lists() - before, 0, "the line was filled in");
    assert!(lines.iter().any(|(id, p)| *id == doc.id() && p.mentee == "Renamed mentee"));

    // A list read the entry (no line) and opened the document; then another
    // tab replayed an edit into it. The line worked out before is not kept.
    store.forget_line(doc.id()).await.unwrap();
    let read_at = store.summary(doc.id()).await.unwrap().unwrap().updated_ms;
    store.forget_line(doc.id()).await.unwrap();
    let stale = serde_json::to_value(confidant_shared::document::Listed::line(&p)).unwrap();
    store.fill_line(doc.id(), read_at, stale).await.unwrap();
    assert_eq!(store.summary(doc.id()).await.unwrap().unwrap().line, None, "the next list opens the document");
}

#[wasm_bindgen_test]
async fn home_knows_who_i_am_and_my_programs_terms_without_opening_a_document() {
    use confidant_app::api::{my_profile_line, program_calendars};
    use confidant_shared::profile::{Profile, Role};
    use confidant_shared::program::page::ProgramPage;
    use confidant_shared::program::{Program, ProgramTemplate};
    let store = app_store().await.unwrap();
    let mut me = Profile::with_member_id("Lined Ana", "0-lined-ana");
    me.roles = vec![Role::Mentor];
    me.boundaries.update("No calls after 21:00");
    OpenDocument::create(&store, &me).await.unwrap();
    let program = Program::new("Lined program", ProgramTemplate::PeerConnections, confidant_shared::calendar_day::parse_day("2026-08-01").unwrap());
    let mut page = ProgramPage::of(&program, "");
    page.settings.semesters.fall_ends = "12-12".into();
    OpenDocument::create(&store, &page).await.unwrap();

    let before = documents_opened_for_lists();
    let seen = my_profile_line().await.unwrap().expect("the profile is listed");
    // Without sync no page is followed by a sync id: the calendars are read
    // all the same (the index's lines), and nothing is opened.
    let _ = program_calendars(None).await;
    assert_eq!(documents_opened_for_lists() - before, 0, "no document opened: the index has their lines");
    assert_eq!((seen.member_id.as_str(), seen.roles.as_slice()), ("0-lined-ana", &[Role::Mentor][..]));
    assert_eq!(seen.boundaries.as_str(), "", "what the person wrote at length is not in the line");
    let pages = confidant_app::api::lines_of::<ProgramPage>().await.unwrap();
    assert!(pages.iter().any(|(_, p)| p.name == "Lined program" && p.settings.semesters.fall_ends == "12-12"));
}
