//! One partnership (`/partnerships/<id>`), as both partners see it: what
//! they agreed (topics, duration, cadence, the agreement checklist), when
//! they meet next, the meeting log with action items that can become goal
//! plan milestones, the continuation notice, and hand-over.

use confidant_shared::attention::{for_partnership, in_order, Need};
use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::goal_plan::GoalPlan;
use confidant_shared::meeting_calendar::cadence_words;
use confidant_shared::partnership::{AcademicCalendar, ActionItem, AgreedDuration, Meeting, Partnership, PartnershipStatus, Side};

use confidant_shared::profile::{Profile, STANDARD_TOPICS};
use confidant_shared::sync::{Invite, InviteNote, InvitePlace, Role};
use confidant_shared::Section;
use leptos::ev;
use confidant_shared::paths;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::summaries;
use crate::clock::{today, today_day};
use crate::api::{not_ready, use_document, DocumentState};
use crate::widgets::document_editing::DocumentEditing;
use crate::pages::partnership_calendar::{download_meetings, AgendasChoice};
use crate::pages::partnerships::name_or;
use crate::api::{my_profile, program_calendars, random_id};
use crate::widgets::SharePanel;
use crate::store::{announce_saved, OpenDocument};
use crate::sync::use_sync;

mod agreement;
mod handover;
mod meeting_log;

use agreement::Agreement;
use handover::HandOverSection;
use meeting_log::MeetingLog;

type Editing = DocumentEditing<Partnership>;

#[component]
pub fn PartnershipPage() -> impl IntoView {
    let params = use_params_map();
    let partnership = use_document::<Partnership>(move || params.with(|p| p.get("id").unwrap_or_default()));
    // Whose side "you" are on comes from this device's profile.
    let profile = LocalResource::new(|| async { my_profile().await.ok().flatten().map(|(_, p)| p) });
    // Just started (`?invite=1`): the invite comes first.
    let inviting = use_query_map().with_untracked(|q| q.get("invite").is_some());
    view! {
        <Title text="Partnership · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            {move || partnership.with(|state| match (state, profile.get()) {
                (DocumentState::Ready { doc, value, notice }, Some(profile)) => view! {
                    <PartnershipEditor doc=doc.clone() initial=value.clone() notice=notice.clone() profile inviting/>
                }.into_any(),
                (DocumentState::Ready { .. }, None) => not_ready(&DocumentState::<Partnership>::Loading, Section::Partnerships, "partnership"),
                (other, _) => not_ready(other, Section::Partnerships, "partnership"),
            })}
        </section>
    }
}

#[component]
fn PartnershipEditor(doc: OpenDocument, initial: Partnership, notice: Option<String>, profile: Option<Profile>, inviting: bool) -> impl IntoView {
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
        // A renamed profile renames this person's side of the partnership.
        if p.with_untracked(|p| p.clone().follow_rename(&me.member_id, &me.display_name)) {
            editing.edit(|p| {
                p.follow_rename(&me.member_id, &me.display_name);
            });
        }
    }
    let side = move || p.with(|p| profile.with_value(|me| p.side_for(me.as_ref())));
    let partner = move || p.with(|p| name_or(p.partner_name(side()), "your partner"));
    // Each invite link says who sends it and offers the side still open.
    let invite_note = Signal::derive(move || {
        let from = profile.with_value(|me| me.as_ref().map(|me| me.display_name.clone()))?;
        Some(InviteNote::new(&from, p.with(|p| p.open_side())))
    });

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

    // Terms, renewals and notices count by the program's calendar when the
    // pair belongs to one (its coordinator may change it), else the common one.
    let calendars = {
        let engine = engine.clone();
        let saves = crate::store::saves_counter();
        LocalResource::new(move || {
            saves.track();
            let engine = engine.clone();
            async move { program_calendars(engine.as_ref()).await }
        })
    };
    let calendar = Signal::derive(move || p.with(|p| calendars.get().and_then(Result::ok).unwrap_or_default().of(p)));
    // Notices wait for the program's calendar: one answered against the
    // common calendar while it loads (or when it cannot be read) would be
    // on the wrong day.
    let calendar_known = Memo::new(move |_| calendars.with(|c| matches!(c, Some(Ok(_)))));
    let calendar_error = move || calendars.get().and_then(Result::err);

    let attention = move || {
        let today = today_day();
        p.with(|p| in_order(for_partnership(this_id, p, side(), &calendar.get(), today), today))
            .into_iter()
            .filter(|a| calendar_known.get() || !matches!(a.need, Need::Continuation { .. }))
            .map(|a| a.text_with(today, crate::clock::day_words))
            .collect::<Vec<_>>()
    };
    let (calendar_message, set_calendar_message) = signal(None::<String>);
    let (with_agendas, set_with_agendas) = signal(false);
    let download = move |_| {
        let engine = engine.clone();
        spawn_local(async move {
            editing.flush().await;
            set_calendar_message.set(Some(match download_meetings(engine.as_ref(), with_agendas.get_untracked()).await {
                Ok(_) => "Saved confidant-meetings.ics: open it to add the meetings to your calendar.".into(),
                Err(e) => e,
            }));
        });
    };

    view! {
        <h1 id="page-title">{move || p.with(|p| p.pair_title())}</h1>
        {notice.map(|n| view! { <p class="notice" role="alert">{n}</p> })}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {inviting.then(|| view! { <SharePanel local=this_id kind=DocumentKind::Partnership what="partnership" note=invite_note inviting=true/> })}
        <p class="hint">
            {move || format!("You are the {} here. ", match side() { Side::Mentor => "mentor", Side::Mentee => "mentee" })}
            {move || p.with(|p| {
                // "Renewal due" follows from the dates: the last term's notice is open.
                let renewal_due = calendar_known.get() && p.continuation_notice(&calendar.get(), today_day()).is_some_and(|n| n.last_term);
                status_words(if renewal_due { PartnershipStatus::RenewalDue } else { p.status })
            })}
        </p>
        <section aria-labelledby="next-heading">
            <h2 id="next-heading">"Next meeting"</h2>
            <ul class="attention" data-testid="partnership-attention">
                {move || attention().into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}
            </ul>
            {move || calendar_error().map(|e| view! { <p class="error" role="alert" data-testid="calendar-error">{e}</p> })}
            {move || calendar_known.get().then(|| view! { <Continuation p editing calendar/> })}
            <div class="goal-actions">
                <AgendasChoice set_with_agendas/><button type="button" data-testid="download-calendar" on:click=download>"Add meetings to my calendar (.ics)"</button>
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
        <Agreement p editing calendar/>
        <ProgramCheckIns p editing/>
        <section aria-labelledby="help-heading">
            <h2 id="help-heading">"When it is more than mentoring"</h2>
            <p>"Some questions need someone else: counselling, the ombuds, HR, the international office, harassment and \
                violence services. Mentors must report harm to self or others, and harassment or sexual violence. "
                <A href=Section::Resources.path()>"Where to refer, and what confidentiality covers"</A>
            </p>
        </section>
        <HandOverSection p editing partner=Signal::derive(partner) side=Signal::derive(side)/>
        {(!inviting).then(|| view! { <SharePanel local=this_id kind=DocumentKind::Partnership what="partnership" note=invite_note/> })}
        <div class="goal-actions">
            <crate::widgets::delete_document::DeleteDocument id=this_id kind=DocumentKind::Partnership what="this partnership"
                question="Delete this partnership from your devices? Your partner keeps their copy and gets nothing new from you; to end it together, end it above instead."
                before=move |_| editing.save_now()/>
        </div>
    }
}

