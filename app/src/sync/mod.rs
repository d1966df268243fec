//! Sync in the browser: the adapter that carries out the shared
//! [`SyncClient`](confidant_shared::sync::client::SyncClient) state machine
//! over a WebSocket and IndexedDB.
//!
//! - [`SyncEngine`]: the handle pages use (share a document, accept an
//!   invite, say which document is open, read status and presence). It is
//!   provided as a Leptos context by the app.
//! - `engine`: the event loop. Every event (socket opened, frame, closed,
//!   a document saved in any tab, a new share) is handled one at a time, so
//!   storage writes happen in the order the state machine asked for them.
//! - `relay_socket`: the WebSocket itself.
//!
//! Delivered changes are written to IndexedDB as records of the document and
//! announced like any other save, so open pages (in every tab) show them live.

mod engine;
mod relay_socket;

use std::collections::BTreeMap;

use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::sync::presence::Presence;
use confidant_shared::sync::{DocumentKeys, Invite};
use confidant_shared::SyncStatus;
use futures::channel::mpsc::UnboundedSender;
use leptos::prelude::*;

use crate::store::{app_store, random_bytes, ShareRecord, StoreError};
use engine::Event;

/// The app's sync engine: cheap to clone, shared through context.
#[derive(Clone)]
pub struct SyncEngine {
    events: UnboundedSender<Event>,
    status: ArcRwSignal<SyncStatus>,
    presence: ArcRwSignal<Presence>,
    /// Shared documents on this device: local id -> invite fragment.
    shared: ArcRwSignal<BTreeMap<String, Invite>>,
    /// Local ids of the documents this device shared.
    owned: ArcRwSignal<std::collections::BTreeSet<String>>,
    /// Bumped every few seconds so presence expires on screen.
    clock: ArcRwSignal<i64>,
}

impl SyncEngine {
    /// Start syncing this device's shared documents with the relay that
    /// served the app.
    pub fn start() -> SyncEngine {
        engine::start()
    }

    pub fn status(&self) -> SyncStatus {
        self.status.get()
    }

    /// The invite of a shared document, if it is shared.
    pub fn invite_for(&self, local: DocumentId) -> Option<Invite> {
        self.shared.with(|shared| shared.get(&local.to_string()).cloned())
    }

    /// The local document an invite's keys belong to, if this device has it.
    pub fn local_for(&self, invite: &Invite) -> Option<DocumentId> {
        let wanted = invite.keys.id();
        self.shared.with(|shared| {
            shared.iter().find(|(_, i)| i.keys.id() == wanted).and_then(|(local, _)| local.parse().ok())
        })
    }

    /// Share a local document: create its keys and start syncing it.
    /// Returns the invite (the same one if it is shared already).
    pub async fn share(&self, local: DocumentId, kind: DocumentKind) -> Result<Invite, StoreError> {
        if let Some(invite) = self.invite_for(local) {
            return Ok(invite);
        }
        let keys = DocumentKeys::from_random(random_bytes(), random_bytes());
        let invite = Invite { kind, keys };
        let record = ShareRecord { owner: true, ..ShareRecord::new(local, &invite) };
        self.track(record, invite.clone()).await?;
        Ok(invite)
    }

    /// Accept an invite: the document is kept under its own id and fills in
    /// as its changes arrive. Returns the local id.
    pub async fn accept(&self, invite: Invite) -> Result<DocumentId, StoreError> {
        let local = invite.keys.id();
        if self.invite_for(local).is_none() {
            self.track(ShareRecord::new(local, &invite), invite).await?;
        }
        Ok(local)
    }

    async fn track(&self, record: ShareRecord, invite: Invite) -> Result<(), StoreError> {
        // Durable before anything else: a reload must not forget the keys.
        app_store().await?.put_share(&record).await?;
        self.shared.update(|shared| {
            shared.insert(record.local_id.clone(), invite);
        });
        let _ = self.events.unbounded_send(Event::Track(record));
        Ok(())
    }

    /// The link that makes another of the user's devices follow every
    /// personal and shared document of this one (the keyring's invite).
    pub async fn link_device(&self) -> Result<Invite, String> {
        let (reply, answer) = futures::channel::oneshot::channel();
        self.events.unbounded_send(Event::LinkDevice(reply)).map_err(|_| "sync is not running".to_string())?;
        answer.await.map_err(|_| "sync stopped".to_string())?
    }

    /// Whether this device shared the document (and so may replace its keys).
    pub fn owns(&self, local: DocumentId) -> bool {
        self.owned.with(|owned| owned.contains(&local.to_string()))
    }

    /// Stop sharing the document on this device: nothing more is sent or
    /// received; the local copy stays.
    pub async fn leave(&self, local: DocumentId) -> Result<(), String> {
        let (reply, answer) = futures::channel::oneshot::channel();
        self.events.unbounded_send(Event::Leave(local, reply)).map_err(|_| "sync is not running".to_string())?;
        answer.await.map_err(|_| "sync stopped".to_string())?
    }

    /// Replace the document's keys: former members keep what they had but
    /// cannot read anything new. Returns the new invite, for the members who stay.
    pub async fn replace_keys(&self, local: DocumentId) -> Result<Invite, String> {
        let (reply, answer) = futures::channel::oneshot::channel();
        self.events.unbounded_send(Event::ReplaceKeys(local, reply)).map_err(|_| "sync is not running".to_string())?;
        answer.await.map_err(|_| "sync stopped".to_string())?
    }

    /// The page shows this document (announced to its other members), or none.
    pub fn viewing(&self, local: Option<DocumentId>) {
        let _ = self.events.unbounded_send(Event::Viewing(local));
    }

    /// Who else has the document open right now.
    pub fn here(&self, local: DocumentId) -> Vec<String> {
        let now = self.clock.get();
        let Some(invite) = self.invite_for(local) else { return Vec::new() };
        let doc = *invite.keys.id().as_bytes();
        self.presence.with(|presence| presence.clone().here(doc, now))
    }
}

/// The engine, if this app runs one (browser unit tests do not).
pub fn use_sync() -> Option<SyncEngine> {
    use_context::<SyncEngine>()
}
