//! How an editor page changes its document without ever losing a keystroke:
//! every edit goes into the Automerge document at once, the save to IndexedDB
//! is coalesced (a short pause after typing) and forced when the page is
//! hidden, closed or left. Saves from other tabs, and changes arriving from
//! partners through the sync engine, are announced on a BroadcastChannel and
//! shown live.

use std::time::Duration;

use confidant_shared::document::Schema;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::store::{announce_saved, OpenDocument, SavedElsewhere};

/// How long typing may pause before the edit is written.
const SAVE_AFTER: Duration = Duration::from_millis(350);

/// The handle every control uses to change the document: edit in memory,
/// show the result, and schedule a save.
pub struct DocumentEditing<T: 'static> {
    doc: StoredValue<OpenDocument, LocalStorage>,
    set_value: WriteSignal<T, LocalStorage>,
    pub set_error: WriteSignal<Option<String>>,
    timer: StoredValue<Option<TimeoutHandle>, LocalStorage>,
    /// Told of each change that arrived from elsewhere, with the value
    /// shown before it: a page says what a partner's change did.
    on_arrival: StoredValue<Option<ArrivalHook<T>>, LocalStorage>,
}

type ArrivalHook<T> = Box<dyn Fn(&T, &T)>;

impl<T> Clone for DocumentEditing<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for DocumentEditing<T> {}

impl<T: Schema + Clone + 'static> DocumentEditing<T> {
    /// Start editing `doc`, whose value the page shows through `set_value`.
    /// Installs the save-on-hide and live-refresh listeners for the page's life.
    pub fn new(doc: OpenDocument, set_value: WriteSignal<T, LocalStorage>, set_error: WriteSignal<Option<String>>) -> Self {
        let this_id = doc.id();
        let editing = DocumentEditing {
            doc: StoredValue::new_local(doc),
            set_value,
            set_error,
            timer: StoredValue::new_local(None),
            on_arrival: StoredValue::new_local(None),
        };

        // Nothing typed may be lost when the tab is hidden or closed.
        let on_hide = window_event_listener(ev::pagehide, move |_| editing.save_now());
        let on_hidden = window_event_listener(ev::visibilitychange, move |_| {
            if document().visibility_state() == web_sys::VisibilityState::Hidden {
                editing.save_now();
            }
        });
        // Another tab (or the sync engine) saved this document: take it in.
        let listener = SavedElsewhere::listen(move |id| {
            if id != this_id {
                return;
            }
            let Some(doc) = editing.doc.try_get_value() else { return };
            spawn_local(async move {
                if let Ok(true) = doc.refresh().await {
                    if let Ok(value) = doc.value::<T>() {
                        set_value.try_update(|shown| {
                            editing.on_arrival.try_with_value(|hook| hook.as_ref().map(|hook| hook(shown, &value)));
                            *shown = value;
                        });
                    }
                }
            });
        });
        let listener = StoredValue::new_local(listener);
        on_cleanup(move || {
            editing.save_now();
            on_hide.remove();
            on_hidden.remove();
            listener.set_value(None);
        });
        editing
    }

    /// Call `hook(before, after)` whenever a change from elsewhere (a
    /// partner, another tab) replaces what the page shows.
    pub fn on_arrival(self, hook: impl Fn(&T, &T) + 'static) {
        self.on_arrival.set_value(Some(Box::new(hook)));
    }

    /// A fresh random id for something added to the document, or `None`
    /// (and the page says why) when the browser has no secure randomness:
    /// nothing is made from a guessable id.
    pub fn new_id(self) -> Option<String> {
        match crate::api::random_id() {
            Ok(id) => Some(id),
            Err(err) => {
                self.set_error.set(Some(err));
                None
            }
        }
    }

    pub fn edit(self, change: impl FnOnce(&mut T)) {
        match self.doc.with_value(|doc| doc.edit(change)) {
            Ok(value) => self.set_value.set(value),
            Err(err) => self.set_error.set(Some(err.for_user())),
        }
        self.schedule_save();
    }

    fn schedule_save(self) {
        if let Some(handle) = self.timer.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(move || self.save_now(), SAVE_AFTER).ok();
        self.timer.set_value(handle);
    }

    /// Save what is pending and wait for it: before something reads the
    /// document back from storage (a calendar export).
    pub async fn flush(self) {
        if let Some(handle) = self.timer.try_get_value().flatten() {
            handle.clear();
            self.timer.try_set_value(None);
        }
        let Some(doc) = self.doc.try_get_value() else { return };
        match doc.save::<T>().await {
            Ok(true) => announce_saved(doc.id()),
            Ok(false) => {}
            Err(err) => {
                self.set_error.try_set(Some(err.for_user()));
            }
        }
    }

    pub fn save_now(self) {
        // try_: this also runs while the page is being torn down.
        if let Some(handle) = self.timer.try_get_value().flatten() {
            handle.clear();
            self.timer.try_set_value(None);
        }
        let Some(doc) = self.doc.try_get_value() else { return };
        let set_error = self.set_error;
        spawn_local(async move {
            match doc.save::<T>().await {
                Ok(true) => {
                    set_error.try_set(None);
                    announce_saved(doc.id());
                }
                Ok(false) => {}
                Err(err) => {
                    set_error.try_set(Some(err.for_user()));
                }
            }
        });
    }
}
