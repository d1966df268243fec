//! The Goals section: the user's goal plans, and a form to start one.

use confidant_shared::document::DocumentKind;
use confidant_shared::goal_plan::GoalPlan;
use confidant_shared::Section;
use confidant_shared::paths;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::{summaries, create_document};
use crate::api::my_profile;

#[component]
pub fn GoalPlansPage() -> impl IntoView {
    // Read again when a plan is saved here, arrives by sync, or comes back by Undo.
    let saves = crate::store::saves_counter();
    let plans = LocalResource::new(move || {
        saves.track();
        async { summaries(DocumentKind::GoalPlan).await }
    });
    let (title, set_title) = signal(String::new());
    let (error, set_error) = signal(None::<String>);
    let navigate = use_navigate();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = title.get_untracked().trim().to_owned();
        let name = if name.is_empty() { "My goals for the next six months".to_owned() } else { name };
        let navigate = navigate.clone();
        spawn_local(async move {
            let created = async {
                // The plan's owner is the member who made it (by their
                // profile's member id), empty until they have a profile.
                let owner = my_profile().await?.map(|(_, p)| p.member_id).unwrap_or_default();
                create_document(&GoalPlan::new(&name, &owner)).await
            };
            match created.await {
                Ok(doc) => navigate(&paths::goal_plan(doc.id()), Default::default()),
                Err(err) => set_error.set(Some(err)),
            }
        });
    };

    view! {
        <Title text="Goal plans · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{Section::Goals.title()}</h1>
            <p class="purpose">{Section::Goals.purpose()}</p>
            <crate::widgets::delete_document::RecentlyDeleted kind=confidant_shared::document::DocumentKind::GoalPlan what="Goal plan"/>
            <form class="inline-form" on:submit=create>
                <label for="new-plan-title">"Name of a new goal plan"</label>
                <input id="new-plan-title" type="text" placeholder="My goals for the next six months"
                    prop:value=title on:input=move |ev| set_title.set(event_target_value(&ev))/>
                <button type="submit">"Create goal plan"</button>
            </form>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || match plans.get() {
                None => view! { <p class="loading" role="status">"Loading your goal plans…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <div class="empty-state" data-testid="empty-state"><p>{Section::Goals.empty_state()}</p></div>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="doc-list" aria-label="Your goal plans">
                        {list.into_iter().map(|plan| view! {
                            <li><A href=plan.id.parse().map(paths::goal_plan).unwrap_or_default()>{plan.title}</A></li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}
