//! One partnership (`/partnerships/<id>`), as both partners see it: what
//! they agreed (topics, duration, cadence, the agreement checklist), when
//! they meet next, the meeting log with action items that can become goal
//! plan milestones, the continuation notice, and hand-over.

use confidant_shared::attention::{for_partnership, in_order};
use confidant_shared::calendar_day::day_label;
use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::goal_plan::GoalPlan;
use confidant_shared::meeting_calendar::cadence_words;
use confidant_shared::partnership::{AcademicCalendar, ActionItem, AgreedDuration, Meeting, Partnership, PartnershipStatus, Side};
use confidant_shared::partnership::handover::{Event, HandOver, HandOverRefused, Step};
use confidant_shared::profile::{Profile, STANDARD_TOPICS};
use confidant_shared::sync::{Invite, InvitePlace, Role};
use confidant_shared::Section;
use leptos::ev;
use confidant_shared::paths;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::clock::{today, today_day};
use crate::api::{not_ready, use_document, DocumentState};
use crate::pages::document_editing::DocumentEditing;
use crate::pages::partnership_calendar::{download_meetings, my_side};
use crate::pages::partnerships::name_or;
use crate::pages::profile::{my_profile, random_id};
use crate::pages::SharePanel;
use crate::store::{announce_saved, app_store, OpenDocument};
use crate::sync::use_sync;

type Editing = DocumentEditing<Partnership>;

#[component]
pub fn PartnershipPage() -> impl IntoView {
    let params = use_params_map();
    let partnership = use_document::<Partnership>(move || params.with(|p| p.get("id").unwrap_or_default()));
    // Whose side "you" are on comes from this device's profile.
    let profile = LocalResource::new(|| async { my_profile().await.ok().flatten().map(|(_, p)| p) });
    view! {
        <Title text="Partnership · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            {move || partnership.with(|state| match (state, profile.get()) {
                (DocumentState::Ready { doc, value, notice }, Some(profile)) => view! {
                    <PartnershipEditor doc=doc.clone() initial=value.clone() notice=notice.clone() profile/>
                }.into_any(),
                (DocumentState::Ready { .. }, None) => not_ready(&DocumentState::<Partnership>::Loading, Section::Partnerships, "partnership"),
                (other, _) => not_ready(other, Section::Partnerships, "partnership"),
            })}
        </section>
    }
}

