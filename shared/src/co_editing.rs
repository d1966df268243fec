//! Co-editing one text field: where the user's caret and selection go when
//! the partner's change arrives while they type.
//!
//! The field's new text is what Automerge merged; the page puts it in the
//! field and then the selection back, mapped through the change. The change
//! is found as the one span that differs between the old and the new text
//! (a common start and a common end): a caret before it stays, a caret after
//! it moves by what was inserted or removed, a caret inside it goes to the
//! span's end. Offsets are UTF-16 code units, as the DOM counts them.

/// Where a caret at `caret` in `old` belongs in `new`.
pub fn map_caret(old: &str, new: &str, caret: u32) -> u32 {
    let old: Vec<u16> = old.encode_utf16().collect();
    let new: Vec<u16> = new.encode_utf16().collect();
    let caret = (caret as usize).min(old.len());
    let span = Changed::between(&old, &new);
    let mapped = if caret <= span.start {
        caret
    } else if caret >= span.old_end {
        caret + span.new_end - span.old_end
    } else {
        span.new_end
    };
    u32::try_from(mapped.min(new.len())).unwrap_or(u32::MAX)
}

/// The selection `start..end` of `old`, mapped into `new`.
pub fn map_selection(old: &str, new: &str, start: u32, end: u32) -> (u32, u32) {
    let start_mapped = map_caret(old, new, start);
    (start_mapped, map_caret(old, new, end).max(start_mapped))
}

/// The one span that differs: `old[start..old_end]` became `new[start..new_end]`.
struct Changed {
    start: usize,
    old_end: usize,
    new_end: usize,
}

impl Changed {
    fn between(old: &[u16], new: &[u16]) -> Changed {
        let start = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let room = old.len().min(new.len()) - start;
        let common_end = old.iter().rev().zip(new.iter().rev()).take(room).take_while(|(a, b)| a == b).count();
        Changed { start, old_end: old.len() - common_end, new_end: new.len() - common_end }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_before_the_caret_moves_it_and_one_after_leaves_it() {
        let old = "Both of us write here.";
        // The partner writes at the start while I type at the end.
        assert_eq!(map_caret(old, &format!("Ana: {old}"), 22), 27);
        // ... or at the end while I type at the start.
        assert_eq!(map_caret(old, &format!("{old} Sam"), 4), 4);
        // A deletion before the caret pulls it back.
        assert_eq!(map_caret(old, "Both write here.", 17), 11);
        // A caret inside a replaced span goes to the end of what replaced it.
        assert_eq!(map_caret("abcdef", "abXYZef", 3), 5);
        // Nothing changed: nothing moves.
        assert_eq!(map_caret(old, old, 7), 7);
    }

    #[test]
    fn offsets_count_utf16_units_and_stay_in_the_text() {
        // "é" and "🙂" are one and two UTF-16 units.
        assert_eq!(map_caret("é🙂x", "Aé🙂x", 3), 4);
        assert_eq!(map_caret("abc", "", 3), 0);
        assert_eq!(map_caret("abc", "abcd", 99), 3, "a caret past the end is read as the end, and text arriving at the caret goes after it");
    }

    #[test]
    fn a_selection_keeps_its_words_selected() {
        let old = "keep these words";
        let new = "Note: keep these words";
        assert_eq!(map_selection(old, new, 5, 10), (11, 16));
        assert_eq!(&new[11..16], "these");
    }
}
