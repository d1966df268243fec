//! A program's public page as a member sees it (`/program/page/<id>`):
//! what the program is and asks, and the two intake forms, "request a
//! mentor" and "volunteer to mentor". The form is checked here against the
//! program's rules (the coordinator's device checks it again) and sent in
//! a letter sealed to the coordinator and signed by this device.

use std::collections::BTreeSet;

use confidant_shared::calendar_day::parse_day;
use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::partnership::{AcademicCalendar, Partnership, Side};
use confidant_shared::paths;
use confidant_shared::calendar_day::NaiveDate;
use confidant_shared::program::introduction::{Introduction, MatchInvitation, MatchMessage, MatchWord, News};
use confidant_shared::program::EndReason;
use confidant_shared::sync::notice::Notice;
use confidant_shared::sync::Role;
use confidant_shared::program::intake::{eligibility, Availability, CareerStage, IntakeForm, IntakeRole, MeetingMode};
use confidant_shared::program::page::ProgramPage as Page;
use confidant_shared::program::Roles;
use confidant_shared::sync::inbox::InboxAddress;
use confidant_shared::Section;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::{create_document, my_profile, not_ready, use_document, DocumentState};
use crate::store::OpenDocument;
use crate::sync::use_sync;

#[component]
pub fn ProgramPublicPage() -> impl IntoView {
    let params = use_params_map();
    let page = use_document::<Page>(move || params.with(|p| p.get("id").unwrap_or_default()));
    view! {
        <Title text="Program · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            {move || page.with(|state| match state {
                DocumentState::Ready { doc, value, notice } => view! {
                    <PublicPage doc=doc.clone() page=value.clone() notice=notice.clone()/>
                }.into_any(),
                other => not_ready(other, Section::Program, "program page"),
            })}
        </section>
    }
}

