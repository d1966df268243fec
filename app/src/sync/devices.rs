//! The user's own devices: the keyring they all follow, pairing a new
//! device (both screens confirm a code), and unlinking one (a fresh keyring
//! without it, and every document the person owns moved to new keys).

use std::collections::BTreeSet;

use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::keyring::{is_personal, reconcile, Keyring};
use confidant_shared::sync::device_link::{Joining, LinkOffer, Offering};
use confidant_shared::sync::inbox::{InboxAddress, Letter};
use confidant_shared::sync::migration::migrate_v1_invite;
use confidant_shared::sync::notice::{Notice, RetireReason};
use confidant_shared::sync::{DocumentKeys, Invite, MemberKeys, Role, SyncId};

use leptos::prelude::*;

use super::engine::{now_ms, said, warn, Engine};
use super::{DevicesView, Pairing};
use crate::store::{announce_saved, random_bytes, OpenDocument, ShareRecord, StoreError};

fn random_error(_: StoreError) -> String {
    StoreError::NoRandomness.to_string()
}

fn today() -> confidant_shared::calendar_day::NaiveDate {
    crate::clock::today_day()
}

/// What Settings shows of a pairing under way.
pub(super) fn pairing_view(offering: Option<&Offering>, joining: Option<&Joining>, current: &DevicesView) -> Option<Pairing> {
    if let Some(offering) = offering {
        return Some(match offering {
            Offering::Waiting { offer, .. } => Pairing::Offering { link: offer.link(&origin()) },
            Offering::Confirming { device_name, code, .. } => Pairing::Confirming { device_name: device_name.clone(), code: code.clone() },
            Offering::Granted { .. } => Pairing::Linked,
            Offering::Closed => Pairing::Cancelled,
        });
    }
    if let Some(joining) = joining {
        return Some(match joining {
            Joining::Comparing { code, confirmed, .. } => Pairing::Joining { code: code.clone(), confirmed: *confirmed },
            Joining::Linked(_) => Pairing::Linked,
            Joining::Cancelled => Pairing::Cancelled,
        });
    }
    current.pairing.clone().filter(|p| matches!(p, Pairing::Linked | Pairing::Cancelled))
}

fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

impl Engine {
    /// The keyring's invite, making the keyring on first use.
    async fn keyring_invite(&mut self) -> Result<Invite, String> {
        if let Some(invite) = self.keyring.and_then(|doc| self.shares.get(&doc)).and_then(|s| s.record.invite()) {
            return Ok(invite);
        }
        let open = OpenDocument::create(&self.store, &Keyring::default()).await.map_err(said)?;
        let keys = DocumentKeys::create(random_bytes().map_err(random_error)?);
        let member = MemberKeys::issue(&keys, Role::Owner, random_bytes().map_err(random_error)?).map_err(|e| e.to_string())?;
        let invite = Invite { kind: DocumentKind::Keyring, keys, member };
        self.track(ShareRecord::new(open.id(), &invite)).await.map_err(said)?;
        self.reconcile_keyring().await;
        Ok(invite)
    }

    /// Offer a link for another of the user's devices.
    pub(super) async fn offer_link(&mut self) -> Result<String, String> {
        if self.device.unlinked {
            return Err("This device was unlinked from your other devices; it cannot link new ones.".into());
        }
        self.keyring_invite().await?;
        let offer = LinkOffer { address: self.inbox.address(), secret: random_bytes().map_err(random_error)? };
        let link = offer.link(&origin());
        self.offering = Some(Offering::new(offer, now_ms()));
        self.joining = None;
        self.publish_devices();
        Ok(link)
    }

    /// This device opened another device's link: ask to be linked.
    pub(super) async fn join_link(&mut self, offer: LinkOffer) -> Result<(), String> {
        if offer.address == self.inbox.address() {
            return Err("This link was made on this device; open it on your other device.".into());
        }
        let nonce = random_bytes().map_err(random_error)?;
        let request = offer.request(&self.inbox.address(), &self.device.name, nonce);
        self.send_letter(&offer.address, &request.encode()).await?;
        self.joining = Some(Joining::new(offer, &self.inbox.address(), &nonce));
        self.offering = None;
        self.publish_devices();
        Ok(())
    }

