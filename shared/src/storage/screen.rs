//! A look at Automerge bytes before Automerge parses them.
//!
//! Automerge 0.12 panics on some malformed "bundle" chunks (found by the
//! `stored_document` fuzz target: a truncated varint in a bundle's column
//! is unwrapped). In the browser a panic ends the app, and the bytes come
//! from partners and import files. Confidant never writes bundles, so bytes
//! holding one, or anything that is not a sequence of well-formed chunk
//! headers, are refused (and set aside) before Automerge sees them.

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// Document, change and compressed change: what Confidant writes.
const KNOWN_TYPES: [u8; 3] = [0, 1, 2];

/// Why bytes are not passed to Automerge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unscreened {
    #[error("not Automerge data")]
    NotAutomerge,
    #[error("an Automerge chunk of type {0}, which Confidant never writes")]
    UnknownChunkType(u8),
    #[error("an Automerge chunk longer than its bytes")]
    Truncated,
}

/// Check that `bytes` is a sequence of whole Automerge chunks of the types
/// Confidant writes.
pub fn screen(mut bytes: &[u8]) -> Result<(), Unscreened> {
    while !bytes.is_empty() {
        if bytes.len() < 9 || bytes[..4] != MAGIC {
            return Err(Unscreened::NotAutomerge);
        }
        let chunk_type = bytes[8];
        if !KNOWN_TYPES.contains(&chunk_type) {
            return Err(Unscreened::UnknownChunkType(chunk_type));
        }
        let (len, used) = leb128(&bytes[9..]).ok_or(Unscreened::Truncated)?;
        let start = 9 + used;
        let end = start.checked_add(usize::try_from(len).map_err(|_| Unscreened::Truncated)?).ok_or(Unscreened::Truncated)?;
        if end > bytes.len() {
            return Err(Unscreened::Truncated);
        }
        bytes = &bytes[end..];
    }
    Ok(())
}

/// An unsigned LEB128 number and the bytes it took.
fn leb128(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f).checked_shl(7 * i as u32)?;
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::AutoCommit;

    use super::*;

    #[test]
    fn what_automerge_writes_passes_and_bundles_or_junk_do_not() {
        let mut doc = AutoCommit::new();
        doc.put(automerge::ROOT, "title", "Plan").unwrap();
        let saved = doc.save();
        doc.put(automerge::ROOT, "why", "To lead a lab").unwrap();
        let increment = doc.save_incremental();
        assert_eq!(screen(&saved), Ok(()));
        assert_eq!(screen(&increment), Ok(()));
        let mut both = saved.clone();
        both.extend(&increment);
        assert_eq!(screen(&both), Ok(()));
        let mut bundle = saved.clone();
        bundle[8] = 3;
        assert_eq!(screen(&bundle), Err(Unscreened::UnknownChunkType(3)));
        assert_eq!(screen(&saved[..saved.len() - 1]), Err(Unscreened::Truncated));
        assert_eq!(screen(b"plain text"), Err(Unscreened::NotAutomerge));
        assert_eq!(screen(&[]), Ok(()), "nothing is nothing to refuse");
        let mut long = MAGIC.to_vec();
        long.extend([0; 5]);
        long.extend([0xff; 12]);
        assert_eq!(screen(&long), Err(Unscreened::Truncated), "an overlong length");
    }

    #[test]
    fn the_bundle_that_made_automerge_panic_is_refused() {
        // fuzz/regressions/stored_document/bundle-panic, found by the fuzzer.
        let input = include_bytes!("../../../fuzz/regressions/stored_document/bundle-panic");
        for part in input.split(|b| *b == 0xff) {
            if screen(part).is_ok() {
                let _ = AutoCommit::load(part);
            }
        }
    }
}
