//! One program as its coordinators run it (`/program/<id>`): what the
//! program asks, the link and QR code to its public page, the roster as
//! intake forms fill it, forms set aside with why, and the draft matches
//! with each pair's reasons, who is left and why, and the shortfall.

use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::program::page::ProgramPage;
use confidant_shared::program::matching::{Draft, PinRefusal, Unplaced};
use confidant_shared::sync::inbox::InboxAddress;
use confidant_shared::sync::notice::Notice;
use confidant_shared::calendar_day::{day_text, parse_day, NaiveDate};
use confidant_shared::partnership::agreement_ends;
use confidant_shared::program::introduction::{Announcement, Audience, News};
use confidant_shared::program::{EndReason, MatchStatus, MemberRole, MemberState, PairRule, Program, Roles};
use confidant_shared::partnership::AgreedDuration;
use confidant_shared::Section;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{not_ready, use_document, DocumentState};
use crate::store::OpenDocument;
use crate::sync::use_sync;
use crate::widgets::document_editing::DocumentEditing;
use crate::widgets::invite_code::InviteCode;
use crate::widgets::SharePanel;

#[component]
pub fn ProgramPage() -> impl IntoView {
    let params = use_params_map();
    let program = use_document::<Program>(move || params.with(|p| p.get("id").unwrap_or_default()));
    view! {
        <Title text="Program · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            {move || program.with(|state| match state {
                DocumentState::Ready { doc, value, notice } => view! {
                    <ProgramDesk doc=doc.clone() initial=value.clone() notice=notice.clone()/>
                }.into_any(),
                other => not_ready(other, Section::Program, "program"),
            })}
        </section>
    }
}

/// What the program's settings mean, in a line each.
fn settings_lines(p: &Program) -> Vec<String> {
    let s = &p.settings;
    let mut lines = vec![match s.roles {
        Roles::MentorMentee => format!("Roles: {} and {}, run by the {}.", s.mentor_role, s.mentee_role, s.coordinator_role.to_lowercase()),
        Roles::Peers => "Everyone is a peer: pairs are made among all.".to_string(),
    }];
    lines.push(match s.duration {
        AgreedDuration::Months(m) => format!("Duration: {m} months."),
        AgreedDuration::Semesters { count, renewable } => {
            format!("Duration: {count} consecutive semesters{}.", if renewable { ", renewable if both agree" } else { "" })
        }
    });
    if s.different_department {
        lines.push("Matches cross home departments: nobody is matched within their own department.".into());
    }
    if s.mentor_min_service_days > 0 {
        lines.push(format!("Mentors serve after {} days of service.", s.mentor_min_service_days));
    }
    if let Some(deadline) = s.intake_deadline() {
        lines.push(format!("Intake closes {}.", crate::clock::day_words(deadline)));
    }
    if !s.topics.is_empty() {
        lines.push(format!("Topics: {}.", s.topics.join("; ")));
    }
    lines
}

