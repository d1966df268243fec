//! One workshop (`/workshop/<id>`). The facilitator's device (the owner)
//! shows the join link and QR code, who joined, the current step with its
//! countdown, each round's tables, and the controls; a participant's phone
//! shows the step, the countdown and their own table, partner and turn.
//!
//! Everything on screen is computed from the document and the relay's
//! clock (`workshop::timeline`, `workshop::seat`): steps end by themselves,
//! so phones move on even when the facilitator's laptop or the Wi-Fi drops.

use confidant_shared::sync::inbox::InboxAddress;
use confidant_shared::sync::Role;
use confidant_shared::workshop::prep::{continuum, EXAMPLE_QUESTIONS, PREP_GUIDANCE};
use confidant_shared::workshop::roster::{participant_id, JoinRequest, Stage};
use confidant_shared::workshop::seat::{clock_words, names_together, seat, sits_out};
use confidant_shared::workshop::timeline::{Moment, StepKind};
use confidant_shared::workshop::Workshop;
use confidant_shared::Section;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use confidant_shared::journal::{EntryKind, JournalEntry};

use crate::api::{create_document, my_profile, not_ready, use_document, DocumentState};
use crate::store::OpenDocument;
use crate::sync::{use_sync, SyncEngine};
use crate::widgets::document_editing::DocumentEditing;
use crate::widgets::invite_code::InviteCode;

/// How often the countdown is redrawn: well under a second, so screens in
/// the room agree to the second.
const TICK_MS: u64 = 200;

#[component]
pub fn WorkshopPage() -> impl IntoView {
    let params = use_params_map();
    let workshop = use_document::<Workshop>(move || params.with(|p| p.get("id").unwrap_or_default()));
    view! {
        <Title text="Workshop · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            {move || workshop.with(|state| match state {
                DocumentState::Ready { doc, value, notice } => view! {
                    <WorkshopRoom doc=doc.clone() initial=value.clone() notice=notice.clone()/>
                }.into_any(),
                other => not_ready(other, Section::Workshop, "workshop"),
            })}
        </section>
    }
}

type RoomEditing = DocumentEditing<Workshop>;

#[component]
fn WorkshopRoom(doc: OpenDocument, initial: Workshop, notice: Option<String>) -> impl IntoView {
    let local = doc.id();
    let (workshop, set_workshop) = signal_local(initial);
    let (error, set_error) = signal(None::<String>);
    let editing = RoomEditing::new(doc, set_workshop, set_error);
    let Some(engine) = use_sync() else {
        return view! { <p class="error" role="alert">"Sync is not running in this tab; reload the page."</p> }.into_any();
    };

    // The relay's clock, redrawn a few times a second.
    let relay_now = {
        let engine = engine.clone();
        move || engine.relay_now(crate::clock::room_now_ms())
    };
    let (now, set_now) = signal(relay_now());
    {
        let relay_now = relay_now.clone();
        if let Ok(ticking) = set_interval_with_handle(move || set_now.set(relay_now()), std::time::Duration::from_millis(TICK_MS)) {
            on_cleanup(move || ticking.clear());
        }
    }
    let moment = Memo::new(move |_| workshop.with(|w| w.timeline.at(now.get())));
    // Memos: the page's two halves are drawn again only when these change,
    // not on every sync update of the share.
    let owner = {
        let engine = engine.clone();
        Memo::new(move |_| engine.share_of(local).is_some_and(|s| s.role == Role::Owner))
    };

    view! {
        <h1 id="page-title" tabindex="-1">{move || workshop.with(|w| w.title.clone())}</h1>
        {notice.map(|n| view! { <p class="notice" role="alert">{n}</p> })}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <div class="workshop-now" data-testid="workshop-now">
            <p class="workshop-step" data-testid="workshop-step">{move || workshop.with(|w| step_words(w, &moment.get()))}</p>
            <p class="workshop-countdown" role="timer" aria-label="Time left in this step" data-testid="countdown">
                {move || {
                    let m = moment.get();
                    match m.remaining_ms {
                        Some(left) => format!("{}{}", clock_words(left), if m.paused { " (paused)" } else { "" }),
                        None => String::new(),
                    }
                }}
            </p>
        </div>
        {move || if owner.get() {
            view! { <Facilitator local workshop editing moment relay_now=relay_now.clone() engine=engine.clone()/> }.into_any()
        } else {
            view! { <Participant local workshop moment engine=engine.clone()/> }.into_any()
        }}
    }
    .into_any()
}

