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
//! - [`relay`]: the relay as a state machine (events in, effects out).
//!
//! - [`client`]: one device's side of a connection, as a state machine.
//!
//! (Next: the server and app adapters that carry these out.)

pub mod client;
pub mod keys;
pub mod relay;
pub mod sealed_chunk;
pub mod wire;

pub use keys::{BadInvite, DocumentKeys};
pub use sealed_chunk::{ChunkError, SealedChunk};
