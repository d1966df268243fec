//! One program as its coordinators run it (`/program/<id>`): what the
//! program asks, the link and QR code to its public page, the roster as
//! intake forms fill it, forms set aside with why, and the draft matches
//! with each pair's reasons, who is left and why, and the shortfall.

use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::program::page::ProgramPage;
use confidant_shared::program::settings_edit::SettingsEdit;
use confidant_shared::program::matching::{Draft, PinRefusal, Unplaced};
use confidant_shared::sync::inbox::InboxAddress;
use confidant_shared::sync::invite::{Invite, InvitePlace};
use confidant_shared::sync::Role;
use confidant_shared::sync::notice::Notice;
use confidant_shared::program::introduction::{Announcement, Audience, News};
use confidant_shared::program::{EndReason, Health, MatchStatus, MemberRole, MemberState, PairRule, Program, Roles};
use confidant_shared::partnership::AgreedDuration;
use confidant_shared::Section;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{not_ready, use_document, DocumentState};
use crate::store::OpenDocument;
use crate::sync::{use_sync, SyncEngine};
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

/// The sync id of the program's public page, whichever coordinator's
/// device this is.
fn page_sync_of(engine: &SyncEngine, p: &Program) -> Option<String> {
    // The page this device made comes first (a co-coordinator writes the
    // program's fields); else the one the program names.
    let own = untrack(|| p.page.parse::<DocumentId>().ok().and_then(|local| engine.share_of(local)));
    own.map(|s| s.sync_id.to_string()).or_else(|| (!p.page_sync.is_empty()).then(|| p.page_sync.clone()))
}

/// The page's writer invite as the program holds it: a writer invite to
/// the page the program names, nothing else.
fn page_invite_of(p: &Program) -> Option<Invite> {
    Invite::parse_for(&p.page_invite, InvitePlace::ProgramPage).ok().filter(|i| i.keys.role() == Role::Writer && i.keys.id().to_string() == p.page_sync)
}

/// The program's public page on this device, if it follows it.
pub(super) fn page_local_of(engine: Option<&SyncEngine>, p: &Program) -> Option<DocumentId> {
    // The device that made the page knows it by its own id.
    let own = p.page.parse::<DocumentId>().ok().filter(|local| engine.is_none_or(|e| e.share_of(*local).is_some()));
    own.or_else(|| page_invite_of(p).and_then(|i| engine.and_then(|e| e.local_for(&i))))
}

/// The program's page as this device holds it: its id here, the inbox
/// it names for intake, and this device's role in it.
type PageHere = LocalResource<Option<(DocumentId, String, Role)>>;

fn page_here(program: ReadSignal<Program, LocalStorage>, engine: Option<SyncEngine>) -> PageHere {
    let saves = crate::store::saves_counter();
    LocalResource::new(move || {
        saves.track();
        let local = program.with(|p| page_local_of(engine.as_ref(), p));
        let role = local.and_then(|l| engine.as_ref().and_then(|e| e.share_of(l))).map(|s| s.role);
        async move {
            let (local, role) = (local?, role?);
            let page = crate::api::open_document::<ProgramPage>(local).await.ok()?.value::<ProgramPage>().ok()?;
            Some((local, page.intake_inbox, role))
        }
    })
}

/// Whether this device holds the program's intake (`None`: not known
/// yet). Members take the coordinator's letters only from that device,
/// so every letter to members is sent from it.
#[derive(Clone, Copy)]
struct IntakeHere(Signal<Option<bool>>);

impl IntakeHere {
    fn may_send(self) -> Result<(), String> {
        match self.0.get_untracked() {
            Some(true) => Ok(()),
            Some(false) => Err("Members take the coordinator's letters only from the device that receives the intake forms: take them over on this device first (at the end of the page).".into()),
            None => Err("The program's page is still opening on this device; try again in a moment.".into()),
        }
    }
}

impl IntakeHere {
    /// The desk's, read where a component is made (not in its handlers).
    fn of_desk() -> IntakeHere {
        use_context::<IntakeHere>().unwrap_or(IntakeHere(Signal::stored(None)))
    }
}

