//! The engine's part in workshops: admitting participants who ask to join,
//! wrap-up answers received without names, "keep in touch" wishes (kept on
//! this device and posted again at every start) and the invitations to a
//! partnership that follow a mutual one.

use confidant_shared::document::DocumentKind;
use confidant_shared::sync::inbox::{InboxAddress, Letter};
use confidant_shared::sync::notice::Notice;
use confidant_shared::sync::{Invite, Role};
use confidant_shared::workshop::keep_in_touch::{self, Invitation};
use confidant_shared::workshop::roster::JoinRequest;
use confidant_shared::workshop::wrap_up::{self, SharedAnswers};
use confidant_shared::workshop::Workshop;

use leptos::prelude::*;

use super::engine::{warn, Engine};
use crate::store::{announce_saved, random_bytes, OpenDocument, StoreError};

impl Engine {
    /// A participant's join request: admitted to a workshop this device
    /// owns, under the letter's signed sender, and the rounds to come
    /// planned again with them.
    pub(super) async fn workshop_join(&mut self, letter: &Letter, request: JoinRequest) {
        let Ok(sender) = letter.named_sender() else {
            warn("an unsigned join request was ignored");
            return;
        };
        let sender = *sender;
        let Some((doc, share)) = self.shares.iter().find(|(doc, s)| doc.to_string() == request.workshop && s.record.kind == DocumentKind::Workshop) else { return };
        if share.keys.role() != Role::Owner {
            return;
        }
        let (doc, local) = (*doc, share.local);
        let Ok((open, workshop, _)) = OpenDocument::open::<Workshop>(&self.store, local).await else { return };
        let mut edited = workshop.clone();
        let relay_now = self.client.relay_now(super::engine::now_ms());
        match edited.admit(&doc.to_string(), &sender, &request) {
            Ok(_) => edited.plan_remaining(relay_now),
            Err(refused) => {
                warn(&format!("a join request was refused: {refused}"));
                return;
            }
        }
        if edited == workshop {
            return;
        }
        match open.change(|w: &mut Workshop| *w = edited).await {
            Ok(_) => announce_saved(local),
            Err(err) => warn(&err.to_string()),
        }
    }

    /// The workshop's join invite: one for the whole room (participants are
    /// readers), kept with the share record so the link on the projector is
    /// the same at every visit and after a reload.
    pub(super) async fn room_invite(&mut self, local: confidant_shared::document::DocumentId) -> Result<Invite, String> {
        let kept = self.by_local.get(&local).and_then(|doc| self.shares.get(doc)).and_then(|s| s.record.room_invite.as_deref().map(Invite::parse_record));
        if let Some(Ok(invite)) = kept {
            return Ok(invite);
        }
        let invite = self.invite(local, Role::Reader)?;
        if let Some(share) = self.by_local.get(&local).and_then(|doc| self.shares.get_mut(doc)) {
            share.record.room_invite = Some(invite.fragment());
            self.store.put_share(&share.record).await.map_err(|e| e.for_user())?;
        }
        Ok(invite)
    }

    /// Wrap-up answers arrived (anonymous by design): kept with the
    /// workshop's share record on this device if it runs that workshop.
    pub(super) async fn wrap_up_received(&mut self, workshop: &str, answers: SharedAnswers) {
        let Some((doc, share)) = self
            .shares
            .iter_mut()
            .find(|(doc, s)| doc.to_string() == workshop && s.record.kind == DocumentKind::Workshop && s.keys.role() == Role::Owner)
        else {
            return;
        };
        let doc = *doc;
        if let Err(refused) = wrap_up::receive(&mut share.record.wrap_up, answers) {
            warn(&format!("wrap-up answers were refused: {refused}"));
            return;
        }
        if let Err(err) = self.store.put_share(&share.record).await {
            warn(&err.to_string());
        }
        self.publish(doc);
    }

    /// Send this person's wrap-up answers to the facilitator, anonymously.
    pub(super) async fn share_wrap_up(&mut self, facilitator: &InboxAddress, workshop: String, answers: Vec<String>) -> Result<(), String> {
        let answers = SharedAnswers { answer_id: wrap_up::answer_id(&self.inbox, &workshop), answers };
        let body = Notice::WrapUpShared { workshop, answers }.encode();
        if body.len() > confidant_shared::sync::notice::MAX_NOTICE_BYTES {
            return Err("Your answers are too long to send; shorten them and share again.".into());
        }
        let ephemeral = random_bytes().map_err(|_| StoreError::NoRandomness.for_user())?;
        let nonce = random_bytes().map_err(|_| StoreError::NoRandomness.for_user())?;
        // No sender: the letter says nothing of who wrote it.
        let effects = self.client.post(facilitator, None, ephemeral, nonce, &body);
        self.carry_out(effects).await;
        Ok(())
    }