pub(super) fn status_words(status: PartnershipStatus) -> &'static str {
    match status {
        PartnershipStatus::Active => "The partnership is active.",
        PartnershipStatus::RenewalDue => "Renewal is due.",
        PartnershipStatus::Ended => "The partnership has ended.",
        PartnershipStatus::HandedOver => "The mentee was handed over to another mentor.",
    }
}

#[component]
pub(super) fn Continuation(p: ReadSignal<Partnership, LocalStorage>, editing: Editing, calendar: Signal<AcademicCalendar>) -> impl IntoView {
    let notice = move || p.with(|p| p.continuation_notice(&calendar.get(), today_day()));
    move || {
        notice().map(|n| {
            view! {
                <div class="notice" data-testid="continuation">
                    <p>{format!("The {} ends on {}. Do you both want to continue?", if n.last_term { "agreement" } else { "term" }, crate::clock::day_words(n.term_ends))}</p>
                    <div class="goal-actions">
                        <button type="button" on:click=move |_| editing.edit(|p| p.continue_after(n))>"Continue"</button>
                        <button type="button" class="danger" on:click=move |_| editing.edit(|p| p.end_after(n))>"End the partnership"</button>
                    </div>
                </div>
            }
        })
    }
}

/// A partnership a program matched: what the pair shares with it (counts
/// only), and the switch to stop.
#[component]
fn ProgramCheckIns(p: ReadSignal<Partnership, LocalStorage>, editing: Editing) -> impl IntoView {
    move || {
        p.with(|p| p.program.clone()).map(|tie| view! {
            <section aria-labelledby="program-heading">
                <h2 id="program-heading">{format!("Part of {}", tie.program_name)}</h2>
                <label class="choice" for="share-check-ins">
                    <input id="share-check-ins" type="checkbox" prop:checked=tie.share_check_ins
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            editing.edit(|p| if let Some(t) = p.program.as_mut() { t.share_check_ins = on });
                        }/>
                    " Share how often we meet with the program's coordinator"
                </label>
                <label class="choice" for="needs-help">
                    <input id="needs-help" type="checkbox" data-testid="needs-help" prop:checked=tie.needs_help prop:disabled=!tie.share_check_ins
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            editing.edit(|p| if let Some(t) = p.program.as_mut() { t.needs_help = on });
                        }/>
                    " We would like the coordinator to get in touch"
                </label>
                <p class="hint" data-testid="check-in-scope">"Only counts go: meetings held per month, the last meeting's day, whether the partnership runs \
                    and whether you asked for help. Never notes, agendas, action items or goals. They are sent when they change; either of you can switch this off."</p>
            </section>
        })
    }
}

#[component]
pub(super) fn LinkPlan(editing: Editing) -> impl IntoView {
    let engine = use_sync();
    let plans = LocalResource::new(|| async {
        summaries(DocumentKind::GoalPlan).await
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