#[component]
fn ProgramDesk(doc: OpenDocument, initial: Program, notice: Option<String>) -> impl IntoView {
    let local = doc.id();
    let (program, set_program) = signal_local(initial);
    let (error, set_error) = signal(None::<String>);
    let editing = DocumentEditing::new(doc, set_program, set_error);
    let engine = use_sync();

    // The public page's link: one reader invite, the same at every visit.
    let (link, set_link) = signal(String::new());
    if let (Some(engine), Ok(page)) = (engine.clone(), program.with_untracked(|p| p.page.parse())) {
        spawn_local(async move {
            match engine.room_invite(page).await {
                Ok(invite) => set_link.set(invite.link(&window().location().origin().unwrap_or_default())),
                Err(err) => set_error.set(Some(err)),
            }
        });
    }

    let (drafted, set_drafted) = signal(false);
    let draft = Memo::new(move |_| drafted.get().then(|| program.with(|p| p.draft(crate::clock::today_day()))));
    let name_of = move |id: &str| program.with(|p| p.roster.get(id).map(|m| m.name.clone()).unwrap_or_else(|| "someone who left".into()));
    let (published, set_published) = signal(None::<String>);

    // Publish the draft: the matches go into the program, and each side
    // gets a sealed introduction to the other.
    let publish = {
        let engine = engine.clone();
        move |_| {
            let Some(draft) = draft.get_untracked() else { return };
            let Some(engine) = engine.clone() else {
                set_error.set(Some("Sync is not running in this tab; reload the page.".into()));
                return;
            };
            let page_sync = program.with_untracked(|p| p.page.parse::<DocumentId>().ok()).and_then(|local| engine.share_of(local)).map(|s| s.sync_id.to_string());
            let Some(page_sync) = page_sync else {
                set_error.set(Some("The program's page is not shared yet; try again in a moment.".into()));
                return;
            };
            let Some(ids) = (0..draft.pairs.len()).map(|_| editing.new_id()).collect::<Option<Vec<String>>>() else { return };
            let today = crate::clock::today_day();
            let mut made = Vec::new();
            editing.edit(|p| {
                let mut fresh = ids.into_iter();
                made = p.publish(&draft, today, || fresh.next().unwrap_or_default());
            });
            editing.save_now();
            let introductions = program.with_untracked(|p| p.introductions(&page_sync, &made));
            set_drafted.set(false);
            spawn_local(async move {
                let mut sent = 0;
                for (to, intro) in introductions {
                    let Ok(to) = InboxAddress::parse(&to) else { continue };
                    match engine.send_notice(to, Notice::ProgramIntroduction(intro)).await {
                        Ok(()) => sent += 1,
                        Err(err) => set_error.set(Some(err)),
                    }
                }
                set_published.set(Some(format!("{} {} published; {sent} introductions sent.", made.len(), if made.len() == 1 { "match" } else { "matches" })));
            });
        }
    };

    view! {
        <h1 id="page-title">{move || program.with(|p| p.name.clone())}</h1>
        {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
        <ul class="program-settings" aria-label="What the program asks">
            {move || program.with(settings_lines).into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
        </ul>

        <SettingsForm program=program editing=editing/>

        <h2>"Invite people"</h2>
        <p>"Share this link (or the QR code) with everyone who may take part. It opens the program's page, where people request a mentor or volunteer; their forms come sealed to this device."</p>
        {move || (!link.get().is_empty()).then(|| view! {
            <InviteCode id="program-link" label="Link to the program's page" link=Signal::derive(move || link.get())/>
        })}

        <h2>"Roster"</h2>
        <RosterTable program=program/>
        {move || program.with(|p| (!p.set_aside.is_empty()).then(|| view! {
            <h3>"Forms set aside"</h3>
            <ul data-testid="set-aside" aria-label="Forms set aside">
                {p.set_aside.iter().rev().map(|f| view! { <li>{format!("{} ({}): {}", f.name, f.received_on, f.why)}</li> }).collect_view()}
            </ul>
        }))}

        <h2>"Matching"</h2>
        <button type="button" data-testid="draft-matches" on:click=move |_| set_drafted.set(true)>
            {move || if drafted.get() { "Draft again" } else { "Draft matches" }}
        </button>
        {move || draft.get().map(|d| {
            let any = !d.pairs.is_empty();
            let publish = publish.clone();
            view! {
                <DraftView draft=d name_of=name_of editing=editing/>
                {any.then(|| view! { <button type="button" data-testid="publish-matches" on:click=publish>"Publish and introduce the pairs"</button> })}
            }
        })}
        {move || published.get().map(|p| view! { <p class="notice" role="status" data-testid="published">{p}</p> })}

        <h2>"Matches"</h2>
        <MatchesTable program=program editing=editing/>
        <div class="goal-actions">
            <button type="button" data-testid="download-roster" on:click=move |_| {
                let csv = program.with_untracked(confidant_shared::program::report::roster_csv);
                if crate::widgets::file_download::download("roster.csv", "text/csv", &csv).is_err() {
                    set_error.set(Some("The file could not be saved; try again.".into()));
                }
            }>"Download the roster (CSV)"</button>
            <button type="button" data-testid="download-matches" on:click=move |_| {
                let csv = program.with_untracked(confidant_shared::program::report::matches_csv);
                if crate::widgets::file_download::download("matches.csv", "text/csv", &csv).is_err() {
                    set_error.set(Some("The file could not be saved; try again.".into()));
                }
            }>"Download the matches (CSV)"</button>
        </div>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}

        <AnnouncementForm program=program/>

        <h2>"Co-coordinators and your successor"</h2>
        <p>"Invite a co-coordinator (they edit the program with you) or the person who takes it over. Intake forms keep arriving on this device."</p>
        <SharePanel local=local kind=DocumentKind::Program what="program"/>
    }
}

/// An announcement to every member, or to one role, sealed to each.
#[component]
fn AnnouncementForm(program: ReadSignal<Program, LocalStorage>) -> impl IntoView {
    let engine = use_sync();
    let (text, set_text) = signal(String::new());
    let (audience, set_audience) = signal(Audience::Everyone);
    let (status, set_status) = signal(None::<String>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(engine) = engine.clone() else { return };
        let body = text.get_untracked().trim().chars().take(2_000).collect::<String>();
        if body.is_empty() {
            set_status.set(Some("Write the announcement first.".into()));
            return;
        }
        let page_sync = program.with_untracked(|p| p.page.parse::<DocumentId>().ok()).and_then(|local| engine.share_of(local)).map(|s| s.sync_id.to_string());
        let Some(page_sync) = page_sync else { return };
        let (inboxes, name) = program.with_untracked(|p| (p.announcement_inboxes(audience.get_untracked()), p.name.clone()));
        let announcement = Announcement { program: page_sync, program_name: name, text: body, sent_on: crate::clock::today_day() };
        spawn_local(async move {
            let mut sent = 0;
            for inbox in inboxes {
                let Ok(to) = InboxAddress::parse(&inbox) else { continue };
                if engine.send_notice(to, Notice::ProgramAnnouncement(announcement.clone())).await.is_ok() {
                    sent += 1;
                }
            }
            set_text.set(String::new());
            set_status.set(Some(format!("Sent to {sent} {}.", if sent == 1 { "member" } else { "members" })));
        });
    };
    view! {
        <h2>"Announce"</h2>
        <form class="stacked-form" on:submit=send aria-label="Send an announcement">
            <div class="field">
                <label for="announce-to">"To"</label>
                <select id="announce-to" on:change=move |ev| set_audience.set(match event_target_value(&ev).as_str() {
                    "mentors" => Audience::Mentors,
                    "mentees" => Audience::Mentees,
                    _ => Audience::Everyone,
                })>
                    <option value="everyone">"Everyone in the program"</option>
                    <option value="mentors">{move || program.with(|p| format!("Every {}", p.settings.mentor_role.to_lowercase()))}</option>
                    <option value="mentees">{move || program.with(|p| format!("Every {}", p.settings.mentee_role.to_lowercase()))}</option>
                </select>
            </div>
            <div class="field">
                <label for="announce-text">"Announcement"</label>
                <textarea id="announce-text" rows="3" prop:value=text on:input=move |ev| set_text.set(event_target_value(&ev))></textarea>
            </div>
            <button type="submit" data-testid="send-announcement">"Send"</button>
        </form>
        {move || status.get().map(|s| view! { <p role="status" data-testid="announced">{s}</p> })}
    }
}

/// The program's settings, editable; saving them updates the public page
/// members follow too (never the roster: it is not on the page).
#[component]
fn SettingsForm(program: ReadSignal<Program, LocalStorage>, editing: DocumentEditing<Program>) -> impl IntoView {
    let initial = program.get_untracked();
    let s = initial.settings.clone();
    let (name, set_name) = signal(initial.name.clone());
    let (purpose, set_purpose) = signal(s.purpose.clone());
    let (topics, set_topics) = signal(s.topics.join("\n"));
    let (expectations, set_expectations) = signal(s.expectations.join("\n"));
    let (contact, set_contact) = signal(s.contact.clone());
    let (deadline, set_deadline) = signal(s.intake_deadline.clone().unwrap_or_default());
    let (across, set_across) = signal(s.different_department);
    let (service, set_service) = signal(s.mentor_min_service_days.to_string());
    let (status, set_status) = signal(None::<&'static str>);
    let lines = |text: String| text.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| l.chars().take(200).collect()).take(16).collect::<Vec<String>>();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let deadline = deadline.get_untracked();
        let deadline = parse_day(&deadline).map(day_text);
        let service = service.get_untracked().trim().parse::<u32>().unwrap_or(0).min(3_650);
        editing.edit(|p| {
            p.name = name.get_untracked().trim().chars().take(120).collect();
            p.settings.purpose = purpose.get_untracked().trim().chars().take(2_000).collect();
            p.settings.topics = lines(topics.get_untracked());
            p.settings.expectations = lines(expectations.get_untracked());
            p.settings.contact = contact.get_untracked().trim().chars().take(200).collect();
            p.settings.intake_deadline = deadline;
            p.settings.different_department = across.get_untracked();
            p.settings.mentor_min_service_days = service;
        });
        editing.save_now();
        let updated = program.get_untracked();
        spawn_local(async move {
            let republished = async {
                let page_local = updated.page.parse::<DocumentId>().map_err(|_| ())?;
                let page = crate::api::open_document::<ProgramPage>(page_local).await.map_err(|_| ())?;
                page.change(|p: &mut ProgramPage| {
                    p.name = updated.name.clone();
                    p.settings = updated.settings.clone();
                    p.resources = updated.resources.clone();
                })
                .await
                .map_err(|_| ())?;
                crate::store::announce_saved(page_local);
                Ok::<_, ()>(())
            };
            set_status.set(Some(match republished.await {
                Ok(()) => "Saved, and the program's page is updated for everyone who follows it.",
                Err(()) => "Saved here; the program's page could not be updated. Open this program again and save once more.",
            }));
        });
    };
    view! {
        <details class="program-settings-form">
            <summary>"Edit the program"</summary>
            <form class="stacked-form" on:submit=save aria-label="Edit the program">
                <div class="field"><label for="program-edit-name">"Name"</label>
                    <input id="program-edit-name" type="text" prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev))/></div>
                <div class="field"><label for="program-edit-purpose">"Purpose"</label>
                    <textarea id="program-edit-purpose" rows="3" prop:value=purpose on:input=move |ev| set_purpose.set(event_target_value(&ev))></textarea></div>
                <div class="field"><label for="program-edit-topics">"Topics, one per line"</label>
                    <textarea id="program-edit-topics" rows="5" prop:value=topics on:input=move |ev| set_topics.set(event_target_value(&ev))></textarea></div>
                <div class="field"><label for="program-edit-expectations">"What the program asks, one per line"</label>
                    <textarea id="program-edit-expectations" rows="5" prop:value=expectations on:input=move |ev| set_expectations.set(event_target_value(&ev))></textarea></div>
                <div class="field"><label for="program-edit-contact">"Contact"</label>
                    <input id="program-edit-contact" type="text" prop:value=contact on:input=move |ev| set_contact.set(event_target_value(&ev))/></div>
                <div class="field"><label for="program-edit-deadline">"Intake deadline (none: always open)"</label>
                    <input id="program-edit-deadline" type="date" prop:value=deadline on:input=move |ev| set_deadline.set(event_target_value(&ev))/></div>
                <div class="field"><label for="program-edit-service">"Days of service before someone may mentor"</label>
                    <input id="program-edit-service" type="number" min="0" max="3650" prop:value=service on:input=move |ev| set_service.set(event_target_value(&ev))/></div>
                <label class="choice" for="program-edit-across">
                    <input id="program-edit-across" type="checkbox" prop:checked=across on:change=move |ev| set_across.set(event_target_checked(&ev))/>
                    " Match only across home departments"
                </label>
                <button type="submit" data-testid="save-program">"Save"</button>
            </form>
        </details>
        {move || status.get().map(|s| view! { <p role="status" data-testid="program-saved">{s}</p> })}
    }
}