#[component]
fn PartnershipEditor(doc: OpenDocument, initial: Partnership, notice: Option<String>, profile: Option<Profile>) -> impl IntoView {
    let this_id = doc.id();
    let (p, set_p) = signal_local(initial);
    let (error, set_error) = signal(None::<String>);
    let editing = Editing::new(doc, set_p, set_error);
    let profile = StoredValue::new(profile);
    // Whoever opens an invite takes the open side, by the name in their profile.
    if let Some(me) = profile.get_value() {
        if p.with_untracked(|p| p.side_of(&me.member_id).is_none() && (p.mentor_id.is_none() || p.mentee_id.is_none())) {
            editing.edit(|p| {
                p.join(&me.member_id, &me.display_name);
            });
        }
    }
    let side = move || p.with(|p| profile.with_value(|me| my_side(p, me.as_ref())));
    let partner = move || p.with(|p| name_or(p.partner_name(side()), "your partner"));

    // The goal plan the pair works on: follow it on this device too.
    let engine = use_sync();
    // Only a goal plan is taken from here: a partner who put another kind of
    // link (a keyring, say) in its place gets nothing.
    let plan_invite = move || p.with(|p| p.goal_plan_invite.clone()).map(|f| Invite::parse_for(&f, InvitePlace::PartnershipGoalPlan));
    let plan_local = {
        let engine = engine.clone();
        move || {
            let invite = plan_invite()?.ok()?;
            Some(engine.as_ref().and_then(|e| e.local_for(&invite)).unwrap_or_else(|| DocumentId::from_random(*invite.keys.id().as_bytes())))
        }
    };
    let plan_refused = move || plan_invite().and_then(Result::err).map(|err| format!("The goal plan link in this partnership was refused: {err}"));
    {
        let engine = engine.clone();
        Effect::new(move || {
            let Some(Ok(invite)) = plan_invite() else { return };
            let Some(engine) = engine.clone() else { return };
            if engine.local_for(&invite).is_none() {
                spawn_local(async move {
                    let _ = engine.accept(invite).await;
                });
            }
        });
    }

    let attention = move || {
        let today = today_day();
        p.with(|p| in_order(for_partnership("", p, side(), &AcademicCalendar::default(), today), today))
            .into_iter()
            .map(|a| a.text(today))
            .collect::<Vec<_>>()
    };
    let (calendar_message, set_calendar_message) = signal(None::<String>);
    let calendar = move |_| {
        spawn_local(async move {
            editing.flush().await;
            set_calendar_message.set(Some(match download_meetings().await {
                Ok(_) => "Saved confidant-meetings.ics: open it to add the meetings to your calendar.".into(),
                Err(e) => e,
            }));
        });
    };

    view! {
        <h1 id="page-title">{move || p.with(|p| p.pair_title())}</h1>
        {notice.map(|n| view! { <p class="notice" role="alert">{n}</p> })}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <p class="hint">
            {move || format!("You are the {} here. ", match side() { Side::Mentor => "mentor", Side::Mentee => "mentee" })}
            {move || p.with(|p| {
                // "Renewal due" follows from the dates: the last term's notice is open.
                let renewal_due = p.continuation_notice(&AcademicCalendar::default(), today_day()).is_some_and(|n| n.last_term);
                status_words(if renewal_due { PartnershipStatus::RenewalDue } else { p.status })
            })}
        </p>
        <section aria-labelledby="next-heading">
            <h2 id="next-heading">"Next meeting"</h2>
            <ul class="attention" data-testid="partnership-attention">
                {move || attention().into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}
            </ul>
            <Continuation p editing/>
            <div class="goal-actions">
                <button type="button" data-testid="download-calendar" on:click=calendar>"Add meetings to my calendar (.ics)"</button>
            </div>
            {move || calendar_message.get().map(|m| view! { <p role="status">{m}</p> })}
        </section>
        <MeetingLog p editing plan_local=Signal::derive(plan_local.clone())/>
        <section aria-labelledby="plan-heading">
            <h2 id="plan-heading">"Goal plan"</h2>
            {move || plan_refused().map(|refused| view! { <p class="error" role="alert" data-testid="plan-refused">{refused}</p> })}
            {move || match plan_local() {
                Some(plan) => view! { <p><A href=format!("{}/{plan}", Section::Goals.path())>"Open the goal plan you work on together"</A></p> }.into_any(),
                None if p.with(|p| p.status == PartnershipStatus::HandedOver) => view! {
                    <p data-testid="plan-moved-on">"Handed over: the goal plan goes on with the next partnership, and only the partners there see what is new in it."</p>
                }.into_any(),
                None => view! { <LinkPlan editing/> }.into_any(),
            }}
        </section>
        <Agreement p editing/>
        <section aria-labelledby="help-heading">
            <h2 id="help-heading">"When it is more than mentoring"</h2>
            <p>"Some questions need someone else: counselling, the ombuds, HR, the international office, harassment and \
                violence services. Mentors must report harm to self or others, and harassment or sexual violence. "
                <A href=Section::Resources.path()>"Where to refer, and what confidentiality covers"</A>
            </p>
        </section>
        <HandOver p editing partner=Signal::derive(partner) side=Signal::derive(side)/>
        <SharePanel local=this_id kind=DocumentKind::Partnership what="partnership"/>
    }
}