/// The step in words, as the projector and the phones show it.
fn step_words(w: &Workshop, m: &Moment) -> String {
    match m.kind {
        StepKind::Gathering => "Gathering: join with the link or the QR code".into(),
        StepKind::Introductions => "Introductions".into(),
        StepKind::PeerMentoring => "What peer mentoring is".into(),
        StepKind::Prep => "Preparing: your goals and questions for the next six months".into(),
        StepKind::Round => format!("Round {} of {}", m.round.unwrap_or(1), w.timeline.rounds()),
        StepKind::WrapUp => "Wrap-up".into(),
        StepKind::Finished => "Finished: thank you".into(),
    }
}

#[component]
fn Facilitator(
    local: confidant_shared::document::DocumentId,
    workshop: ReadSignal<Workshop, LocalStorage>,
    editing: RoomEditing,
    moment: Memo<Moment>,
    relay_now: impl Fn() -> i64 + Clone + Send + Sync + 'static,
    engine: SyncEngine,
) -> impl IntoView {
    // One join link for the room: participants are readers, so the link
    // lets them see the room, never move it.
    let (link, set_link) = signal(String::new());
    {
        let engine = engine.clone();
        spawn_local(async move {
            match engine.invite(local, Role::Reader).await {
                Ok(invite) => set_link.set(invite.link(&window().location().origin().unwrap_or_default())),
                Err(err) => editing.set_error.set(Some(err)),
            }
        });
    }
    let control = move |change: fn(&mut Workshop, i64)| {
        let relay_now = relay_now.clone();
        move |_| {
            let now = relay_now();
            editing.edit(|w| {
                change(w, now);
                w.plan_remaining(now);
            });
        }
    };
    let started = move || moment.get().kind != StepKind::Gathering;
    let timed = move || moment.get().remaining_ms.is_some();
    let paused = move || moment.get().paused;
    let roster = move || workshop.with(|w| w.roster.values().filter(|p| p.present).map(|p| p.name.clone()).collect::<Vec<_>>());
    // The round in progress, if any: tables are drawn again when it changes,
    // not with every tick of the countdown.
    let round_now = Memo::new(move |_| moment.with(|m| m.round.filter(|_| m.kind == StepKind::Round)));
    let tables = move || {
        let round_now = round_now.get();
        workshop.with(|w| {
            let round = round_now?;
            let plan = w.rounds.iter().find(|r| r.number == round)?;
            Some((
                plan.groups.iter().map(|g| names_together(&g.iter().map(|p| w.name_of(p)).collect::<Vec<_>>())).collect::<Vec<_>>(),
                plan.bye.as_ref().map(|p| w.name_of(p)),
            ))
        })
    };

    view! {
        <div class="goal-actions workshop-controls" role="group" aria-label="Run the room">
            <button type="button" data-testid="workshop-next" on:click=control(|w, now| w.timeline.next(now))>
                {move || if started() { "Next step" } else { "Start" }}
            </button>
            <button type="button" data-testid="workshop-pause" disabled=move || !timed()
                on:click=control(|w, now| if w.timeline.at(now).paused { w.timeline.resume(now) } else { w.timeline.pause(now) })>
                {move || if paused() { "Resume" } else { "Pause" }}
            </button>
            <button type="button" data-testid="workshop-extend" disabled=move || !timed() on:click=control(|w, now| w.timeline.extend(now, 60))>"One more minute"</button>
            <button type="button" data-testid="workshop-undo" on:click=control(|w, now| w.timeline.undo(now))>"Undo"</button>
            <button type="button" on:click=control(|w, _| w.timeline.add_round(w.round_minutes * 60))>"Add a round"</button>
            <button type="button" on:click=control(|w, now| { w.timeline.drop_round(now); })>"Drop the last round"</button>
        </div>
        {move || tables().map(|(groups, bye)| view! {
            <h2>"Tables"</h2>
            <ol class="workshop-tables" data-testid="workshop-tables">
                {groups.into_iter().map(|g| view! { <li>{g}</li> }).collect_view()}
            </ol>
            {bye.map(|b| view! { <p>{format!("{b} sits this round out.")}</p> })}
        })}
        <h2>"Join"</h2>
        {move || (!link.get().is_empty()).then(|| view! {
            <InviteCode id="workshop-join" label="Join link for everyone in the room" link=Signal::derive(move || link.get())/>
        })}
        <h2>{move || format!("Here: {}", roster().len())}</h2>
        <ul class="workshop-roster" data-testid="workshop-roster">
            {move || roster().into_iter().map(|name| view! { <li>{name}</li> }).collect_view()}
        </ul>
    }
}