#[component]
fn PublicPage(doc: OpenDocument, page: Page, notice: Option<String>) -> impl IntoView {
    // Live: the coordinators' edits show as they arrive (nothing is edited here).
    let (page, set_page) = signal_local(page);
    let (error, set_error) = signal(None::<String>);
    let _live = crate::widgets::document_editing::DocumentEditing::new(doc.clone(), set_page, set_error);
    let local = doc.id();
    // The form is drawn again only when what it offers changes, so nobody's
    // typing is lost to an edit of the purpose or the contact.
    let form_shape = Memo::new(move |_| {
        page.with(|p| {
            let s = &p.settings;
            (s.topics.clone(), s.roles, s.mentor_role.clone(), s.mentee_role.clone(), s.supervisor_informed_required, s.intake_deadline.clone(), s.mentor_min_service_days)
        })
    });
    view! {
        <h1 id="page-title">{move || page.with(|p| p.name.clone())}</h1>
        {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
        {move || page.with(|p| {
            let s = &p.settings;
            view! {
                <p class="purpose">{s.purpose.clone()}</p>
                {(!s.expectations.is_empty()).then(|| view! {
                    <h2>"What the program asks"</h2>
                    <ul>{s.expectations.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view()}</ul>
                })}
                {s.intake_deadline().map(|d| view! { <p>{format!("Deadline: {}.", crate::clock::day_words(d))}</p> })}
                {(!s.contact.is_empty()).then(|| view! { <p>{format!("Questions? Contact {}.", s.contact)}</p> })}
            }
        })}
        <FormState local/>
        <YourMatch local coordinator=page.with_untracked(|p| p.intake_inbox.clone()) calendar=page.with_untracked(|p| p.settings.semesters.calendar())/>
        <super::survey_form::SurveysToAnswer local page/>
        <super::claim_form::Reimbursements local page/>
        {move || {
            form_shape.track();
            view! { <IntakeFormView local page=page.get_untracked() live_page=page/> }
        }}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
}

/// Where this person's form is: sent, on the roster, or set aside and why.
#[component]
fn FormState(local: DocumentId) -> impl IntoView {
    let Some(engine) = use_sync() else { return ().into_any() };
    view! {
        {move || {
            let program = engine.share_of(local).map(|s| s.sync_id.to_string()).unwrap_or_default();
            let letters = engine.program_letters();
            let matched = letters.introductions_in(&program).next().is_some();
            letters.form_in(&program).cloned().map(|form| {
                let text = match (&form.answer, matched) {
                    (_, true) => "You are matched: your introduction is below.".to_string(),
                    (None, false) => format!("You sent your form on {}. It reaches the coordinator when their device is next online.", crate::clock::day_words(form.sent_on)),
                    (Some(answer), false) if answer.taken => "The coordinator has your form. You will hear here when you are matched.".to_string(),
                    (Some(answer), false) => format!("Your form was set aside: {}", answer.why),
                };
                view! { <p class="notice" role="status" data-testid="form-state">{text}</p> }
            })
        }}
    }
    .into_any()
}

/// The introductions this device received for this program: who, why, how
/// to reach them; the mentor starts the partnership, the mentee accepts it.
#[component]
fn YourMatch(local: DocumentId, coordinator: String, calendar: AcademicCalendar) -> impl IntoView {
    let Some(engine) = use_sync() else { return ().into_any() };
    let saves = crate::store::saves_counter();
    // The partnerships this device has for a program's match, by match id.
    let started = LocalResource::new(move || {
        saves.track();
        async {
            crate::api::documents_of::<Partnership>()
                .await
                .map(|all| all.into_iter().filter_map(|(id, p)| p.program.clone().map(|t| (t.match_id, id, p))).collect::<Vec<_>>())
                .unwrap_or_default()
        }
    });
    // The mentor's private marks, kept in their profile (their devices only).
    let marks = LocalResource::new(move || {
        saves.track();
        async { my_profile().await.ok().flatten().map(|(_, p)| p.needs_attention).unwrap_or_default() }
    });
    let mark = move |match_id: String, needs: bool| {
        spawn_local(async move {
            let Ok(Some((open, _))) = my_profile().await else { return };
            let local = open.id();
            if open.change(|p: &mut confidant_shared::profile::Profile| p.mark_needs_attention(&match_id, needs)).await.is_ok() {
                crate::store::announce_saved(local);
            }
        });
    };
    let (error, set_error) = signal(None::<String>);
    let navigate = use_navigate();
    let letters = {
        let engine = engine.clone();
        move || {
            let program = engine.share_of(local).map(|s| s.sync_id.to_string()).unwrap_or_default();
            let letters = engine.program_letters();
            letters
                .introductions_in(&program)
                .map(|i| {
                    let said: Vec<MatchWord> = letters.said_of(&program, &i.match_id).cloned().collect();
                    let messages: Vec<MatchMessage> = letters.messages_of(&program, &i.match_id).cloned().collect();
                    (i.clone(), letters.invitation_for(&program, &i.match_id).cloned(), letters.news_of(&program, &i.match_id), said, messages)
                })
                .collect::<Vec<_>>()
        }
    };
    let start = move |intro: Introduction| {
        let engine = engine.clone();
        let coordinator = coordinator.clone();
        let navigate = navigate.clone();
        spawn_local(async move {
            let started = async {
                let me = my_profile().await?.map(|(_, p)| p).ok_or("Your profile is still opening; try again in a moment.")?;
                let mut partnership = intro.partnership(&me.display_name, &crate::clock::today(), &coordinator);
                partnership.mentor_id = Some(me.member_id.clone());
                let doc = create_document(&partnership).await?;
                engine.share(doc.id(), DocumentKind::Partnership).await?;
                let invite = engine.invite(doc.id(), Role::Writer).await?;
                let to = InboxAddress::parse(&intro.partner_inbox).map_err(|_| "Your partner's device cannot be reached that way; ask the coordinator.".to_string())?;
                let invitation = MatchInvitation { program: intro.program.clone(), match_id: intro.match_id.clone(), from_name: me.display_name.clone(), invite: invite.fragment() };
                engine.send_notice(to, Notice::ProgramMatchInvitation(invitation)).await?;
                Ok::<_, String>(doc.id())
            };
            match started.await {
                Ok(id) => navigate(&paths::partnership(id), Default::default()),
                Err(err) => set_error.set(Some(err)),
            }
        });
    };
    view! {
        {move || {
            let matches = letters();
            (!matches.is_empty()).then(|| {
                let start = start.clone();
                let heading = if matches.len() > 1 { "The people you are matched with" } else { "Your match" };
                view! {
                    <h2>{heading}</h2>
                    {matches.into_iter().map(|(intro, invitation, news, said, messages)| {
                        let start = start.clone();
                        let found = started.get().and_then(|all| all.iter().find(|(m, _, _)| *m == intro.match_id).map(|(_, id, p)| (*id, p.clone())));
                        let mine = found.as_ref().map(|(id, _)| *id);
                        // A mentor checks in with each person once a semester.
                        let check_in = found.as_ref().filter(|_| intro.side == Side::Mentor).and_then(|(_, p)| p.semester_check_in(&calendar, crate::clock::today_day()));
                        let marked = marks.get().is_some_and(|m| m.contains(&intro.match_id));
                        let mark_id = format!("needs-attention-{}", intro.match_id);
                        let match_id = intro.match_id.clone();
                        let reach = if intro.partner_note.trim().is_empty() { intro.partner_contact.clone() } else { format!("{} ({})", intro.partner_contact, intro.partner_note.trim()) };
                        view! {
                            <article class="card" data-testid="introduction">
                                <h3>{format!("You are matched with {}", intro.partner_name)}</h3>
                                <p>{format!("How to reach them: {reach}.")}</p>
                                {(!intro.reasons.is_empty()).then(|| view! { <p>{format!("Why: {}.", intro.reasons.join("; "))}</p> })}
                                {messages.into_iter().rev().map(|m| view! {
                                    <blockquote class="coordinator-message" data-testid="coordinator-message">
                                        <p class="meta">{format!("From the coordinator, {}:", crate::clock::day_words(m.sent_on))}</p>
                                        {m.text.lines().map(|line| view! { <p>{line.to_string()}</p> }).collect_view()}
                                    </blockquote>
                                }).collect_view()}
                                {match news {
                                    Some(News::Ended { completed }) => Some(view! {
                                        <p class="notice" data-testid="match-ended">{if completed {
                                            format!("Your match with {} is complete. Thank you for the time you gave each other.", intro.partner_name)
                                        } else {
                                            format!("Your match with {} has ended. That happens, and it is no one's fault; the coordinator will be in touch about what comes next.", intro.partner_name)
                                        }}</p>
                                    }.into_any()),
                                    Some(News::TermEnds { term_ends, last_term }) => Some(view! {
                                        <TermQuestion program=intro.program.clone() match_id=intro.match_id.clone() term_ends last_term said=said.clone()/>
                                    }.into_any()),
                                    None => None,
                                }}
                                {(news.is_none() || matches!(news, Some(News::TermEnds { .. }))).then(|| view! {
                                    <AskToEnd program=intro.program.clone() match_id=intro.match_id.clone() said=said.clone()/>
                                })}
                                {check_in.map(|semester| view! {
                                    <p data-testid="semester-check-in">{format!("Check in with {} this semester ({}).", intro.partner_name, semester.name())}</p>
                                })}
                                {(intro.side == Side::Mentor).then(|| {
                                    let label_for = mark_id.clone();
                                    view! {
                                        <label class="choice" for=label_for>
                                            <input id=mark_id type="checkbox" data-testid="needs-attention" prop:checked=marked data-kept=marked.to_string()
                                                on:change=move |ev| mark(match_id.clone(), event_target_checked(&ev))/>
                                            {format!(" {} needs attention (a note for you alone: it stays on your own devices)", intro.partner_name)}
                                        </label>
                                    }
                                })}
                                {match (mine, intro.side, invitation) {
                                    (Some(id), _, _) => view! { <A href=paths::partnership(id)>"Open your partnership"</A> }.into_any(),
                                    (None, Side::Mentor, _) => {
                                        let intro = intro.clone();
                                        view! {
                                            <p>"As the mentor, you arrange the introductory meeting. Start the partnership to plan it together."</p>
                                            <button type="button" data-testid="start-match-partnership" on:click=move |_| start(intro.clone())>"Start the partnership"</button>
                                        }.into_any()
                                    }
                                    (None, Side::Mentee, Some(invitation)) => view! {
                                        <p>{format!("{} started your partnership.", invitation.from_name)}</p>
                                        <a rel="external" data-testid="accept-match-partnership" href=format!("{}#{}", paths::JOIN, invitation.invite)>"Open the invitation"</a>
                                    }.into_any(),
                                    (None, Side::Mentee, None) => view! {
                                        <p>{format!("{} will be in touch to arrange your introductory meeting.", intro.partner_name)}</p>
                                    }.into_any(),
                                }}
                            </article>
                        }
                    }).collect_view()}
                    {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                }
            })
        }}
    }
    .into_any()
}

/// The continuation notice: continue past the term's end, or end there.
#[component]
fn TermQuestion(program: String, match_id: String, term_ends: NaiveDate, last_term: bool, said: Vec<MatchWord>) -> impl IntoView {
    let answered = said.iter().find_map(|w| match w {
        MatchWord::Continues { term_ends: t, continues } if *t == term_ends => Some(*continues),
        _ => None,
    });
    let (status, set_status) = signal(answered.map(|c| if c { "You said you would like to continue." } else { "You said you would end at the term's end." }));
    let engine = use_sync();
    let answer = move |continues: bool| {
        let Some(engine) = engine.clone() else { return };
        let (program, match_id) = (program.clone(), match_id.clone());
        spawn_local(async move {
            match engine.send_match_word(program, match_id, MatchWord::Continues { term_ends, continues }).await {
                Ok(()) => set_status.set(Some(if continues { "You said you would like to continue." } else { "You said you would end at the term's end." })),
                Err(_) => set_status.set(Some("Your answer could not be sent; try again in a moment.")),
            }
        });
    };
    let (yes, no) = (answer.clone(), answer);
    view! {
        <div class="term-question" data-testid="term-question">
            <p>{format!("The {} ends on {}. Would you like to continue{}?", if last_term { "agreement" } else { "term" }, crate::clock::day_words(term_ends), if last_term { " for another term" } else { "" })}</p>
            <button type="button" data-testid="continue-match" on:click=move |_| yes(true)>"Continue"</button>
            <button type="button" on:click=move |_| no(false)>"End at the term's end"</button>
            {move || status.get().map(|s| view! { <p role="status" data-testid="term-answered">{s}</p> })}
        </div>
    }
}

/// Alert the coordinator that the relationship should end: a reason, and
/// a note only the coordinator reads.
#[component]
fn AskToEnd(program: String, match_id: String, said: Vec<MatchWord>) -> impl IntoView {
    let asked = said.iter().any(|w| matches!(w, MatchWord::PleaseEnd { .. }));
    let (status, set_status) = signal(asked.then_some("You asked the coordinator to end this match."));
    let (reason, set_reason) = signal(EndReason::MismatchedSchedules);
    let (note, set_note) = signal(String::new());
    let field = format!("end-reason-{match_id}");
    let note_field = format!("end-note-{match_id}");
    let (field_for, note_for) = (field.clone(), note_field.clone());
    let engine = use_sync();
    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(engine) = engine.clone() else { return };
        let (program, match_id) = (program.clone(), match_id.clone());
        let word = MatchWord::PleaseEnd { reason: reason.get_untracked(), note: note.get_untracked() };
        spawn_local(async move {
            match engine.send_match_word(program, match_id, word).await {
                Ok(()) => set_status.set(Some("You asked the coordinator to end this match.")),
                Err(_) => set_status.set(Some("Your request could not be sent; try again in a moment.")),
            }
        });
    };
    view! {
        <details class="ask-to-end">
            <summary>"This match is not working"</summary>
            <form class="stacked-form" on:submit=ask aria-label="Ask the coordinator to end this match">
                <div class="field">
                    <label for=field_for>"Why"</label>
                    <select id=field on:change=move |ev| {
                        let picked = event_target_value(&ev);
                        if let Some(r) = EndReason::ASKED.into_iter().find(|r| format!("{r:?}") == picked) { set_reason.set(r); }
                    }>
                        {EndReason::ASKED.into_iter().map(|r| view! { <option value=format!("{r:?}") selected=move || reason.get() == r>{r.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=note_for>"A note for the coordinator only (optional)"</label>
                    <textarea id=note_field rows="2" prop:value=note on:input=move |ev| set_note.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" data-testid="ask-to-end">"Ask the coordinator to end it"</button>
            </form>
        </details>
        {move || status.get().map(|s| view! { <p role="status" data-testid="end-asked">{s}</p> })}
    }
}

#[component]
fn IntakeFormView(local: DocumentId, page: Page, live_page: ReadSignal<Page, LocalStorage>) -> impl IntoView {
    let settings = page.settings.clone();
    let peers = settings.roles == Roles::Peers;
    let (role, set_role) = signal(IntakeRole::RequestMentor);
    let (name, set_name) = signal(String::new());
    let (contact, set_contact) = signal(String::new());
    let (department, set_department) = signal(String::new());
    let (started, set_started) = signal(String::new());
    let (topics, set_topics) = signal(BTreeSet::<String>::new());
    let (stage, set_stage) = signal(CareerStage::New);
    let (free, set_free) = signal(Availability::default());
    let (mode, set_mode) = signal(MeetingMode::Either);
    let (capacity, set_capacity) = signal(settings.default_capacity.max(1));
    let (avoid, set_avoid) = signal(String::new());
    let (note, set_note) = signal(String::new());
    let (supervisor, set_supervisor) = signal(false);
    let (read, set_read) = signal(false);
    let (problems, set_problems) = signal(Vec::<String>::new());
    let (sent, set_sent) = signal(None::<IntakeRole>);
    let (sending, set_sending) = signal(false);

    let engine = use_sync();
    let page_id = local;
    let (mentor_role, mentee_role) = (settings.mentor_role.clone(), settings.mentee_role.clone());
    let rules = settings.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(started_on) = parse_day(&started.get_untracked()) else {
            set_problems.set(vec!["Give the day you started here.".into()]);
            return;
        };
        let form = IntakeForm {
            role: role.get_untracked(),
            name: name.get_untracked(),
            contact: contact.get_untracked(),
            department: department.get_untracked(),
            started_on,
            topics: topics.get_untracked(),
            career_stage: stage.get_untracked(),
            availability: free.get_untracked(),
            meeting_mode: mode.get_untracked(),
            capacity: if role.get_untracked() == IntakeRole::VolunteerToMentor { capacity.get_untracked() } else { 0 },
            avoid: avoid.get_untracked().lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect(),
            note: note.get_untracked(),
            supervisor_informed: supervisor.get_untracked(),
            expectations_read: read.get_untracked(),
        };
        let mut why: Vec<String> = match form.check_shape() {
            Ok(()) => Vec::new(),
            Err(bad) => vec![format!("{}{}.", bad.to_string()[..1].to_uppercase(), &bad.to_string()[1..])],
        };
        why.extend(eligibility(&form, &rules, crate::clock::today_day()).iter().map(|w| w.describe()));
        if !why.is_empty() {
            set_problems.set(why);
            return;
        }
        // Where forms go now: a successor may have taken the intake over
        // since the form was drawn.
        let coordinator = live_page.with_untracked(|p| InboxAddress::parse(&p.intake_inbox).ok());
        let (Some(engine), Some(to)) = (engine.clone(), coordinator) else {
            set_problems.set(vec!["This page does not say where forms go; ask the coordinator for a new link.".into()]);
            return;
        };
        let Some(share) = engine.share_of(page_id) else {
            set_problems.set(vec!["This page is not synced on this device; open the program's link again.".into()]);
            return;
        };
        set_problems.set(Vec::new());
        set_sending.set(true);
        spawn_local(async move {
            let role = form.role;
            match engine.send_intake(to, share.sync_id.to_string(), form).await {
                Ok(()) => set_sent.set(Some(role)),
                Err(err) => set_problems.set(vec![err]),
            }
            set_sending.set(false);
        });
    };

    let topic_boxes = settings.topics.iter().enumerate().map(|(i, topic)| {
        let topic = topic.clone();
        let id = format!("intake-topic-{i}");
        let label_for = id.clone();
        let t = topic.clone();
        view! {
            <label class="choice" for=label_for>
                <input id=id type="checkbox" prop:checked=move || topics.with(|ts| ts.contains(&t)) on:change={
                    let topic = topic.clone();
                    move |ev| {
                        let on = event_target_checked(&ev);
                        set_topics.update(|ts| { if on { ts.insert(topic.clone()); } else { ts.remove(&topic); } });
                    }
                }/>
                {format!(" {topic}")}
            </label>
        }
    }).collect_view();
    let free_boxes = (0..Availability::SLOTS).map(|slot| {
        let id = format!("intake-free-{slot}");
        let label_for = id.clone();
        view! {
            <label class="choice" for=label_for>
                <input id=id type="checkbox" prop:checked=move || free.get().has(slot)
                    on:change=move |ev| { let on = event_target_checked(&ev); set_free.update(|f| *f = f.with(slot, on)); }/>
                {format!(" {}", Availability::slot_label(slot))}
            </label>
        }
    }).collect_view();

    view! {
        <h2>"Take part"</h2>
        {move || sent.get().map(|role| view! {
            <p class="notice" role="status" data-testid="intake-sent">{match role {
                IntakeRole::RequestMentor => "Your request was sent to the coordinator. You will hear here when you are matched.",
                IntakeRole::VolunteerToMentor => "Thank you for volunteering. Your form was sent to the coordinator.",
            }}</p>
        })}
        <form class="stacked-form" aria-label="Intake form" on:submit=submit>
            {(!peers).then(|| view! {
                <fieldset>
                    <legend>"I would like to"</legend>
                    <label class="choice" for="intake-request">
                        <input id="intake-request" type="radio" name="intake-role" prop:checked=move || role.get() == IntakeRole::RequestMentor
                            on:change=move |_| set_role.set(IntakeRole::RequestMentor)/>
                        {format!(" Request a {} (as a {})", mentor_role.to_lowercase(), mentee_role.to_lowercase())}
                    </label>
                    <label class="choice" for="intake-volunteer">
                        <input id="intake-volunteer" type="radio" name="intake-role" prop:checked=move || role.get() == IntakeRole::VolunteerToMentor
                            on:change=move |_| set_role.set(IntakeRole::VolunteerToMentor)/>
                        {format!(" Volunteer to serve as a {}", settings.mentor_role.to_lowercase())}
                    </label>
                </fieldset>
            })}
            <div class="field">
                <label for="intake-name">"Your name"</label>
                <input id="intake-name" type="text" autocomplete="name" prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="intake-contact">"How to reach you (e-mail or phone)"</label>
                <input id="intake-contact" type="text" autocomplete="email" prop:value=contact on:input=move |ev| set_contact.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="intake-department">"Department"</label>
                <input id="intake-department" type="text" prop:value=department on:input=move |ev| set_department.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="intake-started">"The day you started here"</label>
                <input id="intake-started" type="date" prop:value=started on:input=move |ev| set_started.set(event_target_value(&ev))/>
            </div>
            {(!page.settings.topics.is_empty()).then(|| view! {
                <fieldset><legend>"Topics"</legend>{topic_boxes}</fieldset>
            })}
            <div class="field">
                <label for="intake-stage">"How far along you are"</label>
                <select id="intake-stage" on:change=move |ev| {
                    let picked = event_target_value(&ev);
                    if let Some(s) = CareerStage::ALL.into_iter().find(|s| format!("{s:?}") == picked) { set_stage.set(s); }
                }>
                    {CareerStage::ALL.into_iter().map(|s| view! { <option value=format!("{s:?}") selected=move || stage.get() == s>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <fieldset class="availability"><legend>"When you are usually free"</legend>{free_boxes}</fieldset>
            <div class="field">
                <label for="intake-mode">"How you prefer to meet"</label>
                <select id="intake-mode" on:change=move |ev| {
                    let picked = event_target_value(&ev);
                    if let Some(m) = [MeetingMode::InPerson, MeetingMode::Online, MeetingMode::Either].into_iter().find(|m| format!("{m:?}") == picked) { set_mode.set(m); }
                }>
                    {[MeetingMode::Either, MeetingMode::InPerson, MeetingMode::Online].into_iter().map(|m| view! {
                        <option value=format!("{m:?}") selected=move || mode.get() == m>{m.describe()}</option>
                    }).collect_view()}
                </select>
            </div>
            {move || (role.get() == IntakeRole::VolunteerToMentor).then(|| view! {
                <div class="field">
                    <label for="intake-capacity">"How many people you can mentor at once"</label>
                    <input id="intake-capacity" type="number" min="1" max="5" prop:value=move || capacity.get().to_string()
                        on:change=move |ev| { if let Ok(n) = event_target_value(&ev).parse::<u32>() { set_capacity.set(n.clamp(1, 5)) } }/>
                </div>
            })}
            <div class="field">
                <label for="intake-avoid">"People you should not be matched with (your manager, say), one per line"</label>
                <textarea id="intake-avoid" rows="2" prop:value=avoid on:input=move |ev| set_avoid.set(event_target_value(&ev))></textarea>
            </div>
            <div class="field">
                <label for="intake-note">"Anything else the coordinator should know (preferences, when not to call)"</label>
                <textarea id="intake-note" rows="3" prop:value=note on:input=move |ev| set_note.set(event_target_value(&ev))></textarea>
            </div>
            {page.settings.supervisor_informed_required.then(|| view! {
                <label class="choice" for="intake-supervisor">
                    <input id="intake-supervisor" type="checkbox" prop:checked=supervisor on:change=move |ev| set_supervisor.set(event_target_checked(&ev))/>
                    " I have told my supervisor I mean to take part"
                </label>
            })}
            <label class="choice" for="intake-read">
                <input id="intake-read" type="checkbox" prop:checked=read on:change=move |ev| set_read.set(event_target_checked(&ev))/>
                " I have read what the program asks"
            </label>
            <button type="submit" data-testid="send-intake" prop:disabled=sending>"Send to the coordinator"</button>
        </form>
        {move || {
            let list = problems.get();
            (!list.is_empty()).then(|| view! {
                <div class="error" role="alert" data-testid="intake-problems">
                    {list.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                </div>
            })
        }}
    }
}