const DURATION_CHOICES: [AgreedDuration; 8] = [
    AgreedDuration::Months(6),
    AgreedDuration::Months(9),
    AgreedDuration::Months(12),
    AgreedDuration::Semesters { count: 1, renewable: true },
    AgreedDuration::Semesters { count: 2, renewable: true },
    AgreedDuration::Semesters { count: 3, renewable: true },
    AgreedDuration::Semesters { count: 4, renewable: true },
    AgreedDuration::Semesters { count: 3, renewable: false },
];

fn duration_token(d: AgreedDuration) -> String {
    match d {
        AgreedDuration::Months(m) => format!("m{m}"),
        AgreedDuration::Semesters { count, renewable } => format!("s{count}{}", if renewable { "r" } else { "" }),
    }
}

fn duration_from_token(token: &str) -> Option<AgreedDuration> {
    if let Some(months) = token.strip_prefix('m') {
        return months.parse().ok().map(AgreedDuration::Months);
    }
    let rest = token.strip_prefix('s')?;
    let (count, renewable) = match rest.strip_suffix('r') {
        Some(count) => (count, true),
        None => (rest, false),
    };
    Some(AgreedDuration::Semesters { count: count.parse().ok()?, renewable })
}

fn duration_words(d: AgreedDuration) -> String {
    match d {
        AgreedDuration::Months(m) => format!("{m} months"),
        AgreedDuration::Semesters { count: 1, renewable } => format!("1 semester{}", if renewable { ", renewable" } else { "" }),
        AgreedDuration::Semesters { count, renewable } => format!("{count} semesters{}", if renewable { ", renewable" } else { "" }),
    }
}

fn status_words(status: PartnershipStatus) -> &'static str {
    match status {
        PartnershipStatus::Active => "The partnership is active.",
        PartnershipStatus::RenewalDue => "Renewal is due.",
        PartnershipStatus::Ended => "The partnership has ended.",
        PartnershipStatus::HandedOver => "The mentee was handed over to another mentor.",
    }
}

#[component]
fn Continuation(p: ReadSignal<Partnership, LocalStorage>, editing: Editing) -> impl IntoView {
    let notice = move || p.with(|p| p.continuation_notice(&AcademicCalendar::default(), today_day()));
    move || {
        notice().map(|n| {
            view! {
                <div class="notice" data-testid="continuation">
                    <p>{format!("The {} ends on {}. Do you both want to continue?", if n.last_term { "agreement" } else { "term" }, day_label(n.term_ends))}</p>
                    <div class="goal-actions">
                        <button type="button" on:click=move |_| editing.edit(|p| p.continue_after(n))>"Continue"</button>
                        <button type="button" class="danger" on:click=move |_| editing.edit(|p| p.end_after(n))>"End the partnership"</button>
                    </div>
                </div>
            }
        })
    }
}

