//! The sync event loop: one task owns the state machine, the socket and the
//! cached shared documents, and handles events strictly one after another.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use automerge::{ActorId, AutoCommit};
use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::sync::client::{ClientEffect, SyncClient};
use confidant_shared::sync::device_link::{Joining, LinkOffer, Offering};
use confidant_shared::sync::inbox::{InboxAddress, InboxKeys};
use confidant_shared::sync::presence::{Presence, ANNOUNCE_EVERY_MS};
use confidant_shared::sync::relay_limits::MAX_PUSH_BYTES;
use confidant_shared::sync::signal::Signal;
use confidant_shared::sync::wire::encode;
use confidant_shared::sync::{DocumentKeys, Invite, MemberInfo, Role, SyncId};
use confidant_shared::storage::{ChunkKind, StoredChunk, StoredDocument};
use confidant_shared::SyncStatus;
use futures::channel::mpsc::{unbounded, UnboundedReceiver};
use futures::channel::oneshot;
use futures::StreamExt;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::relay_socket::{relay_origin, relay_url, RelaySocket};
use super::{DevicesView, ShareView, SyncEngine};
use crate::store::load_guard;
use crate::store::{announce_saved, app_store, random_bytes, summary_of, DeviceRecord, SavedElsewhere, ShareRecord, Store, StoreError};

type Reply<T> = oneshot::Sender<Result<T, String>>;

pub(super) enum Event {
    Opened(u32),
    Frame(u32, Vec<u8>),
    Closed(u32),
    Reconnect,
    Retry,
    /// A document was saved in some tab of this device.
    Saved(DocumentId),
    Viewing(Option<DocumentId>),
    Tick,
    Share(DocumentId, DocumentKind, Reply<()>),
    Invite(DocumentId, Role, Reply<Invite>),
    Accept(Invite, Reply<DocumentId>),
    /// Share records from an export file: follow those not followed yet.
    Restore(Vec<ShareRecord>, Option<ShareRecord>, Reply<(usize, bool)>),
    Leave(DocumentId, Reply<()>),
    RemoveMember(DocumentId, String, Reply<Vec<Invite>>),
    TakeBack(DocumentId, Reply<()>),
    OfferLink(Reply<String>),
    JoinLink(LinkOffer, Reply<()>),
    ConfirmLink(bool, Reply<()>),
    Unlink(InboxAddress, Reply<()>),
    /// "I'd like to keep in touch" with the participant at an address, in a
    /// workshop (its sync id's text): posted at the relay's rendezvous.
    Wish(InboxAddress, String, Reply<[u8; 32]>),
    /// A workshop join (or leave) request, sealed to the facilitator's inbox.
    SendJoin(InboxAddress, confidant_shared::workshop::roster::JoinRequest, Reply<()>),
    SendIntake(InboxAddress, String, confidant_shared::program::IntakeForm, Reply<()>),
    /// A letter signed by this device (introductions, a match's invitation).
    SendNotice(InboxAddress, confidant_shared::sync::notice::Notice, Reply<()>),
    SendMatchWord(String, String, confidant_shared::program::introduction::MatchWord, Reply<()>),
    /// Wrap-up answers for a workshop (its sync id's text), in an anonymous
    /// letter to the facilitator's inbox.
    ShareWrapUp(InboxAddress, String, Vec<String>, Reply<()>),
    /// Answers to a program's survey (the page's sync id), named (a signed
    /// letter) or not (an anonymous one).
    /// A reimbursement request to a program's coordinator (the page's sync id).
    SendClaim(InboxAddress, String, confidant_shared::program::budget::ClaimRequest, Reply<()>),
    AnswerSurvey(InboxAddress, String, confidant_shared::program::survey::SurveyAnswers, bool, Reply<()>),
    /// A partnership invite for someone both wished to keep in touch with.
    SendInvitation(InboxAddress, String, Invite, Reply<()>),
    /// A workshop's one join invite for the room (made on first need).
    RoomInvite(DocumentId, Reply<Invite>),
    /// The person answered an invitation (accepted or declined it).
    DropInvitation(String),
}

pub(super) struct Share {
    pub record: ShareRecord,
    pub keys: DocumentKeys,
    pub local: DocumentId,
    /// What storage holds, loaded on first need.
    pub doc: Option<StoredDocument>,
}