/// Which coordinator's device intake forms come to, and taking them over:
/// the page names this device's inbox from then on, so forms, check-ins
/// and answers come here (and letters from here are the coordinator's).
#[component]
fn IntakeInbox(page: PageHere) -> impl IntoView {
    let engine = use_sync();
    let (status, set_status) = signal(None::<String>);
    let take_over = move |local: DocumentId, me: String| {
        spawn_local(async move {
            let moved = async {
                let page = crate::api::open_document::<ProgramPage>(local).await.map_err(|_| ())?;
                page.change(|p: &mut ProgramPage| p.intake_inbox = me).await.map_err(|_| ())?;
                crate::store::announce_saved(local);
                Ok::<_, ()>(())
            };
            set_status.set(Some(match moved.await {
                Ok(()) => "Intake forms, check-ins and answers now come to this device.".into(),
                Err(()) => "The program's page could not be changed; reload the page and try again.".into(),
            }));
        });
    };
    view! {
        {move || {
            let me = engine.as_ref().and_then(|e| e.devices().me).map(|me| me.to_text());
            match page.get().flatten() {
                None => view! { <p data-testid="intake-inbox">"This device does not follow the program's page yet; it will once sync brings it."</p> }.into_any(),
                Some((_, inbox, _)) if Some(&inbox) == me.as_ref() => view! {
                    <p data-testid="intake-inbox">"Intake forms, check-ins and answers come to this device."</p>
                }.into_any(),
                // A device that only reads the page (it followed the
                // public link) cannot change it.
                Some((_, _, Role::Reader)) => view! {
                    <p data-testid="intake-inbox">"Intake forms, check-ins and answers come to another coordinator's device. This device follows the program's page as a member, so it cannot take them over."</p>
                }.into_any(),
                Some((local, _, _)) => view! {
                    <p data-testid="intake-inbox">"Intake forms, check-ins and answers come to another coordinator's device."</p>
                    {me.map(|me| view! {
                        <button type="button" data-testid="take-intake" on:click=move |_| take_over(local, me.clone())>"Receive them on this device instead"</button>
                    })}
                }.into_any(),
            }
        }}
        {move || status.get().map(|s| view! { <p role="status" data-testid="intake-moved">{s}</p> })}
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

    // The page's sync id, writer invite and link go into the program from
    // the device that owns the page, so every coordinator's device can
    // follow the page, publish and show the link.
    if let Some(engine) = engine.clone() {
        let missing = program.with_untracked(|p| p.page_sync.is_empty() || p.page_invite.is_empty() || p.page_link.is_empty());
        // Only from the page this device made (its own id for it): an
        // invite a co-coordinator wrote into the program is never trusted
        // to say which page to hand writer keys to.
        let owned = untrack(|| program.with_untracked(|p| p.page.parse::<DocumentId>().ok()).filter(|page| engine.owns(*page)));
        if let (true, Some(page)) = (missing, owned) {
            spawn_local(async move {
                let made = async {
                    let sync = untrack(|| engine.share_of(page)).ok_or("The program's page is not shared yet; reload the page.")?.sync_id.to_string();
                    let writer = engine.invite(page, Role::Writer).await?;
                    let reader = engine.room_invite(page).await?;
                    Ok::<_, String>((sync, writer.fragment(), reader.fragment()))
                };
                match made.await {
                    Ok((sync, writer, reader)) => editing.edit(|p| {
                        p.page_sync = sync;
                        p.page_invite = writer;
                        p.page_link = reader;
                    }),
                    Err(err) => set_error.set(Some(err)),
                }
            });
        }
    }
    let page = page_here(program, engine.clone());
    {
        let engine = engine.clone();
        let here = Signal::derive(move || {
            let me = engine.as_ref().and_then(|e| e.devices().me).map(|me| me.to_text());
            page.get().map(|found| found.is_some_and(|(_, inbox, _)| Some(inbox) == me))
        });
        provide_context(IntakeHere(here));
    }
    // A co-coordinator's device (one that writes the program) follows the
    // page, as a writer.
    {
        let engine = engine.clone();
        Effect::new(move || {
            let Some(engine) = engine.clone() else { return };
            if engine.share_of(local).is_none_or(|s| s.role == Role::Reader) {
                return;
            }
            let Some(invite) = program.with(page_invite_of) else { return };
            if engine.local_for(&invite).is_none() {
                spawn_local(async move {
                    if let Err(err) = engine.accept(invite).await {
                        set_error.set(Some(err));
                    }
                });
            }
        });
    }
    // The public page's link: one reader invite, the same for everyone.
    let link = Signal::derive(move || {
        program.with(|p| Invite::parse_for(&p.page_link, InvitePlace::JoinPage).ok()).map(|i| i.link(&window().location().origin().unwrap_or_default())).unwrap_or_default()
    });

    let intake_here = IntakeHere::of_desk();
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
            if let Err(why) = intake_here.may_send() {
                set_error.set(Some(why));
                return;
            }
            let page_sync = program.with_untracked(|p| page_sync_of(&engine, p));
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
            <InviteCode id="program-link" label="Link to the program's page" link=link/>
        })}

        <h2>"Roster"</h2>
        <RosterTable program=program/>
        {move || program.with(|p| (!p.set_aside.is_empty()).then(|| view! {
            <h3>"Forms set aside"</h3>
            <ul data-testid="set-aside" aria-label="Forms set aside">
                {p.set_aside.iter().rev().map(|f| view! { <li>{format!("{} ({}): {}", f.name, crate::clock::maybe_day_words(f.received_on), f.why)}</li> }).collect_view()}
            </ul>
        }))}

        <super::program_training::ProgramTraining program editing/>

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

        <super::survey_results::ProgramSurveys program editing/>
        <super::program_budget::ProgramBudget program editing intake_here=intake_here.0/>
        <super::program_report::ProgramReportPanel program/>
        <GroupReports program/>

        <AnnouncementForm program=program/>

        <h2>"Co-coordinators and your successor"</h2>
        <p>"Invite a co-coordinator (they run the program with you, from their own device) or the person who takes it over. Intake forms, check-ins and answers come to one coordinator's device; whoever takes the program over moves them to theirs below."</p>
        <SharePanel local=local kind=DocumentKind::Program what="program"/>
        <super::program_training::HandoverChecklist program editing/>
        <IntakeInbox page/>
    }
}

