//! Reimbursement requests as a member sends them, on the program's page:
//! the amount in their own conventions, the day, the budget's category,
//! what it was for, the meeting, and a receipt (a photo or a PDF, kept in
//! its own encrypted document that only the coordinators can open). A
//! problem is said in one sentence and nothing typed is lost. Below, each
//! request sent from this device with the coordinator's latest word.

use confidant_shared::calendar_day::parse_day;
use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::program::budget::{ClaimRequest, ClaimStatus, Receipt};
use confidant_shared::program::page::ProgramPage as Page;
use confidant_shared::sync::inbox::InboxAddress;
use confidant_shared::sync::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::api::create_document;
use crate::sync::use_sync;

#[component]
pub fn Reimbursements(local: DocumentId, page: ReadSignal<Page, LocalStorage>) -> impl IntoView {
    let Some(engine) = use_sync() else { return ().into_any() };
    let program = {
        let engine = engine.clone();
        Memo::new(move |_| engine.share_of(local).map(|s| s.sync_id.to_string()).unwrap_or_default())
    };
    // Members ask; someone whose form did not reach the program yet has
    // nothing to ask for.
    let member = {
        let engine = engine.clone();
        Memo::new(move |_| engine.program_letters().form_in(&program.get()).is_some_and(|f| f.answer.as_ref().is_some_and(|a| a.taken)))
    };
    let categories = Memo::new(move |_| page.with(|p| p.claim_budget(crate::clock::today_day()).categories(crate::clock::today_day())));
    let currency = Memo::new(move |_| page.with(|p| p.claim_budget(crate::clock::today_day()).currency));
    let sent = {
        let engine = engine.clone();
        Memo::new(move |_| engine.program_letters().claims_in(&program.get()).cloned().collect::<Vec<_>>())
    };
    view! {
        {move || (member.get() && !categories.with(Vec::is_empty)).then(|| view! {
            <h2>"Reimbursements"</h2>
            <ClaimForm program=program.get_untracked() categories=categories.get_untracked() page/>
            {move || {
                let list = sent.get();
                (!list.is_empty()).then(|| view! {
                    <h3>"Your requests"</h3>
                    <ul data-testid="my-claims">
                        {list.into_iter().map(|c| {
                            let amount = crate::money::show(c.request.cents, &currency.get_untracked());
                            let status = match c.status {
                                ClaimStatus::Declined => format!("Declined on {}: {}", crate::clock::day_words(c.status_on), c.reason),
                                ClaimStatus::Submitted => format!("Sent on {}; the coordinator has not decided yet.", crate::clock::day_words(c.sent_on)),
                                other => format!("{} on {}.", other.words(), crate::clock::day_words(c.status_on)),
                            };
                            view! { <li data-testid="my-claim">{format!("{amount} for {} ({}): {status}", c.request.what_for, c.request.category)}</li> }
                        }).collect_view()}
                    </ul>
                })
            }}
        })}
    }
    .into_any()
}