    /// A letter while pairing: the new device's request, or the grant.
    pub(super) async fn pairing_letter(&mut self, letter: &Letter) {
        if let Some(offering) = self.offering.take() {
            self.offering = Some(offering.handle_letter(letter, now_ms()));
        }
        if let Some(joining) = self.joining.take() {
            match joining.handle_letter(letter) {
                Ok(next) => self.joining = Some(next),
                Err((same, err)) => {
                    warn(&err.to_string());
                    self.joining = Some(same);
                }
            }
            self.linked().await;
        }
        self.publish_devices();
    }

    /// The user compared the codes.
    pub(super) async fn confirm_link(&mut self, matches: bool) -> Result<(), String> {
        if let Some(offering) = self.offering.take() {
            let next = offering.handle_confirmed(matches);
            if let Offering::Granted { joiner, device_name } = &next {
                let keyring = self.keyring_invite().await?;
                let grant = Notice::LinkGranted { keyring: keyring.fragment() };
                self.send_letter(joiner, &grant.encode()).await?;
                let (joiner, device_name) = (*joiner, device_name.clone());
                self.edit_keyring(|k| k.add_device(&joiner, &device_name, today())).await;
            }
            self.offering = Some(next);
        } else if let Some(joining) = self.joining.take() {
            self.joining = Some(joining.handle_confirmed(matches));
            self.linked().await;
        } else {
            return Err("There is no pairing under way; start again from Settings.".into());
        }
        self.publish_devices();
        Ok(())
    }

    /// Both sides agreed and the keyring arrived: follow it.
    async fn linked(&mut self) {
        let Some(Joining::Linked(invite)) = &self.joining else { return };
        let invite = invite.clone();
        if self.device.unlinked {
            // Linked again, with a keyring of the person's other devices.
            self.device.unlinked = false;
            if let Err(err) = self.store.put_device(&self.device).await {
                warn(&err.to_string());
            }
        }
        let local = DocumentId::from_random(*invite.keys.id().as_bytes());
        if !self.shares.contains_key(&invite.keys.id()) {
            if let Err(err) = self.track(ShareRecord::new(local, &invite)).await {
                warn(&err.to_string());
                return;
            }
        }
        self.keyring_dirty = true;
    }

    /// Remove one of the user's devices.
    pub(super) async fn unlink(&mut self, removed: InboxAddress) -> Result<(), String> {
        let old_doc = self.keyring.ok_or("This device is not linked to any other.")?;
        let old = self.shares.get(&old_doc).and_then(|s| s.record.invite()).ok_or("The keyring could not be read.")?;
        let old_local = self.shares[&old_doc].local;
        if removed == self.inbox.address() {
            return Err("Remove this device from one of your other devices.".into());
        }
        let (_, current, _) = OpenDocument::open::<Keyring>(&self.store, old_local).await.map_err(said)?;
        // 1. A fresh keyring, no history, without the removed device.
        let mut fresh = Keyring::default();
        fresh.devices = current.devices.clone();
        fresh.moved = current.moved.clone();
        fresh.remove_device(&removed);
        let open = OpenDocument::create(&self.store, &fresh).await.map_err(said)?;
        let keys = DocumentKeys::create(random_bytes().map_err(random_error)?);
        let member = MemberKeys::issue(&keys, Role::Owner, random_bytes().map_err(random_error)?).map_err(|e| e.to_string())?;
        let new_keyring = Invite { kind: DocumentKind::Keyring, keys, member };
        let effects = self.client.unfollow(&old_doc);
        self.forget(old_doc);
        self.carry_out(effects).await;
        self.store.delete_share(&old_local.to_string()).await.map_err(said)?;
        self.track(ShareRecord::new(open.id(), &new_keyring)).await.map_err(said)?;
        // 2. The remaining devices are sent the new keyring (it waits in the
        // outbox), before anything else can fail.
        let notice = Notice::moved(&old.keys, &old.member.cert().member, &new_keyring).ok_or("The keyring could not be moved.")?;
        for (address, _) in current.linked_devices() {
            if address != removed && address != self.inbox.address() {
                self.send_letter(&address, &notice.encode()).await?;
            }
        }
        // 3. Every document the removed device could read, and this device
        // owns, moves to new keys; the other members are sent theirs.
        let reason = RetireReason::DevicesUnlinked { removed: vec![removed.verifying_key] };
        let owned: Vec<SyncId> = self
            .shares
            .iter()
            .filter(|(doc, s)| Some(**doc) != self.keyring && !s.record.retired && s.keys.role() == Role::Owner)
            .map(|(doc, _)| *doc)
            .collect();
        for doc in owned {
            let keep = self.shares[&doc].record.known_members();
            if let Err(err) = self.replace(doc, keep, reason.clone()).await {
                warn(&err);
            }
        }
        self.reconcile_keyring().await;
        // 4. The old keyring is closed: the removed device learns it was unlinked.
        self.retire(&old, &reason.encode()).await?;
        self.publish_devices();
        Ok(())
    }

