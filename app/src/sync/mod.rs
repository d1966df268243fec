//! Sync in the browser: the adapter that carries out the shared
//! [`SyncClient`](confidant_shared::sync::client::SyncClient) state machine
//! over a WebSocket and IndexedDB.
//!
//! - [`SyncEngine`]: the handle pages use (share a document, invite someone,
//!   accept an invite, remove a member, link or unlink a device, say which
//!   document is open, read status and presence). It is provided as a Leptos
//!   context by the app.
//! - `engine`: the event loop. Every event (socket opened, frame, closed,
//!   a document saved in any tab, a request from a page) is handled one at a
//!   time, so storage writes happen in the order the state machine asked.
//! - `sharing`: sharing, invites, members, replacing keys, moving when the
//!   owner replaced them.
//! - `devices`: the keyring, pairing a new device, unlinking one.
//! - `repair`: comparing heads with other members, pushing again what the
//!   relay left out.
//! - `relay_socket`: the WebSocket itself.
//!
//! Delivered changes are written to IndexedDB as records of the document and
//! announced like any other save, so open pages (in every tab) show them live.

mod devices;
mod engine;
mod relay_socket;
mod repair;
mod sharing;
mod program;
mod workshop;

use std::collections::BTreeMap;

use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::keyring::LinkedDevice;
use confidant_shared::sync::device_link::LinkOffer;
use confidant_shared::sync::inbox::InboxAddress;
use confidant_shared::sync::presence::Presence;
use confidant_shared::sync::{Invite, Role, SyncId};
use confidant_shared::SyncStatus;
use futures::channel::mpsc::UnboundedSender;
use futures::channel::oneshot;
use leptos::prelude::*;

use crate::store::MemberRecord;
use engine::Event;

/// What a page may know of one shared document on this device.
#[derive(Debug, Clone)]
pub struct ShareView {
    pub kind: DocumentKind,
    pub sync_id: SyncId,
    pub role: Role,
    /// This device's own invite (its keys): never shown as a link.
    pub invite: Invite,
    pub members: Vec<MemberRecord>,
    /// The owner closed it: nothing more is sent or received.
    pub retired: bool,
    /// Who wrote the last change that arrived from another member (their
    /// name as they introduced themselves).
    pub last_change_by: Option<String>,
    /// The relay refused the last change or subscription: why, for the user.
    pub problem: Option<String>,
    /// Sync ids it had before its keys moved.
    pub moved_from: Vec<SyncId>,
    /// Its bytes made the app stop: set aside, and no longer synced.
    pub set_aside: bool,
}

/// The pairing of a new device, as the Settings page shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Pairing {
    /// This device offers a link; nobody has answered yet.
    Offering { link: String },
    /// A device answered: compare the code, then confirm.
    Confirming { device_name: String, code: String },
    /// This device opened a link: compare the code shown on both.
    Joining { code: String, confirmed: bool },
    /// Done.
    Linked,
    /// The codes differed, or the offer expired.
    Cancelled,
}

/// This device and the person's other devices.
#[derive(Debug, Clone, Default)]
pub struct DevicesView {
    pub me: Option<InboxAddress>,
    pub linked: Vec<(InboxAddress, LinkedDevice)>,
    pub pairing: Option<Pairing>,
    /// This device was removed from the person's devices.
    pub unlinked: bool,
}

