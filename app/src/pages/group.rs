//! One reading group or peer mentoring group (`/partnerships/group/<id>`),
//! as every member sees it: who is in it, the next meeting and the `.ics`
//! file, planning meetings, each meeting's reading, who came and shared
//! notes, private notes to one's own journal, and the reading list.

use confidant_shared::attention::for_group;
use confidant_shared::calendar_day::{day_text, NaiveDate};
use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::group::{group_calendar, Group, GroupTie, MeetingPlan, Repeat};
use confidant_shared::journal::{EntryKind, JournalEntry};
use confidant_shared::paths;
use confidant_shared::profile::Profile;
use confidant_shared::sync::InviteNote;
use confidant_shared::Section;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::{create_document, my_profile, not_ready, use_document, DocumentState};
use crate::clock::{day_words, now_ms, today, today_day};
use crate::widgets::document_editing::DocumentEditing;
use crate::widgets::file_download::download;
use crate::widgets::live_text::live_text;
use crate::widgets::SharePanel;

type Editing = DocumentEditing<Group>;

#[component]
pub fn GroupPage() -> impl IntoView {
    let params = use_params_map();
    let group = use_document::<Group>(move || params.with(|p| p.get("id").unwrap_or_default()));
    let profile = LocalResource::new(|| async { my_profile().await.ok().flatten().map(|(_, p)| p) });
    view! {
        <Title text="Group · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            {move || group.with(|state| match (state, profile.get()) {
                (DocumentState::Ready { doc, value, notice }, Some(profile)) => view! {
                    <GroupEditor doc=doc.clone() initial=value.clone() notice=notice.clone() profile/>
                }.into_any(),
                (DocumentState::Ready { .. }, None) => not_ready(&DocumentState::<Group>::Loading, Section::Partnerships, "group"),
                (other, _) => not_ready(other, Section::Partnerships, "group"),
            })}
        </section>
    }
}

/// "Tue 8 Dec 2026 at 17:30" / "Tue 8 Dec 2026".
fn when_words(day: Option<NaiveDate>, time: &str) -> String {
    let day = day.map(day_words).unwrap_or_else(|| "A day not set".to_owned());
    if time.is_empty() { day } else { format!("{day} at {time}") }
}

