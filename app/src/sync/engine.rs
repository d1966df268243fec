//! The sync event loop: one task owns the state machine, the socket and the
//! cached shared documents, and handles events strictly one after another.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use automerge::{ActorId, AutoCommit};
use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::keyring::{is_personal, Keyring};
use confidant_shared::storage::{ChunkKind, StoredChunk, StoredDocument};
use confidant_shared::sync::client::{ClientEffect, SyncClient};
use confidant_shared::sync::relay::MAX_PUSH_BYTES;
use confidant_shared::sync::presence::{Announcement, Presence, ANNOUNCE_EVERY_MS};
use confidant_shared::sync::wire::encode;
use confidant_shared::sync::{DocumentKeys, Invite};
use confidant_shared::SyncStatus;
use futures::channel::mpsc::{unbounded, UnboundedReceiver};
use futures::channel::oneshot;
use futures::StreamExt;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::relay_socket::{relay_url, RelaySocket};
use super::SyncEngine;
use crate::store::{announce_saved, app_store, random_bytes, summary_of, OpenDocument, SavedElsewhere, ShareRecord, Store, StoreError};


pub(super) enum Event {
    Opened(u32),
    Frame(u32, Vec<u8>),
    Closed(u32),
    Reconnect,
    /// A document was saved in some tab of this device.
    Saved(DocumentId),
    Track(ShareRecord),
    Viewing(Option<DocumentId>),
    Announce,
    /// Make (or find) the keyring and answer with its invite.
    LinkDevice(oneshot::Sender<Result<Invite, String>>),
    Leave(DocumentId, oneshot::Sender<Result<(), String>>),
    ReplaceKeys(DocumentId, oneshot::Sender<Result<Invite, String>>),
}

struct Share {
    record: ShareRecord,
    keys: DocumentKeys,
    local: DocumentId,
    /// What storage holds, loaded on first need.
    doc: Option<StoredDocument>,
}

struct Engine {
    store: Store,
    client: SyncClient,
    shares: HashMap<[u8; 16], Share>,
    by_local: HashMap<DocumentId, [u8; 16]>,
    socket: Option<RelaySocket>,
    generation: u32,
    viewing: Option<DocumentId>,
    device: String,
    handle: SyncEngine,
    /// The keyring's sync id, once this device is linked to another.
    keyring: Option<[u8; 16]>,
    /// The keyring changed, or documents appeared that it should list.
    keyring_dirty: bool,
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn warn(message: &str) {
    web_sys::console::warn_1(&format!("sync: {message}").into());
}

pub(super) fn start() -> SyncEngine {
    let (events, receiver) = unbounded();
    let handle = SyncEngine {
        events,
        status: ArcRwSignal::new(SyncStatus::Offline),
        presence: ArcRwSignal::new(Presence::default()),
        shared: ArcRwSignal::new(BTreeMap::new()),
        owned: ArcRwSignal::new(Default::default()),
        clock: ArcRwSignal::new(now_ms()),
    };
    let engine = handle.clone();
    spawn_local(async move {
        match app_store().await {
            Ok(store) => run(store, engine, receiver).await,
            Err(err) => warn(&err.to_string()),
        }
    });
    handle
}

async fn run(store: Store, handle: SyncEngine, mut events: UnboundedReceiver<Event>) {
    let shares = store.shares().await.unwrap_or_default();
    let outbox = store.outbox().await.unwrap_or_default();
    let mut engine = Engine {
        store,
        client: SyncClient::new(outbox),
        shares: HashMap::new(),
        by_local: HashMap::new(),
        socket: None,
        generation: 0,
        viewing: None,
        device: random_bytes::<8>().iter().map(|b| format!("{b:02x}")).collect(),
        handle: handle.clone(),
        keyring: None,
        keyring_dirty: false,
    };
    for record in shares {
        engine.add(record);
    }
    // Saves in any tab (this one included) may hold changes to push.
    let sender = handle.events.clone();
    let _saved = SavedElsewhere::listen(move |id| {
        let _ = sender.unbounded_send(Event::Saved(id));
    });
    let sender = handle.events.clone();
    let _online = window_event_listener(leptos::ev::online, move |_| {
        let _ = sender.unbounded_send(Event::Reconnect);
    });
    let (sender, clock) = (handle.events.clone(), handle.clock.clone());
    let _announce = set_interval_with_handle(
        move || {
            clock.set(now_ms());
            let _ = sender.unbounded_send(Event::Announce);
        },
        Duration::from_millis(ANNOUNCE_EVERY_MS as u64 / 2),
    );
    // Changes made while no tab was syncing (closed before they were sent).
    let docs: Vec<[u8; 16]> = engine.shares.keys().copied().collect();
    for doc in docs {
        engine.push_unsent(doc).await;
    }
    engine.keyring_dirty = engine.keyring.is_some();
    engine.connect();
    loop {
        if engine.keyring_dirty {
            engine.keyring_dirty = false;
            engine.reconcile_keyring().await;
        }
        engine.handle.status.set(engine.client.status());
        let Some(event) = events.next().await else { break };
        engine.handle(event).await;
    }
}

impl Engine {
    fn add(&mut self, record: ShareRecord) -> Vec<ClientEffect> {
        let (Some(invite), Some(local)) = (record.invite(), record.local()) else {
            warn("a share record could not be read; skipped");
            return Vec::new();
        };
        let doc = *invite.keys.id().as_bytes();
        let effects = self.client.follow(invite.keys.clone(), record.last_seq);
        self.handle.shared.update(|shared| {
            shared.insert(record.local_id.clone(), invite.clone());
        });
        if record.owner {
            self.handle.owned.update(|owned| {
                owned.insert(record.local_id.clone());
            });
        }
        self.by_local.insert(local, doc);
        if record.kind == DocumentKind::Keyring {
            self.keyring = Some(doc);
        }
        self.keyring_dirty |= self.keyring.is_some();
        self.shares.insert(doc, Share { record, keys: invite.keys, local, doc: None });
        effects
    }

