//! A program's money on its desk: money left by category for the budget's
//! fiscal year (a table and a chart with its summary in words), the
//! proposed budget drafted, marked submitted and approved, members'
//! reimbursement requests moved on (each status told to the member,
//! sealed), their receipts opened from their own encrypted documents, and
//! a CSV for the finance office. The arithmetic is in
//! `confidant_shared::program::budget`.

use confidant_shared::document::DocumentId;
use confidant_shared::program::budget::{BudgetLine, CategoryMoney, Claim, ClaimStatus, ProposalState, Receipt};
use confidant_shared::program::page::ProgramPage;
use confidant_shared::program::Program;
use confidant_shared::sync::inbox::InboxAddress;
use confidant_shared::sync::invite::{Invite, InvitePlace};
use confidant_shared::sync::notice::Notice;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::sync::{use_sync, SyncEngine};
use crate::widgets::document_editing::DocumentEditing;

#[component]
pub fn ProgramBudget(program: ReadSignal<Program, LocalStorage>, editing: DocumentEditing<Program>, intake_here: Signal<Option<bool>>) -> impl IntoView {
    let currency = Memo::new(move |_| program.with(|p| p.budget.currency.clone()));
    let money = Memo::new(move |_| program.with(|p| p.budget.money(crate::clock::today_day())));
    let year = Memo::new(move |_| program.with(|p| p.budget.fiscal_year_of(crate::clock::today_day()).label()));
    let claims = Memo::new(move |_| {
        program.with(|p| {
            let mut list: Vec<Claim> = p.budget.claims.values().cloned().collect();
            // Undecided first, then newest.
            confidant_shared::sort::by(&mut list, |a, b| (a.status != ClaimStatus::Submitted, std::cmp::Reverse(&a.submitted_on)).cmp(&(b.status != ClaimStatus::Submitted, std::cmp::Reverse(&b.submitted_on))));
            list
        })
    });
    let (error, set_error) = signal(None::<String>);
    view! {
        <h2>"Budget and reimbursements"</h2>
        {move || {
            let rows = money.get();
            if rows.is_empty() {
                view! { <p data-testid="no-budget">"No budget yet: draft one below, mark it submitted, then approved. Members can then ask to be reimbursed from its categories."</p> }.into_any()
            } else {
                view! { <MoneyLeft rows year=year.get() currency=currency.get()/> }.into_any()
            }
        }}
        <Proposal program editing set_error/>
        <h3>"Requests"</h3>
        {move || {
            let list = claims.get();
            if list.is_empty() {
                view! { <p>"No request yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="claims" data-testid="claims">
                        {list.into_iter().map(|c| view! { <ClaimRow claim=c program editing intake_here set_error/> }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
        <button type="button" data-testid="download-claims" on:click=move |_| {
            let csv = program.with_untracked(Program::claims_csv);
            if crate::widgets::file_download::download("reimbursements.csv", "text/csv", &csv).is_err() {
                set_error.set(Some("The file could not be saved; try again.".into()));
            }
        }>"Download the requests for the finance office (CSV)"</button>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
}

/// Money by category: a table, and a chart of what is used of each line
/// with the same figures in words for screen readers.
#[component]
fn MoneyLeft(rows: Vec<CategoryMoney>, year: String, currency: String) -> impl IntoView {
    let show = |cents: i64| crate::money::show(cents, &currency);
    let summary = rows
        .iter()
        .map(|r| format!("{}: {} left of {} ({} reimbursed, {} approved and not yet paid)", r.category, show(r.left), show(r.budget), show(r.reimbursed), show(r.committed)))
        .collect::<Vec<_>>()
        .join("; ");
    let bar_height = 28;
    let height = rows.len() as i32 * bar_height + 8;
    let most = rows.iter().map(|r| r.budget.max(r.reimbursed.saturating_add(r.committed))).max().unwrap_or(1).max(1) as f64;
    let width = |cents: i64| (cents.max(0) as f64 / most * 300.0).round();
    view! {
        <table data-testid="money-left">
            <caption>{format!("Fiscal year {year}")}</caption>
            <thead><tr><th scope="col">"Category"</th><th scope="col">"Budget"</th><th scope="col">"Reimbursed"</th><th scope="col">"Approved, not yet paid"</th><th scope="col">"Left"</th></tr></thead>
            <tbody>
                {rows.iter().map(|r| view! {
                    <tr data-testid="money-row"><th scope="row">{r.category.clone()}</th><td>{show(r.budget)}</td><td>{show(r.reimbursed)}</td><td>{show(r.committed)}</td><td data-testid="money-left-cell">{show(r.left)}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
        <figure class="chart">
            <svg role="img" aria-label=format!("Money used by category, fiscal year {year}") viewBox=format!("0 0 460 {height}") width="100%" focusable="false">
                {rows.iter().enumerate().map(|(i, r)| {
                    let y = i as i32 * bar_height + 4;
                    view! {
                        <text x="0" y=y + 16 class="chart-label">{r.category.chars().take(18).collect::<String>()}</text>
                        <rect x="150" y=y width=width(r.budget) height="20" class="chart-budget"/>
                        <rect x="150" y=y width=width(r.reimbursed) height="20" class="chart-spent"/>
                        <rect x="150" y=y + 6 width=width(r.committed) height="8" class="chart-committed" transform=format!("translate({} 0)", width(r.reimbursed))/>
                    }
                }).collect_view()}
            </svg>
            <figcaption data-testid="money-summary">{summary}</figcaption>
        </figure>
    }
}

fn lines_text(lines: &[BudgetLine]) -> String {
    lines.iter().map(|l| format!("{} | {}", l.category, confidant_shared::program::budget::cents_text(l.cents))).collect::<Vec<_>>().join("\n")
}

/// The proposed budget: "Category | amount", one per line.
#[component]
fn Proposal(program: ReadSignal<Program, LocalStorage>, editing: DocumentEditing<Program>, set_error: WriteSignal<Option<String>>) -> impl IntoView {
    let engine = use_sync();
    let text = RwSignal::new(program.with_untracked(|p| lines_text(&p.budget.proposal)));
    let currency = RwSignal::new(program.with_untracked(|p| p.budget.currency.clone()));
    let (problem, set_problem) = signal(None::<String>);
    let (status, set_status) = signal(None::<String>);
    let state = Memo::new(move |_| program.with(|p| p.budget.proposal_state));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut lines = Vec::new();
        for (n, line) in text.get_untracked().lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let Some((category, amount)) = line.rsplit_once('|') else {
                set_problem.set(Some(format!("Line {} needs a category, a bar and an amount, like “Lunch fund | 500”.", n + 1)));
                return;
            };
            // Saved lines show plain decimals; typed ones follow the locale.
            // Typed in the person's conventions; a saved line reads "500.00".
            let cents = crate::money::parse(amount).or_else(|_| confidant_shared::program::budget::parse_amount(amount, '.', ',').map_err(|e| e.to_string()));
            let Ok(cents) = cents else {
                set_problem.set(Some(format!("The amount on line {} does not read as one.", n + 1)));
                return;
            };
            lines.push(BudgetLine { category: category.trim().to_string(), cents });
        }
        let code = currency.get_untracked().trim().to_uppercase();
        if !crate::money::is_currency_code(&code) {
            set_problem.set(Some("The currency is a three-letter code, like USD or EUR.".into()));
            return;
        }
        let mut result = Ok(());
        editing.edit(|p| {
            result = p.budget.set_proposal(lines.clone());
            if result.is_ok() {
                p.budget.currency = code.clone();
            }
        });
        match result {
            Ok(()) => {
                set_problem.set(None);
                editing.save_now();
                set_status.set(Some("The proposed budget is saved as a draft.".into()));
            }
            Err(why) => set_problem.set(Some(why)),
        }
    };
    let submit = move |_| {
        let mut result = Ok(());
        editing.edit(|p| result = p.budget.submit_proposal());
        match result {
            Ok(()) => {
                editing.save_now();
                set_status.set(Some("Marked submitted.".into()));
            }
            Err(why) => set_problem.set(Some(why)),
        }
    };
    let approve = move |_| {
        let mut result = Err(String::new());
        editing.edit(|p| result = p.budget.approve_proposal(crate::clock::today_day()));
        let year = match result {
            Ok(year) => year,
            Err(why) => {
                set_problem.set(Some(why));
                return;
            }
        };
        editing.save_now();
        // Members choose from the approved categories on the program's page.
        let updated = program.get_untracked();
        let engine = engine.clone();
        spawn_local(async move {
            match publish_categories(engine, &updated).await {
                Ok(()) => set_status.set(Some(format!("Approved: it is the budget of fiscal year {}, and members ask to be reimbursed from its categories.", year.label()))),
                Err(()) => set_error.set(Some("Approved here; the program's page could not be updated. Open this program again and approve once more.".into())),
            }
        });
    };
    view! {
        <details class="proposal">
            <summary>"Proposed budget"</summary>
            <p data-testid="proposal-state">{move || match state.get() {
                ProposalState::Draft => "A draft.",
                ProposalState::Submitted => "Submitted, waiting for approval.",
                ProposalState::Approved => "Approved.",
            }}</p>
            <form on:submit=save aria-label="Proposed budget">
                <label for="budget-lines">"Categories and amounts, one per line (Category | amount)"</label>
                <textarea id="budget-lines" rows="5" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <label for="budget-currency">"Currency (a three-letter code)"</label>
                <input id="budget-currency" maxlength="3" prop:value=currency on:input=move |ev| currency.set(event_target_value(&ev))/>
                {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                <button type="submit" data-testid="save-proposal">"Save the proposal"</button>
            </form>
            <div class="goal-actions">
                <button type="button" data-testid="submit-proposal" on:click=submit>"Mark submitted"</button>
                <button type="button" data-testid="approve-proposal" on:click=approve>"Mark approved"</button>
            </div>
        </details>
        {move || status.get().map(|s| view! { <p class="notice" role="status" data-testid="budget-status">{s}</p> })}
    }
}

/// Write the budget's categories and currency to the program's page.
async fn publish_categories(engine: Option<SyncEngine>, program: &Program) -> Result<(), ()> {
    let page_local = untrack(|| super::program::page_local_of(engine.as_ref(), program)).ok_or(())?;
    let page = crate::api::open_document::<ProgramPage>(page_local).await.map_err(|_| ())?;
    let (categories, currency) = (program.budget.categories(crate::clock::today_day()), program.budget.currency.clone());
    page.change(|p: &mut ProgramPage| {
        p.claim_categories = categories;
        p.currency = currency;
    })
    .await
    .map_err(|_| ())?;
    crate::store::announce_saved(page_local);
    Ok(())
}

#[component]
fn ClaimRow(claim: Claim, program: ReadSignal<Program, LocalStorage>, editing: DocumentEditing<Program>, intake_here: Signal<Option<bool>>, set_error: WriteSignal<Option<String>>) -> impl IntoView {
    let engine = use_sync();
    let (name, currency) = program.with_untracked(|p| (p.roster.get(&claim.member).map(|m| m.name.clone()).unwrap_or_else(|| "someone who left".into()), p.budget.currency.clone()));
    let amount = crate::money::show(claim.cents, &currency);
    let (reason, set_reason) = signal(String::new());
    let key = claim.id.clone();
    // What the coordinator sees is what is decided.
    let seen = claim.clone();
    let decide = move |to: ClaimStatus| {
        // Members take the coordinator's letters only from the device that holds the intake.
        match intake_here.get_untracked() {
            Some(true) => {}
            Some(false) => {
                set_error.set(Some("Members take the coordinator's letters only from the device that receives the intake forms: take them over on this device first (at the end of the page).".into()));
                return;
            }
            None => {
                set_error.set(Some("The program's page is still opening on this device; try again in a moment.".into()));
                return;
            }
        }
        let Some(engine) = engine.clone() else { return };
        let page = program.with_untracked(|p| p.page_sync.clone());
        let mut outcome = None;
        let why = reason.get_untracked();
        editing.edit(|p| outcome = Some(p.decide_claim(&key, &seen, to, &why, &page, crate::clock::today_day())));
        match outcome {
            Some(Ok((to_inbox, news))) => {
                editing.save_now();
                set_error.set(None);
                spawn_local(async move {
                    let Ok(to) = InboxAddress::parse(&to_inbox) else {
                        set_error.set(Some("Saved; the member could not be told (they left the program).".into()));
                        return;
                    };
                    if let Err(err) = engine.send_notice(to, Notice::ProgramClaimNews(news)).await {
                        set_error.set(Some(err));
                    }
                });
            }
            Some(Err(why)) => set_error.set(Some(why.to_string())),
            None => {}
        }
    };
    let next = claim.status.next();
    let reason_id = format!("claim-reason-{}", claim.id.replace(':', "-"));
    let state = match claim.status {
        ClaimStatus::Declined => format!("Declined: {}", claim.reason),
        other => other.words().to_string(),
    };
    view! {
        <li data-testid="claim-row">
            <p>{format!("{name}: {amount} on {} for {} ({}){}", crate::clock::maybe_day_words(claim.spent_on), claim.what_for, claim.category, if claim.meeting.is_empty() { String::new() } else { format!(", {}", claim.meeting) })}</p>
            <p data-testid="claim-status">{state}</p>
            {(!claim.receipt.is_empty()).then(|| view! { <ReceiptView invite=claim.receipt.clone() hash=claim.receipt_hash.clone() what=format!("Receipt from {name} for {}", claim.what_for)/> })}
            <div class="goal-actions">
                {next.iter().copied().filter(|s| *s != ClaimStatus::Declined).map(|to| {
                    let decide = decide.clone();
                    let label = match to {
                        ClaimStatus::Approved => "Approve",
                        ClaimStatus::PassedOn => "Passed on to the finance office",
                        ClaimStatus::Reimbursed => "Mark reimbursed",
                        _ => "",
                    };
                    view! { <button type="button" data-testid=format!("claim-{}", label.split(' ').next().unwrap_or_default().to_lowercase()) on:click=move |_| decide(to)>{label}</button> }
                }).collect_view()}
            </div>
            {next.contains(&ClaimStatus::Declined).then(|| {
                let decide = decide.clone();
                view! {
                    <label for=reason_id.clone()>"Why it is declined (the member reads this)"</label>
                    <input id=reason_id.clone() prop:value=reason on:input=move |ev| set_reason.set(event_target_value(&ev))/>
                    <button type="button" data-testid="claim-decline" on:click=move |_| decide(ClaimStatus::Declined)>"Decline"</button>
                }
            })}
        </li>
    }
}

/// A receipt, opened on demand: its reader invite is accepted, and once
/// the document has arrived its bytes are shown if they still read as a
/// photo (or offered as a PDF) and are the ones the request was sent with.
#[component]
fn ReceiptView(invite: String, hash: String, what: String) -> impl IntoView {
    let engine = use_sync();
    let (opened, set_opened) = signal(None::<DocumentId>);
    let (problem, set_problem) = signal(None::<String>);
    let saves = crate::store::saves_counter();
    // The object URL made for the receipt, revoked when another replaces
    // it and when the view goes.
    let made = StoredValue::new_local(None::<String>);
    let revoke = move || {
        if let Some(url) = made.try_update_value(Option::take).flatten() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    };
    on_cleanup(revoke);
    let shown = LocalResource::new(move || {
        let local = opened.get();
        // Until it has arrived, every save may be it; then it is read once.
        let arrived = made.with_value(Option::is_some);
        if !arrived {
            saves.track();
        }
        let hash = hash.clone();
        async move {
            let local = local?;
            let receipt = crate::api::open_document::<Receipt>(local).await.ok()?.value::<Receipt>().ok()?;
            let Some((kind, bytes)) = receipt.checked(&hash) else {
                return Some(Err("This receipt is not the photo or PDF the request was sent with; ask the member to send the request again."));
            };
            let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
            let options = web_sys::BlobPropertyBag::new();
            options.set_type(kind);
            let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
            let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
            revoke();
            made.set_value(Some(url.clone()));
            Some(Ok((kind, url)))
        }
    });
    let open = move |_| {
        let Ok(parsed) = Invite::parse_for(&invite, InvitePlace::Receipt) else {
            set_problem.set(Some("This receipt's link is damaged; ask the member to send the request again.".into()));
            return;
        };
        let Some(engine) = engine.clone() else { return };
        if let Some(local) = engine.local_for(&parsed) {
            set_opened.set(Some(local));
            return;
        }
        spawn_local(async move {
            match engine.accept(parsed).await {
                Ok(local) => set_opened.set(Some(local)),
                Err(err) => set_problem.set(Some(err)),
            }
        });
    };
    view! {
        {move || match (opened.get(), shown.get().flatten()) {
            (None, _) => view! { <button type="button" data-testid="open-receipt" on:click=open.clone()>"See the receipt"</button> }.into_any(),
            (Some(_), None) => view! { <p role="status">"Opening the receipt… It appears once the member's device has sent it."</p> }.into_any(),
            (Some(_), Some(Err(why))) => view! { <p class="error" role="alert">{why}</p> }.into_any(),
            (Some(_), Some(Ok(("application/pdf", url)))) => view! { <a href=url download="receipt.pdf" data-testid="receipt">"Download the receipt (PDF)"</a> }.into_any(),
            (Some(_), Some(Ok((_, url)))) => view! { <img src=url alt=what.clone() class="receipt" data-testid="receipt"/> }.into_any(),
        }}
        {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
    }
}