#[component]
fn GroupEditor(doc: crate::store::OpenDocument, initial: Group, notice: Option<String>, profile: Option<Profile>) -> impl IntoView {
    let this_id = doc.id();
    let (g, set_g) = signal_local(initial);
    let (error, set_error) = signal(None::<String>);
    let editing = Editing::new(doc, set_g, set_error);
    let me = StoredValue::new(profile.as_ref().map(|p| p.member_id.clone()).unwrap_or_default());
    // Whoever opens the group's invite joins it, by the name in their profile.
    if let Some(profile) = profile.as_ref() {
        let (id, name) = (profile.member_id.clone(), profile.display_name.clone());
        if g.with_untracked(|g| !g.is_member(&id)) {
            let mut refused = None;
            editing.edit(|g| refused = g.join(&id, &name, today_day()).err());
            if let Some(why) = refused {
                set_error.set(Some(why.to_string()));
            }
        } else if g.with_untracked(|g| g.clone().follow_rename(&id, &name)) {
            editing.edit(|g| {
                g.follow_rename(&id, &name);
            });
        }
    }
    let invite_note = Signal::derive(move || profile.as_ref().map(|p| InviteNote::new(&p.display_name, None)));
    let next = move || g.with(|g| for_group(this_id, g, today_day()).map(|a| a.text_with(today_day(), day_words)));
    let about = move || {
        g.with(|g| {
            let mut words = format!("A {}", g.purpose.noun());
            if !g.grouped_by.trim().is_empty() {
                words.push_str(&format!(", grouped by {}", g.grouped_by.trim()));
            }
            let facilitators: Vec<String> = g.members_in_order().into_iter().filter(|(_, m)| m.facilitator).map(|(_, m)| m.name.clone()).collect();
            if g.facilitated && !facilitators.is_empty() {
                words.push_str(&format!(", facilitated by {}.", facilitators.join(" and ")));
            } else {
                words.push_str(", run by its members together.");
            }
            words
        })
    };
    let (calendar_message, set_calendar_message) = signal(None::<String>);
    let calendar = move |_| {
        let text = g.with_untracked(|g| group_calendar(&this_id.to_string(), g, today_day(), now_ms()));
        let file = format!("{}.ics", file_name(&g.with_untracked(|g| g.name.clone())));
        set_calendar_message.set(Some(match download(&file, "text/calendar", &text) {
            Ok(()) => format!("Saved {file}: open it to add the group's meetings to your calendar."),
            Err(()) => "The browser did not allow the download; try again.".into(),
        }));
    };

    view! {
        <h1 id="page-title">{move || g.with(|g| if g.name.trim().is_empty() { format!("A {}", g.purpose.noun()) } else { g.name.clone() })}</h1>
        {notice.map(|n| view! { <p class="notice" role="alert">{n}</p> })}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <p class="hint" data-testid="group-about">{about}</p>
        <section aria-labelledby="group-next-heading">
            <h2 id="group-next-heading">"Next meeting"</h2>
            <p data-testid="group-next">{move || next().unwrap_or_else(|| "No meeting planned yet: plan one below.".into())}</p>
            <div class="goal-actions">
                <button type="button" data-testid="group-calendar" on:click=calendar>"Add the meetings to my calendar (.ics)"</button>
            </div>
            {move || calendar_message.get().map(|m| view! { <p role="status">{m}</p> })}
            <p class="hint">"The file holds the days, times, places and readings; shared notes stay in the app."</p>
        </section>
        <section aria-labelledby="group-members-heading">
            <h2 id="group-members-heading">"Members"</h2>
            <ul class="doc-list" aria-labelledby="group-members-heading">
                {move || g.with(|g| g.members_in_order().into_iter().map(|(id, m)| {
                    let you = me.with_value(|me| me == id);
                    let role = if m.facilitator { " · facilitator" } else { "" };
                    view! { <li data-testid="group-member">{g.member_name(id)}{role}{you.then_some(" (you)")}</li> }
                }).collect_view())}
            </ul>
            <p class="hint" data-testid="group-counts">{move || g.with(|g| g.counts(today_day()).words())}</p>
        </section>
        <PlanMeetings editing/>
        <Meetings g editing me=me.get_value()/>
        <ReadingList g editing/>
        <ProgramLink g editing/>
        <SharePanel local=this_id kind=DocumentKind::Group what="group" note=invite_note/>
        <div class="goal-actions">
            <crate::widgets::delete_document::DeleteDocument id=this_id kind=DocumentKind::Group what="this group"
                question="Delete this group from your devices? The other members keep their copy, with your name on its list."
                before=move |_| editing.save_now()/>
        </div>
    }
}

/// A file name from the group's name: letters, digits and dashes.
fn file_name(name: &str) -> String {
    let slug: String = name.to_lowercase().chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
    let slug = slug.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    if slug.is_empty() { "group-meetings".into() } else { slug.chars().take(60).collect() }
}

#[component]
fn PlanMeetings(editing: Editing) -> impl IntoView {
    let (day, set_day) = signal(today());
    let (time, set_time) = signal(String::new());
    let (minutes, set_minutes) = signal("90".to_string());
    let (place, set_place) = signal(String::new());
    let (repeat, set_repeat) = signal(Repeat::Once.token().to_string());
    let (count, set_count) = signal("6".to_string());
    let (problem, set_problem) = signal(None::<String>);
    let plan = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let read = MeetingPlan::read(&day.get_untracked(), &time.get_untracked(), &minutes.get_untracked(), &place.get_untracked(), &repeat.get_untracked(), &count.get_untracked());
        let plan = match read {
            Ok(plan) => plan,
            Err(why) => return set_problem.set(Some(why.to_string())),
        };
        let mut ids = Vec::new();
        for _ in 0..plan.days().len() {
            let Some(id) = editing.new_id() else { return };
            ids.push(id);
        }
        let mut refused = None;
        editing.edit(|g| refused = g.plan(&plan, &ids).err());
        set_problem.set(refused.map(|why| why.to_string()));
    };
    let repeats = move || repeat.get() != Repeat::Once.token();
    view! {
        <section aria-labelledby="group-plan-heading">
            <h2 id="group-plan-heading">"Plan meetings"</h2>
            <form class="stacked-form" on:submit=plan aria-labelledby="group-plan-heading">
                <div class="field">
                    <label for="group-plan-day">"Day (today or a past day logs a meeting held)"</label>
                    <input id="group-plan-day" type="date" prop:value=day on:input=move |ev| set_day.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="group-plan-time">"Time (optional)"</label>
                    <input id="group-plan-time" type="time" prop:value=time on:input=move |ev| set_time.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="group-plan-minutes">"Length in minutes"</label>
                    <input id="group-plan-minutes" type="number" inputmode="numeric" prop:value=minutes
                        on:input=move |ev| set_minutes.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="group-plan-place">"Place or video link"</label>
                    <input id="group-plan-place" type="text" prop:value=place on:input=move |ev| set_place.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="group-plan-repeat">"Repeat"</label>
                    <select id="group-plan-repeat" on:change=move |ev| set_repeat.set(event_target_value(&ev))>
                        {Repeat::ALL.into_iter().map(|r| view! { <option value=r.token() selected=move || repeat.get() == r.token()>{r.words()}</option> }).collect_view()}
                    </select>
                </div>
                {move || repeats().then(|| view! {
                    <div class="field">
                        <label for="group-plan-count">"How many meetings"</label>
                        <input id="group-plan-count" type="number" inputmode="numeric" prop:value=count
                            on:input=move |ev| set_count.set(event_target_value(&ev))/>
                    </div>
                })}
                {move || problem.get().map(|p| view! { <p class="error" role="alert" data-testid="group-plan-problem">{p}</p> })}
                <button type="submit" data-testid="group-plan">"Add to the schedule"</button>
            </form>
        </section>
    }
}