    fn connect(&mut self) {
        if self.socket.is_some() {
            return;
        }
        let Some(url) = relay_url() else { return };
        self.generation += 1;
        let generation = self.generation;
        let (opened, framed, closed) = (self.handle.events.clone(), self.handle.events.clone(), self.handle.events.clone());
        self.socket = RelaySocket::open(
            &url,
            move || {
                let _ = opened.unbounded_send(Event::Opened(generation));
            },
            move |frame| {
                let _ = framed.unbounded_send(Event::Frame(generation, frame));
            },
            move || {
                let _ = closed.unbounded_send(Event::Closed(generation));
            },
        );
        if self.socket.is_none() {
            let _ = self.handle.events.unbounded_send(Event::Closed(generation));
        }
    }

    async fn handle(&mut self, event: Event) {
        match event {
            Event::Opened(generation) if generation == self.generation => {
                let effects = self.client.handle_connected();
                self.carry_out(effects).await;
            }
            Event::Frame(generation, frame) if generation == self.generation => {
                let effects = self.client.handle_frame(&frame, now_ms());
                self.carry_out(effects).await;
            }
            Event::Closed(generation) if generation == self.generation => {
                self.socket = None;
                let jitter = js_sys::Math::random();
                let effects = self.client.handle_disconnected(jitter);
                self.carry_out(effects).await;
            }
            Event::Opened(_) | Event::Frame(..) | Event::Closed(_) => {} // an old socket's last words
            Event::Reconnect => self.connect(),
            Event::Saved(local) => {
                if let Some(doc) = self.by_local.get(&local).copied() {
                    self.refresh(doc).await;
                    self.push_unsent(doc).await;
                    self.keyring_dirty |= Some(doc) == self.keyring;
                } else {
                    // A new document: a linked device should get it too.
                    self.keyring_dirty |= self.keyring.is_some();
                }
            }
            Event::LinkDevice(reply) => {
                let _ = reply.send(self.link_device().await.map_err(|e| e.to_string()));
            }
            Event::Leave(local, reply) => {
                let _ = reply.send(self.leave(local).await.map(|_| ()).map_err(|e| e.to_string()));
            }
            Event::ReplaceKeys(local, reply) => {
                let _ = reply.send(self.replace_keys(local).await.map_err(|e| e.to_string()));
            }
            Event::Track(record) => {
                let doc = record.keys().map(|keys| *keys.id().as_bytes());
                let effects = self.add(record);
                self.carry_out(effects).await;
                if let Some(doc) = doc {
                    self.push_unsent(doc).await;
                }
                self.announce().await;
            }
            Event::Viewing(local) => {
                self.viewing = local;
                self.announce().await;
            }
            Event::Announce => self.announce().await,
        }
    }

