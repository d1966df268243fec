//! Confidant's core, shared by the app (wasm32) and the relay (native).
//!
//! Everything here is plain Rust with no IO: no clock, no randomness, no
//! sockets, no storage. Time and randomness are arguments. The app and the
//! server are thin adapters that feed events in and carry out what comes out,
//! so every rule in this crate is tested natively with `cargo test`.
//!
//! Modules:
//! - [`paths`]: every route of the app, written once.
//! - [`section`]: the app's sections (Home, Journal, Goals, ...), their paths
//!   and what each promises a user.
//! - [`sync_status`]: what the shell's sync indicator says.
//! - [`document`]: ids, kinds, schema versions and migrations shared by all
//!   documents.
//! - [`goal_plan`]: the goal plan document.
//! - [`journal`]: the private journal document.
//! - [`profile`], [`partnership`], [`workshop`], [`program`]: the other documents.
//! - [`keyring`]: the list of documents a person's linked devices follow.
//! - [`storage`]: how a document is kept as a snapshot plus increments, loaded
//!   with bad chunks set aside, and compacted (the rules; the app does the IO).
//! - [`calendar_day`]: the user's today, and days as documents store them.
//! - [`co_editing`]: where the caret goes when a partner's change arrives.
//! - [`attention`]: what Home shows: meetings due, check-ins, term ends,
//!   milestones coming due.
//! - [`referrals`]: the referral directory and confidentiality guidance.
//! - [`meeting_calendar`]: planned meetings as an `.ics` file.
//! - [`export`], [`sealed_export`]: everything a user owns as one file,
//!   with the keys of shared documents, optionally under a passphrase.
//! - [`sync`]: the sync protocol: document keys, invites, sealed chunks, wire
//!   messages, and the client and relay state machines.

pub mod attention;
pub mod paths;
pub mod calendar_day;
pub mod co_editing;
pub mod document;
pub mod export;
pub mod goal_plan;
pub mod group;
pub mod journal;
pub mod keyring;
pub mod meeting_calendar;
pub mod partnership;
pub mod profile;
pub mod program;
pub mod referrals;
pub mod sealed_export;
pub mod sort;
pub mod section;
pub mod storage;
pub mod sync;
pub mod sync_status;
pub mod workshop;

pub use section::Section;
pub use sync_status::SyncStatus;

/// The version users see in the app shell and the server reports at `/healthz`.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");