#[component]
fn ClaimForm(program: String, categories: Vec<String>, page: ReadSignal<Page, LocalStorage>) -> impl IntoView {
    let engine = use_sync();
    let (amount, set_amount) = signal(String::new());
    let (spent_on, set_spent_on) = signal(String::new());
    let (category, set_category) = signal(categories.first().cloned().unwrap_or_default());
    let (what_for, set_what_for) = signal(String::new());
    let (meeting, set_meeting) = signal(String::new());
    let (receipt, set_receipt) = signal_local(None::<Receipt>);
    let (problem, set_problem) = signal(None::<String>);
    let (status, set_status) = signal(None::<String>);
    let (sending, set_sending) = signal(false);
    let example = {
        let (decimal, _) = crate::money::marks();
        format!("For example 23{decimal}50")
    };
    let pick_receipt = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            set_receipt.set(None);
            return;
        };
        spawn_local(async move {
            // Refused by size before it is read into memory.
            if file.size() > confidant_shared::program::budget::MAX_RECEIPT_BYTES as f64 {
                set_receipt.set(None);
                set_problem.set(Some(confidant_shared::program::budget::ReceiptRefused::TooLarge.to_string()));
                return;
            }
            let bytes = match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
                Err(_) => {
                    set_problem.set(Some("The file could not be read; choose it again.".into()));
                    return;
                }
            };
            match Receipt::from_bytes(bytes) {
                Ok(r) => {
                    set_problem.set(None);
                    set_receipt.set(Some(r));
                }
                Err(why) => {
                    set_receipt.set(None);
                    set_problem.set(Some(why.to_string()));
                }
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let cents = match crate::money::parse(&amount.get_untracked()) {
            Ok(cents) => cents,
            Err(why) => {
                set_problem.set(Some(why));
                return;
            }
        };
        let Some(spent) = parse_day(&spent_on.get_untracked()) else {
            set_problem.set(Some("Give the day it was spent.".into()));
            return;
        };
        let (Some(engine), Some(to)) = (engine.clone(), page.with_untracked(|p| InboxAddress::parse(&p.intake_inbox).ok())) else {
            set_problem.set(Some("This page does not say where requests go; ask the coordinator for a new link.".into()));
            return;
        };
        let id = match crate::api::random_id() {
            Ok(id) => id,
            Err(why) => {
                set_problem.set(Some(why));
                return;
            }
        };
        let receipt_file = receipt.get_untracked();
        let mut request = ClaimRequest {
            id,
            category: category.get_untracked(),
            cents,
            spent_on: spent,
            what_for: what_for.get_untracked(),
            meeting: meeting.get_untracked(),
            receipt: String::new(),
            receipt_type: receipt_file.as_ref().map(|r| r.file_type.clone()).unwrap_or_default(),
            receipt_hash: receipt_file.as_ref().map(Receipt::hash).unwrap_or_default(),
        };
        // Checked with a stand-in for the receipt: its invite is made on sending.
        let budget = page.with_untracked(|p| p.claim_budget(crate::clock::today_day()));
        let probe = ClaimRequest { receipt: if receipt_file.is_some() { "x".into() } else { String::new() }, ..request.clone() };
        if let Err(why) = probe.check(&budget, crate::clock::today_day()) {
            set_problem.set(Some(why.to_string()));
            return;
        }
        set_problem.set(None);
        set_sending.set(true);
        let program = program.clone();
        spawn_local(async move {
            let sent = async {
                if let Some(file) = receipt_file {
                    let doc = create_document(&file).await?;
                    engine.share(doc.id(), DocumentKind::Receipt).await?;
                    request.receipt = engine.invite(doc.id(), Role::Reader).await?.fragment();
                }
                engine.send_claim(to, program, request).await
            };
            match sent.await {
                Ok(()) => {
                    set_status.set(Some("Sent to the coordinator, sealed. You will see here what becomes of it.".into()));
                    set_amount.set(String::new());
                    set_what_for.set(String::new());
                    set_meeting.set(String::new());
                    set_receipt.set(None);
                }
                Err(err) => set_problem.set(Some(err)),
            }
            set_sending.set(false);
        });
    };
    let today = confidant_shared::calendar_day::day_text(crate::clock::today_day());
    view! {
        // Checked here, so every problem reads as one sentence (not a browser bubble).
        <form class="claim-form" novalidate on:submit=submit aria-label="Ask to be reimbursed">
            <label for="claim-amount">"Amount"</label>
            <input id="claim-amount" inputmode="decimal" autocomplete="off" placeholder=example prop:value=amount on:input=move |ev| set_amount.set(event_target_value(&ev))/>
            <label for="claim-date">"Day it was spent"</label>
            <input id="claim-date" type="date" max=today prop:value=spent_on on:input=move |ev| set_spent_on.set(event_target_value(&ev))/>
            <label for="claim-category">"Budget category"</label>
            <select id="claim-category" on:change=move |ev| set_category.set(event_target_value(&ev))>
                {categories.iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
            </select>
            <label for="claim-what">"What it was for"</label>
            <input id="claim-what" maxlength="300" prop:value=what_for on:input=move |ev| set_what_for.set(event_target_value(&ev))/>
            <label for="claim-meeting">"The meeting it belongs to (optional)"</label>
            <input id="claim-meeting" maxlength="200" prop:value=meeting on:input=move |ev| set_meeting.set(event_target_value(&ev))/>
            <label for="claim-receipt">"Receipt: a photo or a PDF, at most 400 KB (optional)"</label>
            <input id="claim-receipt" type="file" accept="image/jpeg,image/png,image/webp,application/pdf" on:change=pick_receipt/>
            {move || receipt.with(|r| r.as_ref().map(|r| view! { <p data-testid="receipt-ready">{format!("Receipt attached ({} KB).", r.bytes.len().div_ceil(1024))}</p> }))}
            {move || problem.get().map(|p| view! { <p class="error" role="alert" data-testid="claim-problem">{p}</p> })}
            <button type="submit" data-testid="send-claim" disabled=sending>"Send the request"</button>
            {move || status.get().map(|s| view! { <p class="notice" role="status" data-testid="claim-sent">{s}</p> })}
        </form>
    }
}
