//! Sharing a document: making its keys, inviting members one by one,
//! accepting an invite, leaving, removing a member (new keys for everyone
//! else, sent sealed to their devices), and moving when the owner replaced
//! the keys.

use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::keyring::Keyring;
use confidant_shared::sync::inbox::{InboxAddress, Letter};
use confidant_shared::sync::notice::{follow_moved, Moving, Notice, RetireReason};
use confidant_shared::sync::rotation::{replace_keys, KnownMember};
use confidant_shared::sync::{DocumentKeys, Invite, MemberCert, MemberInfo, MemberKeys, Role, SyncId};

use super::engine::{said, warn, Engine};
use crate::store::{announce_saved, random_bytes, MemberRecord, OpenDocument, ShareRecord, StoreError};

fn random_error(_: StoreError) -> String {
    StoreError::NoRandomness.to_string()
}

impl Engine {
    /// Share a local document under new keys, this device as its owner.
    pub(super) async fn share(&mut self, local: DocumentId, kind: DocumentKind) -> Result<(), String> {
        if self.by_local.contains_key(&local) {
            return Ok(());
        }
        let keys = DocumentKeys::create(random_bytes().map_err(random_error)?);
        let member = MemberKeys::issue(&keys, Role::Owner, random_bytes().map_err(random_error)?).map_err(|e| e.to_string())?;
        let invite = Invite { kind, keys, member };
        self.track(ShareRecord::new(local, &invite)).await.map_err(said)?;
        Ok(())
    }

    /// Keep a new share record durably, then follow it and push what it has.
    pub(super) async fn track(&mut self, record: ShareRecord) -> Result<SyncId, StoreError> {
        // Durable before anything else: a reload must not forget the keys.
        self.store.put_share(&record).await?;
        let doc = record.sync_id().ok_or(StoreError::Document("the new keys could not be read back".into()))?;
        let effects = self.add(record);
        self.carry_out(effects).await;
        self.push_unsent(doc).await;
        Ok(doc)
    }

    /// A fresh invite for one person (owner only).
    pub(super) fn invite(&mut self, local: DocumentId, role: Role) -> Result<Invite, String> {
        let share = self.by_local.get(&local).and_then(|doc| self.shares.get(doc)).ok_or("This document is not shared yet.")?;
        if share.record.retired {
            return Err("This document was closed; it cannot take new members.".into());
        }
        if share.keys.role() != Role::Owner {
            return Err("Only the person who shared this document can invite others to it.".into());
        }
        let keys = share.keys.for_role(role).ok_or("That role cannot be given.")?;
        let member = MemberKeys::issue(&share.keys, role, random_bytes().map_err(random_error)?).map_err(|e| e.to_string())?;
        Ok(Invite { kind: share.record.kind, keys, member })
    }

    /// Accept an invite checked by the page for where it is used.
    pub(super) async fn accept(&mut self, invite: Invite) -> Result<DocumentId, String> {
        let doc = invite.keys.id();
        if let Some(share) = self.shares.values().find(|s| s.record.answers_to(&doc)) {
            return Ok(share.local);
        }
        let local = DocumentId::from_random(*doc.as_bytes());
        if self.by_local.contains_key(&local) {
            return Ok(local); // moved away from these keys: the copy here went on
        }
        self.track(ShareRecord::new(local, &invite)).await.map_err(said)?;
        self.keyring_dirty |= self.keyring.is_some();
        Ok(local)
    }

