//! The Journal section: the user's private entries, newest first, and a form
//! to start one. Entries stay on the user's own devices (and their linked
//! devices, encrypted at the relay).

use confidant_shared::document::DocumentKind;
use confidant_shared::journal::{EntryKind, JournalEntry};
use confidant_shared::Section;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::store::{app_store, OpenDocument, SavedElsewhere};

/// Today's date on the user's clock, as `YYYY-MM-DD`.
pub fn today() -> String {
    let now = js_sys::Date::new_0();
    format!("{:04}-{:02}-{:02}", now.get_full_year(), now.get_month() + 1, now.get_date())
}

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
    let (saves, set_saves) = signal(0u32);
    let listener = SavedElsewhere::listen(move |_| set_saves.update(|n| *n += 1));
    let listener = StoredValue::new_local(listener);
    on_cleanup(move || listener.set_value(None));
    let entries = LocalResource::new(move || {
        saves.track();
        async {
            let store = app_store().await.map_err(|e| e.to_string())?;
            store.list(Some(DocumentKind::Journal)).await.map_err(|e| e.to_string())
        }
    });
    let (title, set_title) = signal(String::new());
    let (kind, set_kind) = signal("reflection".to_string());
    let (error, set_error) = signal(None::<String>);
    let navigate = use_navigate();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = title.get_untracked().trim().to_owned();
        let name = if name.is_empty() { "Untitled entry".to_owned() } else { name };
        let entry_kind = kind_from_token(&kind.get_untracked());
        let navigate = navigate.clone();
        spawn_local(async move {
            let created = async {
                let store = app_store().await?;
                let entry = JournalEntry::new(&today(), entry_kind, &name, "", js_sys::Date::now() as i64);
                OpenDocument::create(&store, &entry).await
            };
            match created.await {
                Ok(doc) => navigate(&format!("{}/{}", Section::Journal.path(), doc.id()), Default::default()),
                Err(err) => set_error.set(Some(err.to_string())),
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
            {move || match entries.get() {
                None => view! { <p class="loading" role="status">"Loading your journal…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <div class="empty-state" data-testid="empty-state"><p>{Section::Journal.empty_state()}</p></div>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="doc-list" aria-label="Your journal entries">
                        {list.into_iter().map(|entry| view! {
                            <li data-testid="journal-entry">
                                <span class="date">{entry.date.clone().unwrap_or_default()}</span>" "
                                <A href=format!("{}/{}", Section::Journal.path(), entry.id)>{entry.title}</A>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}
