//! Handing the mentee over to another mentor: the note, and starting the next
//! partnership (the flow is `confidant_shared::partnership::handover`).

#[allow(unused_imports)]
use super::*;
use crate::api::create_document;
use confidant_shared::partnership::handover::{Event, HandOver, HandOverRefused, Step};

#[component]
pub(super) fn HandOverSection(p: ReadSignal<Partnership, LocalStorage>, editing: Editing, partner: Signal<String>, side: Signal<Side>) -> impl IntoView {
    let (note, set_note) = signal(String::new());
    let (error, set_error) = signal(None::<String>);
    let handed = move || p.with(|p| p.status == PartnershipStatus::HandedOver);
    // A partnership that began with a hand-over shows the note to the new mentor.
    let inherited = move || p.with(|p| (!handed() && !p.handover_note.as_str().trim().is_empty()).then(|| p.handover_note.as_str().to_owned()));
    let engine = use_sync();
    let navigate = leptos_router::hooks::use_navigate();
    // One hand-over at a time: a second click would start a second partnership.
    let (working, set_working) = signal(false);
    let start_next = move |_| {
        if working.get_untracked() {
            return;
        }
        set_working.set(true);
        let handed = p.get_untracked();
        let (engine, navigate) = (engine.clone(), navigate.clone());
        spawn_local(async move {
            // The rule is confidant_shared::partnership::handover; this only
            // carries out its steps.
            let (mut flow, mut step) = HandOver::<DocumentId>::start(&handed, &today());
            let outcome = loop {
                let event = match step {
                    Step::FindPlan { invite } => {
                        let plan = Invite::parse_for(&invite, InvitePlace::PartnershipGoalPlan).ok();
                        match (engine.as_ref(), plan) {
                            (Some(engine), Some(plan)) => match engine.local_for(&plan) {
                                Some(plan) => Event::PlanHere { plan, owned: engine.owns(plan) },
                                None => Event::PlanNotHere,
                            },
                            _ => Event::PlanNotHere,
                        }
                    }
                    Step::UnlinkPlan => {
                        editing.edit(|p| p.goal_plan_invite = None);
                        editing.flush().await;
                        Event::Unlinked
                    }
                    Step::TakeBackPlan { plan } => match engine.as_ref() {
                        Some(engine) => match engine.take_back(plan).await {
                            Ok(_) => Event::TookBack,
                            Err(e) => break Err(e),
                        },
                        None => break Err(HandOverRefused::OutOfOrder.to_string()),
                    },
                    Step::InviteToPlan { plan } => match engine.as_ref() {
                        Some(engine) => match engine.invite(plan, Role::Writer).await {
                            Ok(fresh) => Event::Invited { fragment: fresh.fragment() },
                            Err(e) => break Err(e),
                        },
                        None => break Err(HandOverRefused::OutOfOrder.to_string()),
                    },
                    Step::CreateNext(next) => {
                        match create_document(&*next).await {
                            Ok(doc) => Event::Created { next: doc.id() },
                            Err(e) => break Err(e),
                        }
                    }
                    Step::ShareNext { next } => {
                        if let Some(engine) = engine.as_ref() {
                            if let Err(e) = engine.share(next, DocumentKind::Partnership).await {
                                break Err(e);
                            }
                        }
                        Event::Shared
                    }
                    Step::Open { next } => break Ok(next),
                    Step::Refused(why) => break Err(why.to_string()),
                };
                step = flow.step(event);
            };
            match outcome {
                // The next mentor still needs the invite: open the page on it.
                Ok(id) if engine.is_some() => navigate(&paths::partnership_inviting(id), Default::default()),
                Ok(id) => navigate(&paths::partnership(id), Default::default()),
                Err(e) => {
                    set_error.set(Some(e));
                    set_working.set(false);
                }
            }
        });
    };
    view! {
        <section aria-labelledby="handover-heading">
            <h2 id="handover-heading">"Hand over to another mentor"</h2>
            {move || inherited().map(|note| view! { <p class="notice" data-testid="inherited-note">{format!("Note from the previous mentor: {note}")}</p> })}
            {move || if handed() {
                let start_next = start_next.clone();
                view! {
                    <p data-testid="handover-note">{move || p.with(|p| format!("Handed over. Note for the next mentor: {}", p.handover_note.as_str()))}</p>
                    {move || (side.get() == Side::Mentee).then(|| view! {
                        <button type="button" data-testid="start-next" disabled=move || working.get() on:click=start_next.clone()>"Start the partnership with your next mentor"</button>
                    })}
                    {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                }.into_any()
            } else {
                view! {
                    <p>{move || format!("If {} would be better served by another mentor, hand over with a note for them.", partner.get())}</p>
                    <form class="stacked-form" on:submit=move |ev: ev::SubmitEvent| {
                        ev.prevent_default();
                        let text = note.get_untracked();
                        if p.with_untracked(|p| p.is_running()) { editing.edit(|p| p.hand_over(&text)) }
                    }>
                        <div class="field">
                            <label for="handover-text">"Note for the next mentor"</label>
                            <textarea id="handover-text" rows="3" prop:value=note on:input=move |ev| set_note.set(event_target_value(&ev))></textarea>
                        </div>
                        <button type="submit">"Hand over"</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}