#[component]
fn Agreement(p: ReadSignal<Partnership, LocalStorage>, editing: Editing) -> impl IntoView {
    let checklist: [(&str, &str, fn(&mut Partnership) -> &mut bool); 4] = [
        ("agree-confidentiality", "We keep what is said confidential", |p| &mut p.agreement.confidentiality),
        ("agree-supervisor", "The mentee's supervisor knows about the partnership", |p| &mut p.agreement.supervisor_informed),
        ("agree-work-hours", "We meet in work hours unless we both agree otherwise", |p| &mut p.agreement.work_hours),
        ("agree-goals", "We have talked through the goals", |p| &mut p.agreement.goals_conversation),
    ];
    let duration_text = move || p.with(|p| duration_words(p.duration));
    let ends = move || p.with(|p| p.agreement_ends(&AcademicCalendar::default()).map(day_label).unwrap_or_default());
    view! {
        <section aria-labelledby="agreement-heading">
            <h2 id="agreement-heading">"What you agreed"</h2>
            <div class="field">
                <label for="p-start">"Started"</label>
                <input id="p-start" type="date" prop:value=move || p.with(|p| p.start_date.clone())
                    on:change=move |ev| { let v = event_target_value(&ev); if !v.is_empty() { editing.edit(|p| p.start_date = v) } }/>
            </div>
            <div class="field">
                <label for="p-duration">"Agreed duration"</label>
                <select id="p-duration" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(duration) = duration_from_token(&v) { editing.edit(|p| p.duration = duration) }
                }>
                    {move || {
                        let current = p.with(|p| p.duration);
                        let mut options = DURATION_CHOICES.to_vec();
                        if !options.contains(&current) { options.push(current) }
                        options.into_iter().map(|d| view! {
                            <option value=duration_token(d) selected=d == current>{duration_words(d)}</option>
                        }).collect_view()
                    }}
                </select>
            </div>
            <p data-testid="agreement-duration">{move || format!("Duration: {}, until {}.", duration_text(), ends())}</p>
            <div class="field">
                <label for="p-first-month">"Meetings in the first month"</label>
                <input id="p-first-month" type="number" min="1" max="8" prop:value=move || p.with(|p| p.cadence.first_month.to_string())
                    on:change=move |ev| { if let Ok(n) = event_target_value(&ev).parse::<u32>() { editing.edit(|p| p.cadence.first_month = n.clamp(1, 8)) } }/>
            </div>
            <div class="field">
                <label for="p-every">"Then meet every (days)"</label>
                <input id="p-every" type="number" min="7" max="120" prop:value=move || p.with(|p| p.cadence.every_days.to_string())
                    on:change=move |ev| { if let Ok(n) = event_target_value(&ev).parse::<u32>() { editing.edit(|p| p.cadence.every_days = n.clamp(7, 120)) } }/>
            </div>
            <p class="hint">{move || p.with(|p| format!("Rhythm: {} in the first month, then {}.", p.cadence.first_month, cadence_words(&p.cadence)))}</p>
            <fieldset>
                <legend>"Agreement checklist"</legend>
                {checklist.into_iter().map(|(id, label, field)| view! {
                    <label class="choice" for=id>
                        <input id=id type="checkbox" prop:checked=move || p.with(|p| *field(&mut p.clone()))
                            on:change=move |ev| { let on = event_target_checked(&ev); editing.edit(|p| *field(p) = on) }/>
                        " " {label}
                    </label>
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>"Topics"</legend>
                {STANDARD_TOPICS.into_iter().map(|topic| view! {
                    <label class="choice">
                        <input type="checkbox" prop:checked=move || p.with(|p| p.topics.iter().any(|t| t == topic))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                editing.edit(|p| { p.topics.retain(|t| t != topic); if on { p.topics.push(topic.to_owned()) } })
                            }/>
                        " " {topic}
                    </label>
                }).collect_view()}
            </fieldset>
        </section>
    }
}

#[component]
fn MeetingLog(p: ReadSignal<Partnership, LocalStorage>, editing: Editing, plan_local: Signal<Option<DocumentId>>) -> impl IntoView {
    let (date, set_date) = signal(today());
    let (agenda, set_agenda) = signal(String::new());
    let log = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let day = date.get_untracked();
        if day.is_empty() {
            return;
        }
        let id = random_id();
        let text = agenda.get_untracked();
        editing.edit(|p| {
            let mut meeting = Meeting::new(&id, &day);
            meeting.agenda.update(&text);
            p.meetings.insert(id.clone(), meeting);
        });
        set_agenda.set(String::new());
    };
    view! {
        <section aria-labelledby="log-heading">
            <h2 id="log-heading">"Meetings"</h2>
            <form class="stacked-form" on:submit=log aria-label="Log or plan a meeting">
                <div class="field">
                    <label for="meeting-date">"Date (a future date plans it)"</label>
                    <input id="meeting-date" type="date" prop:value=date on:input=move |ev| set_date.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="meeting-agenda">"Agenda"</label>
                    <input id="meeting-agenda" type="text" prop:value=agenda on:input=move |ev| set_agenda.set(event_target_value(&ev))/>
                </div>
                <button type="submit">"Add meeting"</button>
            </form>
            {move || p.with(|p| p.meetings.is_empty()).then(|| view! {
                <p class="empty-state">"No meetings yet. Log your introductory meeting here, or plan it with a date ahead."</p>
            })}
            <ol class="meetings" aria-label="Meeting log, newest first">
                <For each=move || p.with(|p| p.meetings_by_date().into_iter().map(|m| m.id.clone()).collect::<Vec<_>>()) key=|id| id.clone() let:meeting_id>
                    <MeetingCard meeting_id p editing plan_local/>
                </For>
            </ol>
        </section>
    }
}

