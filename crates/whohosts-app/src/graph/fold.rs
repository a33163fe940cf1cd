//! Folding crowded columns: which entries keep a node of their own and which share an
//! "N more" node per group, so that a column never holds more nodes than its labels allow.

use std::cmp::Ordering;

/// The group of a fold that mixes groups (when there are too many groups for one fold each);
/// expanding it expands every group.
pub const OTHERS: u32 = u32::MAX;

/// How a crowded column is shown: the entries kept and, per group, the folded rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    Keep(usize),
    /// "N more" for a group, with the entries it stands for.
    More {
        group: u32,
        members: Vec<usize>,
    },
}

/// Chooses which of `entries` (group, value) get their own node when at most `capacity` fit:
/// the largest entries stay, each group's rest folds into one "N more" slot (which uses a
/// slot too). Groups in `expanded` are never folded. Output order follows input order, with
/// each group's "more" slot after its last kept entry.
pub fn fold_crowded(entries: &[(u32, f64)], capacity: usize, expanded: &dyn Fn(u32) -> bool) -> Vec<Slot> {
    let mut by_value: Vec<usize> = (0..entries.len()).collect();
    by_value.sort_by(|&a, &b| {
        let (va, vb) = (entries.get(a).map_or(0.0, |e| e.1), entries.get(b).map_or(0.0, |e| e.1));
        vb.partial_cmp(&va).unwrap_or(Ordering::Equal).then(a.cmp(&b))
    });
    let all_expanded = expanded(OTHERS);
    let forced: Vec<bool> = entries.iter().map(|e| all_expanded || expanded(e.0)).collect();
    let mut keep = vec![false; entries.len()];
    let mut others: Vec<usize> = Vec::new();
    let mut in_others = vec![false; entries.len()];
    if entries.len() <= capacity.max(1) {
        keep.iter_mut().for_each(|k| *k = true);
    } else {
        // The largest k such that k kept entries plus one slot per folded group fit.
        let mut best = None;
        for k in (1..=capacity.min(entries.len())).rev() {
            let mut kept = vec![false; entries.len()];
            for &i in by_value.iter().take(k) {
                kept[i] = true;
            }
            let mut folded_groups: Vec<u32> =
                entries.iter().enumerate().filter(|&(i, _)| !kept[i] && !forced[i]).map(|(_, e)| e.0).collect();
            folded_groups.sort_unstable();
            folded_groups.dedup();
            let forced_extra = (0..entries.len()).filter(|&i| forced[i] && !kept[i]).count();
            if k + folded_groups.len() + forced_extra <= capacity {
                best = Some(k);
                break;
            }
        }
        match best {
            Some(k) => by_value.iter().take(k).for_each(|&i| keep[i] = true),
            None => {
                // Too many groups for one fold each: the largest entries stay and
                // everything else shares one fold of mixed groups.
                by_value.iter().take(capacity.saturating_sub(1).max(1)).for_each(|&i| keep[i] = true);
                for (i, k) in keep.iter_mut().enumerate() {
                    *k |= forced[i];
                }
                others = (0..entries.len()).filter(|&i| !keep[i]).collect();
                others.iter().for_each(|&i| in_others[i] = true);
            }
        }
        for (i, k) in keep.iter_mut().enumerate() {
            *k |= forced[i];
        }
    }
    // A fold of one entry takes the same room as the entry: show the entry instead.
    let mut folded_per_group: std::collections::BTreeMap<u32, Vec<usize>> = std::collections::BTreeMap::new();
    for (i, &(group, _)) in entries.iter().enumerate() {
        if !keep[i] && !in_others[i] {
            folded_per_group.entry(group).or_default().push(i);
        }
    }
    for members in folded_per_group.values() {
        if let [only] = members.as_slice() {
            keep[*only] = true;
        }
    }
    if let [only] = others.as_slice() {
        keep[*only] = true;
        in_others[*only] = false;
        others.clear();
    }
    let mut slots = Vec::new();
    let mut pending: std::collections::BTreeMap<u32, Vec<usize>> = std::collections::BTreeMap::new();
    for (i, &(group, _)) in entries.iter().enumerate() {
        if keep[i] {
            slots.push(Slot::Keep(i));
        } else if !in_others[i] {
            pending.entry(group).or_default().push(i);
        }
    }
    for (group, members) in pending {
        // Place the group's fold right after its last kept entry, else at the end.
        let after =
            slots.iter().rposition(|s| matches!(s, Slot::Keep(i) if entries.get(*i).is_some_and(|e| e.0 == group)));
        let slot = Slot::More { group, members };
        match after {
            Some(p) => slots.insert(p + 1, slot),
            None => slots.push(slot),
        }
    }
    if !others.is_empty() {
        slots.push(Slot::More { group: OTHERS, members: others });
    }
    slots
}
