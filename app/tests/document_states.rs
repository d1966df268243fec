//! Every state a page meets when it opens a document (`api::use_document`),
//! as a person sees it: ready, not on this device, saved by a newer version
//! (with the update offered), damaged (saying what was kept aside). Each
//! test mounts its own page, so the order they run in does not matter.

use automerge::AutoCommit;
use confidant_app::api::{not_ready, use_document, DocumentState};
use confidant_app::store::{app_store, random_bytes};
use confidant_shared::document::DocumentId;
use confidant_shared::goal_plan::GoalPlan;
use confidant_shared::storage::{ChunkKind, StoredChunk};
use confidant_shared::Section;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos_router::components::Router;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// A page that opens the goal plan `id`, mounted in its own container.
fn mount_plan_page(id: String) -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let container = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&container).unwrap();
    leptos::mount::mount_to(container.clone().unchecked_into(), move || {
        let id = id.clone();
        view! {
            <Router>
                {
                    let plan = use_document::<GoalPlan>(move || id.clone());
                    move || plan.with(|state| match state {
                        DocumentState::Ready { value, notice, .. } => view! {
                            <h1 data-testid="ready">{value.title.as_str().to_owned()}</h1>
                            {notice.clone().map(|n| view! { <p data-testid="notice">{n}</p> })}
                        }.into_any(),
                        other => not_ready(other, Section::Goals, "goal plan"),
                    })
                }
            </Router>
        }
    })
    .forget();
    container
}

/// Wait (up to 10 s) for `selector` in `root`; returns its text.
async fn shows(root: &Element, selector: &str) -> String {
    for _ in 0..200 {
        if let Some(found) = root.query_selector(selector).unwrap() {
            return found.text_content().unwrap_or_default();
        }
        TimeoutFuture::new(50).await;
    }
    panic!("{selector} did not appear; the page shows {:?}", root.text_content())
}

fn new_id() -> DocumentId {
    DocumentId::from_random(random_bytes().unwrap())
}

async fn store_plan(id: DocumentId, plan: &GoalPlan) {
    let mut doc = AutoCommit::new();
    autosurgeon::reconcile(&mut doc, plan).unwrap();
    let store = app_store().await.unwrap();
    store.write_records(&[StoredChunk::new(id, ChunkKind::Snapshot, doc.save())]).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_stored_plan_opens() {
    let id = new_id();
    store_plan(id, &GoalPlan::new("Year two", "sam")).await;
    let root = mount_plan_page(id.to_string());
    assert_eq!(shows(&root, "[data-testid='ready']").await, "Year two");
}

#[wasm_bindgen_test]
async fn a_plan_that_is_not_here_says_so_and_where_to_go() {
    let root = mount_plan_page(new_id().to_string());
    let text = shows(&root, "[data-testid='empty-state']").await;
    assert!(text.contains("This goal plan is not on this device."), "{text}");
    assert!(text.contains("open the invite link"), "{text}");
    assert!(root.query_selector("a[href='/goals']").unwrap().is_some(), "a way back to the list");

    // A link that is no document id at all reads the same, not an error dump.
    let garbage = mount_plan_page("not-an-id".into());
    assert!(shows(&garbage, "[data-testid='empty-state']").await.contains("not on this device"));
}

#[wasm_bindgen_test]
async fn a_plan_from_a_newer_version_says_so_and_offers_the_update() {
    let id = new_id();
    let mut plan = GoalPlan::new("From the future", "sam");
    plan.schema = 99;
    store_plan(id, &plan).await;
    let root = mount_plan_page(id.to_string());
    let text = shows(&root, "[data-testid='newer-version']").await;
    assert!(text.contains("saved by a newer version of Confidant"), "{text}");
    assert!(!text.contains("schema") && !text.contains("GoalPlan"), "no internals: {text}");
    let button = shows(&root, "[data-testid='newer-version'] button[data-testid='update-app']").await;
    assert_eq!(button, "Update Confidant");
}

#[wasm_bindgen_test]
async fn a_damaged_plan_says_what_was_kept_aside() {
    let id = new_id();
    let mut doc = AutoCommit::new();
    autosurgeon::reconcile(&mut doc, &GoalPlan::new("Damaged", "sam")).unwrap();
    let mut record = StoredChunk::new(id, ChunkKind::Snapshot, doc.save());
    // A flipped byte on disk: the record no longer matches its hash.
    let last = record.bytes.len() - 1;
    record.bytes[last] ^= 0xff;
    let store = app_store().await.unwrap();
    store.write_records(&[record]).await.unwrap();

    let root = mount_plan_page(id.to_string());
    let text = shows(&root, "[data-testid='damaged']").await;
    assert!(text.contains("This goal plan is damaged on this device"), "{text}");
    assert!(text.contains("one saved record is kept aside, not deleted"), "{text}");
    assert!(store.read_records(id).await.unwrap().is_empty(), "moved to quarantine");
}

#[wasm_bindgen_test]
async fn a_plan_a_partner_broke_opens_put_right_and_says_so() {
    use automerge::transaction::Transactable;
    let id = new_id();
    let mut doc = AutoCommit::new();
    let mut plan = GoalPlan::new("Year two", "sam");
    plan.add_goal("g", "Publish", "");
    autosurgeon::reconcile(&mut doc, &plan).unwrap();
    doc.commit();
    // A partner's change puts text where a number belongs.
    let mut partner = doc.fork();
    partner.put(automerge::ROOT, "horizon_months", "forever").unwrap();
    partner.commit();
    doc.merge(&mut partner).unwrap();
    let store = app_store().await.unwrap();
    store.write_records(&[StoredChunk::new(id, ChunkKind::Snapshot, doc.save())]).await.unwrap();

    let root = mount_plan_page(id.to_string());
    assert_eq!(shows(&root, "[data-testid='ready']").await, "Year two");
    let notice = shows(&root, "[data-testid='notice']").await;
    assert!(notice.contains("back as it was before"), "{notice}");
    // The fix is saved: the plan opens again from storage with nothing to put right.
    let records = store.read_records(id).await.unwrap();
    let mut reread = AutoCommit::new();
    for r in records {
        reread.load_incremental(&r.bytes).unwrap();
    }
    assert!(confidant_shared::document::open::<GoalPlan>(&mut reread).is_ok(), "saved put right");
}