    /// Follow again the documents an export file carried keys for (a
    /// restore): each one not already followed here, by its local id or its
    /// keys. Returns how many.
    /// Follow again the shared documents of a restored export, and the
    /// person's keyring when the file carried one and this device follows
    /// none (a device already linked keeps its own). Returns how many
    /// documents reconnect and whether the device is linked again.
    pub(super) async fn restore(&mut self, records: Vec<ShareRecord>, keyring: Option<ShareRecord>) -> Result<(usize, bool), String> {
        let mut restored = 0;
        for record in records {
            let (Some(local), Some(doc)) = (record.local(), record.sync_id()) else { continue };
            // The keyring comes only as `keyring`, checked by the caller.
            if record.kind == DocumentKind::Keyring {
                continue;
            }
            if self.by_local.contains_key(&local) || self.shares.values().any(|s| s.record.answers_to(&doc)) {
                continue;
            }
            self.track(record).await.map_err(said)?;
            restored += 1;
        }
        let relinked = match keyring {
            Some(record) if record.kind == DocumentKind::Keyring && self.keyring.is_none() => {
                let Some(doc) = record.sync_id() else { return Ok((restored, false)) };
                if !self.shares.contains_key(&doc) {
                    self.track(record).await.map_err(said)?;
                }
                if self.device.unlinked {
                    self.device.unlinked = false;
                    self.store.put_device(&self.device).await.map_err(said)?;
                }
                self.publish_devices();
                true
            }
            _ => false,
        };
        self.keyring_dirty |= (restored > 0 || relinked) && self.keyring.is_some();
        Ok((restored, relinked))
    }

    /// Stop syncing a document here; returns its share record.
    pub(super) async fn leave(&mut self, local: DocumentId) -> Result<ShareRecord, String> {
        let doc = *self.by_local.get(&local).ok_or("This document is not shared.")?;
        self.store.delete_share(&local.to_string()).await.map_err(said)?;
        let share = self.forget(doc).expect("indexed shares exist");
        let effects = self.client.unfollow(&doc);
        self.carry_out(effects).await;
        let today = crate::clock::today();
        self.edit_keyring(|keyring| {
            keyring.record_leave(&doc, &today);
            true
        })
        .await;
        Ok(share.record)
    }

    /// Remove a member: new keys for everyone else, sent sealed to them.
    pub(super) async fn remove_member(&mut self, local: DocumentId, member: &str) -> Result<Vec<Invite>, String> {
        let doc = *self.by_local.get(&local).ok_or("This document is not shared.")?;
        let share = self.shares.get(&doc).ok_or("This document is not shared.")?;
        let keep: Vec<KnownMember> = share.record.known_members().into_iter().filter(|m| hex::encode(m.cert.member) != member).collect();
        self.replace(doc, keep, RetireReason::KeysReplaced).await
    }

    /// New keys that only this device (and the user's other devices) hold.
    pub(super) async fn take_back(&mut self, local: DocumentId) -> Result<(), String> {
        let doc = *self.by_local.get(&local).ok_or("This document is not shared.")?;
        self.replace(doc, Vec::new(), RetireReason::KeysReplaced).await.map(|_| ())
    }

    /// Replace a document's keys, keeping `keep`: share the new document,
    /// post each remaining member their new invite, retire the old one.
    /// Returns invites for members with no known inbox.
    pub(super) async fn replace(&mut self, doc: SyncId, keep: Vec<KnownMember>, reason: RetireReason) -> Result<Vec<Invite>, String> {
        let share = self.shares.get(&doc).ok_or("This document is not shared.")?;
        if share.keys.role() != Role::Owner {
            return Err("Only the person who shared this document can change who has it.".into());
        }
        let old = share.record.invite().ok_or("This document's keys could not be read.")?;
        // The user's own devices move through the keyring, not by letter.
        let keep: Vec<KnownMember> = keep.into_iter().filter(|m| m.cert != *old.member.cert()).collect();
        let mut seeds = Vec::new();
        for _ in 0..=keep.len() {
            seeds.push(random_bytes::<32>().map_err(random_error)?);
        }
        let mut seeds = seeds.into_iter();
        let replacement = replace_keys(&old.keys, share.record.kind, &keep, random_bytes().map_err(random_error)?, || seeds.next().unwrap_or([0; 32]), reason)
            .map_err(|e| e.to_string())?;
        // 1. Every remaining member's devices are told, and 2. the old
        // document is closed: both wait in the outbox (they survive a
        // reload) before this device lets go of the old keys.
        for (to, notice) in &replacement.letters {
            self.send_letter(to, &notice.encode()).await?;
        }
        self.retire(&old, &replacement.retire.encode()).await?;
        // 3. This device moves; what it wrote meanwhile goes to the new keys.
        self.move_share(doc, &replacement.invite, &replacement.members).await.map_err(said)?;
        Ok(replacement.by_hand.into_iter().map(|(_, invite)| invite).collect())
    }

