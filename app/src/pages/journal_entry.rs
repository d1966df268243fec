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
use crate::store::OpenDocument;
use crate::widgets::delete_document::DeleteDocument;
use confidant_shared::document::DocumentKind;

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
            <input id="entry-date" type="date" prop:value=move || entry.with(|e| e.date.map(confidant_shared::calendar_day::day_text).unwrap_or_default())
                on:change=move |ev| { let v = event_target_value(&ev); if let Some(day) = confidant_shared::calendar_day::parse_day(&v) { editing.edit(|e| e.date = Some(day)) } }/>
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
            <DeleteDocument id=this_id kind=DocumentKind::Journal what="entry"
                question="Delete this entry from your devices?" before=move |_| editing.save_now()/>
        </div>
        <p><A href=Section::Journal.path()>"Back to your journal"</A></p>
    }
}
