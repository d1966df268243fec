//! Protocol messages, their binary encoding (postcard) and the frame limit.
//!
//! A connection starts with the relay's `Welcome` (protocol version, a random
//! challenge, the relay's clock) and the client's `Hello`. To read a document
//! a client proves it holds the document's reader key by signing the
//! challenge and the relay's origin ([`DocumentKeys::subscribe_proof`]);
//! knowing an id is not enough.
//!
//! [`DocumentKeys::subscribe_proof`]: super::keys::DocumentKeys::subscribe_proof

use serde::{Deserialize, Serialize};

use super::inbox::InboxPost;
use super::keys::DocumentPublic;
use super::sealed_chunk::SealedChunk;
use super::sync_id::SyncId;

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u16 = 2;
/// The largest frame either side accepts; the relay's WebSocket refuses a
/// longer frame from its header, before reading it.
pub const MAX_FRAME_BYTES: usize = 1 << 20;

/// What a client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientMessage {
    Hello { version: u16 },
    /// Receive the document's chunks after `from_seq`, then live ones.
    Subscribe { public: DocumentPublic, from_seq: u64, proof: Vec<u8> },
    /// Receive the letters in one of this device's inboxes after `from_seq`.
    SubscribeInbox { inbox: [u8; 32], from_seq: u64, proof: Vec<u8> },
    Unsubscribe { id: SyncId },
    /// Store and forward a chunk (a change, an introduction, a retirement);
    /// acknowledged with `client_ref` once durable.
    Push { chunk: SealedChunk, client_ref: u64 },
    /// Presence and document heads: forwarded to the other subscribers, never stored.
    Ephemeral { chunk: SealedChunk },
    /// A letter sealed to someone's inbox (see `inbox`); stored and
    /// acknowledged like a push.
    Post { post: InboxPost, client_ref: u64 },
    /// The owner of an inbox deletes the letters it has read.
    DeleteLetters { inbox: [u8; 32], through_seq: u64, proof: Vec<u8> },
    /// A wish met only when two sides post it (see `rendezvous`); never
    /// stored; answered with `Met` once the other side posted too.
    Rendezvous { token: [u8; 32], side: [u8; 32] },
}

/// What the relay sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RelayMessage {
    Welcome { version: u16, challenge: [u8; 32], relay_time_ms: i64 },
    /// A stored chunk, with the relay's sequence number for its document.
    Chunk { seq: u64, chunk: SealedChunk },
    /// A letter in an inbox this connection follows.
    Letter { seq: u64, post: InboxPost },
    /// Everything stored for the document (or inbox) up to `seq` has been sent.
    CaughtUp { id: SyncId, seq: u64 },
    /// The chunk or letter sent with `client_ref` is durably stored as `seq`.
    Ack { client_ref: u64, seq: u64 },
    Ephemeral { chunk: SealedChunk },
    /// Two sides posted this rendezvous token.
    Met { token: [u8; 32] },
    /// Something was refused. `client_ref` names the push it refers to;
    /// `id` the subscription; `retry_after_ms` says when a rate-limited
    /// push or subscription may go again.
    Error { code: ErrorCode, message: String, client_ref: Option<u64>, id: Option<SyncId>, retry_after_ms: Option<u64> },
}

/// Typed error codes, stable across versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorCode {
    UnsupportedVersion,
    MalformedFrame,
    FrameTooLarge,
    /// A chunk's signature does not hold for its purpose's role.
    BadSignature,
    /// A chunk sent the wrong way: a signal pushed to be stored, a change
    /// sent as a signal, an oversized introduction.
    WrongPurpose,
    ProofRequired,
    NotSubscribed,
    /// Too many messages or subscriptions in a short time: retry later.
    RateLimited,
    ChunkTooLarge,
    /// The document or inbox holds as much as the relay keeps for one.
    QuotaExceeded,
    /// The owner retired the document: it takes no more writes.
    Retired,
    /// This connection follows as many documents as one may.
    TooManySubscriptions,
    /// No `Hello` in time, or silence for too long.
    Timeout,
    Internal,
}

