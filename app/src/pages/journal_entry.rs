//! One journal entry (`/journal/<id>`): date, kind, title and the entry
//! itself. Private: it never leaves the user's own devices unencrypted.

use confidant_shared::journal::{entry_file_name, entry_markdown, JournalEntry};
use confidant_shared::partnership::Partnership;
use confidant_shared::profile::STANDARD_TOPICS;
use confidant_shared::Section;
use leptos::prelude::*;

use crate::widgets::live_text::live_text;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{lines_of, not_ready, use_document, DocumentState};
use crate::widgets::document_editing::DocumentEditing;
use crate::pages::journal::{kind_from_token, kind_token, ENTRY_KINDS};
use crate::widgets::file_download::download;
use crate::store::{deletion, OpenDocument};

#[component]
pub fn JournalEntryPage() -> impl IntoView {
    let params = use_params_map();
    let entry = use_document::<JournalEntry>(move || params.with(|p| p.get("id").unwrap_or_default()));
    view! {
        <Title text="Journal entry · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            {move || entry.with(|state| match state {
                DocumentState::Ready { doc, value, notice } => view! {
                    <EntryEditor doc=doc.clone() initial=value.clone() notice=notice.clone()/>
                }.into_any(),
                other => not_ready(other, Section::Journal, "journal entry"),
            })}
        </section>
    }
}

#[component]
fn EntryEditor(doc: OpenDocument, initial: JournalEntry, notice: Option<String>) -> impl IntoView {
    let this_id = doc.id();
    let (entry, set_entry) = signal_local(initial);
    let (error, set_error) = signal(None::<String>);
    let editing = DocumentEditing::new(doc, set_entry, set_error);
    // Deleting asks once, then leaves Undo on the journal page for a few seconds.
    let (confirming, set_confirming) = signal(false);
    let navigate = leptos_router::hooks::use_navigate();
    let engine = crate::sync::use_sync();
    let delete = move |_| {
        editing.save_now();
        match deletion::mark(this_id) {
            Ok(()) => {
                // Shared with the person's other devices: stop syncing it now,
                // so nothing brings it back; Undo follows it again.
                if let Some(engine) = engine.clone().filter(|e| e.share_of(this_id).is_some()) {
                    leptos::task::spawn_local(async move {
                        let Ok(store) = crate::store::app_store().await else { return };
                        let record = store.shares().await.ok().and_then(|all| all.into_iter().find(|s| s.local_id == this_id.to_string()));
                        if engine.leave(this_id).await.is_ok() {
                            if let Some(record) = record {
                                deletion::keep_share(this_id, record);
                            }
                        }
                    });
                }
                // Gone from this device once Undo is no longer offered.
                set_timeout(
                    || leptos::task::spawn_local(async {
                        if let Ok(store) = crate::store::app_store().await {
                            deletion::purge_due(&store).await;
                        }
                    }),
                    std::time::Duration::from_millis(deletion::UNDO_MS as u64 + 100),
                );
                navigate(Section::Journal.path(), Default::default());
            }
            Err(err) => set_error.set(Some(err.for_user())),
        }
    };
    let partnerships = LocalResource::new(|| async {
        lines_of::<Partnership>()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|(id, p)| (id.to_string(), p.pair_title()))
            .collect::<Vec<_>>()
    });
    view! {
        <h1 id="page-title">{move || entry.with(|e| e.title.as_str().to_owned())}</h1>
        {notice.map(|n| view! { <p class="notice" role="alert">{n}</p> })}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <p class="hint">"Private: this entry stays on your own devices."</p>
        <div class="field">
            <label for="entry-title">"Title"</label>
            <input id="entry-title" type="text" use:live_text=Signal::derive(move || entry.with(|e| e.title.as_str().to_owned()))
                on:input=move |ev| { let v = event_target_value(&ev); editing.edit(|e| e.title.update(&v)) }/>
        </div>
        <div class="field">
            <label for="entry-date">"Date"</label>
            <input id="entry-date" type="date" prop:value=move || entry.with(|e| e.date.clone())
                on:change=move |ev| { let v = event_target_value(&ev); if !v.is_empty() { editing.edit(|e| e.date = v) } }/>
        </div>
        <div class="field">
            <label for="entry-kind">"Kind"</label>
            <select id="entry-kind" on:change=move |ev| { let v = event_target_value(&ev); editing.edit(|e| e.entry_kind = kind_from_token(&v)) }>
                {ENTRY_KINDS.iter().map(|(_, token, label)| view! {
                    <option value=*token selected=move || entry.with(|e| kind_token(e.entry_kind) == *token)>{*label}</option>
                }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="entry-body">"Entry"</label>
            <textarea id="entry-body" rows="12" use:live_text=Signal::derive(move || entry.with(|e| e.body.as_str().to_owned()))
                on:input=move |ev| { let v = event_target_value(&ev); editing.edit(|e| e.body.update(&v)) }>
            </textarea>
        </div>
        <fieldset>
            <legend>"Topics"</legend>
            {STANDARD_TOPICS.into_iter().map(|topic| view! {
                <label class="choice">
                    <input type="checkbox" prop:checked=move || entry.with(|e| e.topics.iter().any(|t| t == topic))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            editing.edit(|e| { e.topics.retain(|t| t != topic); if on { e.topics.push(topic.to_owned()) } })
                        }/>
                    " " {topic}
                </label>
            }).collect_view()}
        </fieldset>
        <div class="field">
            <label for="entry-partnership">"Partnership"</label>
            <select id="entry-partnership" on:change=move |ev| {
                let v = event_target_value(&ev);
                editing.edit(|e| e.partnership = (!v.is_empty()).then_some(v))
            }>
                <option value="">"None"</option>
                {move || partnerships.get().unwrap_or_default().into_iter().map(|(id, title)| {
                    let selected = { let id = id.clone(); move || entry.with(|e| e.partnership.as_deref() == Some(id.as_str())) };
                    view! { <option value=id.clone() selected=selected>{title}</option> }
                }).collect_view()}
            </select>
        </div>
        <div class="goal-actions">
            <button type="button" data-testid="export-entry" on:click=move |_| {
                let (text, name) = entry.with_untracked(|e| (entry_markdown(e), entry_file_name(e)));
                let _ = download(&name, "text/markdown", &text);
            }>"Export as Markdown"</button>
            {move || if confirming.get() {
                view! {
                    <span role="group" aria-label="Delete this entry?" class="confirm">
                        "Delete this entry from your devices? "
                        <button type="button" class="danger" data-testid="confirm-delete-entry" on:click=delete.clone()>"Delete"</button>
                        <button type="button" on:click=move |_| set_confirming.set(false)>"Keep it"</button>
                    </span>
                }.into_any()
            } else {
                view! { <button type="button" class="danger" data-testid="delete-entry" on:click=move |_| set_confirming.set(true)>"Delete entry"</button> }.into_any()
            }}
        </div>
        <p><A href=Section::Journal.path()>"Back to your journal"</A></p>
    }
}
