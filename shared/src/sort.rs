//! Sorting with one copy of the sort's code.
//!
//! Each `slice::sort_by` call site is compiled into its own copy of the
//! standard library's sort (about 4 KB of wasm for every element type and
//! comparator): 75 of them made 320 KB of the app's download. These sort a
//! list of positions with one comparator type instead, so the sort itself
//! is compiled once, and then move the items into that order in place.
//! Stable, like `sort_by`; the lists sorted here are what a page shows
//! (hundreds, not millions), where a dynamic call per comparison is nothing.

use std::cmp::Ordering;

/// Sort `items` by `compare`, keeping equal items in their order.
pub fn by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = {
        let items = &*items;
        sorted_positions(items.len(), &mut |a, b| compare(&items[a], &items[b]))
    };
    put_in_order(items, order);
}

/// Sort `items` by the key `key` gives, keeping equal items in their order.
pub fn by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sort `items` from least to greatest.
pub fn ascending<T: Ord>(items: &mut [T]) {
    by(items, T::cmp);
}

/// Positions `0..len` in the order `compare` puts them: the one sort.
#[inline(never)]
fn sorted_positions(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Move each item to its place: `order[k]` is the position of the item
/// that belongs at `k`. Follows each cycle of the permutation with swaps,
/// marking places done as it goes.
fn put_in_order<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut k = start;
        while order[k] != k {
            let from = order[k];
            order[k] = k;
            if from == start {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_sort_and_keeps_equal_items_in_order() {
        // Every arrangement of a few items with ties, against `sort_by`.
        let mut seed = 7u64;
        for len in 0..40 {
            for _ in 0..25 {
                let items: Vec<(u8, usize)> = (0..len)
                    .map(|i| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        ((seed >> 60) as u8, i)
                    })
                    .collect();
                let mut ours = items.clone();
                by(&mut ours, |a, b| a.0.cmp(&b.0));
                let mut standard = items.clone();
                standard.sort_by(|a, b| a.0.cmp(&b.0));
                assert_eq!(ours, standard);
            }
        }
    }

    #[test]
    fn by_key_and_ascending() {
        let mut words = vec!["pear", "fig", "apple", "kiwi"];
        by_key(&mut words, |w| w.len());
        assert_eq!(words, ["fig", "pear", "kiwi", "apple"]);
        ascending(&mut words);
        assert_eq!(words, ["apple", "fig", "kiwi", "pear"]);
        let mut owned: Vec<String> = vec!["b".into(), "a".into()];
        ascending(&mut owned);
        assert_eq!(owned, ["a", "b"]);
    }
}