impl ErrorCode {
    /// One sentence for the user about a refused change or subscription.
    pub const fn explain(self) -> &'static str {
        match self {
            ErrorCode::QuotaExceeded => "The relay holds as much of this document as it keeps for one: new changes stay on your devices.",
            ErrorCode::ChunkTooLarge => "A change is too large for the relay: it stays on your devices.",
            ErrorCode::Retired => "Its owner closed this document: your changes stay on this device.",
            ErrorCode::TooManySubscriptions => "This device follows more documents than the relay takes at once: some sync later.",
            ErrorCode::ProofRequired => "The relay did not accept this device's keys for this document.",
            ErrorCode::RateLimited | ErrorCode::Internal | ErrorCode::Timeout => "The relay is busy: changes go again in a moment.",
            ErrorCode::UnsupportedVersion => "The relay runs another version of Confidant: reload the page to update.",
            ErrorCode::MalformedFrame | ErrorCode::FrameTooLarge | ErrorCode::BadSignature | ErrorCode::WrongPurpose | ErrorCode::NotSubscribed => {
                "The relay refused a change as malformed: it stays on this device."
            }
        }
    }

    /// Whether a push refused with this code may succeed if sent again later.
    pub const fn is_transient(self) -> bool {
        matches!(self, ErrorCode::RateLimited | ErrorCode::Internal | ErrorCode::Timeout)
    }
}

/// Why a frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("frame of {size} bytes is over the {max}-byte limit")]
    TooLarge { size: usize, max: usize },
    #[error("malformed frame: {0}")]
    Malformed(String),
}

impl WireError {
    pub fn code(&self) -> ErrorCode {
        match self {
            WireError::TooLarge { .. } => ErrorCode::FrameTooLarge,
            WireError::Malformed(_) => ErrorCode::MalformedFrame,
        }
    }
}

pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    postcard::to_allocvec(message).expect("protocol messages serialize")
}

/// Decode one frame, refusing oversized frames before parsing and frames
/// with bytes left over after the message.
pub fn decode<'a, T: Deserialize<'a>>(frame: &'a [u8]) -> Result<T, WireError> {
    if frame.len() > MAX_FRAME_BYTES {
        return Err(WireError::TooLarge { size: frame.len(), max: MAX_FRAME_BYTES });
    }
    let (message, rest) = postcard::take_from_bytes(frame).map_err(|e| WireError::Malformed(e.to_string()))?;
    if !rest.is_empty() {
        return Err(WireError::Malformed(format!("{} bytes after the message", rest.len())));
    }
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::member::MemberKeys;
    use crate::sync::purpose::Purpose;
    use crate::sync::role::Role;
    use crate::sync::DocumentKeys;

    fn chunk() -> SealedChunk {
        let owner = DocumentKeys::create([4; 32]);
        let member = MemberKeys::issue(&owner, Role::Owner, [5; 32]).unwrap();
        SealedChunk::seal(&owner, &member, Purpose::Change, [1; 24], b"change").unwrap()
    }

    #[test]
    fn messages_round_trip() {
        let messages = vec![
            ClientMessage::Hello { version: PROTOCOL_VERSION },
            ClientMessage::Push { chunk: chunk(), client_ref: 7 },
            ClientMessage::Ephemeral { chunk: chunk() },
        ];
        for message in messages {
            assert_eq!(decode::<ClientMessage>(&encode(&message)).unwrap(), message);
        }
        let error = RelayMessage::Error { code: ErrorCode::RateLimited, message: "slow down".into(), client_ref: Some(3), id: None, retry_after_ms: Some(500) };
        assert_eq!(decode::<RelayMessage>(&encode(&error)).unwrap(), error);
    }

    #[test]
    fn truncated_garbage_oversized_and_padded_frames_are_refused() {
        let frame = encode(&ClientMessage::Push { chunk: chunk(), client_ref: 1 });
        for cut in [0, 1, frame.len() / 2, frame.len() - 1] {
            let err = decode::<ClientMessage>(&frame[..cut]).unwrap_err();
            assert_eq!(err.code(), ErrorCode::MalformedFrame, "cut at {cut}");
        }
        assert!(matches!(decode::<ClientMessage>(&[0xff; 40]), Err(WireError::Malformed(_))));
        let mut padded = frame.clone();
        padded.push(0);
        assert!(matches!(decode::<ClientMessage>(&padded), Err(WireError::Malformed(_))));
        let huge = vec![0u8; MAX_FRAME_BYTES + 1];
        assert_eq!(decode::<ClientMessage>(&huge).unwrap_err().code(), ErrorCode::FrameTooLarge);
    }
}
