//! Folding crowded columns: which entries keep a node of their own and which share an
//! "N more" node per group, so that a column never holds more nodes than its labels allow.

use std::cmp::Ordering;

/// Expanding this group expands every group.
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
    if entries.len() <= capacity.max(1) {
        keep.iter_mut().for_each(|k| *k = true);
    } else {
        // The largest k such that k kept entries plus one slot per folded group fit.
        let mut best = None;
        for k in (0..=capacity.min(entries.len())).rev() {
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
        if let Some(k) = best {
            by_value.iter().take(k).for_each(|&i| keep[i] = true);
        }
        // Without a `best`, there are too many groups for a kept entry beside one fold each:
        // every group folds on its own, never into a fold of mixed groups.
        for (i, k) in keep.iter_mut().enumerate() {
            *k |= forced[i];
        }
    }
    // A fold of one entry takes the same room as the entry: show the entry instead.
    let mut folded_per_group: std::collections::BTreeMap<u32, Vec<usize>> = std::collections::BTreeMap::new();
    for (i, &(group, _)) in entries.iter().enumerate() {
        if !keep[i] {
            folded_per_group.entry(group).or_default().push(i);
        }
    }
    for members in folded_per_group.values() {
        if let [only] = members.as_slice() {
            keep[*only] = true;
        }
    }
    // Each group's fold goes right after the group's last entry in input order, so a
    // column sorted by group stays sorted by group.
    let mut pending: std::collections::BTreeMap<u32, Vec<usize>> = std::collections::BTreeMap::new();
    let mut last_of_group: std::collections::BTreeMap<u32, usize> = std::collections::BTreeMap::new();
    for (i, &(group, _)) in entries.iter().enumerate() {
        last_of_group.insert(group, i);
        if !keep[i] {
            pending.entry(group).or_default().push(i);
        }
    }
    let mut slots = Vec::new();
    for (i, &(group, _)) in entries.iter().enumerate() {
        if keep[i] {
            slots.push(Slot::Keep(i));
        }
        if last_of_group.get(&group) == Some(&i) {
            if let Some(members) = pending.remove(&group) {
                slots.push(Slot::More { group, members });
            }
        }
    }
    slots
}