#[component]
fn Participant(local: confidant_shared::document::DocumentId, workshop: ReadSignal<Workshop, LocalStorage>, moment: Memo<Moment>, engine: SyncEngine) -> impl IntoView {
    let me = {
        let engine = engine.clone();
        move || engine.devices().me.map(|a| participant_id(&a))
    };
    let joined = {
        let me = me.clone();
        Memo::new(move |_| me().is_some_and(|id| workshop.with(|w| w.roster.get(&id).is_some_and(|p| p.present))))
    };
    let (name, set_name) = signal(String::new());
    let (stage, set_stage) = signal(None::<Stage>);
    let (asked, set_asked) = signal(None::<String>);
    spawn_local(async move {
        if let Ok(Some((_, profile))) = my_profile().await {
            set_name.set(profile.display_name);
        }
    });
    let join = {
        let engine = engine.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let name = name.get_untracked().trim().to_owned();
            if name.is_empty() {
                set_asked.set(Some("Write the name the room should see.".into()));
                return;
            }
            let facilitator = workshop.with_untracked(|w| InboxAddress::parse(&w.facilitator_inbox));
            let workshop_id = engine.share_of(local).map(|s| s.sync_id.to_string());
            let (Ok(facilitator), Some(workshop_id)) = (facilitator, workshop_id) else {
                set_asked.set(Some("This workshop cannot take joins from here; ask the facilitator for a new link.".into()));
                return;
            };
            let request = JoinRequest { workshop: workshop_id, name, stage: stage.get_untracked(), knows: Vec::new(), leaving: false };
            let engine = engine.clone();
            set_asked.set(Some("Asked to join; you appear on the facilitator's screen in a moment.".into()));
            spawn_local(async move {
                if let Err(err) = engine.send_join(facilitator, request).await {
                    set_asked.set(Some(err));
                }
            });
        }
    };
    let my_seat = {
        let me = me.clone();
        move || {
            let id = me()?;
            let m = moment.get();
            workshop.with(|w| {
                if sits_out(w, &id, &m) {
                    return Some("You sit this round out: a break until the next one.".to_owned());
                }
                seat(w, &id, &m).map(|s| s.sentence())
            })
        }
    };

    // What kind of step it is, apart from the ticking countdown: forms are
    // drawn again only when the step changes, never while someone types.
    let step_kind = Memo::new(move |_| moment.with(|m| m.kind));
    // Notes from a round go to this person's own journal, never into the
    // workshop the room shares.
    let (notes, set_notes) = signal(String::new());
    let (notes_saved, set_notes_saved) = signal(None::<Result<String, String>>);
    let save_notes = {
        let engine = engine.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let body = notes.get_untracked().trim().to_owned();
            let Some(round) = moment.get_untracked().round else { return };
            if body.is_empty() {
                return;
            }
            let title = workshop.with_untracked(|w| format!("{}, round {round}", w.title));
            let workshop_id = engine.share_of(local).map(|s| s.sync_id.to_string()).unwrap_or_default();
            spawn_local(async move {
                let mut entry = JournalEntry::new(&crate::clock::today(), EntryKind::Reflection, &title, &body, crate::clock::now_ms());
                entry.workshop_round = Some(format!("{workshop_id}#{round}"));
                match create_document(&entry).await {
                    Ok(doc) => {
                        set_notes.set(String::new());
                        set_notes_saved.set(Some(Ok(confidant_shared::paths::journal_entry(doc.id()))));
                    }
                    Err(err) => set_notes_saved.set(Some(Err(err))),
                }
            });
        }
    };

    view! {
        {move || if joined.get() {
            let save_notes = save_notes.clone();
            view! {
                <p class="workshop-seat" data-testid="workshop-seat" role="status">{my_seat.clone()}</p>
                {move || (step_kind.get() == StepKind::Round).then(|| view! {
                    <form class="stacked-form" on:submit=save_notes.clone() aria-label="Your notes from this round">
                        <div class="field">
                            <label for="round-notes">"Your notes from this round (kept in your journal only, never shared)"</label>
                            <textarea id="round-notes" rows="3" prop:value=notes on:input=move |ev| set_notes.set(event_target_value(&ev))></textarea>
                        </div>
                        <button type="submit" data-testid="save-round-notes">"Save to my journal"</button>
                    </form>
                })}
                <KeepInTouch local workshop moment engine=engine.clone() me=me.clone()/>
                {move || notes_saved.get().map(|saved| match saved {
                    Ok(path) => view! {
                        <p role="status" data-testid="round-notes-saved">"Saved in your journal. " <a href=path>"Open the entry"</a></p>
                    }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{err}</p> }.into_any(),
                })}
                {move || (step_kind.get() == StepKind::Prep).then(|| view! {
                    <section aria-labelledby="prep-heading">
                        <h2 id="prep-heading">"Prepare"</h2>
                        <p>{PREP_GUIDANCE}</p>
                        <ul>{EXAMPLE_QUESTIONS.iter().map(|q| view! { <li>{*q}</li> }).collect_view()}</ul>
                        {stage.get().map(|s| view! {
                            <p>"Often on people's minds at your stage: " {continuum(s.into()).join(", ")} "."</p>
                        })}
                    </section>
                })}
            }.into_any()
        } else {
            view! {
                <form class="stacked-form" on:submit=join.clone() aria-label="Join the workshop">
                    <div class="field">
                        <label for="workshop-name">"Your name, as the room sees it"</label>
                        <input id="workshop-name" type="text" autocomplete="name" prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="workshop-stage">"Where you are in your career"</label>
                        <select id="workshop-stage" on:change=move |ev| set_stage.set(match event_target_value(&ev).as_str() {
                            "early" => Some(Stage::Early), "mid" => Some(Stage::Mid), "late" => Some(Stage::Late), _ => None,
                        })>
                            <option value="">"Rather not say"</option>
                            <option value="early">"Early career"</option>
                            <option value="mid">"Mid career"</option>
                            <option value="late">"Late career"</option>
                        </select>
                    </div>
                    <button type="submit" data-testid="workshop-join-button">"Join"</button>
                </form>
                {move || asked.get().map(|a| view! { <p role="status" data-testid="workshop-asked">{a}</p> })}
            }.into_any()
        }}
    }
}

