//! Opening a document by its route id: the one way every page does it.
//!
//! [`use_document`] answers with a [`DocumentState`] that follows the route
//! id, and tries again when a document that was not here yet arrives (a
//! partner's device synced it, or another tab made it). Once a document is
//! [`DocumentState::Ready`], its editor takes later changes in itself
//! (`widgets::document_editing`), so the state does not change under it.
//! [`not_ready`] renders every other state in one sentence with what to do.

use confidant_shared::document::{DocumentId, Schema};
use confidant_shared::Section;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::store::{app_store, OpenDocument, SavedElsewhere, StoreError};
use crate::sync::use_sync;

/// Where opening a document stands.
#[derive(Clone)]
pub enum DocumentState<T> {
    Loading,
    /// Not here yet, but this device holds its invite: it arrives by sync.
    WaitingForPartner,
    /// Not here, and nothing on this device says it will come.
    NotOnThisDevice,
    /// A newer Confidant saved it; updating the app opens it.
    MadeByNewerVersion,
    /// Nothing of it could be read; what there was is kept aside.
    Damaged { kept_aside: usize },
    /// Storage itself failed: one sentence for the person.
    Failed(String),
    Ready { doc: OpenDocument, value: T, notice: Option<String> },
}

impl<T> DocumentState<T> {
    fn waits_for_arrival(&self) -> bool {
        matches!(self, DocumentState::WaitingForPartner | DocumentState::NotOnThisDevice)
    }
}

/// Open the document of kind `T` named by `id` (the route's text) and keep
/// the answer current as the id changes or the document arrives.
pub fn use_document<T: Schema + Clone + 'static>(id: impl Fn() -> String + Send + Sync + 'static) -> ReadSignal<DocumentState<T>, LocalStorage> {
    let id = Memo::new(move |_| id());
    let (state, set_state) = signal_local(DocumentState::<T>::Loading);
    // Bumped when the awaited document is saved here (sync, another tab).
    let (arrivals, set_arrivals) = signal(0u32);
    let listener = SavedElsewhere::listen(move |saved| {
        let awaited = state.with_untracked(DocumentState::waits_for_arrival);
        if awaited && id.get_untracked() == saved.to_string() {
            set_arrivals.update(|n| *n += 1);
        }
    });
    let listener = StoredValue::new_local(listener);
    on_cleanup(move || listener.set_value(None));
    let engine = use_sync();

    Effect::new(move || {
        let raw = id.get();
        // A retry after an arrival keeps what is shown until it answers.
        if arrivals.get() == 0 || !state.with_untracked(DocumentState::waits_for_arrival) {
            set_state.set(DocumentState::Loading);
        }
        let engine = engine.clone();
        spawn_local(async move {
            let answer = match raw.parse::<DocumentId>() {
                Err(_) => DocumentState::NotOnThisDevice,
                Ok(doc) => {
                    let opened = match app_store().await {
                        Ok(store) => OpenDocument::open::<T>(&store, doc).await,
                        Err(err) => Err(err),
                    };
                    match opened {
                        Ok((doc, value, notice)) => DocumentState::Ready { doc, value, notice: notice.message() },
                        Err(StoreError::NotHere) if engine.as_ref().and_then(|e| e.invite_for(doc)).is_some() => {
                            DocumentState::WaitingForPartner
                        }
                        Err(StoreError::NotHere) => DocumentState::NotOnThisDevice,
                        Err(StoreError::MadeByNewerVersion) => DocumentState::MadeByNewerVersion,
                        Err(StoreError::Damaged { kept_aside }) => DocumentState::Damaged { kept_aside },
                        Err(err) => DocumentState::Failed(err.for_user()),
                    }
                }
            };
            // The person may have moved on to another document meanwhile.
            if id.get_untracked() == raw {
                set_state.try_set(answer);
            }
        });
    });
    state
}

/// What a page shows for every state but Ready: the section's heading and
/// one sentence saying what happened and what to do.
pub fn not_ready<T>(state: &DocumentState<T>, section: Section, noun: &'static str) -> AnyView {
    let (testid, body) = match state {
        DocumentState::Loading => {
            return view! {
                <h1 id="page-title">{section.title()}</h1>
                <p class="loading" role="status">{format!("Opening the {noun}…")}</p>
            }
            .into_any()
        }
        DocumentState::WaitingForPartner => (
            "waiting",
            format!(
                "Waiting for this {noun} to arrive from your partner. It appears here as soon as this device is online \
                 and your partner's device has synced it."
            )
            .into_any(),
        ),
        DocumentState::NotOnThisDevice => (
            "empty-state",
            format!("This {noun} is not on this device. If someone shared it with you, open the invite link they sent.").into_any(),
        ),
        DocumentState::MadeByNewerVersion => (
            "newer-version",
            view! {
                {format!("This {noun} was saved by a newer version of Confidant. Update the app to open it; nothing is lost meanwhile.")}
                " "
                <button type="button" data-testid="update-app" on:click=|_| crate::service_worker::update_now()>"Update Confidant"</button>
            }
            .into_any(),
        ),
        DocumentState::Damaged { kept_aside } => (
            "damaged",
            match kept_aside {
                0 => format!("This {noun} is damaged on this device and could not be opened. It is kept as it is, not deleted; if it is shared, open it on another device."),
                1 => format!("This {noun} is damaged on this device and could not be opened. Its one saved record is kept aside, not deleted; if it is shared, open it on another device or ask your partner to share it again."),
                n => format!("This {noun} is damaged on this device and could not be opened. Its {n} saved records are kept aside, not deleted; if it is shared, open it on another device or ask your partner to share it again."),
            }
            .into_any(),
        ),
        DocumentState::Failed(sentence) => ("failed", sentence.clone().into_any()),
        DocumentState::Ready { .. } => return ().into_any(),
    };
    view! {
        <h1 id="page-title">{section.title()}</h1>
        <div class="empty-state" data-testid=testid role="status">
            <p>{body}</p>
            <p><A href=section.path()>{format!("See your {}", section.title().to_lowercase())}</A></p>
        </div>
    }
    .into_any()
}
