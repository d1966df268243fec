//! The Program section: the programs this device coordinates, the program
//! pages it follows, and a form to start a program from a seed's template.
//! Starting one makes two documents: the program (roster, matches: its
//! coordinators only) and its public page (what members follow).

use confidant_shared::document::DocumentKind;
use confidant_shared::paths;
use confidant_shared::program::page::ProgramPage;
use confidant_shared::program::{Program, ProgramTemplate};
use confidant_shared::Section;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::{create_document, summaries};
use crate::sync::use_sync;

#[component]
pub fn ProgramsPage() -> impl IntoView {
    let saves = crate::store::saves_counter();
    let engine = use_sync();
    let owner = engine.clone();
    let lists = LocalResource::new(move || {
        saves.track();
        let owner = owner.clone();
        async move {
            let run = summaries(DocumentKind::Program).await?;
            // A coordinator's pages (owned, or written as a co-coordinator)
            // are reached through their programs.
            let mut followed = summaries(DocumentKind::ProgramPage).await?;
            let writes = |id| owner.as_ref().and_then(|e| e.share_of(id)).is_some_and(|s| s.role != confidant_shared::sync::Role::Reader);
            followed.retain(|p| !p.id.parse().is_ok_and(writes));
            Ok::<_, String>((run, followed))
        }
    });
    let (template, set_template) = signal(ProgramTemplate::PeerConnections);
    let (name, set_name) = signal(String::new());
    let (error, set_error) = signal(None::<String>);
    let navigate = use_navigate();
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // A new try says only what happens to it.
        set_error.set(None);
        let Some(engine) = engine.clone() else {
            set_error.set(Some("A program needs sync, which is not running in this tab; reload the page.".into()));
            return;
        };
        let Some(me) = engine.devices().me else {
            set_error.set(Some("This device is still starting; try again in a moment.".into()));
            return;
        };
        let template = template.get_untracked();
        let typed = name.get_untracked().trim().to_owned();
        let name = if typed.is_empty() { template.name().to_owned() } else { typed };
        let navigate = navigate.clone();
        spawn_local(async move {
            let started = async {
                let mut program = Program::new(&name, template, crate::clock::today_day());
                // The public page first: the program records where it is.
                let page = create_document(&ProgramPage::of(&program, &me.to_text())).await?;
                engine.share(page.id(), DocumentKind::ProgramPage).await?;
                program.page = page.id().to_string();
                let doc = create_document(&program).await?;
                engine.share(doc.id(), DocumentKind::Program).await?;
                Ok::<_, String>(doc.id())
            };
            match started.await {
                Ok(id) => navigate(&paths::program(id), Default::default()),
                Err(err) => set_error.set(Some(err)),
            }
        });
    };

    view! {
        <Title text="Program · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{Section::Program.title()}</h1>
            <p class="purpose">{Section::Program.purpose()}</p>
            {move || match lists.get() {
                None => view! { <p class="loading" role="status">"Loading your programs…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok((run, followed))) if run.is_empty() && followed.is_empty() => view! {
                    <div class="empty-state" data-testid="empty-state"><p>{Section::Program.empty_state()}</p></div>
                }.into_any(),
                Some(Ok((run, followed))) => view! {
                    {(!run.is_empty()).then(|| view! {
                        <h2>"Programs you coordinate"</h2>
                        <ul class="doc-list" aria-label="Programs you coordinate">
                            {run.into_iter().map(|p| view! {
                                <li><A href=p.id.parse().map(paths::program).unwrap_or_default()>{p.title}</A></li>
                            }).collect_view()}
                        </ul>
                    })}
                    {(!followed.is_empty()).then(|| view! {
                        <h2>"Programs you follow"</h2>
                        <ul class="doc-list" aria-label="Programs you follow">
                            {followed.into_iter().map(|p| view! {
                                <li><A href=p.id.parse().map(paths::program_page).unwrap_or_default()>{p.title}</A></li>
                            }).collect_view()}
                        </ul>
                    })}
                }.into_any(),
            }}
            <h2>"Start a program"</h2>
            <form class="stacked-form" on:submit=start aria-label="Start a program">
                <div class="field">
                    <label for="program-template">"Template"</label>
                    <select id="program-template" on:change=move |ev| {
                        let picked = event_target_value(&ev);
                        if let Some(t) = ProgramTemplate::ALL.into_iter().find(|t| format!("{t:?}") == picked) {
                            set_template.set(t);
                        }
                    }>
                        {ProgramTemplate::ALL.into_iter().map(|t| view! {
                            <option value=format!("{t:?}") selected=move || template.get() == t>{t.name()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="program-name">"Name"</label>
                    <input id="program-name" type="text" placeholder=move || template.get().name()
                        prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev))/>
                </div>
                <button type="submit" data-testid="start-program">"Start the program"</button>
            </form>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
    }
}
