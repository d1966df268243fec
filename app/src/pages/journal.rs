//! The Journal section: the user's private entries, newest first, and a form
//! to start one. Entries stay on the user's own devices (and their linked
//! devices, encrypted at the relay).

use confidant_shared::journal::{journal_markdown, kind_label, EntryKind, JournalEntry, JournalFilter};
use confidant_shared::Section;
use confidant_shared::paths;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::create_document;
use crate::widgets::file_download::download;
use crate::api::documents_of;
use crate::store::saves_counter;
use crate::widgets::delete_document::RecentlyDeleted;

pub use crate::clock::today;

pub const ENTRY_KINDS: [(EntryKind, &str, &str); 4] = [
    (EntryKind::MeetingNotes, "meeting-notes", "Meeting notes"),
    (EntryKind::Reflection, "reflection", "Reflection"),
    (EntryKind::Prep, "prep", "Preparation"),
    (EntryKind::Question, "question", "Question"),
];

pub fn kind_token(kind: EntryKind) -> &'static str {
    ENTRY_KINDS.iter().find(|(k, ..)| *k == kind).map(|(_, token, _)| *token).unwrap_or("reflection")
}

pub fn kind_from_token(token: &str) -> EntryKind {
    ENTRY_KINDS.iter().find(|(_, t, _)| *t == token).map(|(k, ..)| *k).unwrap_or(EntryKind::Reflection)
}

#[component]
pub fn JournalPage() -> impl IntoView {
    // Reload the list when an entry is saved here or arrives from a linked device.
    let saves = saves_counter();
    // Whole entries, so search reaches their text. Newest first.
    let entries = LocalResource::new(move || {
        saves.track();
        async {
            let mut all: Vec<(String, JournalEntry)> = documents_of::<JournalEntry>()
                .await
                .map_err(|e| e.for_user())?
                .into_iter()
                .map(|(id, entry)| (id.to_string(), entry))
                .collect();
            confidant_shared::sort::by(&mut all, |a, b| b.1.date.cmp(&a.1.date).then_with(|| b.1.created_ms.cmp(&a.1.created_ms)));
            Ok::<_, String>(all)
        }
    });
    let (error, set_error) = signal(None::<String>);
    let (query, set_query) = signal(String::new());
    let (kind_filter, set_kind_filter) = signal(String::new());
    let (topic_filter, set_topic_filter) = signal(String::new());
    let filter = move || JournalFilter {
        text: query.get(),
        kind: Some(kind_filter.get()).filter(|k| !k.is_empty()).map(|k| kind_from_token(&k)),
        topic: Some(topic_filter.get()).filter(|t| !t.is_empty()),
        partnership: None,
    };
    let topics = move || {
        let mut topics: Vec<String> = entries.get().and_then(Result::ok).unwrap_or_default().into_iter().flat_map(|(_, e)| e.topics).collect();
        confidant_shared::sort::ascending(&mut topics);
        topics.dedup();
        topics
    };
    let export = move |_| {
        let all: Vec<JournalEntry> = entries.get_untracked().and_then(Result::ok).unwrap_or_default().into_iter().map(|(_, e)| e).collect();
        if download("confidant-journal.md", "text/markdown", &journal_markdown(&all)).is_err() {
            set_error.set(Some("The browser did not allow the download; try again.".into()));
        }
    };
    let (title, set_title) = signal(String::new());
    let (kind, set_kind) = signal("reflection".to_string());
    let navigate = use_navigate();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = title.get_untracked().trim().to_owned();
        let name = if name.is_empty() { "Untitled entry".to_owned() } else { name };
        let entry_kind = kind_from_token(&kind.get_untracked());
        let navigate = navigate.clone();
        spawn_local(async move {
            let created = async {
                let entry = JournalEntry::new(&today(), entry_kind, &name, "", js_sys::Date::now() as i64);
                create_document(&entry).await
            };
            match created.await {
                Ok(doc) => navigate(&paths::journal_entry(doc.id()), Default::default()),
                Err(err) => set_error.set(Some(err)),
            }
        });
    };

    view! {
        <Title text="Journal · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{Section::Journal.title()}</h1>
            <p class="purpose">{Section::Journal.purpose()}</p>
            <form class="inline-form" on:submit=create>
                <label for="new-entry-title">"Title of a new entry"</label>
                <input id="new-entry-title" type="text" placeholder="e.g. Before Thursday's meeting"
                    prop:value=title on:input=move |ev| set_title.set(event_target_value(&ev))/>
                <label for="new-entry-kind">"Kind"</label>
                <select id="new-entry-kind" on:change=move |ev| set_kind.set(event_target_value(&ev))>
                    {ENTRY_KINDS.iter().map(|(_, token, label)| view! {
                        <option value=*token selected=move || kind.get() == *token>{*label}</option>
                    }).collect_view()}
                </select>
                <button type="submit">"Write entry"</button>
            </form>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <RecentlyDeleted kind=confidant_shared::document::DocumentKind::Journal what="Journal entry"/>
            <div class="filters" role="search" aria-label="Search your journal">
                <div class="field">
                    <label for="journal-search">"Search"</label>
                    <input id="journal-search" type="search" prop:value=query on:input=move |ev| set_query.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="journal-kind">"Kind"</label>
                    <select id="journal-kind" on:change=move |ev| set_kind_filter.set(event_target_value(&ev))>
                        <option value="">"All kinds"</option>
                        {ENTRY_KINDS.iter().map(|(_, token, label)| view! { <option value=*token>{*label}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="journal-topic">"Topic"</label>
                    <select id="journal-topic" on:change=move |ev| set_topic_filter.set(event_target_value(&ev))>
                        <option value="">"All topics"</option>
                        {move || topics().into_iter().map(|t| view! { <option value=t.clone()>{t.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <button type="button" data-testid="export-journal" on:click=export>"Export all as Markdown"</button>
            </div>
            {move || match entries.get() {
                None => view! { <p class="loading" role="status">"Loading your journal…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <div class="empty-state" data-testid="empty-state"><p>{Section::Journal.empty_state()}</p></div>
                }.into_any(),
                Some(Ok(list)) => {
                    let filter = filter();
                    let shown: Vec<_> = list.into_iter().filter(|(_, e)| filter.matches(e)).collect();
                    if shown.is_empty() {
                        return view! { <p class="empty-state" role="status">"No entries match. Try fewer words or another filter."</p> }.into_any();
                    }
                    view! {
                        <ul class="doc-list" aria-label="Your journal entries">
                            {shown.into_iter().map(|(id, entry)| view! {
                                <li data-testid="journal-entry">
                                    <span class="date">{entry.date.map(confidant_shared::calendar_day::day_text).unwrap_or_default()}</span>" "
                                    <A href=id.parse().map(paths::journal_entry).unwrap_or_default()>{
                                        let t = entry.title.as_str().trim().to_owned();
                                        if t.is_empty() { "Untitled entry".to_owned() } else { t }
                                    }</A>
                                    <span class="hint">{format!(" · {}", kind_label(entry.entry_kind))}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

