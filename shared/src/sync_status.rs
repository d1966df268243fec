//! What the sync indicator in the app shell says.
//!
//! Sync is an add-on: the app works the same offline. The indicator only
//! tells the user whether their changes have reached the relay yet.

use serde::{Deserialize, Serialize};

/// The state of this device's sync with the relay, as the user sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncStatus {
    /// No network, or the relay cannot be reached. Edits are kept locally.
    Offline,
    /// Connected, with this many local changes not yet acknowledged.
    Syncing { pending: u32 },
    /// Connected and every local change is acknowledged by the relay.
    UpToDate,
    /// Connected, but the relay left out changes a partner made and kept
    /// leaving them out: they could not be recovered yet.
    Withheld,
}

impl SyncStatus {
    /// The short text shown in the shell.
    pub fn label(self) -> String {
        match self {
            SyncStatus::Offline => "Offline".to_string(),
            SyncStatus::Syncing { pending: 0 } => "Syncing".to_string(),
            SyncStatus::Syncing { pending: 1 } => "Syncing 1 change".to_string(),
            SyncStatus::Syncing { pending } => format!("Syncing {pending} changes"),
            SyncStatus::UpToDate => "Up to date".to_string(),
            SyncStatus::Withheld => "Changes missing".to_string(),
        }
    }

    /// A longer sentence for screen readers and the tooltip.
    pub fn description(self) -> &'static str {
        match self {
            SyncStatus::Offline => "You are offline. Everything you write is saved on this device and syncs when you are back online.",
            SyncStatus::Syncing { .. } => "Your changes are saved on this device and are being sent, encrypted, to your partners.",
            SyncStatus::UpToDate => "Everything is saved on this device and in sync.",
            SyncStatus::Withheld => "Some changes your partners made have not arrived: the relay did not pass them on. \
                Your own work is safe on this device; they arrive when a partner's device sends them again.",
        }
    }

    /// A stable token for styling and tests.
    pub const fn token(self) -> &'static str {
        match self {
            SyncStatus::Offline => "offline",
            SyncStatus::Syncing { .. } => "syncing",
            SyncStatus::UpToDate => "up-to-date",
            SyncStatus::Withheld => "withheld",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_count_pending_changes() {
        assert_eq!(SyncStatus::Offline.label(), "Offline");
        assert_eq!(SyncStatus::Syncing { pending: 1 }.label(), "Syncing 1 change");
        assert_eq!(SyncStatus::Syncing { pending: 12 }.label(), "Syncing 12 changes");
        assert_eq!(SyncStatus::UpToDate.label(), "Up to date");
    }
}