    /// Post a letter signed by this device.
    pub(super) async fn send_letter(&mut self, to: &InboxAddress, body: &[u8]) -> Result<(), String> {
        let ephemeral = random_bytes().map_err(random_error)?;
        let nonce = random_bytes().map_err(random_error)?;
        let inbox = self.inbox.clone();
        let effects = self.client.post(to, Some(&inbox), ephemeral, nonce, body);
        self.carry_out(effects).await;
        Ok(())
    }

    /// Post a letter with no sender: it says nothing of who wrote it
    /// (anonymous wrap-up and survey answers).
    pub(super) async fn post_anonymously(&mut self, to: &InboxAddress, body: &[u8]) -> Result<(), String> {
        let ephemeral = random_bytes().map_err(random_error)?;
        let nonce = random_bytes().map_err(random_error)?;
        let effects = self.client.post(to, None, ephemeral, nonce, body);
        self.carry_out(effects).await;
        Ok(())
    }

    /// Retire an old document with its owner keys: the relay refuses every
    /// later write to it.
    pub(super) async fn retire(&mut self, old: &Invite, notice: &[u8]) -> Result<(), String> {
        let nonce = random_bytes().map_err(random_error)?;
        let effects = self.client.retire_document(&old.keys, &old.member, nonce, notice).map_err(|e| e.to_string())?;
        self.carry_out(effects).await;
        Ok(())
    }

    /// Move this device's copy of a document to new keys: same local
    /// document, read from the start, everything pushed again.
    pub(super) async fn move_share(&mut self, from: SyncId, to: &Invite, members: &[KnownMember]) -> Result<(), StoreError> {
        let Some(old) = self.shares.get(&from) else { return Ok(()) };
        let record = old.record.moved_to(to, members);
        let effects = self.client.unfollow(&from);
        self.forget(from);
        self.carry_out(effects).await;
        self.track(record).await?;
        self.edit_keyring(|keyring| {
            keyring.record_move(&from, to);
            true
        })
        .await;
        Ok(())
    }

    /// A member told the others who they are: keep it (the owner needs their
    /// inboxes to send new keys). One member's devices each add their inbox.
    pub(super) async fn member_introduced(&mut self, doc: SyncId, author: MemberCert, info: MemberInfo) {
        let Some(share) = self.shares.get_mut(&doc) else { return };
        let key = hex::encode(author.member);
        let entry = share.record.members.entry(key).or_insert_with(|| MemberRecord { cert: author.clone(), info: MemberInfo::default() });
        if info.name.is_some() {
            entry.info.name = info.name;
        }
        for inbox in info.inboxes {
            if !entry.info.inboxes.contains(&inbox) {
                entry.info.inboxes.push(inbox);
            }
        }
        entry.info = entry.info.clone().bounded();
        if let Err(err) = self.store.put_share(&share.record).await {
            warn(&err.to_string());
        }
        self.publish(doc);
    }

    /// The owner retired a document this device follows.
    pub(super) async fn retired(&mut self, doc: SyncId, notice: Option<Vec<u8>>) {
        let Some(share) = self.shares.get_mut(&doc) else { return };
        share.record.retired = true;
        let is_keyring = share.record.kind == DocumentKind::Keyring;
        if let Err(err) = self.store.put_share(&share.record).await {
            warn(&err.to_string());
        }
        self.publish(doc);
        let reason = notice.as_deref().and_then(RetireReason::decode);
        if let (true, Some(RetireReason::DevicesUnlinked { removed })) = (is_keyring, reason) {
            if removed.contains(&self.inbox.address().verifying_key) {
                self.device.unlinked = true;
                if let Err(err) = self.store.put_device(&self.device).await {
                    warn(&err.to_string());
                }
                self.publish_devices();
            }
        }
    }

