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
use crate::store::kept::{self, KeptWish};
use crate::store::{announce_saved, OpenDocument};

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
        let key = kept::room_invite_key(&local.to_string());
        let current = self.by_local.get(&local).copied();
        let kept: Option<String> = self.store.kept(&key).await.map_err(|e| e.for_user())?;
        // Still this document's keys (not from before they moved).
        if let Some(Ok(invite)) = kept.as_deref().map(Invite::parse_record) {
            if Some(invite.keys.id()) == current {
                return Ok(invite);
            }
        }
        let invite = self.invite(local, Role::Reader)?;
        let fragment = invite.fragment();
        // Two tabs may race: the link that landed first stays.
        let (landed, ()) = self.store.change_kept::<Option<String>, _>(&key, |kept| {
            let still_good = kept.as_deref().and_then(|k| Invite::parse_record(k).ok()).is_some_and(|i| Some(i.keys.id()) == current);
            if !still_good {
                *kept = Some(fragment);
            }
        }).await.map_err(|e| e.for_user())?;
        landed.as_deref().map(Invite::parse_record).and_then(Result::ok).ok_or_else(|| "The join link could not be kept on this device; reload the page.".to_owned())
    }

    /// Wrap-up answers arrived (anonymous by design): kept on this device,
    /// beside the workshop, if it runs that workshop.
    pub(super) async fn wrap_up_received(&mut self, workshop: &str, answers: SharedAnswers) {
        let ours = self.shares.iter().any(|(doc, s)| doc.to_string() == workshop && s.record.kind == DocumentKind::Workshop && s.keys.role() == Role::Owner);
        if !ours {
            return;
        }
        match self.store.change_kept::<kept::WrapUp, _>(&kept::wrap_up_key(workshop), |received| wrap_up::receive(received, answers)).await {
            Ok((received, Ok(()))) => self.handle.wrap_up.update(|all| {
                all.insert(workshop.to_owned(), received);
            }),
            Ok((_, Err(refused))) => warn(&format!("wrap-up answers were refused: {refused}")),
            Err(err) => warn(&err.to_string()),
        }
    }

    /// Send this person's wrap-up answers to the facilitator, anonymously.
    pub(super) async fn share_wrap_up(&mut self, facilitator: &InboxAddress, workshop: String, answers: Vec<String>) -> Result<(), String> {
        let answers = SharedAnswers { answer_id: wrap_up::answer_id(&self.inbox, &workshop), answers };
        let body = Notice::WrapUpShared { workshop, answers }.encode();
        if body.len() > confidant_shared::sync::notice::MAX_NOTICE_BYTES {
            return Err("Your answers are too long to send; shorten them and share again.".into());
        }
        self.post_anonymously(facilitator, &body).await
    }

    /// "I'd like to keep in touch" with `partner` in `workshop`: posted at
    /// the relay's rendezvous, and remembered on this device to post again
    /// after a restart (for two days).
    pub(super) async fn wish(&mut self, partner: &InboxAddress, workshop: &str) -> Result<[u8; 32], String> {
        let Some(wish) = keep_in_touch::wish(&self.inbox, partner, workshop) else {
            return Err("This person's device cannot be reached that way; ask for their contact instead.".into());
        };
        let effects = self.client.wish(wish.token, wish.side);
        self.carry_out(effects).await;
        let made = KeptWish { partner: partner.to_text(), workshop: workshop.to_owned(), made_at_ms: super::engine::now_ms() };
        let kept = self.store.change_kept::<kept::Wishes, _>(kept::WISHES, |wishes| {
            if !wishes.iter().any(|w| w.partner == made.partner && w.workshop == made.workshop) {
                wishes.push(made.clone());
            }
        });
        if let Err(err) = kept.await {
            warn(&err.to_string());
        }
        self.handle.wishes.update(|wishes| {
            wishes.insert((made.partner, made.workshop), wish.token);
        });
        Ok(wish.token)
    }

    /// At start: the wishes still fresh (posted on connecting: the client
    /// posts them on Welcome), which were met, and the invitations waiting.
    pub(super) async fn wish_again(&mut self) {
        let now = super::engine::now_ms();
        let fresh = |w: &KeptWish| now - w.made_at_ms < kept::WISH_KEPT_MS;
        let mut wishes: kept::Wishes = self.store.kept(kept::WISHES).await.unwrap_or_default();
        // A write at start only when a wish has grown old.
        if !wishes.iter().all(fresh) {
            match self.store.change_kept::<kept::Wishes, _>(kept::WISHES, |kept| kept.retain(fresh)).await {
                Ok((kept, ())) => wishes = kept,
                Err(err) => {
                    warn(&err.to_string());
                    wishes.retain(fresh);
                }
            }
        }
        let mut tokens = std::collections::BTreeMap::new();
        for kept in wishes {
            let Ok(address) = InboxAddress::parse(&kept.partner) else { continue };
            if let Some(wish) = keep_in_touch::wish(&self.inbox, &address, &kept.workshop) {
                drop(self.client.wish(wish.token, wish.side)); // not connected yet: nothing to send
                tokens.insert((kept.partner, kept.workshop), wish.token);
            }
        }
        self.handle.wishes.set(tokens);
        let met: kept::Met = self.store.kept(kept::MET).await.unwrap_or_default();
        self.handle.met.set(met.into_iter().collect());
        let invitations: kept::Invitations = self.store.kept(kept::INVITATIONS).await.unwrap_or_default();
        self.handle.invitations.set(invitations);
        // The wrap-up answers of the workshops this device runs.
        let running: Vec<String> = self.shares.iter().filter(|(_, s)| s.record.kind == DocumentKind::Workshop && s.keys.role() == Role::Owner).map(|(doc, _)| doc.to_string()).collect();
        for workshop in running {
            let received: kept::WrapUp = self.store.kept(&kept::wrap_up_key(&workshop)).await.unwrap_or_default();
            self.handle.wrap_up.update(|all| {
                all.insert(workshop, received);
            });
        }
    }

    /// The relay said both sides posted the wish with `token`.
    pub(super) async fn met(&mut self, token: [u8; 32]) {
        self.handle.met.update(|met| {
            met.insert(token);
        });
        let kept = self.store.change_kept::<kept::Met, _>(kept::MET, |met| {
            if !met.contains(&token) {
                met.push(token);
            }
        });
        if let Err(err) = kept.await {
            warn(&err.to_string());
        }
    }

    /// Invite someone met in `workshop` to a partnership: a signed letter,
    /// which their device shows only if both wished to keep in touch.
    pub(super) async fn send_invitation(&mut self, to: &InboxAddress, workshop: String, invite: &Invite) -> Result<(), String> {
        let from_name = self.my_name().await.unwrap_or_default();
        let body = Notice::KeepInTouchInvite { workshop, from_name, invite: invite.fragment() }.encode();
        self.send_letter(to, &body).await
    }

    /// An invitation arrived: kept (checked and bounded) until answered,
    /// and only from someone this device wished to keep in touch with.
    pub(super) async fn invitation_received(&mut self, letter: &Letter, workshop: &str, from_name: &str, invite: &str) {
        let Ok(sender) = letter.named_sender() else {
            warn("an unsigned invitation was ignored");
            return;
        };
        let wishes: kept::Wishes = self.store.kept(kept::WISHES).await.unwrap_or_default();
        let wished = wishes.iter().any(|w| w.partner == sender.to_text() && w.workshop == workshop);
        let inbox = self.inbox.clone();
        let kept = self.store.change_kept::<kept::Invitations, _>(kept::INVITATIONS, |kept| {
            keep_in_touch::receive_invitation(kept, &inbox, sender, wished, workshop, from_name, invite)
        });
        match kept.await {
            Ok((invitations, Ok(()))) => self.handle.invitations.set(invitations),
            Ok((_, Err(refused))) => warn(&format!("an invitation was refused: {refused}")),
            Err(err) => warn(&err.to_string()),
        }
    }

    /// Forget the invitations `answered` picks (accepted or declined).
    pub(super) async fn drop_invitation(&mut self, answered: impl Fn(&Invitation) -> bool) {
        match self.store.change_kept::<kept::Invitations, _>(kept::INVITATIONS, |kept| kept.retain(|k| !answered(k))).await {
            Ok((invitations, ())) => self.handle.invitations.set(invitations),
            Err(err) => warn(&err.to_string()),
        }
    }
}