#[component]
fn Meetings(g: ReadSignal<Group, LocalStorage>, editing: Editing, me: String) -> impl IntoView {
    let me = StoredValue::new(me);
    // What every card lists, read once per change of the group (not per
    // card), and unchanged by typing in notes: cards redraw only what moved.
    let readings = Memo::new(move |_| g.with(|g| g.readings_in_order().into_iter().take(confidant_shared::group::MAX_READINGS).map(|(id, r)| (id.clone(), r.title.clone())).collect::<Vec<_>>()));
    let members = Memo::new(move |_| g.with(|g| g.members_in_order().into_iter().take(confidant_shared::group::MAX_MEMBERS).map(|(id, _)| (id.clone(), g.member_name(id))).collect::<Vec<_>>()));
    view! {
        <section aria-labelledby="group-meetings-heading">
            <h2 id="group-meetings-heading">"Meetings"</h2>
            {move || g.with(|g| g.meetings.is_empty()).then(|| view! {
                <p class="empty-state">"No meetings yet. Plan the first one above; every member sees it."</p>
            })}
            <ol class="meetings" aria-label="Meetings, earliest first">
                <For each=move || g.with(|g| g.meetings_in_order().into_iter().take(confidant_shared::group::MAX_MEETINGS).map(|(id, _)| id.clone()).collect::<Vec<_>>()) key=|id| id.clone() let:meeting_id>
                    <MeetingCard meeting_id g editing me=me.get_value() readings members/>
                </For>
            </ol>
        </section>
    }
}

