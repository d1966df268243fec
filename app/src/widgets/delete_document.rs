//! Deleting a document from this device with a question first and Undo
//! after (`store::deletion` keeps the rules of when it really goes), and the
//! Undo offer on the list the person lands on.

use confidant_shared::document::{DocumentId, DocumentKind};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::store::{announce_saved, app_store, deletion};
use crate::sync::use_sync;

/// The list page a deleted document of `kind` leaves the person on.
fn list_of(kind: DocumentKind) -> &'static str {
    use confidant_shared::Section;
    match kind {
        DocumentKind::Journal => Section::Journal.path(),
        DocumentKind::GoalPlan => Section::Goals.path(),
        DocumentKind::Partnership | DocumentKind::Group => Section::Partnerships.path(),
        _ => Section::Home.path(),
    }
}

/// "Delete …": asks, then deletes from this device and opens the list.
/// `question` says what happens to the partner's copy. `before` runs first
/// (the editor saves what is pending).
#[component]
pub fn DeleteDocument(id: DocumentId, kind: DocumentKind, what: &'static str, question: &'static str, #[prop(into)] before: Callback<()>) -> impl IntoView {
    let (confirming, set_confirming) = signal(false);
    let (error, set_error) = signal(None::<String>);
    let engine = StoredValue::new_local(use_sync());
    let navigate = leptos_router::hooks::use_navigate();
    let delete = move |_| {
        before.run(());
        if let Err(err) = deletion::mark(id, kind) {
            set_error.set(Some(err.for_user()));
            return;
        }
        // Shared: stop syncing it here now, so nothing brings it back; Undo
        // follows it again.
        if let Some(engine) = engine.get_value().filter(|e| e.share_of(id).is_some()) {
            spawn_local(async move {
                let Ok(store) = app_store().await else { return };
                let record = store.shares().await.ok().and_then(|all| all.into_iter().find(|s| s.local_id == id.to_string()));
                if engine.leave(id).await.is_ok() {
                    if let Some(record) = record {
                        deletion::keep_share(id, record);
                    }
                }
            });
        }
        // Gone from this device once Undo is no longer offered.
        set_timeout(
            || {
                spawn_local(async {
                    if let Ok(store) = app_store().await {
                        deletion::purge_due(&store).await;
                    }
                })
            },
            std::time::Duration::from_millis(deletion::UNDO_MS as u64 + 100),
        );
        navigate(list_of(kind), Default::default());
    };
    view! {
        {move || if confirming.get() {
            view! {
                <span role="group" aria-label=format!("Delete this {what}?") class="confirm">
                    {question}" "
                    <button type="button" class="danger" data-testid=format!("confirm-delete-{}", kind.as_str()) on:click=delete.clone()>"Delete"</button>
                    <button type="button" on:click=move |_| set_confirming.set(false)>"Keep it"</button>
                </span>
            }.into_any()
        } else {
            view! {
                <button type="button" class="danger" data-testid=format!("delete-{}", kind.as_str()) on:click=move |_| set_confirming.set(true)>
                    {format!("Delete {what}")}
                </button>
            }.into_any()
        }}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
}

/// On a list page: "… deleted. Undo" for each document of `kind` deleted
/// within the undo window.
#[component]
pub fn RecentlyDeleted(kind: DocumentKind, what: &'static str) -> impl IntoView {
    let (deleted, set_deleted) = signal(deletion::recently(kind));
    if !deleted.with_untracked(Vec::is_empty) {
        set_timeout(
            move || {
                let _ = set_deleted.try_set(deletion::recently(kind));
            },
            std::time::Duration::from_millis(deletion::UNDO_MS as u64),
        );
    }
    let engine = StoredValue::new_local(use_sync());
    move || {
        deleted
            .get()
            .into_iter()
            .map(|doc| {
                view! {
                    <p class="notice" role="status" data-testid=format!("{}-deleted", kind.as_str())>
                        {format!("{what} deleted. ")}
                        <button type="button" data-testid=format!("undo-delete-{}", kind.as_str()) on:click=move |_| {
                            deletion::unmark(doc);
                            set_deleted.set(deletion::recently(kind));
                            if let (Some(record), Some(engine)) = (deletion::take_share(doc), engine.get_value()) {
                                spawn_local(async move {
                                    let _ = engine.restore(vec![record], None).await;
                                });
                            }
                            // Lists read again.
                            announce_saved(doc);
                        }>"Undo"</button>
                    </p>
                }
            })
            .collect_view()
    }
}
