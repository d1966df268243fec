//! Catching what the relay leaves out (see
//! `confidant_shared::sync::heads_exchange`): after each acknowledged push,
//! when a page opens a document (and once it has caught up), and when
//! another member's page appears, this device tells the others what it
//! knows the relay holds; hearing theirs, it pushes again what they lack,
//! or says what it lacks. What stays
//! missing past [`WITHHELD_AFTER_MS`] is shown as withheld.

use confidant_shared::sync::heads_exchange::{compare, my_heads, HeardHeads};
use confidant_shared::sync::relay_limits::MAX_PUSH_BYTES;
use confidant_shared::sync::signal::Signal;
use confidant_shared::sync::{MemberCert, SyncId};

use leptos::prelude::*;

use super::engine::{now_ms, warn, Engine};
use crate::store::random_bytes;

/// How long a member may say this device lacks changes before the
/// indicator says they were withheld.
pub const WITHHELD_AFTER_MS: i64 = 20_000;
/// The least time between two heads signals for one document (unless asked).
const HEADS_EVERY_MS: i64 = 3_000;
/// The least time between two re-pushes of one document.
const REPUSH_EVERY_MS: i64 = 30_000;

impl Engine {
    /// Tell the document's other members what this device knows the relay
    /// holds. `now` skips the pacing (a page just opened the document).
    pub(super) async fn send_heads(&mut self, doc: SyncId, now: bool) {
        let at = now_ms();
        if !now && self.heads_sent.get(&doc).is_some_and(|sent| at - sent < HEADS_EVERY_MS) {
            return;
        }
        if self.load(doc).await.is_err() {
            return;
        }
        let Some(through) = self.client.last_seq(&doc) else { return };
        let relay_now = self.client.relay_now(at);
        let Some(share) = self.shares.get_mut(&doc) else { return };
        let Some(stored) = share.doc.as_mut() else { return };
        let signal = my_heads(stored.doc_mut(), &share.record.relay_heads, through, relay_now);
        let Ok(nonce) = random_bytes() else { return };
        let effects = self.client.signal(&doc, nonce, &signal);
        if !effects.is_empty() {
            self.heads_sent.insert(doc, at);
        }
        self.carry_out(effects).await;
    }

    /// A member's signal: presence, or their heads to compare.
    pub(super) async fn signal_heard(&mut self, doc: SyncId, author: MemberCert, signal: Signal) {
        match signal {
            Signal::Presence { page, name, .. } => {
                let now = now_ms();
                let new_here = self.handle.presence.with_untracked(|p| p.clone().here(doc, now).is_empty());
                // The name they gave, or the one they introduced themselves by.
                let name = name.or_else(|| {
                    let share = self.shares.get(&doc)?;
                    share.record.members.get(&hex::encode(author.member))?.info.name.clone()
                });
                self.handle.presence.update(|presence| presence.heard(doc, page, name, now));
                if new_here {
                    // Someone arrived: let them see us, and compare notes.
                    self.announce().await;
                    self.send_heads(doc, true).await;
                }
            }
            heads @ Signal::Heads { .. } => {
                let Some(heard) = HeardHeads::from_signal(&heads) else { return };
                self.heads_heard(doc, heard).await;
            }
        }
    }

    async fn heads_heard(&mut self, doc: SyncId, heard: HeardHeads) {
        if self.load(doc).await.is_err() {
            return;
        }
        let Some(through) = self.client.last_seq(&doc) else { return };
        let Some(share) = self.shares.get_mut(&doc) else { return };
        let Some(stored) = share.doc.as_mut() else { return };
        let verdict = compare(stored.doc_mut(), &share.record.relay_heads, through, share.record.acked_through, &heard, MAX_PUSH_BYTES);
        let now = now_ms();
        let paced = self.repushed.get(&doc).is_some_and(|at| now - at < REPUSH_EVERY_MS);
        if let (Some(pieces), false) = (verdict.repush, paced) {
            // What they lack goes again; the relay numbers it anew.
            self.repushed.insert(doc, now);
            for piece in pieces {
                let Ok(nonce) = random_bytes() else { break };
                match self.client.push(&doc, nonce, &piece) {
                    Ok(effects) => self.carry_out(effects).await,
                    Err(err) => {
                        warn(&err.to_string());
                        break;
                    }
                }
            }
        }
        if verdict.lacking {
            self.missing_since.entry(doc).or_insert_with(now_ms);
            self.send_heads(doc, false).await;
        } else {
            self.missing_since.remove(&doc);
            self.client.set_withheld(&doc, false);
        }
    }

    /// Documents missing changes for too long are shown as withheld.
    pub(super) fn check_withheld(&mut self) {
        let now = now_ms();
        let overdue: Vec<SyncId> = self.missing_since.iter().filter(|(_, since)| now - **since > WITHHELD_AFTER_MS).map(|(doc, _)| *doc).collect();
        for doc in overdue {
            self.client.set_withheld(&doc, true);
        }
    }
}
