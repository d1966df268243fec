//! The sharing box on a shareable document's page: share it, invite people
//! one by one (each invite link holds its own member key, in the URL
//! fragment only, also as a QR code), see and remove members, and who else
//! has it open right now.
//!
//! Only the owner invites and removes; a member sees who shared it with them
//! and can stop sharing on their device. Removing a member moves the
//! document to new keys: the other members' devices follow by themselves,
//! the removed one gets nothing new.

use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::sync::{Invite, InviteNote, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::widgets::invite_code::InviteCode;
use crate::sync::{use_sync, SyncEngine};

fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

#[component]
pub fn SharePanel(
    local: DocumentId,
    kind: DocumentKind,
    what: &'static str,
    /// Who invites and what they offer, carried in each link made here.
    #[prop(optional, into)]
    note: Signal<Option<InviteNote>>,
    /// Just started to invite someone: make the link at once and put the
    /// focus on it, so the inviter lands on what to send.
    #[prop(optional)]
    inviting: bool,
) -> impl IntoView {
    let Some(engine) = use_sync() else { return ().into_any() };
    engine.viewing(Some(local));
    {
        let engine = engine.clone();
        on_cleanup(move || engine.viewing(None));
    }
    let share = {
        let engine = engine.clone();
        move || engine.share_of(local)
    };
    let (error, set_error) = signal(None::<String>);
    let (link, set_link) = signal(None::<String>);
    // A link made before the keys moved (a member removed) opens a closed
    // document: forget it when the keys change.
    {
        let engine = engine.clone();
        let keys_now = Memo::new(move |_| engine.share_of(local).map(|s| s.sync_id));
        Effect::new(move |previous: Option<Option<confidant_shared::sync::SyncId>>| {
            let now = keys_now.get();
            if previous.is_some_and(|before| before != now) {
                set_link.set(None);
            }
            now
        });
    }
    let here = {
        let engine = engine.clone();
        move || engine.here(local)
    };

    let start = {
        let engine = engine.clone();
        move |_| {
            let engine = engine.clone();
            spawn_local(async move {
                let made = async {
                    engine.share(local, kind).await?;
                    engine.invite(local, Role::Writer).await
                };
                match made.await {
                    Ok(invite) => {
                        set_link.set(Some(invite.link_with_note(&origin(), note.get_untracked().as_ref())));
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
                    Ok(()) => set_link.set(None),
                    Err(err) => set_error.set(Some(err)),
                }
            });
        }
    };

    view! {
        <section class="share" aria-labelledby="share-heading">
            <h2 id="share-heading">{if inviting { "Invite your partner" } else { "Sharing" }}</h2>
            <p class="presence" role="status" data-testid="presence">
                {move || {
                    let here = here();
                    (!here.is_empty()).then(|| format!("Also here now: {}", here.join(", ")))
                }}
            </p>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {let share = share.clone(); move || share().and_then(|s| s.problem).map(|problem| view! {
                <p class="error" role="alert" data-testid="share-problem">{problem}</p>
            })}
            {let share = share.clone(); move || share().and_then(|s| s.last_change_by).map(|who| view! {
                <p class="hint" data-testid="last-change-by">{format!("Last change received from {who}.")}</p>
            })}
            {move || match share() {
                None => view! {
                    <p>{format!("This {what} is only on your devices. Share it with your partner to work on it together; \
                        the relay only ever holds it encrypted.")}</p>
                    <button type="button" data-testid="share" on:click=start.clone()>"Share with a partner"</button>
                }.into_any(),
                Some(share) if share.set_aside => view! {
                    <p data-testid="share-set-aside">{format!("This {what}'s saved data made the app stop, so it was set aside (kept, not deleted) \
                        and no longer syncs. Ask the person who shared it to share it again.")}</p>
                }.into_any(),
                Some(share) if share.retired => view! {
                    <p data-testid="share-closed">{format!("This {what} was closed by the person who shared it: your copy stays on this \
                        device, but nothing more is sent or received.")}</p>
                }.into_any(),
                Some(share) if share.role == Role::Owner => view! {
                    <OwnerSharing engine=engine.clone() local what link set_link set_error note inviting/>
                    <Members engine=engine.clone() local members=share.members.clone() owner=true set_error/>
                }.into_any(),
                Some(share) => view! {
                    <p>{format!("Shared with you: you {} this {what}. Only the person who shared it can invite others.", match share.role {
                        Role::Reader => "can read",
                        _ => "can read and edit",
                    })}</p>
                    <Members engine=engine.clone() local members=share.members.clone() owner=false set_error/>
                    <div class="goal-actions">
                        <button type="button" class="danger" data-testid="leave" on:click=leave.clone()
                            title="Nothing more is sent or received here. Your copy stays on this device.">
                            "Stop sharing on this device"
                        </button>
                    </div>
                }.into_any(),
            }}
        </section>
    }
    .into_any()
}

/// The owner's side: invite links, one per person.
#[component]
fn OwnerSharing(
    engine: SyncEngine,
    local: DocumentId,
    what: &'static str,
    link: ReadSignal<Option<String>>,
    set_link: WriteSignal<Option<String>>,
    set_error: WriteSignal<Option<String>>,
    note: Signal<Option<InviteNote>>,
    inviting: bool,
) -> impl IntoView {
    let (role, set_role) = signal(Role::Writer);
    let make_link = move || {
        let engine = engine.clone();
        spawn_local(async move {
            match engine.invite(local, role.get_untracked()).await {
                Ok(invite) => {
                    set_link.set(Some(invite.link_with_note(&origin(), note.get_untracked().as_ref())));
                    set_error.set(None);
                    if inviting {
                        // The next thing to do is send it: put the focus on Copy.
                        request_animation_frame(|| {
                            if let Some(copy) = document().query_selector("[data-testid='invite-link-copy']").ok().flatten() {
                                if let Ok(copy) = copy.dyn_into::<web_sys::HtmlElement>() {
                                    let _ = copy.focus();
                                }
                            }
                        });
                    }
                }
                Err(err) => set_error.set(Some(err)),
            }
        });
    };
    if inviting && link.with_untracked(Option::is_none) {
        make_link();
    }
    let showing = move || link.with(Option::is_some);
    view! {
        <p>{format!("Shared. Each invite link is for one person: send it only to them, in person or over a channel you trust. \
            Anyone with the link can open this {what}.")}</p>
        <div class="field">
            <label for="invite-role">"The next person you invite"</label>
            <select id="invite-role" on:change=move |ev| set_role.set(if event_target_value(&ev) == "reader" { Role::Reader } else { Role::Writer })>
                <option value="writer" selected=true>"can read and edit"</option>
                <option value="reader">"can only read"</option>
            </select>
        </div>
        <div class="goal-actions">
            <button type="button" data-testid="invite-someone" aria-controls="invite" aria-expanded=move || showing().to_string()
                on:click={
                    let make_link = make_link.clone();
                    move |_| if showing() { set_link.set(None) } else { make_link() }
                }>
                {move || if showing() { "Hide invite link" } else { "Show invite link" }}
            </button>
            {move || showing().then(|| {
                let make_link = make_link.clone();
                view! { <button type="button" data-testid="another-invite" on:click=move |_| make_link()>"New link for someone else"</button> }
            })}
        </div>
        <div id="invite" hidden=move || !showing()>
            {move || link.get().map(|link| view! {
                <InviteCode id="invite-link" label="Invite link" link=Signal::derive(move || link.clone())/>
            })}
        </div>
    }
}

/// Who has the document, as they introduced themselves; the owner can
/// remove someone (everyone else moves to new keys).
#[component]
fn Members(engine: SyncEngine, local: DocumentId, members: Vec<crate::store::MemberRecord>, owner: bool, set_error: WriteSignal<Option<String>>) -> impl IntoView {
    let (by_hand, set_by_hand) = signal(Vec::<Invite>::new());
    let (working, set_working) = signal(false);
    let others: Vec<_> = members.into_iter().filter(|m| m.cert.role != Role::Owner || !owner).collect();
    if others.is_empty() {
        return ().into_any();
    }
    let remove = move |member: String| {
        let engine = engine.clone();
        set_working.set(true);
        spawn_local(async move {
            match engine.remove_member(local, member).await {
                Ok(invites) => set_by_hand.set(invites),
                Err(err) => set_error.set(Some(err)),
            }
            set_working.set(false);
        });
    };
    view! {
        <h3>"Who has it"</h3>
        <ul class="members">
            {others.into_iter().map(|member| {
                let key = hex::encode(member.cert.member);
                let name = member.info.name.clone().unwrap_or_else(|| "Someone you invited".into());
                // Names are each member's own choice: the key's short form tells two alike apart.
                let label = format!("{name} ({}, key {})", member.cert.role.describe(), member.cert.short());
                let remove = remove.clone();
                view! {
                    <li data-testid="member">
                        <span>{label}</span>
                        {owner.then(|| view! {
                            <button type="button" class="danger" data-testid="remove-member" disabled=move || working.get()
                                aria-label=format!("Remove {name}")
                                title="They keep what they saw but get nothing new; everyone else moves to new keys by themselves."
                                on:click=move |_| remove(key.clone())>
                                "Remove"
                            </button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
        {move || working.get().then(|| view! { <p role="status">"Moving everyone else to new keys…"</p> })}
        {move || (!by_hand.with(Vec::is_empty)).then(|| view! {
            <p role="status" data-testid="moved-by-hand">"Done. Some members never said where to reach them: send them these new links yourself."</p>
            <ul>{by_hand.get().into_iter().map(|invite| view! { <li><code>{invite.link(&origin())}</code></li> }).collect_view()}</ul>
        })}
    }
    .into_any()
}