    async fn carry_out(&mut self, effects: Vec<ClientEffect>) {
        for effect in effects {
            match effect {
                ClientEffect::Send(message) => {
                    if let Some(socket) = &self.socket {
                        socket.send(&encode(&message));
                    }
                }
                ClientEffect::Deliver { doc, changes } => {
                    if let Err(err) = self.deliver(doc, changes).await {
                        // Not stored: read this document again from the last
                        // stored position, on a fresh connection.
                        warn(&err.to_string());
                        if let Some(share) = self.shares.get(&doc) {
                            self.client.track(share.keys.clone(), share.record.last_seq);
                        }
                        self.socket = None;
                        let effects = self.client.handle_disconnected(js_sys::Math::random());
                        Box::pin(self.carry_out(effects)).await;
                        return;
                    }
                }
                ClientEffect::PersistPending { client_ref, chunk } => {
                    let record = self.shares.get(&chunk.doc).map(|share| share.record.clone());
                    if let Err(err) = self.store.put_outbox(client_ref, &chunk, record.as_ref()).await {
                        warn(&err.to_string()); // the change is still in the document; pushed again later
                    }
                }
                ClientEffect::ForgetPending { client_ref } => {
                    if let Err(err) = self.store.forget_outbox(client_ref).await {
                        warn(&err.to_string());
                    }
                }
                ClientEffect::PersistCursor { doc, seq } => {
                    if let Some(share) = self.shares.get_mut(&doc) {
                        share.record.last_seq = seq;
                        if let Err(err) = self.store.put_share(&share.record).await {
                            warn(&err.to_string());
                        }
                    }
                }
                ClientEffect::ReconnectAfter { ms } => {
                    let events = self.handle.events.clone();
                    set_timeout(
                        move || {
                            let _ = events.unbounded_send(Event::Reconnect);
                        },
                        Duration::from_millis(ms),
                    );
                }
                ClientEffect::Presence { doc, payload } => {
                    let Some(announcement) = Announcement::decode(&payload) else { continue };
                    let now = now_ms();
                    let new_here = self.handle.presence.with_untracked(|p| p.clone().here(doc, now).is_empty());
                    self.handle.presence.update(|presence| presence.heard(doc, announcement, now));
                    if new_here {
                        // Someone arrived: let them see us at once.
                        Box::pin(self.announce()).await;
                    }
                }
                // No page follows an inbox yet; coordinator intake will.
                ClientEffect::InboxMessage { .. } => {}
                ClientEffect::Refused { code, message } => warn(&format!("the relay refused: {code:?}: {message}")),
            }
        }
    }

    /// Make sure the share's document is loaded from storage.
    async fn load(&mut self, doc: [u8; 16]) -> Result<(), StoreError> {
        let Some(share) = self.shares.get_mut(&doc) else { return Ok(()) };
        if share.doc.is_none() {
            let records = self.store.read_records(share.local).await?;
            let actor = ActorId::from(random_bytes::<16>().to_vec());
            let loaded = StoredDocument::load(share.local, records, actor.clone());
            share.doc = Some(loaded.document);
        }
        Ok(())
    }

    /// Take in what was saved to storage since the document was loaded.
    async fn refresh(&mut self, doc: [u8; 16]) {
        let Some(share) = self.shares.get(&doc) else { return };
        if share.doc.is_none() {
            if let Err(err) = self.load(doc).await {
                warn(&err.to_string());
            }
            return;
        }
        let local = share.local;
        match self.store.read_records(local).await {
            Ok(records) => {
                if let Some(stored) = self.shares.get_mut(&doc).and_then(|s| s.doc.as_mut()) {
                    stored.absorb(records);
                }
            }
            Err(err) => warn(&err.to_string()),
        }
    }

