//! `/join#<kind>.2.<keys>`: accept an invite to a shared document.
//!
//! The keys are in the URL fragment, which the browser never sends to the
//! server; the page reads it once and takes it out of the address bar and
//! the history at once. Only the kinds a partner may send are accepted here
//! (goal plans, partnerships, workshops, programs): a keyring link would hand
//! over every key on the device, and is refused with a way on.

use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::sync::{Invite, InvitePlace};
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
        DocumentKind::Profile | DocumentKind::Keyring => Section::Settings.path().to_string(),
        DocumentKind::Workshop => Section::Workshop.path().to_string(),
        DocumentKind::Program => Section::Program.path().to_string(),
    }
}

/// Read the fragment once and take it out of the address bar and history.
pub fn take_fragment(path: &str) -> String {
    let hash = window().location().hash().unwrap_or_default();
    if !hash.is_empty() {
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
        }
    }
    hash
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let invite = Invite::parse_for(&take_fragment(confidant_shared::paths::JOIN), InvitePlace::JoinPage);
    let engine = use_sync();
    let navigate = use_navigate();
    let (error, set_error) = signal(None::<String>);

    let body = match (invite, engine) {
        (Err(err), _) => view! {
            <p class="error" role="alert" data-testid="invite-error">{err.to_string()}</p>
            <p><a href="/">"Go to your home page"</a></p>
        }
        .into_any(),
        (Ok(_), None) => view! { <p class="error" role="alert">"Sync is not available here."</p> }.into_any(),
        (Ok(invite), Some(engine)) => {
            let kind = invite.kind;
            let what = invite.describe();
            let accept = move |_| {
                let (engine, invite, navigate) = (engine.clone(), invite.clone(), navigate.clone());
                spawn_local(async move {
                    match engine.accept(invite).await {
                        Ok(id) => navigate(&page_of(kind, id), NavigateOptions { replace: true, ..Default::default() }),
                        Err(err) => set_error.set(Some(err)),
                    }
                });
            };
            view! {
                <p data-testid="invite-what">{format!("You have been invited to {what}.")}</p>
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
