//! Resources: where to refer someone, and what confidentiality covers and
//! when a mentor must report. Linked from every partnership page.

use confidant_shared::program::page::ProgramPage;
use confidant_shared::program::Program;
use confidant_shared::referrals::{directory, CONFIDENTIALITY_GUIDANCE};
use confidant_shared::Section;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::documents_of;

#[component]
pub fn ResourcesPage() -> impl IntoView {
    // A program's own list (from its coordinators, or from the page of a
    // program this person belongs to) replaces the defaults.
    let program = LocalResource::new(|| async {
        let programs = documents_of::<Program>().await.unwrap_or_default();
        if let Some(own) = programs.into_iter().map(|(_, p)| p).find(|p| !p.resources.is_empty()) {
            return Some((own.name, own.resources));
        }
        let pages = documents_of::<ProgramPage>().await.ok()?;
        pages.into_iter().map(|(_, p)| p).find(|p| !p.resources.is_empty()).map(|p| (p.name, p.resources))
    });
    view! {
        <Title text="Resources · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{Section::Resources.title()}</h1>
            <p class="purpose">{Section::Resources.purpose()}</p>
            <section aria-labelledby="referral-heading">
                <h2 id="referral-heading">"Where to refer"</h2>
                {move || match program.get() {
                    None => view! { <p class="loading" role="status">"Loading your program's list…"</p> }.into_any(),
                    Some(found) => {
                        let own = found.as_ref().map(|(name, _)| name.clone());
                        let list = directory(found.as_ref().map(|(_, resources)| resources.as_slice()).unwrap_or(&[]));
                        view! {
                            {match own {
                                Some(name) => view! { <p>{format!("The referral list of {name}.")}</p> }.into_any(),
                                None => view! { <div class="empty-state" data-testid="empty-state"><p>{Section::Resources.empty_state()}</p></div> }.into_any(),
                            }}
                            <ul class="referrals" aria-label="Referral directory">
                                {list.into_iter().map(|e| view! {
                                    <li data-testid="referral">
                                        <h3>{e.category}</h3>
                                        <p><strong>{e.name}</strong>{match (e.contact.is_empty(), e.link) {
                                            (true, _) => ().into_any(),
                                            (false, Some(link)) => view! { " · "<a href=link>{e.contact}</a> }.into_any(),
                                            (false, None) => view! { {format!(" · {}", e.contact)}}.into_any(),
                                        }}</p>
                                        <p>{e.when}</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }}
                <p class="hint">"Always start with your department where you can. If someone is in immediate danger, call emergency services."</p>
            </section>
            <section aria-labelledby="confidentiality-heading">
                <h2 id="confidentiality-heading">"What confidentiality covers"</h2>
                <dl class="guidance">
                    {CONFIDENTIALITY_GUIDANCE.iter().map(|(title, text)| view! {
                        <dt>{*title}</dt>
                        <dd>{*text}</dd>
                    }).collect_view()}
                </dl>
            </section>
        </section>
    }
}
