//! The sync protocol, version 2: how encrypted changes travel between a
//! user's devices, their partners' devices and the relay, and who may do
//! what. `THREAT_MODEL.md` at the top of the repository says what each party
//! is trusted with.
//!
//! Every shared document has one root secret from which its keys derive
//! ([`keys`]): an owner key, a writer key, a reader key and the content key.
//! The relay sees only the public keys (the document's [`SyncId`] is their
//! hash) and checks that each chunk was signed by the role its [`purpose`]
//! needs. Inside the encryption each chunk is signed by its author's member
//! key, certified by the owner ([`member`]), so members know who wrote what.
//!
//! - [`sync_id`], [`role`], [`domain`]: ids, roles, domain separation.
//! - [`keys`], [`member`]: document keys and member certificates.
//! - [`sealed_chunk`], [`purpose`]: an encrypted, authored, signed chunk.
//! - [`invite`]: invite links, typed by where they may be used.
//! - [`inbox`]: device identities and sealed letters (named or anonymous).
//! - [`notice`]: what letters carry (moved documents, device pairing).
//! - [`rotation`]: replacing keys so removed members get nothing new.
//! - [`device_link`]: linking a device with a confirmed code.
//! - [`wire`]: the messages, their binary encoding and the frame limit.
//! - [`relay`], [`relay_limits`]: the relay as a state machine, and its limits.
//! - [`client`]: one device's side of a connection, as a state machine.
//! - [`signal`], [`presence`]: momentary signals; who has a document open.
//! - [`relay_heads`]: which local changes the relay has acknowledged.
//! - [`heads_exchange`]: members compare what the relay gave them.
//! - [`migration`]: protocol 1 shares moved to protocol 2.
//!
//! The server (`confidant-server`) and the app (`confidant-app`) carry these
//! out over a WebSocket.

pub mod client;
pub mod device_link;
pub mod domain;
pub mod heads_exchange;
pub mod inbox;
pub mod invite;
pub mod keys;
pub mod member;
pub mod migration;
pub mod notice;
pub mod presence;
pub mod purpose;
pub mod relay;
pub mod relay_heads;
pub mod relay_limits;
pub mod rendezvous;
pub mod role;
pub mod rotation;
pub mod sealed_chunk;
pub mod signal;
pub mod sync_id;
pub mod wire;

pub use invite::{Invite, InviteError, InviteNote, InvitePlace};
pub use keys::{DocumentKeys, DocumentPublic};
pub use member::{MemberCert, MemberInfo, MemberKeys};
pub use purpose::Purpose;
pub use relay_heads::{RelayHeads, Unsent};
pub use role::Role;
pub use sealed_chunk::{ChunkError, SealedChunk};
pub use sync_id::SyncId;