/// The members waiting for a match (everyone, on request): who they
/// are, their role, department and topics, and when their form came.
#[component]
fn RosterTable(program: ReadSignal<Program, LocalStorage>) -> impl IntoView {
    let (everyone, set_everyone) = signal(false);
    move || {
        let everyone = everyone.get();
        program.with(|p| {
            if p.roster.is_empty() {
                return view! { <p data-testid="roster-empty">"No one yet. Forms appear here as they arrive."</p> }.into_any();
            }
            let (mentor_role, mentee_role) = (p.settings.mentor_role.clone(), p.settings.mentee_role.clone());
            let waiting = p.roster.values().filter(|m| m.state == MemberState::Waiting).count();
            let shown: Vec<_> = p.roster.values().filter(|m| everyone || m.state == MemberState::Waiting).collect();
            view! {
                <p>{format!("{} on the roster; {waiting} waiting for a match.", p.roster.len())}</p>
                <label class="choice" for="roster-everyone">
                    <input id="roster-everyone" type="checkbox" prop:checked=everyone on:change=move |ev| set_everyone.set(event_target_checked(&ev))/>
                    " Show everyone, matched or not"
                </label>
                {(!shown.is_empty()).then(|| view! {
                    <table class="roster" data-testid="roster" aria-label="Roster">
                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Role"</th><th scope="col">"Department"</th><th scope="col">"Topics"</th><th scope="col">"Received"</th></tr></thead>
                        <tbody>
                            {shown.into_iter().map(|m| view! {
                                <tr data-testid="roster-row">
                                    <th scope="row">{m.name.clone()}</th>
                                    <td>{match m.role { MemberRole::Mentor => format!("{mentor_role} ({} places)", m.capacity), MemberRole::Mentee => mentee_role.clone() }}</td>
                                    <td>{m.department.clone()}</td>
                                    <td>{m.topics.join(", ")}</td>
                                    <td>{m.received_on.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
            }.into_any()
        })
    }
}

/// Every match with what the pair chose to share: meetings held, the
/// last one's day, and the match's health; continuation notices due and
/// the answers; requests to end a match, and ending it. Never a note,
/// agenda or goal.
#[component]
fn MatchesTable(program: ReadSignal<Program, LocalStorage>, editing: DocumentEditing<Program>) -> impl IntoView {
    let engine = use_sync();
    let (sent, set_sent) = signal(None::<String>);
    // Tell both sides of a match; the program's page names the program.
    let tell = move |match_id: String, news: News| {
        let Some(engine) = engine.clone() else { return };
        let page_sync = program.with_untracked(|p| p.page.parse::<DocumentId>().ok()).and_then(|local| engine.share_of(local)).map(|s| s.sync_id.to_string());
        let Some(page_sync) = page_sync else { return };
        let letters = program.with_untracked(|p| p.news_for(&page_sync, &match_id, news));
        spawn_local(async move {
            for (to, news) in letters {
                let Ok(to) = InboxAddress::parse(&to) else { continue };
                if let Err(err) = engine.send_notice(to, Notice::ProgramMatchNews(news)).await {
                    editing.set_error.set(Some(err));
                    return;
                }
            }
            set_sent.set(Some("Sent to both.".into()));
        });
    };
    move || {
        let tell = tell.clone();
        program.with(|p| {
            if p.matches.is_empty() {
                return view! { <p>"No matches yet."</p> }.into_any();
            }
            let today = crate::clock::today_day();
            let due: std::collections::BTreeMap<String, NaiveDate> = p.notices_due(today).into_iter().collect();
            // Names read here, once, rather than through the signal per row.
            let name = |id: &str| p.roster.get(id).map(|m| m.name.clone()).unwrap_or_else(|| "someone who left".into());
            let mut rows: Vec<_> = p.matches.values().collect();
            rows.sort_by(|a, b| (&a.matched_on, &a.id).cmp(&(&b.matched_on, &b.id)));
            view! {
                <table class="matches" aria-label="Matches" data-testid="matches">
                    <thead><tr>
                        <th scope="col">"Pair"</th><th scope="col">"Matched"</th><th scope="col">"Meetings"</th>
                        <th scope="col">"Last meeting"</th><th scope="col">"Health"</th><th scope="col">"Term"</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|m| {
                            let check_in = m.latest_check_in();
                            let state = (m.status == MatchStatus::Introduced)
                                .then(|| parse_day(&m.matched_on).map(|matched| confidant_shared::program::health::health(matched, check_in.as_ref(), &p.settings, today)))
                                .flatten();
                            let health = match m.status {
                                MatchStatus::Introduced => state.map(|h| h.label()).unwrap_or_default(),
                                MatchStatus::Completed => "Completed".to_string(),
                                MatchStatus::EndedEarly => "Ended early".to_string(),
                            };
                            // A check-in by e-mail is offered where the match needs a look.
                            let write = state.filter(|h| h.needs_attention()).and_then(|_| confidant_shared::program::report::check_in_email(p, &m.id));
                            let answers: Vec<String> = m.answers.iter().map(|a| format!("{} {}", name(&a.member), if a.continues { "continues" } else { "ends here" })).collect();
                            let notice = due.get(&m.id).copied().map(|ends| {
                                let (id, tell) = (m.id.clone(), tell.clone());
                                let last_term = parse_day(&m.matched_on).and_then(|start| agreement_ends(p.settings.duration, start, &p.settings.semesters.calendar())) == Some(ends);
                                view! {
                                    <button type="button" data-testid="send-notice" on:click=move |_| {
                                        let id = id.clone();
                                        editing.edit(|p| if let Some(m) = p.matches.get_mut(&id) { m.notice_sent_for = Some(day_text(ends)) });
                                        tell(id, News::TermEnds { term_ends: ends, last_term });
                                    }>{format!("Send the continuation notice (the term ends {})", day_text(ends))}</button>
                                }
                            });
                            let requests = m.end_requests.iter().map(|r| {
                                let note = if r.note.trim().is_empty() { String::new() } else { format!(" Their note: {}", r.note.trim()) };
                                format!("{} asked to end it ({}).{note}", name(&r.member), r.reason.label())
                            }).collect::<Vec<_>>();
                            let ending = (m.status == MatchStatus::Introduced && !m.end_requests.is_empty()).then(|| {
                                let reason = m.end_requests[0].reason;
                                let (id_done, id_early, tell_done, tell_early) = (m.id.clone(), m.id.clone(), tell.clone(), tell.clone());
                                view! {
                                    <button type="button" data-testid="dissolve-early" on:click=move |_| {
                                        let id = id_early.clone();
                                        editing.edit(|p| { p.dissolve(&id, reason, crate::clock::today_day()); });
                                        tell_early(id, News::Ended { completed: false });
                                    }>"End it early"</button>
                                    <button type="button" data-testid="dissolve-completed" on:click=move |_| {
                                        let id = id_done.clone();
                                        editing.edit(|p| { p.dissolve(&id, EndReason::Completed, crate::clock::today_day()); });
                                        tell_done(id, News::Ended { completed: true });
                                    }>"End it as completed"</button>
                                }
                            });
                            view! {
                                <tr data-testid="match-row">
                                    <th scope="row">{format!("{} with {}", name(&m.mentor), name(&m.mentee))}</th>
                                    <td>{m.matched_on.clone()}</td>
                                    <td data-testid="match-meetings">{check_in.as_ref().map(|c| c.meetings_held().to_string()).unwrap_or_else(|| "not reported".into())}</td>
                                    <td>{check_in.and_then(|c| c.last_meeting).map(day_text).unwrap_or_default()}</td>
                                    <td data-testid="match-health">
                                        {health}
                                        {write.map(|mail| view! { " " <a href=mail data-testid="check-in-email">"Write to them"</a> })}
                                    </td>
                                    <td data-testid="match-term">
                                        {(!answers.is_empty()).then(|| view! { <p>{answers.join("; ")}</p> })}
                                        {notice}
                                        {requests.into_iter().map(|r| view! { <p data-testid="end-request">{r}</p> }).collect_view()}
                                        {ending}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {move || sent.get().map(|s| view! { <p role="status">{s}</p> })}
            }.into_any()
        })
    }
}

#[component]
fn DraftView(draft: Draft, name_of: impl Fn(&str) -> String + Copy + Send + Sync + 'static, editing: DocumentEditing<Program>) -> impl IntoView {
    // Pin a pair (kept in the next draft) or rule it out (never offered);
    // the draft is made again at once from the changed program.
    let pin = move |mentor: String, mentee: String, keep: bool| {
        editing.edit(|p| {
            let rule = PairRule { mentor, mentee };
            p.pinned.retain(|r| r != &rule);
            if keep {
                p.pinned.push(rule);
            } else if !p.forbidden.contains(&rule) {
                p.forbidden.push(rule);
            }
        })
    };
    let rule_lines: Vec<String> = draft.ruled_out.iter().map(|(rule, n)| format!("{n} possible {} ruled out: {}.", if *n == 1 { "pair" } else { "pairs" }, rule.describe())).collect();
    view! {
        <section aria-label="Draft matches" data-testid="draft">
            <p role="status">{format!("{} {} drafted from {} places.", draft.pairs.len(), if draft.pairs.len() == 1 { "pair" } else { "pairs" }, draft.places)}</p>
            {(draft.shortfall > 0).then(|| view! { <p class="warning" data-testid="shortfall">{format!("{} more mentors' places are needed for everyone waiting.", draft.shortfall)}</p> })}
            <ul class="draft-pairs">
                {draft.pairs.iter().map(|pair| {
                    let reasons: Vec<String> = pair.fit.reasons.iter().take(3).map(|r| r.describe()).collect();
                    let broken: Vec<&str> = pair.fit.broken.iter().map(|b| b.describe_broken()).collect();
                    view! {
                        <li data-testid="draft-pair">
                            <strong>{format!("{} with {}", name_of(pair.mentor.as_str()), name_of(pair.mentee.as_str()))}</strong>
                            {pair.pinned.then_some(" (pinned)")}
                            <span class="reasons">{if reasons.is_empty() { String::new() } else { format!(": {}", reasons.join("; ")) }}</span>
                            {(!broken.is_empty()).then(|| view! { <span class="broken">{format!(" Not ideal: {}.", broken.join("; "))}</span> })}
                            {
                                let (m1, e1, m2, e2) = (pair.mentor.to_string(), pair.mentee.to_string(), pair.mentor.to_string(), pair.mentee.to_string());
                                let who = format!("{} with {}", name_of(pair.mentor.as_str()), name_of(pair.mentee.as_str()));
                                view! {
                                    {(!pair.pinned).then(|| view! {
                                        <button type="button" class="small" aria-label=format!("Pin {who}") on:click=move |_| pin(m1.clone(), e1.clone(), true)>"Pin"</button>
                                    })}
                                    <button type="button" class="small" data-testid="reject-pair" aria-label=format!("Not {who}") on:click=move |_| pin(m2.clone(), e2.clone(), false)>"Not this pair"</button>
                                }
                            }
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(!draft.unplaced.is_empty()).then(|| view! {
                <h3>"Not placed"</h3>
                <ul data-testid="unplaced">
                    {draft.unplaced.iter().map(|(id, why)| {
                        let why = match why {
                            Unplaced::NoPlaceLeft => "every mentor who could take them is full".to_string(),
                            Unplaced::NoAllowedMentor(rules) => {
                                let parts: Vec<String> = rules.keys().map(|r| r.describe().to_string()).collect();
                                format!("no mentor is allowed ({})", parts.join("; "))
                            }
                        };
                        view! { <li>{format!("{}: {why}.", name_of(id.as_str()))}</li> }
                    }).collect_view()}
                </ul>
            })}
            {(!draft.refused_pins.is_empty()).then(|| view! {
                <ul>{draft.refused_pins.iter().map(|pin| {
                    let why = match &pin.why {
                        PinRefusal::NotOnRoster => "one of them is no longer on the roster".to_string(),
                        PinRefusal::Breaks(rule) => rule.describe().to_string(),
                        PinRefusal::MentorFull => "the mentor's places are taken by other pins".to_string(),
                        PinRefusal::MenteePinned => "the mentee is pinned to another mentor".to_string(),
                    };
                    view! { <li>{format!("The pin of {} with {} was not kept: {why}.", name_of(pin.mentor.as_str()), name_of(pin.mentee.as_str()))}</li> }
                }).collect_view()}</ul>
            })}
            <ul class="rule-effects" data-testid="rule-effects">
                {rule_lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ul>
        </section>
    }
}