    /// Store changes that arrived from the relay as a record of the local
    /// document, and tell every tab.
    async fn deliver(&mut self, doc: [u8; 16], changes: Vec<u8>) -> Result<(), StoreError> {
        self.load(doc).await?;
        let Some(share) = self.shares.get_mut(&doc) else { return Ok(()) };
        let record = StoredChunk::new(share.local, ChunkKind::Increment, changes);
        self.store.write_records(std::slice::from_ref(&record)).await?;
        let stored = share.doc.get_or_insert_with(|| {
            StoredDocument::create(share.local, AutoCommit::new(), ActorId::from(random_bytes::<16>().to_vec()))
        });
        let before = stored.doc_mut().get_heads();
        stored.absorb(vec![record]);
        share.record.relay_heads.absorb_delivered(stored.doc_mut(), &before);
        let summary = summary_of(share.record.kind, share.local, stored.doc());
        self.keyring_dirty |= Some(doc) == self.keyring;
        let (record, local) = (share.record.clone(), share.local);
        self.store.put_share(&record).await?;
        if let Some(summary) = summary {
            self.store.put_summary(&summary).await?;
        }
        announce_saved(local);
        Ok(())
    }

    /// Seal and push the document's changes the relay does not have yet.
    async fn push_unsent(&mut self, doc: [u8; 16]) {
        if let Err(err) = self.load(doc).await {
            warn(&err.to_string());
            return;
        }
        let Some(share) = self.shares.get_mut(&doc) else { return };
        let Some(stored) = share.doc.as_mut() else { return };
        let unsent = share.record.relay_heads.unsent_in_pieces(stored.doc_mut(), MAX_PUSH_BYTES);
        if unsent.stuck {
            warn("one change is too large for the relay; it stays on this device");
        }
        let mut effects = Vec::new();
        for piece in &unsent.pieces {
            effects.extend(self.client.push(&share.keys, random_bytes(), &piece.changes));
            share.record.relay_heads.sent(piece);
        }
        self.carry_out(effects).await;
    }

    /// Tell the open document's other members that this page is here.
    async fn announce(&mut self) {
        let Some(local) = self.viewing else { return };
        let Some(share) = self.by_local.get(&local).and_then(|doc| self.shares.get(doc)) else { return };
        let payload = Announcement { device: self.device.clone(), name: None }.encode();
        let effects = self.client.signal(&share.keys, random_bytes(), &payload);
        self.carry_out(effects).await;
    }
}

impl Engine {
    /// The keyring's invite: the link that makes another device follow
    /// everything this one keeps in sync. Made on first use.
    async fn link_device(&mut self) -> Result<Invite, StoreError> {
        if let Some(invite) = self.keyring.and_then(|doc| self.shares.get(&doc)).and_then(|s| s.record.invite()) {
            return Ok(invite);
        }
        let open = OpenDocument::create(&self.store, &Keyring::default()).await?;
        let invite = Invite { kind: DocumentKind::Keyring, keys: DocumentKeys::from_random(random_bytes(), random_bytes()) };
        let record = ShareRecord::new(open.id(), &invite);
        self.store.put_share(&record).await?;
        let effects = self.add(record);
        self.carry_out(effects).await;
        self.reconcile_keyring().await;
        Ok(invite)
    }

