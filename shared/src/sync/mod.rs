//! The sync protocol, version 1: how encrypted changes travel between a
//! user's devices, their partners' devices and the relay.
//!
//! The relay stores and forwards ciphertext only. Every shared document has
//! [`DocumentKeys`]: a symmetric key that encrypts its changes and a signing
//! key that signs them. The document id is derived from the signing key's
//! public half, so the relay can check that a chunk was written by someone
//! holding the key without accounts, and cannot tell anything from the id.
//!
//! - [`keys`]: document keys, the self-certifying id, and the invite form
//!   carried in a URL fragment (never sent to a server).
//! - [`sealed_chunk`]: an encrypted, signed change chunk; the relay verifies
//!   it, only key holders open it.
//! - [`wire`]: the messages, their binary encoding and the frame limits.
//!
//! - [`inbox`]: sealed inboxes (X25519): anyone with an address posts, only
//!   the owner fetches and opens.
//! - [`invite`]: invite links (`/join#<kind>.<keys>`) for partners and
//!   for the user's own other devices.
//! - [`relay`]: the relay as a state machine (events in, effects out).
//! - [`client`]: one device's side of a connection, as a state machine.
//! - [`presence`]: who else has a shared document open right now.
//! - [`relay_heads`]: which local changes the relay does not have yet.
//!
//! The server (`confidant-server`) and the app (`confidant-app`) carry these
//! out over a WebSocket.

pub mod client;
pub mod inbox;
pub mod invite;
pub mod keys;
pub mod presence;
pub mod relay;
pub mod relay_heads;
pub mod sealed_chunk;
pub mod wire;

pub use invite::Invite;
pub use keys::{BadInvite, DocumentKeys};
pub use relay_heads::{RelayHeads, Unsent};
pub use sealed_chunk::{ChunkError, SealedChunk};