#[component]
fn MeetingCard(
    meeting_id: String,
    g: ReadSignal<Group, LocalStorage>,
    editing: Editing,
    me: String,
    readings: Memo<Vec<(String, String)>>,
    members: Memo<Vec<(String, String)>>,
) -> impl IntoView {
    let id = StoredValue::new(meeting_id);
    let me = StoredValue::new(me);
    let this = Memo::new(move |_| g.with(|g| id.with_value(|id| g.meetings.get(id).cloned())));
    let meeting = move || this.get();
    let reading = Memo::new(move |_| this.with(|m| m.as_ref().and_then(|m| m.reading.clone())));
    let field_id = move |what: &str| id.with_value(|id| format!("group-meeting-{id}-{what}"));
    let (confirming, set_confirming) = signal(false);
    let (journal, set_journal) = signal(None::<Result<String, String>>);
    let navigate = use_navigate();
    let private_notes = move |_| {
        let Some(m) = meeting() else { return };
        let title = g.with_untracked(|g| format!("{}, {}: my notes", g.name, when_words(m.day, "")));
        let navigate = navigate.clone();
        spawn_local(async move {
            let entry = JournalEntry::new(&day_text(m.day.unwrap_or_else(crate::clock::today_day)), EntryKind::MeetingNotes, &title, "", now_ms());
            match create_document(&entry).await {
                Ok(doc) => navigate(&paths::journal_entry(doc.id()), Default::default()),
                Err(err) => set_journal.set(Some(Err(err))),
            }
        });
    };
    view! {
        <li class="meeting" data-testid="group-meeting">
            <h3>{move || meeting().map(|m| when_words(m.day, &m.time)).unwrap_or_default()}</h3>
            {move || meeting().map(|m| {
                let place = m.place.trim().to_owned();
                let length = format!("{} minutes", m.minutes);
                view! { <p class="hint">{if place.is_empty() { length } else { format!("{place} · {length}") }}</p> }
            })}
            <div class="field">
                <label for=move || field_id("reading")>"Reading"</label>
                <select id=move || field_id("reading") on:change=move |ev| {
                    let chosen = Some(event_target_value(&ev)).filter(|v| !v.is_empty());
                    id.with_value(|id| editing.edit(|g| if let Some(m) = g.meetings.get_mut(id) { m.reading = chosen }));
                }>
                    <option value="">"None chosen"</option>
                    {move || readings.get().into_iter().map(|(rid, title)| {
                        let selected = reading.with(|chosen| chosen.as_deref() == Some(rid.as_str()));
                        view! { <option value=rid selected=selected>{title}</option> }
                    }).collect_view()}
                </select>
            </div>
            <fieldset>
                <legend>"Who came"</legend>
                <For each=move || members.get() key=|member| member.clone() let:member>
                    {
                        let (member, name) = member;
                        let input_id = format!("{}-{member}", field_id("came"));
                        let label_for = input_id.clone();
                        let you = me.with_value(|me| *me == member);
                        let there = {
                            let member = member.clone();
                            move || this.with(|m| m.as_ref().is_some_and(|m| m.attended.get(&member).copied().unwrap_or(false)))
                        };
                        view! {
                            <label class="choice" for=label_for>
                                <input id=input_id type="checkbox" data-testid="group-came" prop:checked=there on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let mut refused = None;
                                    id.with_value(|id| editing.edit(|g| refused = g.set_attended(id, &member, on).err()));
                                    if let Some(why) = refused {
                                        editing.set_error.set(Some(why.to_string()));
                                    }
                                }/>
                                " " {name} {you.then_some(" (you)")}
                            </label>
                        }
                    }
                </For>
            </fieldset>
            <div class="field">
                <label for=move || field_id("notes")>"Shared notes (every member sees these; private thoughts go in your journal)"</label>
                <textarea id=move || field_id("notes") rows="3" data-testid="group-notes"
                    use:live_text=Signal::derive(move || meeting().map(|m| m.shared_notes.as_str().to_owned()).unwrap_or_default())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        id.with_value(|id| editing.edit(|g| if let Some(m) = g.meetings.get_mut(id) { m.shared_notes.update(&v) }));
                    }></textarea>
            </div>
            <div class="goal-actions">
                <button type="button" data-testid="group-private-notes" on:click=private_notes>"Write my private notes in my journal"</button>
                {move || if confirming.get() {
                    view! {
                        <span role="group" class="confirm" aria-label="Delete this meeting?">
                            "Delete this meeting and its notes for everyone? "
                            <button type="button" class="danger" on:click=move |_| {
                                set_confirming.set(false);
                                id.with_value(|id| editing.edit(|g| { g.meetings.remove(id); }));
                            }>"Delete"</button>
                            <button type="button" on:click=move |_| set_confirming.set(false)>"Keep it"</button>
                        </span>
                    }.into_any()
                } else {
                    view! { <button type="button" class="quiet" on:click=move |_| set_confirming.set(true)>"Delete meeting"</button> }.into_any()
                }}
            </div>
            {move || journal.get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </li>
    }
}