/// "I'd like to keep in touch", about each person this participant has sat
/// with. A wish is posted at the relay's rendezvous and heard of only when
/// the other says it too (`workshop::keep_in_touch`); it is not taken back.
/// The wishes are kept in this browser, to post again after a reload.
#[component]
fn KeepInTouch(
    local: confidant_shared::document::DocumentId,
    workshop: ReadSignal<Workshop, LocalStorage>,
    moment: Memo<Moment>,
    engine: SyncEngine,
    me: impl Fn() -> Option<String> + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let workshop_id = engine.share_of(local).map(|s| s.sync_id.to_string()).unwrap_or_default();
    let storage_key = format!("confidant-wishes:{workshop_id}");
    let (tokens, set_tokens) = signal(std::collections::BTreeMap::<String, [u8; 32]>::new());
    let post = {
        let engine = engine.clone();
        let workshop_id = workshop_id.clone();
        move |partner: String| {
            let Ok(address) = InboxAddress::parse(&partner) else { return };
            let (engine, workshop_id) = (engine.clone(), workshop_id.clone());
            spawn_local(async move {
                if let Ok(token) = engine.wish(address, workshop_id).await {
                    set_tokens.update(|t| {
                        t.insert(partner, token);
                    });
                }
            });
        }
    };
    // Post again what was wished before a reload.
    let stored = || window().local_storage().ok().flatten();
    for partner in stored().and_then(|s| s.get_item(&storage_key).ok().flatten()).unwrap_or_default().split(',').filter(|p| !p.is_empty()) {
        post(partner.to_owned());
    }
    // Everyone this person has sat with so far, by id and name.
    let begun = Memo::new(move |_| {
        moment.with(|m| match m.kind {
            StepKind::Round => m.round.unwrap_or(0),
            StepKind::WrapUp | StepKind::Finished => u32::MAX,
            _ => 0,
        })
    });
    let met_so_far = move || {
        let me = me()?;
        let begun = begun.get();
        Some(workshop.with(|w| {
            let mut people: Vec<(String, String)> = w
                .rounds
                .iter()
                .filter(|r| r.number <= begun)
                .flat_map(|r| r.groups.iter().filter(|g| g.contains(&me)).flatten().cloned().collect::<Vec<_>>())
                .filter(|p| *p != me)
                .map(|p| (p.clone(), w.name_of(&p)))
                .collect();
            people.sort();
            people.dedup();
            people
        }))
    };
    view! {
        {move || met_so_far().filter(|people| !people.is_empty()).map(|people| view! {
            <section aria-labelledby="keep-in-touch-heading">
                <h2 id="keep-in-touch-heading">"Keep in touch"</h2>
                <p class="hint">"Only if you both say so does either of you hear of it."</p>
                <ul class="keep-in-touch">
                    {people.into_iter().map(|(id, name)| {
                        let wished = { let id = id.clone(); move || tokens.with(|t| t.contains_key(&id)) };
                        let both = { let (id, engine) = (id.clone(), engine.clone()); move || tokens.with(|t| t.get(&id).is_some_and(|token| engine.met(token))) };
                        let input_id = format!("keep-{}", id.chars().filter(char::is_ascii_alphanumeric).take(16).collect::<String>());
                        let post = post.clone();
                        let storage_key = storage_key.clone();
                        let label_for = input_id.clone();
                        view! {
                            <li data-testid="keep-in-touch">
                                <label class="choice" for=label_for>
                                    <input id=input_id type="checkbox" prop:checked=wished.clone() disabled=wished.clone() on:change={
                                        let id = id.clone();
                                        move |_| {
                                            if let Some(storage) = stored() {
                                                let before = storage.get_item(&storage_key).ok().flatten().unwrap_or_default();
                                                let _ = storage.set_item(&storage_key, &format!("{before},{id}"));
                                            }
                                            post(id.clone());
                                        }
                                    }/>
                                    {format!(" I'd like to keep in touch with {name}")}
                                </label>
                                {move || if both() {
                                    view! { <p class="notice" role="status" data-testid="kept-in-touch">{format!("You and {name} both want to keep in touch.")}</p> }.into_any()
                                } else if wished() {
                                    view! { <p class="hint">{format!("Asked. You hear of it only if {name} asks too.")}</p> }.into_any()
                                } else {
                                    ().into_any()
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}
