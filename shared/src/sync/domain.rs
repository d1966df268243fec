//! Domain separation: every signature and every associated-data string names
//! the protocol, what the message is for and the document it belongs to, so
//! bytes signed for one purpose can never be replayed as another (a presence
//! signal as a change, a proof for one relay at another).
//!
//! Parts are length-prefixed, so no two different lists of parts produce the
//! same bytes.

/// The protocol's name in every domain string.
pub const PROTOCOL: &str = "confidant/2";

/// What one signature or associated-data string is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// The outer signature of a sealed chunk (role key).
    Chunk,
    /// The associated data of a sealed chunk's encryption.
    ChunkContent,
    /// An author's signature inside a sealed chunk (member key).
    Authored,
    /// An owner's certificate for a member key.
    MemberCertificate,
    /// A subscription proof (reader key or inbox key).
    Subscribe,
    /// A sender's signature inside an inbox letter.
    Letter,
    /// The associated data of an inbox letter.
    LetterContent,
    /// An owner's notice that a document moved to new keys.
    Moved,
    /// Deleting read letters from an inbox.
    InboxDelete,
}

impl Domain {
    const fn name(self) -> &'static str {
        match self {
            Domain::Chunk => "chunk",
            Domain::ChunkContent => "chunk content",
            Domain::Authored => "authored",
            Domain::MemberCertificate => "member certificate",
            Domain::Subscribe => "subscribe",
            Domain::Letter => "letter",
            Domain::LetterContent => "letter content",
            Domain::Moved => "moved",
            Domain::InboxDelete => "inbox delete",
        }
    }

    /// The bytes to sign (or to bind as associated data): the protocol, the
    /// domain, then each part with its length.
    pub fn bytes(self, parts: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + parts.iter().map(|p| p.len() + 4).sum::<usize>());
        for label in [PROTOCOL.as_bytes(), self.name().as_bytes()].into_iter().chain(parts.iter().copied()) {
            out.extend_from_slice(&(label.len() as u32).to_le_bytes());
            out.extend_from_slice(label);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_and_part_boundaries_never_collide() {
        assert_ne!(Domain::Chunk.bytes(&[b"a"]), Domain::Authored.bytes(&[b"a"]));
        assert_ne!(Domain::Chunk.bytes(&[b"ab", b"c"]), Domain::Chunk.bytes(&[b"a", b"bc"]));
        assert_ne!(Domain::Chunk.bytes(&[b"abc"]), Domain::Chunk.bytes(&[b"abc", b""]));
    }
}
