//! `/join#<kind>.<keys>`: accept an invite to a shared document.
//!
//! The keys are in the URL fragment, which the browser never sends to the
//! server. Accepting keeps the document on this device under its own id and
//! replaces this history entry, so the keys do not stay in the history.

use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::sync::Invite;
use confidant_shared::Section;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::sync::use_sync;

/// Where an accepted document is shown.
fn page_of(kind: DocumentKind, id: DocumentId) -> String {
    match kind {
        DocumentKind::GoalPlan => format!("{}/{id}", Section::Goals.path()),
        DocumentKind::Partnership => format!("{}/{id}", Section::Partnerships.path()),
        DocumentKind::Journal => format!("{}/{id}", Section::Journal.path()),
        DocumentKind::Profile => Section::Settings.path().to_string(),
        DocumentKind::Workshop => Section::Workshop.path().to_string(),
        DocumentKind::Program => Section::Program.path().to_string(),
        DocumentKind::Keyring => Section::Journal.path().to_string(),
    }
}

fn describe(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::GoalPlan => "a goal plan",
        DocumentKind::Partnership => "a mentoring partnership",
        DocumentKind::Journal => "a journal entry",
        DocumentKind::Profile => "a profile",
        DocumentKind::Workshop => "a workshop",
        DocumentKind::Program => "a program",
        DocumentKind::Keyring => "link this device to your other one",
    }
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let invite = Invite::parse(&window().location().hash().unwrap_or_default());
    let engine = use_sync();
    let navigate = use_navigate();
    let (error, set_error) = signal(None::<String>);

    let body = match (invite, engine) {
        (Err(err), _) => view! {
            <p class="error" role="alert" data-testid="invite-error">{err.to_string()}</p>
        }
        .into_any(),
        (Ok(_), None) => view! { <p class="error" role="alert">"Sync is not available here."</p> }.into_any(),
        (Ok(invite), Some(engine)) => {
            let kind = invite.kind;
            let accept = move |_| {
                let (engine, invite, navigate) = (engine.clone(), invite.clone(), navigate.clone());
                spawn_local(async move {
                    match engine.accept(invite).await {
                        Ok(id) => navigate(&page_of(kind, id), NavigateOptions { replace: true, ..Default::default() }),
                        Err(err) => set_error.set(Some(err.to_string())),
                    }
                });
            };
            view! {
                <p>{format!("You have been invited to {}.", describe(kind))}</p>
                <p>"Accepting keeps a copy on this device. Changes sync end-to-end encrypted: the relay that carries them \
                    cannot read them. Only accept invites from people you know."</p>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <button type="button" data-testid="accept-invite" on:click=accept>"Accept invite"</button>
            }
            .into_any()
        }
    };
    view! {
        <Title text="Invitation · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">"Invitation"</h1>
            {body}
        </section>
    }
}