pub(super) struct Engine {
    pub store: Store,
    pub client: SyncClient,
    pub shares: HashMap<SyncId, Share>,
    pub by_local: HashMap<DocumentId, SyncId>,
    socket: Option<RelaySocket>,
    generation: u32,
    viewing: Option<DocumentId>,
    /// Random per page, so one person in two tabs counts once per tab.
    page: [u8; 8],
    pub handle: SyncEngine,
    pub device: DeviceRecord,
    pub inbox: InboxKeys,
    /// The keyring's sync id, once this device is linked to another.
    pub keyring: Option<SyncId>,
    /// The keyring changed, or documents appeared that it should list.
    pub keyring_dirty: bool,
    pub offering: Option<Offering>,
    pub joining: Option<Joining>,
    /// Documents a member said hold changes this device lacks, since when.
    pub missing_since: HashMap<SyncId, i64>,
    /// When this device last announced each document's heads.
    pub heads_sent: HashMap<SyncId, i64>,
    /// When this device last pushed a document's changes again for a member.
    pub repushed: HashMap<SyncId, i64>,
    /// Who wrote the last change that arrived, per document.
    last_author: HashMap<SyncId, [u8; 32]>,
    /// The relay's last refusal per document, until a change is taken.
    problems: HashMap<SyncId, confidant_shared::sync::wire::ErrorCode>,
    retry_scheduled: bool,
}

pub(super) fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

pub(super) fn warn(message: &str) {
    web_sys::console::warn_1(&format!("sync: {message}").into());
}

/// Something a user should read: one sentence, never a raw store error.
pub(super) fn said(err: StoreError) -> String {
    err.for_user()
}

pub(super) fn start() -> SyncEngine {
    let (events, receiver) = unbounded();
    let handle = SyncEngine {
        events,
        status: ArcRwSignal::new(SyncStatus::Offline),
        presence: ArcRwSignal::new(Presence::default()),
        shared: ArcRwSignal::new(BTreeMap::new()),
        devices: ArcRwSignal::new(DevicesView::default()),
        clock: ArcRwSignal::new(now_ms()),
        relay_offset: ArcRwSignal::new(None),
        met: ArcRwSignal::new(BTreeSet::new()),
        wishes: ArcRwSignal::new(BTreeMap::new()),
        invitations: ArcRwSignal::new(Vec::new()),
        wrap_up: ArcRwSignal::new(BTreeMap::new()),
        program_letters: ArcRwSignal::new(Default::default()),
    };
    let engine = handle.clone();
    spawn_local(async move {
        // The release build fetches the engine's code as a module of its
        // own while the first page draws; a failed fetch (the connection
        // dropped during a first visit) is tried again until it arrives.
        // Until then the status reads offline, and what is saved waits in
        // the store.
        while fetch_sync_engine().await.is_err() {
            warn("the sync engine's module did not arrive; trying again in 5 s");
            let (done, later) = oneshot::channel::<()>();
            set_timeout(move || drop(done), Duration::from_secs(5));
            let _ = later.await;
        }
        match sync_engine_task(engine, receiver).await {
            Ok(task) => task.await,
            Err(EngineModuleMissing) => warn("the sync engine's module is missing"),
        }
    });
    handle
}

/// The sync engine's module did not arrive.
pub(super) struct EngineModuleMissing;

#[cfg(confidant_split)]
impl From<leptos::wasm_split::SplitLoaderError> for EngineModuleMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        EngineModuleMissing
    }
}

type EngineTask = std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;

/// The engine's whole life: its state from the store, then the event loop.
/// A split point of the release build (see `app/src/page_modules.rs`): the
/// sync protocol, its cryptography and the relay socket are not part of the
/// first download.
#[cfg(confidant_split)]
#[leptos::wasm_split::wasm_split(sync_engine, wasm_split_path = ::leptos::wasm_split, fallible, preload(fetch_sync_engine))]
fn sync_engine_task(engine: SyncEngine, events: UnboundedReceiver<Event>) -> Result<EngineTask, EngineModuleMissing> {
    Ok(Box::pin(prepare_and_run(engine, events)))
}

