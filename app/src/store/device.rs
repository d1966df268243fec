//! This device's identity: the seed of its inbox key (X25519 + Ed25519),
//! made once and kept only here, and the name it goes by in the list of
//! the person's linked devices.

use base64::Engine;
use confidant_shared::sync::inbox::InboxKeys;
use indexed_db_futures::prelude::*;
use serde::{Deserialize, Serialize};

use super::database::{read_error, write_error, Store, StoreError, DEVICE};
use super::random_bytes;

const IDENTITY: &str = "identity";

/// What IndexedDB keeps about this device.
#[derive(Clone, Serialize, Deserialize)]
pub struct DeviceRecord {
    /// The identity seed, base64. Never leaves this device.
    seed: String,
    /// "Chromium on Linux", or what the user called it.
    pub name: String,
    /// The inbox's last letter read.
    #[serde(default)]
    pub inbox_seq: u64,
    /// The keyring was retired with this device among the removed: it was
    /// unlinked and gets nothing new.
    #[serde(default)]
    pub unlinked: bool,
}

impl std::fmt::Debug for DeviceRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeviceRecord({})", self.name)
    }
}

impl DeviceRecord {
    pub fn keys(&self) -> Option<InboxKeys> {
        let bytes = base64::engine::general_purpose::STANDARD.decode(&self.seed).ok()?;
        Some(InboxKeys::from_seed(bytes.try_into().ok()?))
    }
}

/// A short description of this browser, for the list of linked devices.
fn browser_name() -> String {
    let agent = web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default();
    let browser = ["Edg/", "Firefox/", "Chrome/", "Safari/"]
        .into_iter()
        .find(|b| agent.contains(b))
        .map(|b| match b {
            "Edg/" => "Edge",
            "Firefox/" => "Firefox",
            "Chrome/" => if agent.contains("Chromium") || agent.contains("HeadlessChrome") { "Chromium" } else { "Chrome" },
            _ => "Safari",
        })
        .unwrap_or("A browser");
    let system = ["Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux"]
        .into_iter()
        .find(|s| agent.contains(s))
        .map(|s| if s == "Mac OS" { "Mac" } else { s })
        .unwrap_or("this device");
    format!("{browser} on {system}")
}

impl Store {
    /// This device's identity, made on first use.
    pub async fn device(&self) -> Result<DeviceRecord, StoreError> {
        if let Some(record) = self.read_device().await? {
            return Ok(record);
        }
        let seed = random_bytes::<32>()?;
        let record = DeviceRecord {
            seed: base64::engine::general_purpose::STANDARD.encode(seed),
            name: browser_name(),
            inbox_seq: 0,
            unlinked: false,
        };
        self.put_device(&record).await?;
        // Two tabs may have raced: the one that landed first wins.
        Ok(self.read_device().await?.unwrap_or(record))
    }

    async fn read_device(&self) -> Result<Option<DeviceRecord>, StoreError> {
        let tx = self.read_only(DEVICE)?;
        let store = tx.object_store(DEVICE).map_err(read_error)?;
        let row: Option<String> = store.get(IDENTITY).primitive().map_err(read_error)?.await.map_err(read_error)?;
        Ok(row.and_then(|row| serde_json::from_str(&row).ok()))
    }

    pub async fn put_device(&self, record: &DeviceRecord) -> Result<(), StoreError> {
        let json = serde_json::to_string(record).map_err(write_error)?;
        let tx = self.readwrite(DEVICE)?;
        let store = tx.object_store(DEVICE).map_err(write_error)?;
        store.put(json).with_key(IDENTITY).primitive().map_err(write_error)?;
        tx.commit().await.map_err(write_error)
    }
}
