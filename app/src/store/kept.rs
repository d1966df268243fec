//! Small things this device keeps for the workshop flows, each under its own
//! key in the `device` store: "keep in touch" wishes and which were met,
//! invitations after a workshop, wrap-up answers a facilitator received,
//! and a workshop's join link.
//!
//! Each is read, changed and written in one read-write transaction. Every
//! open tab runs its own sync engine, and a record written whole from a
//! tab's memory would drop what another tab added meanwhile.

use confidant_shared::workshop::keep_in_touch::Invitation;
use confidant_shared::workshop::wrap_up::SharedAnswers;
use indexed_db_futures::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::database::{read_error, write_error, Store, StoreError, DEVICE};

/// A wish this device made: posted again at every start until it is old.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptWish {
    /// The partner's inbox address, as text.
    pub partner: String,
    /// The workshop's sync id, as text.
    pub workshop: String,
    pub made_at_ms: i64,
}

/// How long a wish is posted again: the relay keeps a token for a day, and a
/// workshop is over well before.
pub const WISH_KEPT_MS: i64 = 2 * 24 * 60 * 60 * 1000;

pub const WISHES: &str = "kept:wishes";
pub const MET: &str = "kept:met";
pub const INVITATIONS: &str = "kept:invitations";
/// Introductions to a program's match, and the match's invitations.
pub const PROGRAM_LETTERS: &str = "kept:program-letters";

/// The key of the counts last sent for a program's match.
pub fn check_in_key(match_id: &str) -> String {
    format!("kept:check-in:{match_id}")
}

/// The key of a workshop's received wrap-up answers (by its sync id).
pub fn wrap_up_key(workshop: &str) -> String {
    format!("kept:wrap-up:{workshop}")
}

/// The key of a workshop's join link (by its local id).
pub fn room_invite_key(local: &str) -> String {
    format!("kept:room-invite:{local}")
}

pub type Wishes = Vec<KeptWish>;
pub type Met = Vec<[u8; 32]>;
pub type Invitations = Vec<Invitation>;
pub type WrapUp = Vec<SharedAnswers>;

impl Store {
    /// What is kept under `key` (the default when nothing is, or it no
    /// longer reads).
    pub async fn kept<T: DeserializeOwned + Default>(&self, key: &str) -> Result<T, StoreError> {
        let tx = self.read_only(DEVICE)?;
        let store = tx.object_store(DEVICE).map_err(read_error)?;
        let row: Option<String> = store.get(key).primitive().map_err(read_error)?.await.map_err(read_error)?;
        Ok(row.and_then(|row| serde_json::from_str(&row).ok()).unwrap_or_default())
    }

    /// Change what is kept under `key` in one transaction; returns the value
    /// written and what `change` returned.
    pub async fn change_kept<T, R>(&self, key: &str, change: impl FnOnce(&mut T) -> R) -> Result<(T, R), StoreError>
    where
        T: Serialize + DeserializeOwned + Default,
    {
        let tx = self.readwrite(DEVICE)?;
        let store = tx.object_store(DEVICE).map_err(write_error)?;
        let row: Option<String> = store.get(key).primitive().map_err(write_error)?.await.map_err(write_error)?;
        let mut value: T = row.and_then(|row| serde_json::from_str(&row).ok()).unwrap_or_default();
        let answer = change(&mut value);
        let json = serde_json::to_string(&value).map_err(write_error)?;
        store.put(json).with_key(key.to_owned()).primitive().map_err(write_error)?;
        tx.commit().await.map_err(write_error)?;
        Ok((value, answer))
    }
}