/// The app's sync engine: cheap to clone, shared through context.
#[derive(Clone)]
pub struct SyncEngine {
    events: UnboundedSender<Event>,
    status: ArcRwSignal<SyncStatus>,
    presence: ArcRwSignal<Presence>,
    /// Shared documents on this device, by local id.
    shared: ArcRwSignal<BTreeMap<DocumentId, ShareView>>,
    devices: ArcRwSignal<DevicesView>,
    /// Bumped every few seconds so presence expires on screen.
    clock: ArcRwSignal<i64>,
    /// The relay's clock minus this device's, once connected (workshop
    /// deadlines are on the relay's clock).
    relay_offset: ArcRwSignal<Option<i64>>,
    /// Keep-in-touch tokens both sides posted (see `workshop::keep_in_touch`).
    met: ArcRwSignal<std::collections::BTreeSet<[u8; 32]>>,
    /// Wishes this device made, by (partner's address, workshop): their tokens.
    wishes: ArcRwSignal<BTreeMap<(String, String), [u8; 32]>>,
    /// Invitations to a partnership after a workshop (all kept; shown only
    /// when their wish was mutual).
    invitations: ArcRwSignal<Vec<confidant_shared::workshop::keep_in_touch::Invitation>>,
    /// Wrap-up answers received for the workshops this device runs, by the
    /// workshop's sync id (kept sorted by their random ids).
    wrap_up: ArcRwSignal<BTreeMap<String, Vec<confidant_shared::workshop::wrap_up::SharedAnswers>>>,
    /// Introductions to a program's match and the match's invitations.
    program_letters: ArcRwSignal<confidant_shared::program::introduction::ProgramLetters>,
}

