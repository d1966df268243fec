//! A section's page: its heading, what it is for, and what is there.

use confidant_shared::Section;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SectionPage(section: Section) -> impl IntoView {
    view! {
        <Title text=format!("{} · Confidant", section.title())/>
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{section.title()}</h1>
            <p class="purpose">{section.purpose()}</p>
            <div class="empty-state" data-testid="empty-state">
                <p>{section.empty_state()}</p>
            </div>
        </section>
    }
}
