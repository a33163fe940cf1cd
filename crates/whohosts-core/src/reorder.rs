//! Rearranging a table in place by a new order, for renumbering flows and endpoints without
//! a second copy of the table.

/// Rearranges `items` so that position `i` holds what was at `order[i]`. `order` must be a
/// permutation of `0..items.len()`; positions it does not name stay where they are.
pub(crate) fn permute<T>(items: &mut [T], order: &[u32]) {
    let mut placed = vec![false; items.len()];
    for start in 0..items.len().min(order.len()) {
        if placed.get(start).copied().unwrap_or(true) {
            continue;
        }
        let mut at = start;
        loop {
            if let Some(p) = placed.get_mut(at) {
                *p = true;
            }
            let from = order.get(at).map_or(start, |&f| f as usize);
            if from == start || from >= items.len() {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// The inverse of `order`: `new_of_old[old] = new`.
pub(crate) fn inverse(order: &[u32]) -> Vec<u32> {
    let mut new_of_old = vec![0u32; order.len()];
    for (new, &old) in order.iter().enumerate() {
        if let Some(slot) = new_of_old.get_mut(old as usize) {
            *slot = u32::try_from(new).unwrap_or(u32::MAX);
        }
    }
    new_of_old
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permute_follows_every_cycle() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        let order = [3, 0, 1, 2, 5, 4];
        permute(&mut items, &order);
        assert_eq!(items, vec!['d', 'a', 'b', 'c', 'f', 'e']);
        assert_eq!(inverse(&order), vec![1, 2, 3, 0, 5, 4]);
    }

    #[test]
    fn identity_and_empty_change_nothing() {
        let mut items = vec![1, 2, 3];
        permute(&mut items, &[0, 1, 2]);
        assert_eq!(items, vec![1, 2, 3]);
        permute(&mut Vec::<u8>::new(), &[]);
    }
}