#[component]
fn ReadingList(g: ReadSignal<Group, LocalStorage>, editing: Editing) -> impl IntoView {
    let (title, set_title) = signal(String::new());
    let (by, set_by) = signal(String::new());
    let (link, set_link) = signal(String::new());
    let (problem, set_problem) = signal(None::<String>);
    let add = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(id) = editing.new_id() else { return };
        let (t, b, l) = (title.get_untracked(), by.get_untracked(), link.get_untracked());
        let mut refused = None;
        editing.edit(|g| refused = g.add_reading(&id, &t, &b, &l, today_day()).err());
        match refused {
            Some(why) => set_problem.set(Some(why.to_string())),
            None => {
                set_problem.set(None);
                set_title.set(String::new());
                set_by.set(String::new());
                set_link.set(String::new());
            }
        }
    };
    view! {
        <section aria-labelledby="group-readings-heading">
            <h2 id="group-readings-heading">"Reading list"</h2>
            {move || g.with(|g| g.readings.is_empty()).then(|| view! { <p class="empty-state">"Nothing on the list yet."</p> })}
            <ul class="doc-list" aria-labelledby="group-readings-heading">
                {move || g.with(|g| g.readings_in_order().into_iter().map(|(rid, r)| {
                    let rid = rid.clone();
                    let by = if r.by.trim().is_empty() { String::new() } else { format!(" · {}", r.by.trim()) };
                    let title = r.title.clone();
                    let label = format!("Remove \u{201c}{title}\u{201d} from the list");
                    view! {
                        <li data-testid="group-reading">
                            {match r.web_link() {
                                Some(href) => view! { <a href=href.to_owned() rel="noopener noreferrer" target="_blank">{title}</a> }.into_any(),
                                None => view! { <span>{title}</span> }.into_any(),
                            }}
                            <span class="hint">{by}</span>
                            " "
                            <button type="button" class="quiet" aria-label=label on:click=move |_| editing.edit(|g| g.remove_reading(&rid))>"Remove"</button>
                        </li>
                    }
                }).collect_view())}
            </ul>
            <form class="stacked-form" on:submit=add aria-label="Add a reading">
                <div class="field">
                    <label for="group-reading-title">"Title"</label>
                    <input id="group-reading-title" type="text" prop:value=title on:input=move |ev| set_title.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="group-reading-by">"Author or source (optional)"</label>
                    <input id="group-reading-by" type="text" prop:value=by on:input=move |ev| set_by.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="group-reading-link">"Link (optional)"</label>
                    <input id="group-reading-link" type="text" inputmode="url" prop:value=link on:input=move |ev| set_link.set(event_target_value(&ev))/>
                </div>
                {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                <button type="submit" data-testid="group-add-reading">"Add to the list"</button>
            </form>
            <p><A href=Section::Journal.path()>"Your journal"</A>" keeps what you think of a reading to yourself."</p>
        </section>
    }
}

/// Sharing the group's attendance counts with a program whose page this
/// device follows (counts only: `program::group_report`).
#[component]
fn ProgramLink(g: ReadSignal<Group, LocalStorage>, editing: Editing) -> impl IntoView {
    let engine = crate::sync::use_sync();
    let pages = LocalResource::new(move || {
        let engine = engine.clone();
        async move {
            let all = crate::api::summaries(DocumentKind::ProgramPage).await.unwrap_or_default();
            all.into_iter()
                .filter_map(|s| {
                    let local: DocumentId = s.id.parse().ok()?;
                    let page = engine.as_ref()?.share_of(local)?.sync_id.to_string();
                    Some((page, s.title))
                })
                .collect::<Vec<_>>()
        }
    });
    let (chosen, set_chosen) = signal(String::new());
    let share = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(list) = pages.get_untracked() else { return };
        let wanted = chosen.get_untracked();
        let Some((page, name)) = list.into_iter().find(|(p, _)| *p == wanted || wanted.is_empty()) else { return };
        let (Some(a), Some(b)) = (editing.new_id(), editing.new_id()) else { return };
        editing.edit(|g| g.program = Some(GroupTie { page, program_name: name, report: format!("{a}{b}") }));
    };
    view! {
        <section aria-labelledby="group-program-heading">
            <h2 id="group-program-heading">"Sharing attendance with a program"</h2>
            {move || match g.with(|g| g.program.clone()) {
                Some(tie) => view! {
                    <p data-testid="group-shares-with">{format!("The group shares its attendance with {}: how many members, meetings held and how many came. Never names, notes or readings.", tie.program_name)}</p>
                    <button type="button" data-testid="group-stop-sharing" on:click=move |_| editing.edit(|g| g.program = None)>"Stop sharing"</button>
                }.into_any(),
                None => match pages.get() {
                    Some(list) if !list.is_empty() => view! {
                        <form class="inline-form" on:submit=share>
                            <label for="group-program">"Program"</label>
                            <select id="group-program" on:change=move |ev| set_chosen.set(event_target_value(&ev))>
                                {list.into_iter().map(|(page, title)| view! { <option value=page>{title}</option> }).collect_view()}
                            </select>
                            <button type="submit" data-testid="group-share-counts">"Share our attendance counts"</button>
                        </form>
                        <p class="hint">"Its coordinator then sees how many members the group has, meetings held and how many came; never names, notes or readings."</p>
                    }.into_any(),
                    _ => view! { <p class="hint">"If your group belongs to a program, open the program's link on this device; you can then share the group's attendance counts (never names or notes) with its coordinator."</p> }.into_any(),
                },
            }}
        </section>
    }
}

/// The id of a group made here from the form on the Partnerships page.
pub async fn start_group(group: &Group, engine: Option<&crate::sync::SyncEngine>) -> Result<DocumentId, String> {
    let doc = create_document(group).await?;
    if let Some(engine) = engine {
        engine.share(doc.id(), DocumentKind::Group).await?;
    }
    Ok(doc.id())
}
