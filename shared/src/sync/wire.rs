//! Protocol messages, their binary encoding (postcard) and the limits.
//!
//! A connection starts with the relay's `Welcome` (protocol version, a random
//! challenge, the relay's clock) and the client's `Hello`. To subscribe to a
//! document, a client proves it holds the document's signing key by signing
//! the challenge ([`subscribe_proof`]): knowing an id is not enough to read.

use serde::{Deserialize, Serialize};

use super::keys::{id_for, inbox_id_for, verify, DocumentKeys};
use super::sealed_chunk::SealedChunk;

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u16 = 1;
/// The largest frame either side accepts.
pub const MAX_FRAME_BYTES: usize = 1 << 20;

/// What a client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientMessage {
    Hello { version: u16 },
    /// Receive the document's chunks after `from_seq`, then live ones.
    Subscribe { doc: [u8; 16], verifying_key: [u8; 32], from_seq: u64, proof: Vec<u8> },
    Unsubscribe { doc: [u8; 16] },
    /// Store and forward a chunk; acknowledged with `client_ref` once durable.
    Push { chunk: SealedChunk, client_ref: u64 },
    /// A snapshot covering every chunk up to `covers_through`, which the relay may then drop.
    Snapshot { chunk: SealedChunk, covers_through: u64, client_ref: u64 },
    /// Presence and other momentary signals: forwarded, never stored.
    Ephemeral { chunk: SealedChunk },
    /// A message sealed to someone's inbox (see `inbox`): unsigned, since
    /// anyone may post; stored and acknowledged like a push.
    Post { chunk: SealedChunk, client_ref: u64 },
}

/// What the relay sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RelayMessage {
    Welcome { version: u16, challenge: [u8; 32], relay_time_ms: i64 },
    /// A stored chunk, with the relay's sequence number for its document.
    Chunk { seq: u64, chunk: SealedChunk },
    /// Everything stored for the document up to `seq` has been sent.
    CaughtUp { doc: [u8; 16], seq: u64 },
    /// The chunk pushed with `client_ref` is durably stored as `seq`.
    Ack { client_ref: u64, seq: u64 },
    Ephemeral { chunk: SealedChunk },
    Error { code: ErrorCode, message: String },
}

/// Typed error codes, stable across versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorCode {
    UnsupportedVersion,
    MalformedFrame,
    FrameTooLarge,
    BadSignature,
    WrongDocument,
    ProofRequired,
    NotSubscribed,
    RateLimited,
    DocumentTooLarge,
    Internal,
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

pub(crate) fn proof_message(doc: &[u8; 16], challenge: &[u8; 32]) -> Vec<u8> {
    let mut message = b"confidant-subscribe-v1".to_vec();
    message.extend_from_slice(doc);
    message.extend_from_slice(challenge);
    message
}

/// The subscribe proof for `challenge`: a signature with the document's key.
pub fn subscribe_proof(keys: &DocumentKeys, challenge: &[u8; 32]) -> Vec<u8> {
    keys.sign(&proof_message(keys.id().as_bytes(), challenge)).to_vec()
}

/// What the relay checks before letting a connection read a document or an
/// inbox: the id belongs to the key, and the challenge is signed with it.
pub fn check_subscribe_proof(doc: &[u8; 16], verifying_key: &[u8; 32], challenge: &[u8; 32], proof: &[u8]) -> bool {
    let owns_id = id_for(verifying_key).as_bytes() == doc || inbox_id_for(verifying_key).as_bytes() == doc;
    owns_id && verify(verifying_key, &proof_message(doc, challenge), proof)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> DocumentKeys {
        DocumentKeys::from_random([4; 32], [5; 32])
    }

    #[test]
    fn messages_round_trip() {
        let chunk = SealedChunk::seal(&keys(), [1; 24], b"change");
        let messages = vec![
            ClientMessage::Hello { version: PROTOCOL_VERSION },
            ClientMessage::Push { chunk: chunk.clone(), client_ref: 7 },
            ClientMessage::Snapshot { chunk, covers_through: 40, client_ref: 8 },
        ];
        for message in messages {
            assert_eq!(decode::<ClientMessage>(&encode(&message)).unwrap(), message);
        }
        let error = RelayMessage::Error { code: ErrorCode::RateLimited, message: "slow down".into() };
        assert_eq!(decode::<RelayMessage>(&encode(&error)).unwrap(), error);
    }

    #[test]
    fn truncated_garbage_oversized_and_padded_frames_are_refused() {
        let frame = encode(&ClientMessage::Push { chunk: SealedChunk::seal(&keys(), [1; 24], b"x"), client_ref: 1 });
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

    #[test]
    fn only_a_key_holder_can_prove_a_subscription() {
        let keys = keys();
        let doc = *keys.id().as_bytes();
        let challenge = [9; 32];
        let proof = subscribe_proof(&keys, &challenge);
        assert!(check_subscribe_proof(&doc, &keys.verifying_key(), &challenge, &proof));
        // A replayed proof for another connection's challenge fails.
        assert!(!check_subscribe_proof(&doc, &keys.verifying_key(), &[8; 32], &proof));
        // Knowing the id and the public key is not enough.
        let stranger = DocumentKeys::from_random([4; 32], [6; 32]);
        let forged = subscribe_proof(&stranger, &challenge);
        assert!(!check_subscribe_proof(&doc, &keys.verifying_key(), &challenge, &forged));
        assert!(!check_subscribe_proof(&doc, &stranger.verifying_key(), &challenge, &forged));
    }
}