#[cfg(not(confidant_split))]
async fn sync_engine_task(engine: SyncEngine, events: UnboundedReceiver<Event>) -> Result<EngineTask, EngineModuleMissing> {
    Ok(Box::pin(prepare_and_run(engine, events)))
}

#[cfg(not(confidant_split))]
async fn fetch_sync_engine() -> Result<(), EngineModuleMissing> {
    Ok(())
}

async fn prepare_and_run(engine: SyncEngine, events: UnboundedReceiver<Event>) {
    match prepare(engine).await {
        Ok(engine) => run(engine, events).await,
        Err(err) => warn(&err.to_string()),
    }
}

async fn prepare(handle: SyncEngine) -> Result<Engine, StoreError> {
    let store = app_store().await?;
    let shares = store.shares().await?;
    let outbox = store.outbox().await.unwrap_or_default();
    let device = store.device().await?;
    let inbox = device.keys().ok_or(StoreError::Document("this device's identity could not be read".into()))?;
    let in_outbox: BTreeSet<u64> = outbox.iter().map(|(r, _)| *r).collect();
    let origin = relay_origin().unwrap_or_default();
    let mut engine = Engine {
        client: SyncClient::new(&origin, outbox),
        store,
        shares: HashMap::new(),
        by_local: HashMap::new(),
        socket: None,
        generation: 0,
        viewing: None,
        page: random_bytes()?,
        handle,
        inbox: inbox.clone(),
        device,
        keyring: None,
        keyring_dirty: false,
        offering: None,
        joining: None,
        missing_since: HashMap::new(),
        heads_sent: HashMap::new(),
        repushed: HashMap::new(),
        last_author: HashMap::new(),
        problems: HashMap::new(),
        retry_scheduled: false,
    };
    let effects = engine.client.follow_inbox(inbox, engine.device.inbox_seq);
    drop(effects); // offline: nothing to send yet
    for mut record in shares {
        // Pieces whose outbox entries are gone count as unsent again.
        record.relay_heads.keep_in_flight(&in_outbox);
        engine.add(record);
    }
    engine.publish_devices();
    engine.wish_again().await;
    engine.program_letters_again().await;
    Ok(engine)
}