    /// Bring the keyring and this device's documents into agreement: follow
    /// every document it lists, and list every shared or personal document
    /// this device has (sharing personal ones, with new keys, first).
    async fn reconcile_keyring(&mut self) {
        let Some(keyring_doc) = self.keyring else { return };
        let Some(keyring_local) = self.shares.get(&keyring_doc).map(|s| s.local) else { return };
        let Ok((open, keyring, _)) = OpenDocument::open::<Keyring>(&self.store, keyring_local).await else {
            return; // not arrived yet: reconciled once it does
        };
        // 1. Follow what the other devices listed.
        for invite in keyring.invites() {
            let doc = *invite.keys.id().as_bytes();
            if self.shares.contains_key(&doc) {
                continue;
            }
            let record = ShareRecord::new(invite.keys.id(), &invite);
            if let Err(err) = self.store.put_share(&record).await {
                warn(&err.to_string());
                continue;
            }
            let effects = self.add(record);
            self.carry_out(effects).await;
        }
        // 2. Share personal documents nobody shares yet.
        let documents = self.store.list(None).await.unwrap_or_default();
        for summary in documents {
            let Ok(local) = summary.id.parse::<DocumentId>() else { continue };
            if !is_personal(summary.kind) || self.by_local.contains_key(&local) {
                continue;
            }
            let invite = Invite { kind: summary.kind, keys: DocumentKeys::from_random(random_bytes(), random_bytes()) };
            let record = ShareRecord::new(local, &invite);
            if let Err(err) = self.store.put_share(&record).await {
                warn(&err.to_string());
                continue;
            }
            let doc = *invite.keys.id().as_bytes();
            let effects = self.add(record);
            self.carry_out(effects).await;
            self.push_unsent(doc).await;
        }
        // 3. List everything this device follows.
        let missing: Vec<Invite> = self
            .shares
            .iter()
            .filter(|(doc, _)| Some(**doc) != self.keyring)
            .filter_map(|(_, share)| share.record.invite())
            .filter(|invite| !keyring.documents.contains_key(&invite.keys.id().to_string()))
            .collect();
        if missing.is_empty() {
            return;
        }
        match open.change(|keyring: &mut Keyring| missing.iter().for_each(|invite| {
            keyring.add(invite);
        })).await {
            Ok(_) => {
                announce_saved(keyring_local);
                self.refresh(keyring_doc).await;
                self.push_unsent(keyring_doc).await;
            }
            Err(err) => warn(&err.to_string()),
        }
        self.keyring_dirty = false;
    }
}

impl Engine {
    /// Stop syncing a document here; returns its share record.
    async fn leave(&mut self, local: DocumentId) -> Result<ShareRecord, StoreError> {
        let Some(doc) = self.by_local.get(&local).copied() else {
            return Err(StoreError::Document("this document is not shared".into()));
        };
        self.store.delete_share(&local.to_string()).await?;
        let share = self.shares.remove(&doc).expect("indexed shares exist");
        self.by_local.remove(&local);
        self.handle.shared.update(|shared| {
            shared.remove(&share.record.local_id);
        });
        self.handle.owned.update(|owned| {
            owned.remove(&share.record.local_id);
        });
        let effects = self.client.unfollow(&doc);
        self.carry_out(effects).await;
        self.forget_in_keyring(&share.keys.id()).await;
        Ok(share.record)
    }

    /// Share the document again under fresh keys, and stop using the old ones.
    async fn replace_keys(&mut self, local: DocumentId) -> Result<Invite, StoreError> {
        let old = self.leave(local).await?;
        let invite = Invite { kind: old.kind, keys: DocumentKeys::from_random(random_bytes(), random_bytes()) };
        let record = ShareRecord { owner: true, ..ShareRecord::new(local, &invite) };
        self.store.put_share(&record).await?;
        let doc = *invite.keys.id().as_bytes();
        let effects = self.add(record);
        self.carry_out(effects).await;
        // Everything goes again, sealed with the new keys.
        self.push_unsent(doc).await;
        Ok(invite)
    }

    /// Take a document off the keyring, so linked devices stop being told of it.
    async fn forget_in_keyring(&mut self, id: &DocumentId) {
        let Some(keyring_local) = self.keyring.and_then(|doc| self.shares.get(&doc)).map(|s| s.local) else { return };
        let Ok((open, keyring, _)) = OpenDocument::open::<Keyring>(&self.store, keyring_local).await else { return };
        if !keyring.documents.contains_key(&id.to_string()) {
            return;
        }
        if open.change(|keyring: &mut Keyring| {
            keyring.remove(id);
        }).await.is_ok() {
            announce_saved(keyring_local);
        }
    }
}
