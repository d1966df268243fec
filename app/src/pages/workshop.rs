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
use confidant_shared::profile::CareerStage;
use confidant_shared::workshop::prep::{prompts, PrepList, PREP_GUIDANCE};
use confidant_shared::workshop::roster::{participant_id, JoinRequest, Stage};
use confidant_shared::workshop::seat::{clock_words, names_together, room_cue, seat, sits_out};
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
    // The facilitator (owner) and co-facilitators (writers) run the room;
    // participants are readers.
    let runs_room = {
        let engine = engine.clone();
        Memo::new(move |_| engine.share_of(local).is_some_and(|s| s.role >= Role::Writer))
    };

    view! {
        <h1 id="page-title" tabindex="-1">{move || workshop.with(|w| w.title.clone())}</h1>
        {move || workshop.with(|w| w.day).map(|day| view! {
            <p class="hint" data-testid="workshop-day">{crate::clock::day_words(day)}</p>
        })}
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
        {move || if runs_room.get() {
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
    // A co-facilitator sees the same page, without the link (made by the owner).
    let (link, set_link) = signal(String::new());
    let owner = engine.owns(local);
    if owner {
        let engine = engine.clone();
        spawn_local(async move {
            match engine.room_invite(local).await {
                Ok(invite) => set_link.set(invite.link(&window().location().origin().unwrap_or_default())),
                Err(err) => editing.set_error.set(Some(err)),
            }
        });
    }
    // A co-facilitator is a writer: they can move the room too.
    let (co_link, set_co_link) = signal(String::new());
    let invite_co_facilitator = {
        let engine = engine.clone();
        move |_| {
            let engine = engine.clone();
            spawn_local(async move {
                match engine.invite(local, Role::Writer).await {
                    Ok(invite) => set_co_link.set(invite.link(&window().location().origin().unwrap_or_default())),
                    Err(err) => editing.set_error.set(Some(err)),
                }
            });
        }
    };
    let control = {
        let relay_now = relay_now.clone();
        move |change: fn(&mut Workshop, i64)| {
        let relay_now = relay_now.clone();
        move |_| {
            let now = relay_now();
            editing.edit(|w| {
                change(w, now);
                w.plan_remaining(now);
            });
        }
    }
    };
    let started = move || moment.get().kind != StepKind::Gathering;
    let timed = move || moment.get().remaining_ms.is_some();
    let paused = move || moment.get().paused;
    let roster = move || workshop.with(|w| w.roster.values().map(|p| (p.id.clone(), p.name.clone(), p.present)).collect::<Vec<_>>());
    let here = move || workshop.with(|w| w.roster.values().filter(|p| p.present).count());
    // Someone left the room (or came back): only the rounds to come change.
    let set_present = {
        let relay_now = relay_now.clone();
        move |id: String, present: bool| {
            let now = relay_now();
            editing.edit(|w| {
                if let Some(p) = w.roster.get_mut(&id) {
                    p.present = present;
                }
                w.plan_remaining(now);
            });
        }
    };
    let wrapping_up = move || matches!(moment.get().kind, StepKind::WrapUp | StepKind::Finished);
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
        {move || workshop.with(|w| room_cue(w, &moment.get())).map(|cue| view! { <p class="workshop-cue" data-testid="room-cue">{cue}</p> })}
        {move || tables().map(|(groups, bye)| view! {
            <h2>"Tables"</h2>
            <ol class="workshop-tables" data-testid="workshop-tables">
                {groups.into_iter().map(|g| view! { <li>{g}</li> }).collect_view()}
            </ol>
            {bye.map(|b| view! { <p>{format!("{b} sits this round out.")}</p> })}
        })}
        {owner.then(|| view! {
            <h2>"Join"</h2>
            {move || (!link.get().is_empty()).then(|| view! {
                <InviteCode id="workshop-join" label="Join link for everyone in the room" link=Signal::derive(move || link.get())/>
            })}
        })}
        {owner.then(|| view! {
            <details class="co-facilitator">
                <summary>"Run it with a co-facilitator"</summary>
                <p>"A co-facilitator can move the room on, pause and change rounds from their own device. Send them this link, and only them."</p>
                <button type="button" data-testid="invite-co-facilitator" on:click=invite_co_facilitator.clone()>"Make a co-facilitator link"</button>
                {move || (!co_link.get().is_empty()).then(|| view! {
                    <InviteCode id="co-facilitator-link" label="Link for your co-facilitator" link=Signal::derive(move || co_link.get())/>
                })}
            </details>
        })}
        {move || wrapping_up().then(|| view! { <WrapUpResults local workshop moment engine=engine.clone()/> })}
        <h2>{move || format!("Here: {}", here())}</h2>
        <ul class="workshop-roster" data-testid="workshop-roster">
            {move || roster().into_iter().map(|(id, name, present)| {
                let set_present = set_present.clone();
                let label = if present { format!("Mark {name} absent") } else { format!("Mark {name} here again") };
                view! {
                    <li class:absent=!present data-testid=if present { "roster-here" } else { "roster-absent" }>
                        <span class="roster-name">{if present { name.clone() } else { format!("{name} (absent)") }}</span>
                        " "
                        <button type="button" class="small" aria-label=label on:click=move |_| set_present(id.clone(), !present)>
                            {if present { "Absent" } else { "Here" }}
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The wrap-up on the facilitator's screen: the questions in large type,
/// what was shared without names (from three people), attendance and
/// rounds, and the event's summary to download.
#[component]
fn WrapUpResults(local: confidant_shared::document::DocumentId, workshop: ReadSignal<Workshop, LocalStorage>, moment: Memo<Moment>, engine: SyncEngine) -> impl IntoView {
    use confidant_shared::workshop::summary::{rounds_csv, summary_markdown, EventFacts};
    use confidant_shared::workshop::wrap_up::{wrap_up_view, WrapUpView, ANONYMITY_THRESHOLD};
    let received = move || engine.wrap_up_answers(local);
    let view_now = move || workshop.with(|w| wrap_up_view(&w.wrap_up_questions, &received()));
    // Answers show once the wrap-up is over, all at once: shown while
    // people still send, the one that appears just after someone taps
    // Share would be theirs.
    let over = move || moment.get().kind == StepKind::Finished;
    let rounds_run = move || workshop.with(|w| if moment.get().kind == StepKind::Finished || moment.get().kind == StepKind::WrapUp { w.timeline.rounds() } else { 0 });
    let (saved, set_saved) = signal(None::<String>);
    let export = {
        let view_now = view_now.clone();
        move |markdown: bool| {
        let wrap_up = view_now();
        let (name, mime, text) = workshop.with(|w| {
            let day = crate::clock::day_words(w.day.unwrap_or_else(crate::clock::today_day));
            let slug: String = w.title.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
            if markdown {
                (format!("{slug}-summary.md"), "text/markdown", summary_markdown(w, &EventFacts { day: &day, rounds_run: rounds_run(), wrap_up: &wrap_up }))
            } else {
                (format!("{slug}-tables.csv"), "text/csv", rounds_csv(w, rounds_run()))
            }
        });
        set_saved.set(Some(match crate::widgets::file_download::download(&name, mime, &text) {
            Ok(()) => format!("Saved {name}."),
            Err(()) => "This browser would not save the file; try another browser.".into(),
        }));
    }
    };
    let export_csv = export.clone();
    view! {
        <h2 id="wrap-up-questions-heading">"Wrap-up questions"</h2>
        <ol class="workshop-questions" aria-labelledby="wrap-up-questions-heading">
            {move || workshop.with(|w| w.wrap_up_questions.clone()).into_iter().map(|q| view! { <li>{q}</li> }).collect_view()}
        </ol>
        <h2>"Shared without names"</h2>
        <div data-testid="wrap-up-shared">
            {move || match view_now() {
                WrapUpView::Waiting { respondents } => view! {
                    <p>{format!("{respondents} shared so far. Answers show when the wrap-up ends, once at least {ANONYMITY_THRESHOLD} people have shared, so nobody can be told apart.")}</p>
                }.into_any(),
                WrapUpView::Shown { respondents, .. } if !over() => view! {
                    <p>{format!("{respondents} shared so far. Answers show when the wrap-up ends, all at once, so nobody can be told apart.")}</p>
                }.into_any(),
                WrapUpView::Shown { respondents, by_question } => view! {
                    <p>{format!("Shared by {respondents} people, without names; each question's answers in alphabetical order.")}</p>
                    {by_question.into_iter().map(|(question, answers)| view! {
                        <h3>{question}</h3>
                        <ul>{answers.into_iter().map(|a| view! { <li data-testid="wrap-up-answer">{a}</li> }).collect_view()}</ul>
                    }).collect_view()}
                }.into_any(),
            }}
        </div>
        <p data-testid="workshop-attendance">{move || workshop.with(|w| format!(
            "{} here of {} who joined; {} of {} rounds run.",
            w.roster.values().filter(|p| p.present).count(), w.roster.len(), rounds_run(), w.timeline.rounds()
        ))}</p>
        <div class="goal-actions">
            <button type="button" data-testid="download-summary" on:click=move |_| export(true)>"Download the summary (Markdown)"</button>
            <button type="button" data-testid="download-tables" on:click=move |_| export_csv(false)>"Download the tables (CSV)"</button>
        </div>
        {move || saved.get().map(|s| view! { <p role="status">{s}</p> })}
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
    // The person's goals and questions: on this phone through the rounds,
    // saved to their own journal when they choose.
    let prep = RwSignal::new(PrepList::default());
    let my_stage = {
        let me = me.clone();
        Signal::derive(move || {
            let id = me()?;
            workshop.with(|w| w.roster.get(&id).and_then(|p| p.stage)).or_else(|| stage.get().map(Into::into))
        })
    };
    let (asked, set_asked) = signal(None::<String>);
    // "People I already know", picked from the roster: kept apart in the rounds.
    let (knows, set_knows) = signal(std::collections::BTreeSet::<String>::new());
    let (find, set_find) = signal(String::new());
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
            let request = JoinRequest { workshop: workshop_id, name, stage: stage.get_untracked(), knows: knows.get_untracked().into_iter().collect(), leaving: false };
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
                <Buzz workshop moment me=me.clone()/>
                {let engine = engine.clone(); move || matches!(step_kind.get(), StepKind::WrapUp | StepKind::Finished).then(|| view! { <WrapUpForm local workshop engine=engine.clone()/> })}
                <KeepInTouch local workshop moment engine=engine.clone() me=me.clone()/>
                {move || notes_saved.get().map(|saved| match saved {
                    Ok(path) => view! {
                        <p role="status" data-testid="round-notes-saved">"Saved in your journal. " <a href=path>"Open the entry"</a></p>
                    }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{err}</p> }.into_any(),
                })}
                {move || matches!(step_kind.get(), StepKind::Prep | StepKind::Round).then(|| view! {
                    <PrepForm workshop prep my_stage editable=step_kind.get() == StepKind::Prep/>
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
                    <KnownPeople workshop knows set_knows find set_find/>
                    <button type="submit" data-testid="workshop-join-button">"Join"</button>
                </form>
                {move || asked.get().map(|a| view! { <p role="status" data-testid="workshop-asked">{a}</p> })}
            }.into_any()
        }}
    }
}

/// The preparation: goals and questions for the next six months, put in
/// order by dragging or with the Up and Down buttons, with prompts from the
/// seed and the person's stage. Saved to their own journal, and (if they
/// tick it) the goals as a goal plan. During the rounds the list stays in
/// view, to talk from.
#[component]
fn PrepForm(workshop: ReadSignal<Workshop, LocalStorage>, prep: RwSignal<PrepList>, my_stage: Signal<Option<CareerStage>>, editable: bool) -> impl IntoView {
    let (draft, set_draft) = signal(String::new());
    let (dragging, set_dragging) = signal(None::<usize>);
    let (as_plan, set_as_plan) = signal(false);
    let (moved, set_moved) = signal(String::new());
    let (said, set_said) = signal(None::<Result<(String, Option<String>), String>>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if prep.try_update(|p| p.add(&draft.get_untracked())).unwrap_or(false) {
            set_draft.set(String::new());
        }
    };
    let step = move |from: usize, to: usize| {
        prep.update(|p| p.move_item(from, to));
        // Said aloud, so a screen reader hears where the item went.
        let text = prep.with_untracked(|p| p.items().get(to).cloned().unwrap_or_default());
        set_moved.set(format!("Moved \u{201c}{text}\u{201d} to place {}.", to + 1));
        // Focus stays with the item that moved, on the same button.
        let (same, other) = if to < from { ("prep-up", "prep-down") } else { ("prep-down", "prep-up") };
        request_animation_frame(move || {
            // The same direction, or the other once the item reached an end.
            let button = [same, other].into_iter().find_map(|class| document().query_selector(&format!("#prep-item-{to} .{class}:not([disabled])")).ok().flatten());
            if let Some(button) = button.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()) {
                let _ = button.focus();
            }
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let list = prep.get_untracked();
        if list.items().is_empty() {
            set_said.set(Some(Err("Add a goal or a question first.".into())));
            return;
        }
        let title = workshop.with_untracked(|w| w.title.clone());
        let as_plan = as_plan.get_untracked();
        spawn_local(async move {
            let saved = async {
                let entry = JournalEntry::new(&crate::clock::today(), EntryKind::Prep, &format!("{title}: my goals and questions"), &list.journal_body(), crate::clock::now_ms());
                let entry = create_document(&entry).await?;
                let mut plan_path = None;
                if as_plan && !list.goals().is_empty() {
                    let owner = my_profile().await?.map(|(_, p)| p.member_id).unwrap_or_default();
                    let mut plan = confidant_shared::goal_plan::GoalPlan::new("My goals for the next six months", &owner);
                    for goal in list.goals() {
                        plan.add_goal(&crate::api::random_id()?, goal, "");
                    }
                    plan_path = Some(confidant_shared::paths::goal_plan(create_document(&plan).await?.id()));
                }
                Ok::<_, String>((confidant_shared::paths::journal_entry(entry.id()), plan_path))
            };
            set_said.set(Some(saved.await));
        });
    };
    let items = move || prep.with(|p| p.items().to_vec());
    view! {
        <section aria-labelledby="prep-heading">
            <h2 id="prep-heading">{if editable { "Prepare" } else { "Your goals and questions" }}</h2>
            {editable.then(|| view! {
                <p>{PREP_GUIDANCE}</p>
                <form class="inline-form" on:submit=add aria-label="Add a goal or question">
                    <label for="prep-new">"A goal or question"</label>
                    <input id="prep-new" type="text" maxlength="300" prop:value=draft on:input=move |ev| set_draft.set(event_target_value(&ev))/>
                    <button type="submit" data-testid="prep-add">"Add"</button>
                </form>
                <p class="hint">"Ideas (press one to add it):"</p>
                <ul class="prep-prompts">
                    {move || prompts(my_stage.get()).into_iter().map(|prompt| view! {
                        <li><button type="button" class="small" on:click=move |_| { prep.update(|p| { p.add(prompt); }); }>{format!("+ {prompt}")}</button></li>
                    }).collect_view()}
                </ul>
            })}
            <ol class="prep-list" data-testid="prep-list" aria-label="Your goals and questions, first what you most want to discuss">
                {move || {
                    let all = items();
                    let last = all.len().saturating_sub(1);
                    all.into_iter().enumerate().map(|(at, item)| view! {
                        <li id=format!("prep-item-{at}") draggable=editable.then_some("true")
                            on:dragstart=move |_| set_dragging.set(Some(at))
                            on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                            on:drop=move |ev: leptos::ev::DragEvent| {
                                ev.prevent_default();
                                if let Some(from) = dragging.get_untracked() { step(from, at); }
                                set_dragging.set(None);
                            }>
                            <span class="prep-text">{item.clone()}</span>
                            {editable.then(|| view! {
                                " "
                                <button type="button" class="small prep-up" aria-label=format!("Move {item} up") disabled=at == 0 on:click=move |_| step(at, at.saturating_sub(1))>"Up"</button>
                                <button type="button" class="small prep-down" aria-label=format!("Move {item} down") disabled=at == last on:click=move |_| step(at, at + 1)>"Down"</button>
                                <button type="button" class="small" aria-label=format!("Remove {item}") on:click=move |_| prep.update(|p| p.remove(at))>"Remove"</button>
                            })}
                        </li>
                    }).collect_view()
                }}
            </ol>
            <p class="visually-hidden" aria-live="polite">{move || moved.get()}</p>
            {editable.then(|| view! {
                <form class="stacked-form" on:submit=save aria-label="Save your preparation">
                    <label class="choice" for="prep-as-plan">
                        <input id="prep-as-plan" type="checkbox" prop:checked=as_plan on:change=move |ev| set_as_plan.set(event_target_checked(&ev))/>
                        " Also start a goal plan with these goals (questions stay in the journal)"
                    </label>
                    <button type="submit" data-testid="save-prep">"Save to my journal"</button>
                </form>
            })}
            {move || said.get().map(|said| match said {
                Ok((entry, plan)) => view! {
                    <p role="status" data-testid="prep-saved">
                        "Saved in your journal. " <a href=entry>"Open the entry"</a>
                        {plan.map(|plan| view! { " · " <a href=plan data-testid="prep-plan">"Open the goal plan"</a> })}
                    </p>
                }.into_any(),
                Err(err) => view! { <p class="error" role="alert">{err}</p> }.into_any(),
            })}
        </section>
    }
}

/// The roster as a list to tick "I already know them", with a search box
/// for a big room.
#[component]
fn KnownPeople(
    workshop: ReadSignal<Workshop, LocalStorage>,
    knows: ReadSignal<std::collections::BTreeSet<String>>,
    set_knows: WriteSignal<std::collections::BTreeSet<String>>,
    find: ReadSignal<String>,
    set_find: WriteSignal<String>,
) -> impl IntoView {
    /// Enough to scan on a phone; the search box narrows the rest.
    const SHOWN: usize = 30;
    let people = move || {
        let find = find.get().to_lowercase();
        workshop.with(|w| {
            w.roster
                .values()
                .filter(|p| p.present && (find.is_empty() || p.name.to_lowercase().contains(&find)))
                .take(SHOWN)
                .map(|p| (p.id.clone(), p.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    let anyone = move || workshop.with(|w| w.roster.values().any(|p| p.present));
    view! {
        {move || anyone().then(|| view! {
            <fieldset class="known-people">
                <legend>"People you already know (you are seated apart where possible)"</legend>
                <div class="field">
                    <label for="known-find">"Find someone"</label>
                    <input id="known-find" type="search" prop:value=find on:input=move |ev| set_find.set(event_target_value(&ev))/>
                </div>
                <ul class="choices">
                    {move || people().into_iter().enumerate().map(|(at, (id, name))| {
                        let input_id = format!("known-{at}");
                        let label_for = input_id.clone();
                        let checked = { let id = id.clone(); move || knows.with(|k| k.contains(&id)) };
                        view! {
                            <li><label class="choice" for=label_for>
                                <input id=input_id type="checkbox" prop:checked=checked on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    set_knows.update(|k| { if on { k.insert(id.clone()); } else { k.remove(&id); } });
                                }/>
                                {format!(" {name}")}
                            </label></li>
                        }
                    }).collect_view()}
                </ul>
            </fieldset>
        })}
    }
}

/// The wrap-up's questions on a phone: answers go to this person's journal,
/// and (if they tick it) to the facilitator without their name.
#[component]
fn WrapUpForm(local: confidant_shared::document::DocumentId, workshop: ReadSignal<Workshop, LocalStorage>, engine: SyncEngine) -> impl IntoView {
    let questions = workshop.with_untracked(|w| w.wrap_up_questions.clone());
    let answers = RwSignal::new(vec![String::new(); questions.len()]);
    let (share, set_share) = signal(false);
    let (said, set_said) = signal(None::<Result<String, String>>);
    let save = {
        let questions = questions.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let answers = answers.get_untracked();
            if answers.iter().all(|a| a.trim().is_empty()) {
                set_said.set(Some(Err("Write an answer to at least one question first.".into())));
                return;
            }
            let body: String = questions.iter().zip(&answers).filter(|(_, a)| !a.trim().is_empty()).map(|(q, a)| format!("{q}\n{}\n\n", a.trim())).collect();
            let title = workshop.with_untracked(|w| format!("{}: wrap-up", w.title));
            let facilitator = workshop.with_untracked(|w| InboxAddress::parse(&w.facilitator_inbox));
            let workshop_id = engine.share_of(local).map(|s| s.sync_id.to_string()).unwrap_or_default();
            let (engine, share) = (engine.clone(), share.get_untracked());
            spawn_local(async move {
                let entry = JournalEntry::new(&crate::clock::today(), EntryKind::Reflection, &title, body.trim_end(), crate::clock::now_ms());
                let saved = match create_document(&entry).await {
                    Ok(doc) => doc,
                    Err(err) => return set_said.set(Some(Err(err))),
                };
                let path = confidant_shared::paths::journal_entry(saved.id());
                if !share {
                    return set_said.set(Some(Ok(path)));
                }
                let sent = match facilitator {
                    Ok(facilitator) => engine.share_wrap_up(facilitator, workshop_id, answers.iter().map(|a| a.trim().to_owned()).collect()).await,
                    Err(_) => Err("This workshop cannot take answers; they are saved in your journal only.".into()),
                };
                set_said.set(Some(sent.map(|_| path)));
            });
        }
    };
    view! {
        <section aria-labelledby="wrap-up-heading">
            <h2 id="wrap-up-heading">"Wrap-up"</h2>
            <form class="stacked-form" on:submit=save aria-labelledby="wrap-up-heading">
                {questions.into_iter().enumerate().map(|(at, question)| {
                    let id = format!("wrap-up-{at}");
                    view! {
                        <div class="field">
                            <label for=id.clone()>{question}</label>
                            <textarea id=id rows="2" data-testid="wrap-up-answer-input"
                                prop:value=move || answers.with(|a| a.get(at).cloned().unwrap_or_default())
                                on:input=move |ev| answers.update(|a| if let Some(slot) = a.get_mut(at) { *slot = event_target_value(&ev) })></textarea>
                        </div>
                    }
                }).collect_view()}
                <label class="choice" for="wrap-up-share">
                    <input id="wrap-up-share" type="checkbox" prop:checked=share on:change=move |ev| set_share.set(event_target_checked(&ev))/>
                    " Also share my answers with the facilitator, without my name (shown once at least three people have shared)"
                </label>
                <button type="submit" data-testid="save-wrap-up">"Save to my journal"</button>
            </form>
            {move || said.get().map(|said| match said {
                Ok(path) => view! {
                    <p role="status" data-testid="wrap-up-saved">
                        {if share.get_untracked() { "Saved in your journal, and shared without your name. " } else { "Saved in your journal. " }}
                        <a href=path>"Open the entry"</a>
                    </p>
                }.into_any(),
                Err(err) => view! { <p class="error" role="alert">{err}</p> }.into_any(),
            })}
        </section>
    }
}

/// An opt-in buzz (vibration where the phone has it, and a short tone) at
/// the swap and when a round ends, for a room too loud to watch a timer.
#[component]
fn Buzz(workshop: ReadSignal<Workshop, LocalStorage>, moment: Memo<Moment>, me: impl Fn() -> Option<String> + Clone + Send + Sync + 'static) -> impl IntoView {
    let (on, set_on) = signal(false);
    // The cue: which round and who speaks now; a change is a swap or a new step.
    let cue = Memo::new(move |_| {
        let m = moment.get();
        let now = me().and_then(|id| workshop.with(|w| seat(w, &id, &m)).map(|s| s.now));
        (m.kind, m.round, now)
    });
    Effect::new(move |before: Option<(StepKind, Option<u32>, Option<confidant_shared::workshop::seat::Side>)>| {
        let now = cue.get();
        if before.is_some_and(|b| b != now) && on.get_untracked() {
            buzz();
        }
        now
    });
    view! {
        <label class="choice" for="workshop-buzz">
            <input id="workshop-buzz" type="checkbox" prop:checked=on on:change=move |ev| {
                let checked = event_target_checked(&ev);
                set_on.set(checked);
                if checked {
                    buzz(); // so the person knows what it will feel like
                }
            }/>
            " Buzz and beep at the swap and when a round ends"
        </label>
    }
}

/// A short vibration and tone. Both are best effort: a browser without
/// them stays silent.
fn buzz() {
    let _ = window().navigator().vibrate_with_duration(200);
    let Ok(audio) = web_sys::AudioContext::new() else { return };
    let Ok(tone) = audio.create_oscillator() else { return };
    tone.frequency().set_value(880.0);
    if tone.connect_with_audio_node(&audio.destination()).is_ok() {
        let at = audio.current_time();
        let _ = tone.start_with_when(at);
        let _ = tone.stop_with_when(at + 0.15);
    }
}

/// "I'd like to keep in touch", about each person this participant has sat
/// with. A wish is posted at the relay's rendezvous and heard of only when
/// the other says it too (`workshop::keep_in_touch`); it is not taken back.
/// The engine keeps the wishes on this device and posts them again after a
/// reload; once both said it, either can start a partnership.
#[component]
fn KeepInTouch(
    local: confidant_shared::document::DocumentId,
    workshop: ReadSignal<Workshop, LocalStorage>,
    moment: Memo<Moment>,
    engine: SyncEngine,
    me: impl Fn() -> Option<String> + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let workshop_id = engine.share_of(local).map(|s| s.sync_id.to_string()).unwrap_or_default();
    let (problem, set_problem) = signal(None::<String>);
    let post = {
        let engine = engine.clone();
        let workshop_id = workshop_id.clone();
        move |partner: String| {
            let Ok(address) = InboxAddress::parse(&partner) else { return };
            let (engine, workshop_id) = (engine.clone(), workshop_id.clone());
            spawn_local(async move {
                if let Err(err) = engine.wish(address, workshop_id).await {
                    set_problem.set(Some(err));
                }
            });
        }
    };
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
            confidant_shared::sort::ascending(&mut people);
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
                        let token = { let (id, engine, workshop_id) = (id.clone(), engine.clone(), workshop_id.clone()); move || engine.wishes_in(&workshop_id).get(&id).copied() };
                        let wished = { let token = token.clone(); move || token().is_some() };
                        let both = { let (token, engine) = (token.clone(), engine.clone()); move || token().is_some_and(|t| engine.met(&t)) };
                        let input_id = format!("keep-{}", id.chars().filter(char::is_ascii_alphanumeric).take(16).collect::<String>());
                        let post = post.clone();
                        let label_for = input_id.clone();
                        let start = confidant_shared::paths::partnership_with(&name, &id, &workshop_id);
                        view! {
                            <li data-testid="keep-in-touch">
                                <label class="choice" for=label_for>
                                    <input id=input_id type="checkbox" prop:checked=wished.clone() disabled=wished.clone() on:change={
                                        let id = id.clone();
                                        move |_| post(id.clone())
                                    }/>
                                    {format!(" I'd like to keep in touch with {name}")}
                                </label>
                                {move || if both() {
                                    view! {
                                        <p class="notice" role="status" data-testid="kept-in-touch">
                                            {format!("You and {name} both want to keep in touch. ")}
                                            <a href=start.clone() data-testid="start-partnership-with">{format!("Start a partnership with {name}")}</a>
                                        </p>
                                    }.into_any()
                                } else if wished() {
                                    view! { <p class="hint">{format!("Asked. You hear of it only if {name} asks too.")}</p> }.into_any()
                                } else {
                                    ().into_any()
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            </section>
        })}
    }
}
