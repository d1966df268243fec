//! The sharing box on a shared-able document's page: share it with a
//! partner (an invite link whose keys live only in the URL fragment, also
//! as a QR code) and who else has it open right now.

use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::sync::Invite;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::pages::invite_code::InviteCode;
use crate::sync::use_sync;

fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

#[component]
pub fn SharePanel(local: DocumentId, kind: DocumentKind, what: &'static str) -> impl IntoView {
    let Some(engine) = use_sync() else { return ().into_any() };
    engine.viewing(Some(local));
    {
        let engine = engine.clone();
        on_cleanup(move || engine.viewing(None));
    }
    let (invite, set_invite) = signal(engine.invite_for(local));
    let (showing, set_showing) = signal(false);
    let (error, set_error) = signal(None::<String>);
    let link = move || invite.get().map(|invite: Invite| invite.link(&origin()));
    let here = {
        let engine = engine.clone();
        move || engine.here(local)
    };
    let share = {
        let engine = engine.clone();
        move |_| {
            let engine = engine.clone();
            spawn_local(async move {
                match engine.share(local, kind).await {
                    Ok(invite) => {
                        set_invite.set(Some(invite));
                        set_showing.set(true);
                    }
                    Err(err) => set_error.set(Some(err.to_string())),
                }
            });
        }
    };

    let owner = {
        let engine = engine.clone();
        move || engine.owns(local)
    };
    let replace = {
        let engine = engine.clone();
        move |_| {
            let engine = engine.clone();
            spawn_local(async move {
                match engine.replace_keys(local).await {
                    Ok(invite) => {
                        set_invite.set(Some(invite));
                        set_showing.set(true);
                        set_error.set(None);
                    }
                    Err(err) => set_error.set(Some(err)),
                }
            });
        }
    };
    let leave = {
        let engine = engine.clone();
        move |_| {
            let engine = engine.clone();
            spawn_local(async move {
                match engine.leave(local).await {
                    Ok(()) => {
                        set_invite.set(None);
                        set_showing.set(false);
                    }
                    Err(err) => set_error.set(Some(err)),
                }
            });
        }
    };
    view! {
        <section class="share" aria-labelledby="share-heading">
            <h2 id="share-heading">"Sharing"</h2>
            <p class="presence" role="status" data-testid="presence">
                {move || {
                    let here = here();
                    (!here.is_empty()).then(|| format!("Also here now: {}", here.join(", ")))
                }}
            </p>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || match invite.get() {
                None => view! {
                    <p>{format!("This {what} is only on your devices. Share it with your partner to work on it together; \
                        the relay only ever holds it encrypted.")}</p>
                    <button type="button" data-testid="share" on:click=share.clone()>"Share with a partner"</button>
                }.into_any(),
                Some(_) => view! {
                    <p>{format!("Shared. Anyone with the invite link can read and edit this {what}: send it only to your partner, \
                        in person or over a channel you trust.")}</p>
                    <div class="goal-actions">
                        <button type="button" aria-expanded=move || showing.get().to_string() aria-controls="invite"
                            on:click=move |_| set_showing.update(|s| *s = !*s)>
                            {move || if showing.get() { "Hide invite link" } else { "Show invite link" }}
                        </button>
                        {let (owner, replace) = (owner.clone(), replace.clone());
                        move || owner().then(|| view! {
                            <button type="button" data-testid="replace-keys" on:click=replace.clone()
                                title="Anyone who had the old link keeps what they saw, but gets nothing new.">
                                "Replace the invite link"
                            </button>
                        })}
                        <button type="button" class="danger" data-testid="leave" on:click=leave.clone()
                            title="Nothing more is sent or received here. Your copy stays on this device.">
                            "Stop sharing on this device"
                        </button>
                    </div>
                    <p class="hint">"Replacing the link locks out anyone who had the old one from new changes: send the new link \
                        to the partners who stay. Stopping keeps your copy but nothing more is sent or received."</p>
                }.into_any(),
            }}
            <div id="invite" hidden=move || !(showing.get() && invite.with(Option::is_some))>
                {move || showing.get().then(|| view! {
                    <InviteCode id="invite-link" label="Invite link" link=Signal::derive(move || link().unwrap_or_default())/>
                })}
            </div>
        </section>
    }
    .into_any()
}
