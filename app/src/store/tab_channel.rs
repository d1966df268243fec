//! Tells the other tabs of this app on this device that a document was saved,
//! so they reload it and show the change live.

use confidant_shared::document::DocumentId;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent};

const CHANNEL: &str = "confidant-documents";

/// Announce that `id` has new records in storage.
pub fn announce_saved(id: DocumentId) {
    if let Ok(channel) = BroadcastChannel::new(CHANNEL) {
        let _ = channel.post_message(&JsValue::from_str(&id.to_string()));
        channel.close();
    }
}

/// Listens while alive; dropping it stops listening.
pub struct SavedElsewhere {
    channel: BroadcastChannel,
    _on_message: Closure<dyn Fn(MessageEvent)>,
}

impl SavedElsewhere {
    /// Call `on_saved` with each document id another tab announces.
    pub fn listen(on_saved: impl Fn(DocumentId) + 'static) -> Option<Self> {
        let channel = BroadcastChannel::new(CHANNEL).ok()?;
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(id) = event.data().as_string().and_then(|s| s.parse().ok()) {
                on_saved(id);
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(SavedElsewhere { channel, _on_message: on_message })
    }
}

impl Drop for SavedElsewhere {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

/// A counter that goes up whenever any document is saved (here, in another
/// tab, or by the sync engine), for the life of the calling component: list
/// pages track it to load again.
pub fn saves_counter() -> leptos::prelude::ReadSignal<u32> {
    use leptos::prelude::*;
    let (saves, set_saves) = signal(0u32);
    let listener = SavedElsewhere::listen(move |_| set_saves.update(|n| *n += 1));
    let listener = StoredValue::new_local(listener);
    on_cleanup(move || listener.set_value(None));
    saves
}