    /// Bring the keyring and this device's documents into agreement: follow
    /// every document it lists (moving copies whose keys were replaced),
    /// list every shared or personal document this device has (sharing
    /// personal ones, with new keys, first), and list this device.
    pub(super) async fn reconcile_keyring(&mut self) {
        if self.device.unlinked {
            return;
        }
        let Some(keyring_doc) = self.keyring else { return };
        let Some(keyring_local) = self.shares.get(&keyring_doc).map(|s| s.local) else { return };
        let Ok((open, mut keyring, _)) = OpenDocument::open::<Keyring>(&self.store, keyring_local).await else {
            return; // not arrived yet: reconciled once it does
        };
        // 0. Entries written by protocol 1 become protocol 2 ones.
        let had_legacy = !keyring.legacy_entries().is_empty();
        for (id, text) in keyring.legacy_entries() {
            let kind_personal = Invite::kind_of(&text).is_some_and(is_personal);
            let Ok(seed) = random_bytes() else { return };
            keyring.documents.remove(&id);
            if let Some(invite) = migrate_v1_invite(&text, kind_personal, seed) {
                keyring.add(&invite);
            }
        }
        // The rules are confidant_shared::keyring::reconcile; this carries
        // them out. 1. Catch up with what the keyring says.
        let followed: Vec<SyncId> = self.shares.keys().copied().collect();
        let on_device: Vec<(DocumentId, DocumentKind)> = self
            .store
            .list(None)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|summary| Some((summary.id.parse::<DocumentId>().ok()?, summary.kind)))
            .collect();
        let shared_locals: BTreeSet<DocumentId> = self.by_local.keys().copied().collect();
        let plan = reconcile::catch_up(&keyring, &followed, &on_device, &shared_locals);
        for (doc, to) in plan.follow_moved {
            if let Err(err) = self.move_share(doc, &to, &[]).await {
                warn(&err.to_string());
            }
        }
        for doc in plan.leave {
            if let Some(local) = self.shares.get(&doc).map(|s| s.local) {
                if let Err(err) = self.leave(local).await {
                    warn(&err);
                }
            }
        }
        for invite in plan.follow {
            let record = ShareRecord::new(DocumentId::from_random(*invite.keys.id().as_bytes()), &invite);
            if let Err(err) = self.track(record).await {
                warn(&err.to_string());
            }
        }
        for (local, kind) in plan.share {
            if self.by_local.contains_key(&local) {
                continue; // shared meanwhile (a move or a follow above)
            }
            if let Err(err) = self.share(local, kind).await {
                warn(&err);
            }
        }
        // 2. List everything this device follows, and this device.
        let following: Vec<reconcile::Following> = self
            .shares
            .iter()
            .filter(|(doc, _)| Some(**doc) != self.keyring)
            .map(|(_, share)| reconcile::Following { invite: share.record.invite(), retired: share.record.retired })
            .collect();
        let edited = reconcile::listing(&keyring, &following, &self.inbox.address(), &self.device.name, today());
        if edited != keyring || had_legacy {
            match open.change(|k: &mut Keyring| *k = edited.clone()).await {
                Ok(_) => {
                    announce_saved(keyring_local);
                    self.push_unsent(keyring_doc).await;
                }
                Err(err) => warn(&err.to_string()),
            }
        }
        let linked = edited.linked_devices();
        self.handle.devices.update(|view| view.linked = linked);
        self.keyring_dirty = false;
    }
}