#[component]
fn MeetingCard(meeting_id: String, p: ReadSignal<Partnership, LocalStorage>, editing: Editing, plan_local: Signal<Option<DocumentId>>) -> impl IntoView {
    let id = StoredValue::new(meeting_id);
    let meeting = move || p.with(|p| id.with_value(|id| p.meetings.get(id).cloned()));
    let with_meeting = move |f: Box<dyn FnOnce(&mut Meeting)>| id.with_value(|id| editing.edit(|p| if let Some(m) = p.meetings.get_mut(id) { f(m) }));
    let field_id = move |what: &str| id.with_value(|id| format!("meeting-{id}-{what}"));
    let (new_item, set_new_item) = signal(String::new());
    let (item_error, set_item_error) = signal(None::<String>);
    let date = move || meeting().map(|m| m.date).unwrap_or_default();
    view! {
        <li class="meeting" data-testid="meeting">
            <h3>{move || confidant_shared::calendar_day::parse_day(&date()).map(day_label).unwrap_or_else(date)}</h3>
            <div class="field">
                <label for=move || field_id("agenda")>"Agenda"</label>
                <textarea id=move || field_id("agenda") rows="2" prop:value=move || meeting().map(|m| m.agenda.as_str().to_owned()).unwrap_or_default()
                    on:input=move |ev| { let v = event_target_value(&ev); with_meeting(Box::new(move |m| m.agenda.update(&v))) }></textarea>
            </div>
            <div class="field">
                <label for=move || field_id("notes")>"Shared notes (your partner sees these; private thoughts go in your journal)"</label>
                <textarea id=move || field_id("notes") rows="3" prop:value=move || meeting().map(|m| m.shared_notes.as_str().to_owned()).unwrap_or_default()
                    on:input=move |ev| { let v = event_target_value(&ev); with_meeting(Box::new(move |m| m.shared_notes.update(&v))) }></textarea>
            </div>
            <h4>"Action items"</h4>
            <ul class="action-items">
                {move || meeting().map(|m| m.action_items).unwrap_or_default().into_iter().map(|item| {
                    let item_id = StoredValue::new(item.id.clone());
                    let text = item.text.as_str().to_owned();
                    let became = item.milestone.is_some();
                    let make_milestone = move |_| {
                        let Some(plan) = plan_local.get_untracked() else {
                            set_item_error.set(Some("Link a goal plan to this partnership first (below).".into()));
                            return;
                        };
                        let (iid, text) = (item_id.get_value(), text.clone());
                        spawn_local(async move {
                            match add_milestone(plan, &iid, &text).await {
                                Ok(mid) => with_meeting(Box::new(move |m| if let Some(i) = m.action_items.iter_mut().find(|i| i.id == iid) { i.milestone = Some(mid) })),
                                Err(e) => set_item_error.set(Some(e)),
                            }
                        });
                    };
                    view! {
                        <li data-testid="action-item">
                            <label class="choice">
                                <input type="checkbox" prop:checked=item.done on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let iid = item_id.get_value();
                                    with_meeting(Box::new(move |m| if let Some(i) = m.action_items.iter_mut().find(|i| i.id == iid) { i.done = on }))
                                }/>
                                " " {item.text.as_str().to_owned()}
                            </label>
                            {if became {
                                view! { <span class="hint">" · now a goal plan milestone"</span> }.into_any()
                            } else {
                                view! { <button type="button" data-testid="make-milestone" on:click=make_milestone
                                    aria-label=format!("Make \u{201c}{}\u{201d} a milestone", item.text.as_str())>"Make it a milestone"</button> }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || item_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <form class="inline-form" on:submit=move |ev: ev::SubmitEvent| {
                ev.prevent_default();
                let text = new_item.get_untracked().trim().to_owned();
                if text.is_empty() { return; }
                let iid = random_id();
                with_meeting(Box::new(move |m| m.action_items.push(ActionItem { id: iid, text: autosurgeon::Text::with_value(&text), done: false, milestone: None })));
                set_new_item.set(String::new());
            }>
                <label for=move || field_id("new-item")>"New action item"</label>
                <input id=move || field_id("new-item") type="text" prop:value=new_item on:input=move |ev| set_new_item.set(event_target_value(&ev))/>
                <button type="submit">"Add action item"</button>
            </form>
        </li>
    }
}

/// Turn an action item into a milestone of the pair's goal plan: on the top
/// goal, or a goal "From our meetings" if the plan has none yet.
async fn add_milestone(plan: DocumentId, action_item: &str, text: &str) -> Result<String, String> {
    let store = app_store().await.map_err(|e| e.for_user())?;
    let (doc, _, _) = OpenDocument::open::<GoalPlan>(&store, plan)
        .await
        .map_err(|_| "The goal plan is not on this device yet; try again once it has synced.".to_string())?;
    let (milestone, new_goal) = (random_id(), random_id());
    doc.change::<GoalPlan>(|plan| {
        plan.milestone_from_action_item(&new_goal, &milestone, action_item, text);
    })
    .await
    .map_err(|e| e.for_user())?;
    announce_saved(doc.id());
    Ok(milestone)
}

#[component]
fn LinkPlan(editing: Editing) -> impl IntoView {
    let engine = use_sync();
    let plans = LocalResource::new(|| async {
        let store = app_store().await.map_err(|e| e.for_user())?;
        store.list(Some(DocumentKind::GoalPlan)).await.map_err(|e| e.for_user())
    });
    let (chosen, set_chosen) = signal(String::new());
    let (error, set_error) = signal(None::<String>);
    let link = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(plan) = chosen.get_untracked().parse::<DocumentId>() else { return };
        let Some(engine) = engine.clone() else { return };
        spawn_local(async move {
            let made = async {
                engine.share(plan, DocumentKind::GoalPlan).await?;
                engine.invite(plan, Role::Writer).await
            };
            match made.await {
                Ok(invite) => editing.edit(|p| p.goal_plan_invite = Some(invite.fragment())),
                Err(e) => set_error.set(Some(e)),
            }
        });
    };
    view! {
        <p>"No goal plan linked yet. Link one and your partner can read and edit it with you."</p>
        <form class="inline-form" on:submit=link>
            <label for="link-plan">"Goal plan"</label>
            <select id="link-plan" on:change=move |ev| set_chosen.set(event_target_value(&ev))>
                <option value="">"Choose a plan"</option>
                {move || plans.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|plan| view! {
                    <option value=plan.id.clone()>{plan.title}</option>
                }).collect_view()}
            </select>
            <button type="submit">"Work on it together"</button>
        </form>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
}

#[component]
fn HandOver(p: ReadSignal<Partnership, LocalStorage>, editing: Editing, partner: Signal<String>, side: Signal<Side>) -> impl IntoView {
    let (note, set_note) = signal(String::new());
    let (error, set_error) = signal(None::<String>);
    let handed = move || p.with(|p| p.status == PartnershipStatus::HandedOver);
    // A partnership that began with a hand-over shows the note to the new mentor.
    let inherited = move || p.with(|p| (!handed() && !p.handover_note.as_str().trim().is_empty()).then(|| p.handover_note.as_str().to_owned()));
    let engine = use_sync();
    let navigate = leptos_router::hooks::use_navigate();
    let start_next = move |_| {
        let handed = p.get_untracked();
        let (engine, navigate) = (engine.clone(), navigate.clone());
        spawn_local(async move {
            // The rule is confidant_shared::partnership::handover; this only
            // carries out its steps.
            let (mut flow, mut step) = HandOver::<DocumentId>::start(&handed, &today());
            let outcome = loop {
                let event = match step {
                    Step::FindPlan { invite } => {
                        let plan = Invite::parse_for(&invite, InvitePlace::PartnershipGoalPlan).ok();
                        match (engine.as_ref(), plan) {
                            (Some(engine), Some(plan)) => match engine.local_for(&plan) {
                                Some(plan) => Event::PlanHere { plan, owned: engine.owns(plan) },
                                None => Event::PlanNotHere,
                            },
                            _ => Event::PlanNotHere,
                        }
                    }
                    Step::UnlinkPlan => {
                        editing.edit(|p| p.goal_plan_invite = None);
                        editing.flush().await;
                        Event::Unlinked
                    }
                    Step::TakeBackPlan { plan } => match engine.as_ref() {
                        Some(engine) => match engine.take_back(plan).await {
                            Ok(_) => Event::TookBack,
                            Err(e) => break Err(e),
                        },
                        None => break Err(HandOverRefused::OutOfOrder.to_string()),
                    },
                    Step::InviteToPlan { plan } => match engine.as_ref() {
                        Some(engine) => match engine.invite(plan, Role::Writer).await {
                            Ok(fresh) => Event::Invited { fragment: fresh.fragment() },
                            Err(e) => break Err(e),
                        },
                        None => break Err(HandOverRefused::OutOfOrder.to_string()),
                    },
                    Step::CreateNext(next) => {
                        let created = async {
                            let store = app_store().await.map_err(|e| e.for_user())?;
                            OpenDocument::create(&store, &*next).await.map_err(|e| e.for_user())
                        };
                        match created.await {
                            Ok(doc) => {
                                announce_saved(doc.id());
                                Event::Created { next: doc.id() }
                            }
                            Err(e) => break Err(e),
                        }
                    }
                    Step::ShareNext { next } => {
                        if let Some(engine) = engine.as_ref() {
                            if let Err(e) = engine.share(next, DocumentKind::Partnership).await {
                                break Err(e);
                            }
                        }
                        Event::Shared
                    }
                    Step::Open { next } => break Ok(next),
                    Step::Refused(why) => break Err(why.to_string()),
                };
                step = flow.step(event);
            };
            match outcome {
                Ok(id) => navigate(&paths::partnership(id), Default::default()),
                Err(e) => set_error.set(Some(e)),
            }
        });
    };
    view! {
        <section aria-labelledby="handover-heading">
            <h2 id="handover-heading">"Hand over to another mentor"</h2>
            {move || inherited().map(|note| view! { <p class="notice" data-testid="inherited-note">{format!("Note from the previous mentor: {note}")}</p> })}
            {move || if handed() {
                let start_next = start_next.clone();
                view! {
                    <p data-testid="handover-note">{move || p.with(|p| format!("Handed over. Note for the next mentor: {}", p.handover_note.as_str()))}</p>
                    {move || (side.get() == Side::Mentee).then(|| view! {
                        <button type="button" data-testid="start-next" on:click=start_next.clone()>"Start the partnership with your next mentor"</button>
                    })}
                    {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                }.into_any()
            } else {
                view! {
                    <p>{move || format!("If {} would be better served by another mentor, hand over with a note for them.", partner.get())}</p>
                    <form class="stacked-form" on:submit=move |ev: ev::SubmitEvent| {
                        ev.prevent_default();
                        let text = note.get_untracked();
                        if p.with_untracked(|p| p.is_running()) { editing.edit(|p| p.hand_over(&text)) }
                    }>
                        <div class="field">
                            <label for="handover-text">"Note for the next mentor"</label>
                            <textarea id="handover-text" rows="3" prop:value=note on:input=move |ev| set_note.set(event_target_value(&ev))></textarea>
                        </div>
                        <button type="submit">"Hand over"</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}
