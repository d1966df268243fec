//! The Workshop section: the workshops on this device, and a form to run a
//! new one (the facilitator's device becomes its owner; participants join
//! it as readers, so only the facilitator moves the room on).

use confidant_shared::document::DocumentKind;
use confidant_shared::paths;
use confidant_shared::workshop::timeline::{Agenda, Timeline};
use confidant_shared::workshop::{OddCountChoice, Workshop};
use confidant_shared::Section;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::{create_document, my_profile, summaries};
use crate::sync::use_sync;

#[component]
pub fn WorkshopsPage() -> impl IntoView {
    let saves = crate::store::saves_counter();
    let workshops = LocalResource::new(move || {
        saves.track();
        async { summaries(DocumentKind::Workshop).await }
    });
    let (title, set_title) = signal(String::new());
    let (rounds, set_rounds) = signal(4u32);
    let (round_minutes, set_round_minutes) = signal(10u32);
    let (prep_minutes, set_prep_minutes) = signal(4u32);
    let (bye, set_bye) = signal(false);
    let (day, set_day) = signal(crate::clock::today());
    // The seed's four questions, one per line, for the facilitator to edit.
    let (questions, set_questions) = signal(confidant_shared::workshop::prep::WRAP_UP_QUESTIONS.join("\n"));
    let (error, set_error) = signal(None::<String>);
    let navigate = use_navigate();
    let engine = use_sync();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(engine) = engine.clone() else {
            set_error.set(Some("A workshop needs sync, which is not running in this tab; reload the page.".into()));
            return;
        };
        let Some(me) = engine.devices().me else {
            set_error.set(Some("This device is still starting; try again in a moment.".into()));
            return;
        };
        let name = title.get_untracked().trim().to_owned();
        let name = if name.is_empty() { "Peer Mentoring for Career Success".to_owned() } else { name };
        let agenda = Agenda { prep_minutes: prep_minutes.get_untracked(), rounds: rounds.get_untracked(), round_minutes: round_minutes.get_untracked(), ..Agenda::default() };
        let odd = if bye.get_untracked() { OddCountChoice::RotatingBye } else { OddCountChoice::Trio };
        let day = confidant_shared::calendar_day::parse_day(&day.get_untracked());
        let questions = questions.get_untracked();
        let navigate = navigate.clone();
        spawn_local(async move {
            let created = async {
                let facilitator = my_profile().await?.map(|(_, p)| p.display_name).unwrap_or_default();
                let mut workshop = Workshop::new(&name, &facilitator);
                workshop.facilitator_inbox = me.to_text();
                workshop.prep_minutes = agenda.prep_minutes;
                workshop.round_minutes = agenda.round_minutes;
                workshop.timeline = Timeline::new(&agenda);
                workshop.odd_count = odd;
                workshop.day = day;
                workshop.set_wrap_up_questions(&questions);
                let doc = create_document(&workshop).await?;
                engine.share(doc.id(), DocumentKind::Workshop).await?;
                Ok::<_, String>(doc.id())
            };
            match created.await {
                Ok(id) => navigate(&paths::workshop(id), Default::default()),
                Err(err) => set_error.set(Some(err)),
            }
        });
    };
    let number = |set: WriteSignal<u32>, min: u32, max: u32| {
        move |ev: leptos::ev::Event| {
            if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                set.set(n.clamp(min, max));
            }
        }
    };

    view! {
        <Title text="Workshop · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{Section::Workshop.title()}</h1>
            <p class="purpose">{Section::Workshop.purpose()}</p>
            {move || match workshops.get() {
                None => view! { <p class="loading" role="status">"Loading your workshops…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <div class="empty-state" data-testid="empty-state"><p>{Section::Workshop.empty_state()}</p></div>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="doc-list" aria-label="Your workshops">
                        {list.into_iter().map(|w| view! {
                            <li><A href=w.id.parse().map(paths::workshop).unwrap_or_default()>{w.title}</A></li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <h2>"Run a workshop"</h2>
            <form class="stacked-form" on:submit=create aria-label="Run a workshop">
                <div class="field">
                    <label for="workshop-title">"Title"</label>
                    <input id="workshop-title" type="text" placeholder="Peer Mentoring for Career Success"
                        prop:value=title on:input=move |ev| set_title.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="workshop-day">"Day"</label>
                    <input id="workshop-day" type="date" prop:value=day on:input=move |ev| set_day.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="workshop-prep">"Minutes to prepare (3 to 5)"</label>
                    <input id="workshop-prep" type="number" min="3" max="5" prop:value=move || prep_minutes.get().to_string() on:change=number(set_prep_minutes, 3, 5)/>
                </div>
                <div class="field">
                    <label for="workshop-rounds">"Rounds"</label>
                    <input id="workshop-rounds" type="number" min="1" max="12" prop:value=move || rounds.get().to_string() on:change=number(set_rounds, 1, 12)/>
                </div>
                <div class="field">
                    <label for="workshop-round-minutes">"Minutes per round"</label>
                    <input id="workshop-round-minutes" type="number" min="2" max="30" prop:value=move || round_minutes.get().to_string() on:change=number(set_round_minutes, 2, 30)/>
                </div>
                <label class="choice" for="workshop-bye">
                    <input id="workshop-bye" type="checkbox" prop:checked=bye on:change=move |ev| set_bye.set(event_target_checked(&ev))/>
                    " With an odd count, one person sits out each round (a different one each time) instead of one group of three"
                </label>
                <div class="field">
                    <label for="workshop-questions">"Wrap-up questions, one per line"</label>
                    <textarea id="workshop-questions" rows="5" prop:value=questions on:input=move |ev| set_questions.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" data-testid="create-workshop">"Create the workshop"</button>
            </form>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
    }
}