/// An announcement to every member, or to one role, sealed to each.
#[component]
fn AnnouncementForm(program: ReadSignal<Program, LocalStorage>) -> impl IntoView {
    let engine = use_sync();
    let intake_here = IntakeHere::of_desk();
    let (text, set_text) = signal(String::new());
    let (audience, set_audience) = signal(Audience::Everyone);
    let (status, set_status) = signal(None::<String>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(engine) = engine.clone() else { return };
        if let Err(why) = intake_here.may_send() {
            set_status.set(Some(why));
            return;
        }
        let body = text.get_untracked().trim().chars().take(2_000).collect::<String>();
        if body.is_empty() {
            set_status.set(Some("Write the announcement first.".into()));
            return;
        }
        let page_sync = program.with_untracked(|p| page_sync_of(&engine, p));
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

/// The program's settings, every one editable; saving them updates the
/// public page members follow too (never the roster: it is not on the page).
#[component]
fn SettingsForm(program: ReadSignal<Program, LocalStorage>, editing: DocumentEditing<Program>) -> impl IntoView {
    let engine = use_sync();
    let edit = RwSignal::new(program.with_untracked(SettingsEdit::of));
    // What the form showed when opened: a save writes only what changed
    // since, over a co-coordinator's saves meanwhile.
    let opened = RwSignal::new(edit.get_untracked());
    let (problems, set_problems) = signal(Vec::<String>::new());
    let (status, set_status) = signal(None::<&'static str>);
    let (open, set_open) = signal(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = edit.get_untracked().over(&opened.get_untracked(), &program.with_untracked(SettingsEdit::of));
        // Ids for resources new to the program (randomness fails closed).
        let Some(ids) = typed.resources.lines().map(|_| editing.new_id()).collect::<Option<Vec<String>>>() else { return };
        let mut ids = ids.into_iter();
        let mut refused = Vec::new();
        editing.edit(|p| {
            if let Err(list) = typed.apply(p, || ids.next().unwrap_or_default()) {
                refused = list;
            }
        });
        let saved = refused.is_empty();
        set_problems.set(refused);
        if !saved {
            set_status.set(None);
            return;
        }
        let now = program.with_untracked(SettingsEdit::of);
        opened.set(now.clone());
        edit.set(now);
        editing.save_now();
        let updated = program.get_untracked();
        let page_local = untrack(|| page_local_of(engine.as_ref(), &updated));
        spawn_local(async move {
            let republished = async {
                let page_local = page_local.ok_or(())?;
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
        // The form is made when opened: most visits only read the program.
        <details class="program-settings-form" on:toggle=move |ev| {
            let is_open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
            if is_open && !open.get_untracked() {
                // Opened afresh: the settings as they are now.
                let now = program.with_untracked(SettingsEdit::of);
                opened.set(now.clone());
                edit.set(now);
            }
            set_open.set(is_open);
        }>
            <summary>"Edit the program"</summary>
            {move || open.get().then(|| {
            let save = save.clone();
            view! {
            <form class="stacked-form" on:submit=save aria-label="Edit the program">
                <fieldset>
                    <legend>"About the program"</legend>
                    <TextField edit id="program-edit-name" label="Name" get=|e| &e.name set=|e| &mut e.name/>
                    <TextArea edit id="program-edit-purpose" label="Purpose" get=|e| &e.purpose set=|e| &mut e.purpose/>
                    <TextArea edit id="program-edit-topics" label="Topics, one per line" get=|e| &e.topics set=|e| &mut e.topics/>
                    <TextArea edit id="program-edit-expectations" label="What the program asks, one per line" get=|e| &e.expectations set=|e| &mut e.expectations/>
                    <TextField edit id="program-edit-contact" label="Contact" get=|e| &e.contact set=|e| &mut e.contact/>
                    <TextField edit id="program-edit-deadline" label="Intake deadline (none: always open)" kind="date" get=|e| &e.intake_deadline set=|e| &mut e.intake_deadline/>
                </fieldset>
                <fieldset>
                    <legend>"Roles and matching"</legend>
                    <TextField edit id="program-edit-mentor-role" label="What mentors are called" get=|e| &e.mentor_role set=|e| &mut e.mentor_role/>
                    <TextField edit id="program-edit-mentee-role" label="What mentees are called" get=|e| &e.mentee_role set=|e| &mut e.mentee_role/>
                    <TextField edit id="program-edit-coordinator-role" label="What coordinators are called" get=|e| &e.coordinator_role set=|e| &mut e.coordinator_role/>
                    <CheckField edit id="program-edit-peers" label="Everyone is a peer: pairs are made among all" get=|e| e.peers set=|e| &mut e.peers/>
                    <CheckField edit id="program-edit-across" label="Match only across home departments" get=|e| e.different_department set=|e| &mut e.different_department/>
                    <CheckField edit id="program-edit-supervisor" label="People tell their supervisor before signing up" get=|e| e.supervisor_informed_required set=|e| &mut e.supervisor_informed_required/>
                    <TextField edit id="program-edit-service" label="Days of service before someone may mentor" kind="number" get=|e| &e.mentor_min_service_days set=|e| &mut e.mentor_min_service_days/>
                    <TextField edit id="program-edit-capacity" label="Places a mentor offers unless they say otherwise" kind="number" get=|e| &e.default_capacity set=|e| &mut e.default_capacity/>
                </fieldset>
                <fieldset>
                    <legend>"Time"</legend>
                    <CheckField edit id="program-edit-semesters" label="The agreement runs for semesters (otherwise months)" get=|e| e.in_semesters set=|e| &mut e.in_semesters/>
                    <TextField edit id="program-edit-duration" label="How many (semesters or months)" kind="number" get=|e| &e.duration_count set=|e| &mut e.duration_count/>
                    <CheckField edit id="program-edit-renewable" label="Renewable if both agree" get=|e| e.renewable set=|e| &mut e.renewable/>
                    <TextField edit id="program-edit-first-month" label="Meetings in the first month" kind="number" get=|e| &e.first_month_meetings set=|e| &mut e.first_month_meetings/>
                    <TextField edit id="program-edit-every" label="Days between meetings after that" kind="number" get=|e| &e.meet_every_days set=|e| &mut e.meet_every_days/>
                    <TextField edit id="program-edit-check-in" label="Days between the check-ins pairs share" kind="number" get=|e| &e.check_in_every_days set=|e| &mut e.check_in_every_days/>
                    <TextField edit id="program-edit-stalled" label="Days without a meeting before a match counts as stalled" kind="number" get=|e| &e.stalled_after_days set=|e| &mut e.stalled_after_days/>
                    <TextField edit id="program-edit-spring-starts" label="Spring semester starts (MM-DD)" get=|e| &e.spring_starts set=|e| &mut e.spring_starts/>
                    <TextField edit id="program-edit-spring-ends" label="Spring semester ends (MM-DD)" get=|e| &e.spring_ends set=|e| &mut e.spring_ends/>
                    <TextField edit id="program-edit-fall-starts" label="Fall semester starts (MM-DD)" get=|e| &e.fall_starts set=|e| &mut e.fall_starts/>
                    <TextField edit id="program-edit-fall-ends" label="Fall semester ends (MM-DD)" get=|e| &e.fall_ends set=|e| &mut e.fall_ends/>
                </fieldset>
                <fieldset>
                    <legend>"Referral list"</legend>
                    <TextArea edit id="program-edit-resources" label="Where members are referred, one per line: kind of help | name | how to reach them | when to refer. Empty: the common directory." get=|e| &e.resources set=|e| &mut e.resources/>
                </fieldset>
                {move || (!problems.get().is_empty()).then(|| view! {
                    <ul class="error" role="alert" data-testid="program-problems">
                        {problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                    </ul>
                })}
                <button type="submit" data-testid="save-program">"Save"</button>
            </form>
            }
            })}
        </details>
        {move || status.get().map(|s| view! { <p role="status" data-testid="program-saved">{s}</p> })}
    }
}

#[component]
fn TextField(edit: RwSignal<SettingsEdit>, id: &'static str, label: &'static str, get: fn(&SettingsEdit) -> &String, set: fn(&mut SettingsEdit) -> &mut String, #[prop(default = "text")] kind: &'static str) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type=kind prop:value=move || edit.with(|e| get(e).clone()) on:input=move |ev| edit.update(|e| *set(e) = event_target_value(&ev))/>
        </div>
    }
}

#[component]
fn TextArea(edit: RwSignal<SettingsEdit>, id: &'static str, label: &'static str, get: fn(&SettingsEdit) -> &String, set: fn(&mut SettingsEdit) -> &mut String) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <textarea id=id rows="4" prop:value=move || edit.with(|e| get(e).clone()) on:input=move |ev| edit.update(|e| *set(e) = event_target_value(&ev))></textarea>
        </div>
    }
}

#[component]
fn CheckField(edit: RwSignal<SettingsEdit>, id: &'static str, label: &'static str, get: fn(&SettingsEdit) -> bool, set: fn(&mut SettingsEdit) -> &mut bool) -> impl IntoView {
    view! {
        <label class="choice" for=id>
            <input id=id type="checkbox" prop:checked=move || edit.with(get) on:change=move |ev| edit.update(|e| *set(e) = event_target_checked(&ev))/>
            {format!(" {label}")}
        </label>
    }
}

/// The members waiting for a match (everyone, on request): who they
/// are, their role, department and topics, and when their form came.
/// What reading groups and peer mentoring groups chose to share: counts only.
#[component]
fn GroupReports(program: ReadSignal<Program, LocalStorage>) -> impl IntoView {
    view! {
        <h2 id="group-reports-heading">"Groups"</h2>
        <p class="hint">"Reading groups and peer mentoring groups that share their attendance with the program: how many members, meetings held and who came, never names or notes."</p>
        {move || program.with(|p| {
            let reports = p.group_reports_by_name();
            if reports.is_empty() {
                view! { <p class="empty-state" data-testid="no-group-reports">"No group shares its counts yet. A member links their group to the program from the group's page."</p> }.into_any()
            } else {
                view! {
                    <ul class="doc-list" aria-labelledby="group-reports-heading">
                        {reports.into_iter().map(|r| view! {
                            <li data-testid="group-report"><strong>{r.name.clone()}</strong>" · "{r.words(crate::clock::day_words)}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
        })}
    }
}

#[component]
fn RosterTable(program: ReadSignal<Program, LocalStorage>) -> impl IntoView {
    let (everyone, set_everyone) = signal(false);
    // A roster of hundreds draws a page at a time, as the matches do.
    let (limit, set_limit) = signal(ROWS_AT_ONCE);
    move || {
        let everyone = everyone.get();
        let limit = limit.get();
        program.with(|p| {
            if p.roster.is_empty() {
                return view! { <p data-testid="roster-empty">"No one yet. Forms appear here as they arrive."</p> }.into_any();
            }
            let (mentor_role, mentee_role) = (p.settings.mentor_role.clone(), p.settings.mentee_role.clone());
            let waiting = p.roster.values().filter(|m| m.state == MemberState::Waiting).count();
            let listed: Vec<_> = p.roster.values().filter(|m| everyone || m.state == MemberState::Waiting).collect();
            let total = listed.len();
            let shown: Vec<_> = listed.into_iter().take(limit).collect();
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
                                    <td>{crate::clock::maybe_day_words(m.received_on)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
                {(total > limit).then(|| view! {
                    <button type="button" data-testid="more-roster" on:click=move |_| set_limit.update(|n| *n += ROWS_AT_ONCE)>
                        {format!("Show {} more ({} not shown)", ROWS_AT_ONCE.min(total - limit), total - limit)}
                    </button>
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
    let intake_here = IntakeHere::of_desk();
    let (sent, set_sent) = signal(None::<String>);
    // Tell both sides of a match; the program's page names the program.
    let tell = move |match_id: String, news: News| {
        let Some(engine) = engine.clone() else { return };
        if let Err(why) = intake_here.may_send() {
            editing.set_error.set(Some(why));
            return;
        }
        let page_sync = program.with_untracked(|p| page_sync_of(&engine, p));
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
    // Rows drawn at once: a program of hundreds of matches shows those
    // needing a look first, and more on request.
    let (shown, set_shown) = signal(ROWS_AT_ONCE);
    let writing: Writing = RwSignal::new(None);
    move || {
        let tell = tell.clone();
        let shown = shown.get();
        program.with(|p| {
            if p.matches.is_empty() {
                return view! { <p>"No matches yet."</p> }.into_any();
            }
            let board = confidant_shared::program::dashboard::dashboard(p, crate::clock::today_day());
            // Names read here, once, rather than through the signal per row.
            let name = |id: &str| p.roster.get(id).map(|m| m.name.clone()).unwrap_or_else(|| "someone who left".into());
            let total = board.rows.len();
            let counts: Vec<String> = board.counts.iter().map(|(state, n)| format!("{n} {state}")).collect();
            view! {
                <p data-testid="match-counts">{format!(
                    "{total} {}: {}. {} to look at now.",
                    if total == 1 { "match" } else { "matches" },
                    counts.join(", "),
                    board.needing_a_look
                )}</p>
                <table class="matches" aria-label="Matches" data-testid="matches">
                    <thead><tr>
                        <th scope="col">"Pair"</th><th scope="col">"Matched"</th><th scope="col">"Meetings"</th>
                        <th scope="col">"Last meeting"</th><th scope="col">"Health"</th><th scope="col">"Term"</th>
                    </tr></thead>
                    <tbody>
                        {board.rows.into_iter().take(shown).map(|row| {
                            let m = row.m;
                            let health = row.health_text();
                            // Where the match needs a look: an e-mail draft, or a sealed word in the app.
                            let write = row.health.needs_attention().then(|| confidant_shared::program::report::check_in_email(p, &m.id)).flatten();
                            let message = row.needs_look.then(|| view! { <CheckInMessage program=program writing match_id=m.id.clone() pair=format!("{} and {}", name(&m.mentor), name(&m.mentee))/> });
                            let answers: Vec<String> = m.answers.iter().map(|a| format!("{} {}", name(&a.member), if a.continues { "continues" } else { "ends here" })).collect();
                            let notice = row.notice_due.map(|(ends, last_term)| {
                                let (id, tell) = (m.id.clone(), tell.clone());
                                view! {
                                    <button type="button" data-testid="send-notice" on:click=move |_| {
                                        // Told first whether it can go: once marked sent, the button is gone.
                                        if let Err(why) = intake_here.may_send() {
                                            editing.set_error.set(Some(why));
                                            return;
                                        }
                                        let id = id.clone();
                                        editing.edit(|p| if let Some(m) = p.matches.get_mut(&id) { m.notice_sent_for = Some(ends) });
                                        tell(id, News::TermEnds { term_ends: ends, last_term });
                                    }>{format!("Send the continuation notice (the term ends {})", crate::clock::day_words(ends))}</button>
                                }
                            });
                            let requests = m.end_requests.iter().map(|r| {
                                let note = if r.note.trim().is_empty() { String::new() } else { format!(" Their note: {}", r.note.trim()) };
                                format!("{} asked to end it ({}).{note}", name(&r.member), r.reason.label())
                            }).collect::<Vec<_>>();
                            // Asked to end, or the pair ended its partnership itself.
                            let ending = (m.status == MatchStatus::Introduced && (!m.end_requests.is_empty() || row.health == Health::Ended)).then(|| {
                                let reason = m.end_requests.first().map_or(EndReason::Other, |r| r.reason);
                                let (id_done, id_early, tell_done, tell_early) = (m.id.clone(), m.id.clone(), tell.clone(), tell.clone());
                                view! {
                                    <button type="button" data-testid="dissolve-early" on:click=move |_| {
                                        if let Err(why) = intake_here.may_send() {
                                            editing.set_error.set(Some(why));
                                            return;
                                        }
                                        let id = id_early.clone();
                                        editing.edit(|p| { p.dissolve(&id, reason, crate::clock::today_day()); });
                                        tell_early(id, News::Ended { completed: false });
                                    }>"End it early"</button>
                                    <button type="button" data-testid="dissolve-completed" on:click=move |_| {
                                        if let Err(why) = intake_here.may_send() {
                                            editing.set_error.set(Some(why));
                                            return;
                                        }
                                        let id = id_done.clone();
                                        editing.edit(|p| { p.dissolve(&id, EndReason::Completed, crate::clock::today_day()); });
                                        tell_done(id, News::Ended { completed: true });
                                    }>"End it as completed"</button>
                                }
                            });
                            let check_in = row.check_in;
                            view! {
                                <tr data-testid="match-row">
                                    <th scope="row">{format!("{} with {}", name(&m.mentor), name(&m.mentee))}</th>
                                    <td>{crate::clock::maybe_day_words(m.matched_on)}</td>
                                    <td data-testid="match-meetings">{check_in.as_ref().map(|c| c.meetings_held().to_string()).unwrap_or_else(|| "not reported".into())}</td>
                                    <td>{crate::clock::maybe_day_words(check_in.and_then(|c| c.last_meeting))}</td>
                                    <td data-testid="match-health">
                                        {health}
                                        {write.map(|mail| view! { " " <a href=mail data-testid="check-in-email">"Write to them by e-mail"</a> })}
                                    </td>
                                    <td data-testid="match-term">
                                        {(!answers.is_empty()).then(|| view! { <p>{answers.join("; ")}</p> })}
                                        {notice}
                                        {requests.into_iter().map(|r| view! { <p data-testid="end-request">{r}</p> }).collect_view()}
                                        {ending}
                                        {message}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {(total > shown).then(|| view! {
                    <button type="button" data-testid="more-matches" on:click=move |_| set_shown.update(|n| *n += ROWS_AT_ONCE)>
                        {format!("Show {} more ({} not shown)", ROWS_AT_ONCE.min(total - shown), total - shown)}
                    </button>
                })}
                {move || sent.get().map(|s| view! { <p role="status">{s}</p> })}
            }.into_any()
        })
    }
}

/// A check-in written in the app and sealed to both sides of a match,
/// ready with the coordinator's usual words.
/// The check-in being written, if any: (match, text). Kept by the
/// dashboard, so a check-in arriving while the coordinator writes (which
/// draws the table again) loses nothing.
type Writing = RwSignal<Option<(String, String)>>;

#[component]
fn CheckInMessage(program: ReadSignal<Program, LocalStorage>, writing: Writing, match_id: String, pair: String) -> impl IntoView {
    let (status, set_status) = signal(None::<String>);
    let this = match_id.clone();
    // A memo: typing changes the text, not whether the form is open.
    let open = Memo::new(move |_| writing.with(|w| w.as_ref().is_some_and(|(m, _)| *m == this)));
    let toggle = {
        let match_id = match_id.clone();
        move |_| {
            if open.get_untracked() {
                writing.set(None);
            } else {
                // The form is made when asked for: the dashboard draws many rows.
                let words = program.with_untracked(|p| confidant_shared::program::report::check_in_words(p, &match_id)).unwrap_or_default();
                writing.set(Some((match_id.clone(), words)));
            }
        }
    };
    view! {
        <button type="button" class="small" data-testid="write-in-app" aria-expanded=move || open.get().to_string() on:click=toggle>"Write to them in the app"</button>
        {move || open.get().then(|| view! { <CheckInForm program=program writing match_id=match_id.clone() pair=pair.clone() set_status=set_status/> })}
        {move || status.get().map(|s| view! { <p role="status" data-testid="check-in-sent">{s}</p> })}
    }
}

#[component]
fn CheckInForm(program: ReadSignal<Program, LocalStorage>, writing: Writing, match_id: String, pair: String, set_status: WriteSignal<Option<String>>) -> impl IntoView {
    let engine = use_sync();
    let intake_here = IntakeHere::of_desk();
    let text = move || writing.with(|w| w.as_ref().map(|(_, t)| t.clone()).unwrap_or_default());
    let field = format!("check-in-{match_id}");
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(engine) = engine.clone() else {
            set_status.set(Some("Sync is not running in this tab; reload the page.".into()));
            return;
        };
        let typed = writing.with_untracked(|w| w.as_ref().map(|(_, t)| t.clone()).unwrap_or_default());
        if typed.trim().is_empty() {
            set_status.set(Some("Write the message first.".into()));
            return;
        }
        if let Err(why) = intake_here.may_send() {
            set_status.set(Some(why));
            return;
        }
        let Some(page_sync) = program.with_untracked(|p| page_sync_of(&engine, p)) else {
            set_status.set(Some("The program's page is not shared yet; try again in a moment.".into()));
            return;
        };
        let letters = program.with_untracked(|p| p.messages_for(&page_sync, &match_id, &typed, crate::clock::today_day()));
        spawn_local(async move {
            let (mut sent, total) = (0, letters.len());
            for (to, message) in letters {
                let Ok(to) = InboxAddress::parse(&to) else { continue };
                if engine.send_notice(to, Notice::ProgramMatchMessage(message)).await.is_ok() {
                    sent += 1;
                }
            }
            set_status.set(Some(match (sent, total) {
                (2, 2) => "Sent to both, sealed.".to_string(),
                (0, _) => "It could not be sent; check the connection and send it again.".to_string(),
                _ => format!("Sent to {sent} of the pair; the other cannot be reached in the app (write by e-mail)."),
            }));
            if sent > 0 {
                writing.set(None);
            }
        });
    };
    view! {
        <form class="check-in-message" on:submit=send aria-label=format!("A message to {pair}")>
            <label for=field.clone()>{format!("Your message to {pair}")}</label>
            <textarea id=field rows="6" maxlength="2000" prop:value=text
                on:input=move |ev| writing.update(|w| if let Some((_, t)) = w { *t = event_target_value(&ev) })></textarea>
            <button type="submit" data-testid="send-check-in">"Send"</button>
        </form>
    }
}

/// Matches drawn at once on the dashboard.
const ROWS_AT_ONCE: usize = 25;

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