    /// "I'd like to keep in touch" with `partner` in `workshop`: posted at
    /// the relay's rendezvous, and (when `keep`) remembered on this device
    /// to post again after a restart.
    pub(super) async fn wish(&mut self, partner: &InboxAddress, workshop: &str, keep: bool) -> Result<[u8; 32], String> {
        let Some(wish) = keep_in_touch::wish(&self.inbox, partner, workshop) else {
            return Err("This person's device cannot be reached that way; ask for their contact instead.".into());
        };
        let effects = self.client.wish(wish.token, wish.side);
        self.carry_out(effects).await;
        let key = (partner.to_text(), workshop.to_owned());
        if keep && !self.device.wishes.contains(&key) {
            self.device.wishes.push(key.clone());
            if let Err(err) = self.store.put_device(&self.device).await {
                warn(&err.to_string());
            }
        }
        self.handle.wishes.update(|wishes| {
            wishes.insert(key, wish.token);
        });
        Ok(wish.token)
    }

    /// At start: the wishes and what came of them, as kept on this device.
    /// Wishes are posted on connecting (the client posts them on Welcome).
    pub(super) fn wish_again(&mut self) {
        let mut tokens = std::collections::BTreeMap::new();
        for (partner, workshop) in self.device.wishes.clone() {
            let Ok(address) = InboxAddress::parse(&partner) else { continue };
            if let Some(wish) = keep_in_touch::wish(&self.inbox, &address, &workshop) {
                drop(self.client.wish(wish.token, wish.side)); // not connected yet: nothing to send
                tokens.insert((partner, workshop), wish.token);
            }
        }
        self.handle.wishes.set(tokens);
        self.handle.met.set(self.device.met.iter().copied().collect());
        self.handle.invitations.set(self.device.invitations.clone());
    }

    /// The relay said both sides posted the wish with `token`.
    pub(super) async fn met(&mut self, token: [u8; 32]) {
        self.handle.met.update(|met| {
            met.insert(token);
        });
        if !self.device.met.contains(&token) {
            self.device.met.push(token);
            if let Err(err) = self.store.put_device(&self.device).await {
                warn(&err.to_string());
            }
        }
    }

    /// Invite someone met in `workshop` to a partnership: a signed letter,
    /// which their device shows only if both wished to keep in touch.
    pub(super) async fn send_invitation(&mut self, to: &InboxAddress, workshop: String, invite: &Invite) -> Result<(), String> {
        let from_name = self.my_name().await.unwrap_or_default();
        let body = Notice::KeepInTouchInvite { workshop, from_name, invite: invite.fragment() }.encode();
        self.send_letter(to, &body).await
    }

    /// An invitation arrived: kept (checked and bounded) until answered.
    pub(super) async fn invitation_received(&mut self, letter: &Letter, workshop: &str, from_name: &str, invite: &str) {
        let Ok(sender) = letter.named_sender() else {
            warn("an unsigned invitation was ignored");
            return;
        };
        let before = self.device.invitations.len();
        if let Err(refused) = keep_in_touch::receive_invitation(&mut self.device.invitations, &self.inbox, sender, workshop, from_name, invite) {
            warn(&format!("an invitation was refused: {refused}"));
            return;
        }
        if self.device.invitations.len() != before {
            self.save_invitations().await;
        }
    }

    /// Forget the invitations `answered` picks (accepted or declined).
    pub(super) async fn drop_invitation(&mut self, answered: impl Fn(&Invitation) -> bool) {
        let before = self.device.invitations.len();
        self.device.invitations.retain(|kept| !answered(kept));
        if self.device.invitations.len() != before {
            self.save_invitations().await;
        }
    }

    async fn save_invitations(&mut self) {
        if let Err(err) = self.store.put_device(&self.device).await {
            warn(&err.to_string());
        }
        self.handle.invitations.set(self.device.invitations.clone());
    }
}