    /// A letter arrived in this device's inbox.
    pub(super) async fn letter(&mut self, letter: Letter) {
        // Pairing first: a new device's request comes before it is a known device.
        if self.offering.is_some() || self.joining.is_some() {
            self.pairing_letter(&letter).await;
        }
        let notice = Notice::decode(&letter.body);
        match notice {
            Some(Notice::WorkshopJoin(request)) => return self.workshop_join(&letter, request).await,
            Some(Notice::WrapUpShared { workshop, answers }) => return self.wrap_up_received(&workshop, answers).await,
            Some(Notice::KeepInTouchInvite { workshop, from_name, invite }) => return self.invitation_received(&letter, &workshop, &from_name, &invite).await,
            Some(Notice::ProgramIntake { page, form }) => return self.program_intake(&letter, &page, form).await,
            Some(Notice::ProgramIntroduction(intro)) => return self.program_introduction(&letter, intro).await,
            Some(Notice::ProgramMatchInvitation(invitation)) => return self.program_match_invitation(&letter, invitation).await,
            Some(Notice::ProgramCheckIn { program, match_id, check_in }) => return self.program_check_in(&letter, &program, &match_id, check_in).await,
            Some(Notice::ProgramMatchNews(news)) => return self.program_match_news(&letter, news).await,
            Some(Notice::ProgramMatchWord { program, match_id, word }) => return self.program_match_word(&letter, &program, &match_id, word).await,
            Some(Notice::ProgramFormAnswer { program, answer }) => return self.program_form_answer(&letter, &program, answer).await,
            Some(Notice::ProgramAnnouncement(announcement)) => return self.program_announcement(&letter, announcement).await,
            Some(Notice::ProgramMatchMessage(message)) => return self.program_match_message(&letter, message).await,
            Some(Notice::ProgramSurveyAnswer { page, letter: answer }) => return self.program_survey_answer(&letter, &page, answer).await,
            Some(Notice::ProgramClaim { page, request }) => return self.program_claim(&letter, &page, request).await,
            Some(Notice::ProgramGroupCounts { page, counts }) => return self.program_group_counts(&letter, &page, counts).await,
            Some(Notice::ProgramClaimNews(news)) => return self.program_claim_news(&letter, news).await,
            _ => {}
        }
        let Some(Notice::Moved { from, member, invite, signature }) = notice else { return };
        if letter.named_sender().is_err() {
            warn("an unsigned notice was ignored");
            return;
        }
        let Some(share) = self.shares.get(&from) else { return };
        let Some(mine) = share.record.invite() else { return };
        let moving = Moving { old: share.keys.public(), kind: share.record.kind, member: &mine.member.cert().member };
        match follow_moved(moving, &from, &member, &invite, &signature) {
            Ok(moved) if share.record.kind == DocumentKind::Keyring => {
                // A fresh keyring, without the old one's history.
                let old_local = share.local;
                let effects = self.client.unfollow(&from);
                self.forget(from);
                self.carry_out(effects).await;
                if let Err(err) = self.store.delete_share(&old_local.to_string()).await {
                    warn(&err.to_string());
                }
                let local = DocumentId::from_random(*moved.keys.id().as_bytes());
                if let Err(err) = self.track(ShareRecord::new(local, &moved)).await {
                    warn(&err.to_string());
                }
                self.keyring_dirty = true;
            }
            Ok(moved) => {
                if let Err(err) = self.move_share(from, &moved, &[]).await {
                    warn(&err.to_string());
                }
            }
            Err(err) => warn(&format!("a notice that a document moved was refused: {err}")),
        }
    }

    /// Change the keyring (if this device has one) and push the change.
    pub(super) async fn edit_keyring(&mut self, change: impl FnOnce(&mut Keyring) -> bool) {
        let Some(keyring_local) = self.keyring.and_then(|doc| self.shares.get(&doc)).map(|s| s.local) else { return };
        let Ok((open, keyring, _)) = OpenDocument::open::<Keyring>(&self.store, keyring_local).await else { return };
        let mut edited = keyring.clone();
        if !change(&mut edited) || edited == keyring {
            return;
        }
        match open.change(|k: &mut Keyring| *k = edited).await {
            Ok(_) => announce_saved(keyring_local),
            Err(err) => warn(&err.to_string()),
        }
    }
}
