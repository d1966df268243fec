//! `/join#<kind>.2.<keys>`: accept an invite to a shared document.
//!
//! The keys are in the URL fragment, which the browser never sends to the
//! server; the page reads it once and takes it out of the address bar and
//! the history at once. Only the kinds a partner may send are accepted here
//! (goal plans, partnerships, workshops, programs): a keyring link would hand
//! over every key on the device, and is refused with a way on.
//!
//! The page says who invites and to what (the link's note), and asks the
//! name partners will see when this device has no profile yet, so the
//! invited person joins under their own name on the side they were offered.

use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::partnership::Side;
use confidant_shared::profile::{Profile, Role};
use confidant_shared::sync::{Invite, InviteNote, InvitePlace};
use confidant_shared::Section;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::api::{create_document, my_profile, random_id};
use crate::sync::use_sync;

/// Where an accepted document is shown.
fn page_of(kind: DocumentKind, id: DocumentId) -> String {
    match kind {
        DocumentKind::GoalPlan => format!("{}/{id}", Section::Goals.path()),
        DocumentKind::Partnership => format!("{}/{id}", Section::Partnerships.path()),
        DocumentKind::Journal => format!("{}/{id}", Section::Journal.path()),
        DocumentKind::Profile | DocumentKind::Keyring => Section::Settings.path().to_string(),
        // A receipt is opened from its program's desk, never from a link.
        DocumentKind::Receipt => Section::Program.path().to_string(),
        DocumentKind::Workshop => confidant_shared::paths::workshop(id),
        DocumentKind::Group => confidant_shared::paths::group(id),
        DocumentKind::Program => confidant_shared::paths::program(id),
        DocumentKind::ProgramPage => confidant_shared::paths::program_page(id),
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
    let fragment = take_fragment(confidant_shared::paths::JOIN);
    let invite = Invite::parse_for(&fragment, InvitePlace::JoinPage);
    let note = InviteNote::of(&fragment);
    drop(fragment);
    let engine = use_sync();
    let navigate = use_navigate();
    let (error, set_error) = signal(None::<String>);

    let body = match (invite, engine) {
        (Err(err), _) => view! {
            <p class="error" role="alert" data-testid="invite-error">{crate::api::capitalised(&err.to_string())}"."</p>
            <p>"Ask the person who invited you to send the link again (copy it whole, or scan its QR code), then open it here."</p>
            <p><a href="/">"Go to your home page"</a></p>
        }
        .into_any(),
        (Ok(_), None) => view! { <p class="error" role="alert">"Sync is not available here."</p> }.into_any(),
        (Ok(invite), Some(engine)) => {
            let kind = invite.kind;
            let what = match &note {
                Some(note) => match invite.member.cert().role {
                    confidant_shared::sync::Role::Owner => note.headline(kind),
                    role => format!("{} You {}.", note.headline(kind), role.describe()),
                },
                None => format!("You have been invited to {}.", invite.describe()),
            };
            let offered = note.as_ref().and_then(|n| n.offered);
            let profile = LocalResource::new(my_profile);
            let needs_name = move || matches!(profile.get(), Some(Ok(None)));
            let (name, set_name) = signal(String::new());
            let (working, set_working) = signal(false);
            let accept = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                if working.get_untracked() {
                    return;
                }
                let display = name.get_untracked().trim().to_owned();
                let make_profile = needs_name();
                if make_profile && display.is_empty() {
                    set_error.set(Some("Please enter your name: it is how your partner will know you here.".into()));
                    return;
                }
                set_working.set(true);
                let (engine, invite, navigate) = (engine.clone(), invite.clone(), navigate.clone());
                spawn_local(async move {
                    let joined = async {
                        if make_profile {
                            let mut me = Profile::with_member_id(&display, &random_id()?);
                            me.roles = vec![match offered {
                                Some(Side::Mentor) => Role::Mentor,
                                _ => Role::Mentee,
                            }];
                            create_document(&me).await?;
                        }
                        engine.accept(invite).await
                    };
                    match joined.await {
                        Ok(id) => navigate(&page_of(kind, id), NavigateOptions { replace: true, ..Default::default() }),
                        Err(err) => {
                            set_error.set(Some(err));
                            set_working.set(false);
                        }
                    }
                });
            };
            view! {
                <p data-testid="invite-what">{what}</p>
                <p>"Accepting keeps a copy on this device. Changes sync end-to-end encrypted: the relay that carries them \
                    cannot read them. Only accept invites from people you know."</p>
                <form class="stacked-form" on:submit=accept>
                    {move || needs_name().then(|| view! {
                        <div class="field">
                            <label for="join-name">"Your name, as your partner will see it"</label>
                            <input id="join-name" type="text" autocomplete="name" required
                                prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev))/>
                        </div>
                    })}
                    {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                    <button type="submit" data-testid="accept-invite" disabled=move || working.get() || profile.get().is_none()>"Accept invite"</button>
                </form>
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