/// Ask the engine something and wait for its answer.
async fn ask<T>(events: &UnboundedSender<Event>, make: impl FnOnce(oneshot::Sender<Result<T, String>>) -> Event) -> Result<T, String> {
    let (reply, answer) = oneshot::channel();
    events.unbounded_send(make(reply)).map_err(|_| "Sync is not running in this tab; reload the page.".to_string())?;
    answer.await.map_err(|_| "Sync stopped before it could answer; reload the page.".to_string())?
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

    /// The document as this device shares it, if it does.
    pub fn share_of(&self, local: DocumentId) -> Option<ShareView> {
        self.shared.with(|shared| shared.get(&local).cloned())
    }

    /// This device's own invite for a shared document (its keys), if shared.
    pub fn invite_for(&self, local: DocumentId) -> Option<Invite> {
        self.share_of(local).map(|share| share.invite)
    }

    /// The local document an invite's keys belong to (now, or before its
    /// keys moved), if this device has it.
    pub fn local_for(&self, invite: &Invite) -> Option<DocumentId> {
        let wanted = invite.keys.id();
        self.shared.with(|shared| {
            shared.iter().find(|(_, s)| s.sync_id == wanted || s.moved_from.contains(&wanted)).map(|(local, _)| *local)
        })
    }

    /// Share a local document (this device becomes its owner) and start
    /// syncing it. Nothing happens if it is shared already.
    pub async fn share(&self, local: DocumentId, kind: DocumentKind) -> Result<(), String> {
        ask(&self.events, |reply| Event::Share(local, kind, reply)).await
    }

    /// A new invite for one person, with `role`: only the owner can make one.
    /// Each invite carries its own member key, so the document's members can
    /// tell who wrote what.
    pub async fn invite(&self, local: DocumentId, role: Role) -> Result<Invite, String> {
        ask(&self.events, |reply| Event::Invite(local, role, reply)).await
    }

    /// A workshop's join invite for the whole room: the same link every
    /// time (only the owner can make it).
    pub async fn room_invite(&self, local: DocumentId) -> Result<Invite, String> {
        ask(&self.events, |reply| Event::RoomInvite(local, reply)).await
    }

    /// Accept an invite (already checked for where it is used): the
    /// document is kept under its own id and fills in as its changes arrive.
    pub async fn accept(&self, invite: Invite) -> Result<DocumentId, String> {
        ask(&self.events, |reply| Event::Accept(invite, reply)).await
    }

    /// Follow again the shared documents an imported export carried keys for.
    pub async fn restore(&self, records: Vec<crate::store::ShareRecord>, keyring: Option<crate::store::ShareRecord>) -> Result<(usize, bool), String> {
        ask(&self.events, |reply| Event::Restore(records, keyring, reply)).await
    }

    /// Whether this device owns the document (and so may invite, remove and
    /// replace keys).
    pub fn owns(&self, local: DocumentId) -> bool {
        self.share_of(local).is_some_and(|s| s.role == Role::Owner)
    }

    /// Stop sharing the document on this device: nothing more is sent or
    /// received; the local copy stays.
    pub async fn leave(&self, local: DocumentId) -> Result<(), String> {
        ask(&self.events, |reply| Event::Leave(local, reply)).await
    }

    /// Remove a member (by member key, hex): the document moves to new keys,
    /// the other members' devices follow by themselves, and the removed one
    /// gets nothing new. Returns invites for members who never said where to
    /// reach them, to pass on by hand.
    pub async fn remove_member(&self, local: DocumentId, member: String) -> Result<Vec<Invite>, String> {
        ask(&self.events, |reply| Event::RemoveMember(local, member, reply)).await
    }

    /// Move the document to new keys that only this device holds (a
    /// hand-over: the previous partner keeps what they saw, nothing new).
    pub async fn take_back(&self, local: DocumentId) -> Result<(), String> {
        ask(&self.events, |reply| Event::TakeBack(local, reply)).await
    }

    /// The page shows this document (announced to its other members), or none.
    pub fn viewing(&self, local: Option<DocumentId>) {
        let _ = self.events.unbounded_send(Event::Viewing(local));
    }

    /// Who else has the document open right now.
    pub fn here(&self, local: DocumentId) -> Vec<String> {
        let now = self.clock.get();
        let Some(share) = self.share_of(local) else { return Vec::new() };
        self.presence.with(|presence| presence.clone().here(share.sync_id, now))
    }

    /// The relay's clock now, as far as this device knows it (its own clock
    /// until the relay said otherwise).
    pub fn relay_now(&self, local_now_ms: i64) -> i64 {
        local_now_ms + self.relay_offset.get().unwrap_or(0)
    }

    /// Say "I'd like to keep in touch" with the participant at `partner` in
    /// `workshop` (its sync id's text). Returns the token to ask
    /// [`SyncEngine::met`] about; nobody hears of it unless they say it too.
    pub async fn wish(&self, partner: InboxAddress, workshop: String) -> Result<[u8; 32], String> {
        ask(&self.events, |reply| Event::Wish(partner, workshop, reply)).await
    }

    /// Whether the other side returned the wish with `token`.
    pub fn met(&self, token: &[u8; 32]) -> bool {
        self.met.with(|met| met.contains(token))
    }

    /// The wishes this device made in `workshop`: partner's address → token.
    pub fn wishes_in(&self, workshop: &str) -> BTreeMap<String, [u8; 32]> {
        self.wishes.with(|wishes| wishes.iter().filter(|((_, w), _)| w == workshop).map(|((p, _), t)| (p.clone(), *t)).collect())
    }

    /// Invitations to a partnership from people this person met in a
    /// workshop and both wished to keep in touch with.
    pub fn invitations(&self) -> Vec<confidant_shared::workshop::keep_in_touch::Invitation> {
        let met = self.met.get();
        self.invitations.with(|kept| confidant_shared::workshop::keep_in_touch::shown(kept, &met).cloned().collect())
    }

    /// The wrap-up answers received for a workshop this device runs.
    pub fn wrap_up_answers(&self, local: DocumentId) -> Vec<confidant_shared::workshop::wrap_up::SharedAnswers> {
        let Some(share) = self.share_of(local) else { return Vec::new() };
        self.wrap_up.with(|all| all.get(&share.sync_id.to_string()).cloned().unwrap_or_default())
    }

    /// Say no (or "done") to an invitation: it is no longer shown.
    pub fn drop_invitation(&self, invite: &str) {
        let _ = self.events.unbounded_send(Event::DropInvitation(invite.to_owned()));
    }

    /// Send `invite` (to a partnership) to someone met in `workshop`; it
    /// shows on their Home only if both wished to keep in touch.
    pub async fn send_invitation(&self, to: InboxAddress, workshop: String, invite: Invite) -> Result<(), String> {
        ask(&self.events, |reply| Event::SendInvitation(to, workshop, invite, reply)).await
    }

    /// Share wrap-up answers with the facilitator of `workshop`, without a
    /// name: an anonymous letter, carrying only this device's answer id for
    /// the workshop (so sharing again replaces the earlier copy).
    pub async fn share_wrap_up(&self, facilitator: InboxAddress, workshop: String, answers: Vec<String>) -> Result<(), String> {
        ask(&self.events, |reply| Event::ShareWrapUp(facilitator, workshop, answers, reply)).await
    }

    /// Ask a program's coordinator to reimburse something (a signed letter).
    pub async fn send_claim(&self, coordinator: InboxAddress, page: String, request: confidant_shared::program::budget::ClaimRequest) -> Result<(), String> {
        ask(&self.events, |reply| Event::SendClaim(coordinator, page, request, reply)).await
    }

    /// Answer a program's survey (`page`: the sync id of its public page):
    /// `named`, in a letter signed by this device; else anonymously, with
    /// only this device's private answer id, so answering again replaces.
    pub async fn answer_survey(&self, coordinator: InboxAddress, page: String, answers: confidant_shared::program::survey::SurveyAnswers, named: bool) -> Result<(), String> {
        ask(&self.events, |reply| Event::AnswerSurvey(coordinator, page, answers, named, reply)).await
    }

    /// Ask to join a workshop (a letter to the facilitator's device).
    pub async fn send_join(&self, facilitator: InboxAddress, request: confidant_shared::workshop::roster::JoinRequest) -> Result<(), String> {
        ask(&self.events, |reply| Event::SendJoin(facilitator, request, reply)).await
    }

    /// Send an intake form to a program's coordinator (a signed letter);
    /// `page` is the sync id of the program's public page.
    pub async fn send_intake(&self, coordinator: InboxAddress, page: String, form: confidant_shared::program::IntakeForm) -> Result<(), String> {
        ask(&self.events, |reply| Event::SendIntake(coordinator, page, form, reply)).await
    }

    /// Send a notice in a letter signed by this device.
    pub async fn send_notice(&self, to: InboxAddress, notice: confidant_shared::sync::notice::Notice) -> Result<(), String> {
        ask(&self.events, |reply| Event::SendNotice(to, notice, reply)).await
    }

    /// Tell a program's coordinator something about this device's match
    /// (an answer to a notice, a request to end it).
    pub async fn send_match_word(&self, program: String, match_id: String, word: confidant_shared::program::introduction::MatchWord) -> Result<(), String> {
        ask(&self.events, |reply| Event::SendMatchWord(program, match_id, word, reply)).await
    }

    /// The program letters kept on this device (tracked).
    pub fn program_letters(&self) -> confidant_shared::program::introduction::ProgramLetters {
        self.program_letters.get()
    }

    /// This device and the person's other devices.
    pub fn devices(&self) -> DevicesView {
        self.devices.get()
    }

    /// Offer a link for another of the user's devices; returns the link.
    pub async fn offer_link(&self) -> Result<String, String> {
        ask(&self.events, Event::OfferLink).await
    }

    /// Open a device link on this device: ask the other device to link it.
    pub async fn join_link(&self, offer: LinkOffer) -> Result<(), String> {
        ask(&self.events, |reply| Event::JoinLink(offer, reply)).await
    }

    /// The user compared the codes on both screens (`true`: they match).
    pub async fn confirm_link(&self, matches: bool) -> Result<(), String> {
        ask(&self.events, |reply| Event::ConfirmLink(matches, reply)).await
    }

    /// Remove one of the user's devices: a fresh keyring without it, and
    /// every document it could read moved to new keys.
    pub async fn unlink(&self, device: InboxAddress) -> Result<(), String> {
        ask(&self.events, |reply| Event::Unlink(device, reply)).await
    }
}

/// The engine, if this app runs one (browser unit tests do not).
pub fn use_sync() -> Option<SyncEngine> {
    use_context::<SyncEngine>()
}