async fn run(mut engine: Engine, mut events: UnboundedReceiver<Event>) {
    let handle = engine.handle.clone();
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
    let _tick = set_interval_with_handle(
        move || {
            clock.set(now_ms());
            let _ = sender.unbounded_send(Event::Tick);
        },
        Duration::from_millis(ANNOUNCE_EVERY_MS as u64 / 2),
    );
    // Changes made while no tab was syncing (closed before they were sent).
    let docs: Vec<SyncId> = engine.shares.keys().copied().collect();
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
    /// Follow a share record (on start, or newly made); returns what to send.
    pub fn add(&mut self, record: ShareRecord) -> Vec<ClientEffect> {
        let (Some(invite), Some(local)) = (record.invite(), record.local()) else {
            warn("a share record could not be read; skipped");
            return Vec::new();
        };
        let doc = invite.keys.id();
        let effects = if record.retired || record.set_aside {
            Vec::new()
        } else {
            self.client.follow(invite.keys.clone(), invite.member.clone(), record.last_seq)
        };
        if record.kind == DocumentKind::Keyring && !record.retired {
            self.keyring = Some(doc);
        }
        self.keyring_dirty |= self.keyring.is_some();
        self.by_local.insert(local, doc);
        self.shares.insert(doc, Share { record, keys: invite.keys, local, doc: None });
        self.publish(doc);
        effects
    }

    /// Show pages what this device shares of a document.
    pub fn publish(&self, doc: SyncId) {
        let Some(share) = self.shares.get(&doc) else { return };
        let Some(invite) = share.record.invite() else { return };
        let view = ShareView {
            kind: share.record.kind,
            sync_id: doc,
            role: invite.keys.role(),
            invite,
            members: share.record.members.values().cloned().collect(),
            retired: share.record.retired,
            last_change_by: self.last_author.get(&doc).map(|author| self.author_name(share, author)),
            problem: self.problems.get(&doc).map(|code| code.explain().to_string()),
            moved_from: share.record.moved_from.iter().filter_map(|id| id.parse().ok()).collect(),
            set_aside: share.record.set_aside,
        };
        let local = share.local;
        self.handle.shared.update(|shared| {
            shared.insert(local, view);
        });
    }

    /// Forget a share on this device (its record stays unless deleted by the caller).
    pub fn forget(&mut self, doc: SyncId) -> Option<Share> {
        let share = self.shares.remove(&doc)?;
        self.by_local.remove(&share.local);
        let local = share.local;
        self.handle.shared.update(|shared| {
            shared.remove(&local);
        });
        if self.keyring == Some(doc) {
            self.keyring = None;
        }
        Some(share)
    }

    pub fn publish_devices(&self) {
        let me = self.inbox.address();
        let unlinked = self.device.unlinked;
        let pairing = super::devices::pairing_view(self.offering.as_ref(), self.joining.as_ref(), &self.handle.devices.get_untracked());
        self.handle.devices.update(|view| {
            view.me = Some(me);
            view.unlinked = unlinked;
            view.pairing = pairing;
        });
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
                let offset = self.client.relay_offset_ms();
                if self.handle.relay_offset.get_untracked() != offset {
                    self.handle.relay_offset.set(offset);
                }
                self.carry_out(effects).await;
            }
            Event::Closed(generation) if generation == self.generation => {
                self.socket = None;
                let effects = self.client.handle_disconnected(js_sys::Math::random());
                self.carry_out(effects).await;
            }
            Event::Opened(_) | Event::Frame(..) | Event::Closed(_) => {} // an old socket's last words
            Event::Reconnect => self.connect(),
            Event::Retry => {
                self.retry_scheduled = false;
                let effects = self.client.handle_retry();
                self.carry_out(effects).await;
            }
            Event::Saved(local) => {
                if let Some(doc) = self.by_local.get(&local).copied() {
                    self.refresh(doc).await;
                    self.push_unsent(doc).await;
                    self.keyring_dirty |= Some(doc) == self.keyring;
                    if self.shares.get(&doc).is_some_and(|s| s.record.kind == DocumentKind::Partnership) {
                        self.check_in_if_changed(local).await;
                    }
                    if self.shares.get(&doc).is_some_and(|s| s.record.kind == DocumentKind::Group) {
                        self.group_counts_if_changed(local).await;
                    }
                } else {
                    // A new document: a linked device should get it too.
                    self.keyring_dirty |= self.keyring.is_some();
                }
            }
            Event::Viewing(local) => {
                self.viewing = local;
                self.announce().await;
                if let Some(doc) = local.and_then(|l| self.by_local.get(&l).copied()) {
                    self.send_heads(doc, true).await;
                }
            }
            Event::Tick => {
                self.announce().await;
                self.check_withheld();
                self.introduce_all().await;
            }
            Event::Share(local, kind, reply) => {
                let _ = reply.send(self.share(local, kind).await);
            }
            Event::Invite(local, role, reply) => {
                let _ = reply.send(self.invite(local, role));
            }
            Event::Accept(invite, reply) => {
                let accepted = invite.keys.id();
                let answer = self.accept(invite).await;
                if answer.is_ok() {
                    // An invitation after a workshop is answered once taken.
                    self.drop_invitation(|kept| Invite::parse_record(&kept.invite).is_ok_and(|i| i.keys.id() == accepted)).await;
                }
                let _ = reply.send(answer);
            }
            Event::Wish(partner, workshop, reply) => {
                let _ = reply.send(self.wish(&partner, &workshop).await);
            }
            Event::SendJoin(to, request, reply) => {
                let body = confidant_shared::sync::notice::Notice::WorkshopJoin(request).encode();
                let _ = reply.send(self.send_letter(&to, &body).await);
            }
            Event::SendMatchWord(program, match_id, word, reply) => {
                let _ = reply.send(self.send_match_word(program, match_id, word).await);
            }
            Event::SendNotice(to, notice, reply) => {
                let body = notice.encode();
                let sent = if body.len() > confidant_shared::sync::notice::MAX_NOTICE_BYTES {
                    Err("This letter is too long to send; shorten what the program says (its expectations, a note) and try again.".to_string())
                } else {
                    self.send_letter(&to, &body).await
                };
                let _ = reply.send(sent);
            }
            Event::SendIntake(to, page, form, reply) => {
                let _ = reply.send(self.send_intake(&to, page, form).await);
            }
            Event::SendClaim(to, page, request, reply) => {
                let _ = reply.send(self.send_claim(&to, page, request).await);
            }
            Event::AnswerSurvey(to, page, answers, named, reply) => {
                let _ = reply.send(self.answer_survey(&to, page, answers, named).await);
            }
            Event::ShareWrapUp(to, workshop, answers, reply) => {
                let _ = reply.send(self.share_wrap_up(&to, workshop, answers).await);
            }
            Event::SendInvitation(to, workshop, invite, reply) => {
                let _ = reply.send(self.send_invitation(&to, workshop, &invite).await);
            }
            Event::RoomInvite(local, reply) => {
                let _ = reply.send(self.room_invite(local).await);
            }
            Event::DropInvitation(invite) => self.drop_invitation(|kept| kept.invite == invite).await,
            Event::Restore(records, keyring, reply) => {
                let _ = reply.send(self.restore(records, keyring).await);
            }
            Event::Leave(local, reply) => {
                let _ = reply.send(self.leave(local).await.map(|_| ()));
            }
            Event::RemoveMember(local, member, reply) => {
                let _ = reply.send(self.remove_member(local, &member).await);
            }
            Event::TakeBack(local, reply) => {
                let _ = reply.send(self.take_back(local).await);
            }
            Event::OfferLink(reply) => {
                let _ = reply.send(self.offer_link().await);
            }
            Event::JoinLink(offer, reply) => {
                let _ = reply.send(self.join_link(offer).await);
            }
            Event::ConfirmLink(matches, reply) => {
                let _ = reply.send(self.confirm_link(matches).await);
            }
            Event::Unlink(device, reply) => {
                let _ = reply.send(self.unlink(device).await);
            }
        }
    }

    pub async fn carry_out(&mut self, effects: Vec<ClientEffect>) {
        for effect in effects {
            match effect {
                ClientEffect::Send(message) => {
                    if let Some(socket) = &self.socket {
                        socket.send(&encode(&message));
                    }
                }
                ClientEffect::Deliver { doc, changes, author } => {
                    self.note_author(doc, &author);
                    if let Err(err) = self.deliver(doc, changes).await {
                        // Not stored: read this document again from the last
                        // stored position, on a fresh connection.
                        warn(&err.to_string());
                        if let Some((invite, last_seq)) = self.shares.get(&doc).and_then(|s| Some((s.record.invite()?, s.record.last_seq))) {
                            self.client.track(invite.keys, invite.member, last_seq);
                        }
                        self.socket = None;
                        let effects = self.client.handle_disconnected(js_sys::Math::random());
                        Box::pin(self.carry_out(effects)).await;
                        return;
                    }
                }
                ClientEffect::PersistPending { client_ref, item } => {
                    let id = match &item {
                        confidant_shared::sync::client::Outgoing::Push(chunk) => Some(chunk.document()),
                        confidant_shared::sync::client::Outgoing::Post(_) => None,
                    };
                    let record = id.and_then(|id| self.shares.get(&id)).map(|share| share.record.clone());
                    if let Err(err) = self.store.put_outbox(client_ref, &item, record.as_ref()).await {
                        warn(&err.to_string()); // the change is still in the document; pushed again later
                    }
                }
                ClientEffect::Acknowledged { client_ref, id, seq } => {
                    if let Err(err) = self.store.forget_outbox(client_ref).await {
                        warn(&err.to_string());
                    }
                    if self.problems.remove(&id).is_some() {
                        self.publish(id);
                    }
                    if self.acknowledged(id, client_ref, seq).await {
                        Box::pin(self.send_heads(id, false)).await;
                    }
                }
                ClientEffect::Dropped { client_ref } => {
                    if let Err(err) = self.store.forget_outbox(client_ref).await {
                        warn(&err.to_string());
                    }
                    for share in self.shares.values_mut() {
                        share.record.relay_heads.dropped(client_ref);
                    }
                }
                ClientEffect::PersistCursor { id, seq } => {
                    if id == self.inbox.id() {
                        self.device.inbox_seq = seq;
                        if let Err(err) = self.store.put_device(&self.device).await {
                            warn(&err.to_string());
                        }
                        // Handled or set aside: the relay need not keep it
                        // (junk must not fill the inbox for a month).
                        let effects = self.client.delete_letters(&id, seq);
                        Box::pin(self.carry_out(effects)).await;
                    } else if let Some(share) = self.shares.get_mut(&id) {
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
                ClientEffect::RetryAfter { ms } => {
                    if !self.retry_scheduled {
                        self.retry_scheduled = true;
                        let events = self.handle.events.clone();
                        set_timeout(
                            move || {
                                let _ = events.unbounded_send(Event::Retry);
                            },
                            Duration::from_millis(ms),
                        );
                    }
                }
                ClientEffect::Signal { doc, author, signal } => Box::pin(self.signal_heard(doc, author, signal)).await,
                ClientEffect::MemberIntroduced { doc, author, info } => self.member_introduced(doc, author, info).await,
                ClientEffect::Retired { doc, notice } => Box::pin(self.retired(doc, notice)).await,
                ClientEffect::Letter { letter, .. } => Box::pin(self.letter(letter)).await,
                ClientEffect::CaughtUp { doc, .. } => {
                    if self.viewing.and_then(|l| self.by_local.get(&l)) == Some(&doc) {
                        Box::pin(self.send_heads(doc, true)).await;
                    }
                }
                // A wish this device posted was returned.
                ClientEffect::Met { token } => self.met(token).await,
                ClientEffect::Withheld { doc } => warn(&format!("the relay keeps leaving out part of {doc}")),
                ClientEffect::Ignored { id, reason } => warn(&format!("set aside something for {id}: {reason}")),
                ClientEffect::Refused { code, message, id } => {
                    warn(&format!("the relay refused: {code:?}: {message}"));
                    if let Some(doc) = id.filter(|doc| self.shares.contains_key(doc)) {
                        self.problems.insert(doc, code);
                        self.publish(doc);
                    }
                }
            }
        }
    }

    /// Remember who wrote the change that just arrived, for the page.
    fn note_author(&mut self, doc: SyncId, author: &confidant_shared::sync::MemberCert) {
        if self.last_author.insert(doc, author.member) != Some(author.member) {
            self.publish(doc);
        }
    }

    /// A member's name as they introduced themselves (they may do so after
    /// their first change arrives: the page updates then).
    fn author_name(&self, share: &Share, author: &[u8; 32]) -> String {
        if share.record.invite().is_some_and(|i| i.member.cert().member == *author) {
            return "you, on another device".into();
        }
        share.record.members.get(&hex::encode(author)).and_then(|m| m.info.name.clone()).unwrap_or_else(|| "a member".into())
    }

    /// Record an acknowledgement; returns whether it was one of a document's pieces.
    async fn acknowledged(&mut self, id: SyncId, client_ref: u64, seq: u64) -> bool {
        if self.load(id).await.is_err() {
            return false;
        }
        let Some(share) = self.shares.get_mut(&id) else { return false };
        let Some(stored) = share.doc.as_mut() else { return false };
        if !share.record.relay_heads.in_flight().any(|r| r == client_ref) {
            return false;
        }
        share.record.relay_heads.acknowledged(client_ref, stored.doc_mut());
        share.record.acked_through = share.record.acked_through.max(seq);
        if let Err(err) = self.store.put_share(&share.record).await {
            warn(&err.to_string());
        }
        true
    }

    /// Make sure the share's document is loaded from storage.
    pub async fn load(&mut self, doc: SyncId) -> Result<(), StoreError> {
        let Some(share) = self.shares.get_mut(&doc) else { return Ok(()) };
        if share.doc.is_none() {
            let records = self.store.read_records(share.local).await?;
            let actor = ActorId::from(random_bytes::<16>()?.to_vec());
            let local = share.local;
            let loaded = load_guard::guarded(local, || StoredDocument::load(local, records, actor));
            share.doc = Some(loaded.document);
        }
        Ok(())
    }

    /// Take in what was saved to storage since the document was loaded.
    async fn refresh(&mut self, doc: SyncId) {
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
                    load_guard::guarded(local, || stored.absorb(records));
                }
            }
            Err(err) => warn(&err.to_string()),
        }
    }

    /// Store changes that arrived from the relay as a record of the local
    /// document, and tell every tab.
    pub async fn deliver(&mut self, doc: SyncId, changes: Vec<u8>) -> Result<(), StoreError> {
        self.load(doc).await?;
        let actor = ActorId::from(random_bytes::<16>()?.to_vec());
        let Some(share) = self.shares.get_mut(&doc) else { return Ok(()) };
        let record = StoredChunk::new(share.local, ChunkKind::Increment, changes);
        self.store.write_records(std::slice::from_ref(&record)).await?;
        let stored = share.doc.get_or_insert_with(|| StoredDocument::create(share.local, AutoCommit::new(), actor));
        let before = stored.doc_mut().get_heads();
        let local = share.local;
        load_guard::guarded(local, || stored.absorb(vec![record]));
        share.record.relay_heads.absorb_delivered(stored.doc_mut(), &before);
        // What tabs saved since this copy was loaded belongs in the list's
        // line too: take it in before writing the line, never a stale one.
        let saved_here = self.store.read_records(local).await?;
        load_guard::guarded(local, || stored.absorb(saved_here));
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
    pub async fn push_unsent(&mut self, doc: SyncId) {
        if let Err(err) = self.load(doc).await {
            warn(&err.to_string());
            return;
        }
        let Some(share) = self.shares.get_mut(&doc) else { return };
        if share.record.retired || share.keys.role() == Role::Reader {
            return;
        }
        let Some(stored) = share.doc.as_mut() else { return };
        let unsent = share.record.relay_heads.unsent_in_pieces(stored.doc_mut(), MAX_PUSH_BYTES);
        if unsent.stuck {
            warn("one change is too large for the relay; it stays on this device");
        }
        let mut effects = Vec::new();
        for piece in &unsent.pieces {
            let Ok(nonce) = random_bytes() else {
                warn("no randomness: the change stays on this device");
                break;
            };
            match self.client.push(&doc, nonce, &piece.changes) {
                Ok(pushed) => {
                    if let Some(client_ref) = pushed.iter().find_map(|e| match e {
                        ClientEffect::PersistPending { client_ref, .. } => Some(*client_ref),
                        _ => None,
                    }) {
                        share.record.relay_heads.sent(client_ref, piece);
                    }
                    effects.extend(pushed);
                }
                Err(err) => {
                    warn(&err.to_string());
                    break;
                }
            }
        }
        self.carry_out(effects).await;
    }

    /// The user's name as their profile has it, for introductions and presence.
    pub async fn my_name(&self) -> Option<String> {
        let profiles = self.store.list(Some(DocumentKind::Profile)).await.ok()?;
        profiles.into_iter().map(|p| p.title).find(|t| !t.trim().is_empty())
    }

    /// Tell the open document's other members that this page is here.
    pub(super) async fn announce(&mut self) {
        let Some(local) = self.viewing else { return };
        let Some(doc) = self.by_local.get(&local).copied() else { return };
        let name = self.my_name().await;
        let signal = Signal::Presence { page: self.page, name, sent_at_ms: self.client.relay_now(now_ms()) };
        let Ok(nonce) = random_bytes() else { return };
        let effects = self.client.signal(&doc, nonce, &signal);
        self.carry_out(effects).await;
    }

    /// Introduce this device to the members of every document it follows
    /// and has not yet introduced itself to (once connected).
    async fn introduce_all(&mut self) {
        if self.client.relay_offset_ms().is_none() {
            return;
        }
        let waiting: Vec<SyncId> = self
            .shares
            .iter()
            // Profiles and journal entries only ever reach the person's own
            // devices, which move through the keyring: nobody to introduce to.
            .filter(|(_, s)| !matches!(s.record.kind, DocumentKind::Profile | DocumentKind::Journal | DocumentKind::Keyring))
            .filter(|(doc, s)| !s.record.introduced && !s.record.retired && self.client.is_caught_up(doc))
            .map(|(doc, _)| *doc)
            .take(20)
            .collect();
        if waiting.is_empty() {
            return;
        }
        let info = MemberInfo { name: self.my_name().await, inboxes: vec![self.inbox.address()] };
        for doc in waiting {
            let Ok(nonce) = random_bytes() else { return };
            match self.client.introduce(&doc, nonce, &info) {
                Ok(effects) => {
                    if let Some(share) = self.shares.get_mut(&doc) {
                        share.record.introduced = true;
                    }
                    self.carry_out(effects).await;
                }
                Err(err) => warn(&err.to_string()),
            }
        }
    }
}
