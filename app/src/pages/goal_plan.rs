//! One goal plan, opened by its link (`/goals/<id>`).

use confidant_shared::Section;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn GoalPlanPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    view! {
        <Title text="Goal plan · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{Section::Goals.title()}</h1>
            <div class="empty-state" data-testid="empty-state">
                <p>
                    "The goal plan " <code>{id}</code>
                    " is not on this device. If a partner shared it with you, open the invite link they sent."
                </p>
                <p><A href=Section::Goals.path()>"See your goal plans"</A></p>
            </div>
        </section>
    }
}
