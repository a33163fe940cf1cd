//! Node order within the layered layout's columns: barycentric sweeps that reduce ribbon
//! crossings while keeping each group (provider) together, and the crossing count itself.
//! Pure maths, deterministic (ties keep the current order).

use std::cmp::Ordering;

use super::layout::{LinkSpec, NodeSpec};

/// Position of every node within its column.
pub fn ranks(order: &[Vec<usize>], node_count: usize) -> Vec<usize> {
    let mut rank = vec![0; node_count];
    for column in order {
        for (position, &node) in column.iter().enumerate() {
            if let Some(r) = rank.get_mut(node) {
                *r = position;
            }
        }
    }
    rank
}

/// Reorders each column by the weighted mean position of its neighbours, sweeping down
/// (left to right) then up, keeping the order with the fewest crossings seen.
pub fn order_columns(
    nodes: &[NodeSpec],
    links: &[LinkSpec],
    initial: Vec<Vec<usize>>,
    sweeps: usize,
) -> Vec<Vec<usize>> {
    order_columns_before(nodes, links, initial, sweeps, usize::MAX)
}

/// Like [`order_columns`], moving only the columns left of `movable` (the others keep the
/// order given: the graph fixes its endpoint and owner columns so that they follow owners).
pub fn order_columns_before(
    nodes: &[NodeSpec],
    links: &[LinkSpec],
    initial: Vec<Vec<usize>>,
    sweeps: usize,
    movable: usize,
) -> Vec<Vec<usize>> {
    let mut order = initial;
    let mut best = order.clone();
    let mut best_crossings = total_crossings(&order, links, nodes.len());
    for _ in 0..sweeps {
        for c in (1..order.len()).filter(|&c| c < movable) {
            reorder_column(&mut order, c, c - 1, nodes, links);
        }
        for c in (0..order.len().saturating_sub(1)).rev().filter(|&c| c < movable) {
            reorder_column(&mut order, c, c + 1, nodes, links);
        }
        let crossings = total_crossings(&order, links, nodes.len());
        // Ties take the newer order: it has its groups together.
        if crossings <= best_crossings {
            best_crossings = crossings;
            best = order.clone();
        }
    }
    refine_by_swaps(&mut best, nodes, links, movable);
    refine_fixed_columns(&mut best, nodes, links, movable);
    best
}

/// In the columns that keep their order (right of `movable`), nodes of one group may still
/// trade places: adjacent swaps within a group are kept when they lower the crossings on
/// their left and add none on their right. In the graph, the endpoints of one owner node
/// form a group, so this lowers host -> endpoint crossings and keeps endpoint -> owner at 0.
pub fn refine_fixed_columns(order: &mut [Vec<usize>], nodes: &[NodeSpec], links: &[LinkSpec], movable: usize) {
    let group = |i: usize| nodes.get(i).and_then(|n| n.group);
    let last = order.len().saturating_sub(1);
    for _ in 0..8 {
        let mut improved = false;
        for c in movable.max(1)..last {
            let len = order.get(c).map_or(0, Vec::len);
            for p in 0..len.saturating_sub(1) {
                let Some(column) = order.get(c) else { break };
                let (a, b) = (column[p], column[p + 1]);
                if group(a).is_none() || group(a) != group(b) {
                    continue;
                }
                let before = crossings_per_gap(order, links, nodes.len());
                let mut swapped = column.clone();
                swapped.swap(p, p + 1);
                let Some(slot) = order.get_mut(c) else { break };
                let previous = std::mem::replace(slot, swapped);
                let after = crossings_per_gap(order, links, nodes.len());
                let left_better = after.get(c - 1) < before.get(c - 1);
                let right_same = after.iter().skip(c).zip(before.iter().skip(c)).all(|(x, y)| x <= y);
                if left_better && right_same {
                    improved = true;
                } else if let Some(slot) = order.get_mut(c) {
                    *slot = previous;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Local search after the sweeps: swaps neighbouring group blocks, then neighbouring nodes
/// of one group, keeping a swap only when it removes crossings. Groups stay contiguous.
pub fn refine_by_swaps(order: &mut [Vec<usize>], nodes: &[NodeSpec], links: &[LinkSpec], movable: usize) {
    let group = |i: usize| nodes.get(i).and_then(|n| n.group);
    let mut crossings = total_crossings(order, links, nodes.len());
    for _ in 0..8 {
        let before = crossings;
        for c in 0..order.len().min(movable) {
            // Blocks of equal group (ungrouped nodes are blocks of one).
            let Some(column) = order.get(c) else { continue };
            let mut blocks: Vec<Vec<usize>> = Vec::new();
            for &n in column {
                match blocks.last_mut() {
                    Some(b) if group(n).is_some() && b.first().map(|&f| group(f)) == Some(group(n)) => b.push(n),
                    _ => blocks.push(vec![n]),
                }
            }
            for b in 0..blocks.len().saturating_sub(1) {
                blocks.swap(b, b + 1);
                try_column(order, c, blocks.concat(), links, nodes.len(), &mut crossings);
                if order.get(c) != Some(&blocks.concat()) {
                    blocks.swap(b, b + 1);
                }
            }
            let len = order.get(c).map_or(0, Vec::len);
            for p in 0..len.saturating_sub(1) {
                let Some(column) = order.get(c) else { break };
                let (a, b) = (column[p], column[p + 1]);
                if group(a).is_none() || group(a) != group(b) {
                    continue;
                }
                let mut swapped = column.clone();
                swapped.swap(p, p + 1);
                try_column(order, c, swapped, links, nodes.len(), &mut crossings);
            }
        }
        if crossings >= before {
            break;
        }
    }
}

/// Puts `candidate` in column `c` if that strictly lowers the crossing count.
fn try_column(
    order: &mut [Vec<usize>],
    c: usize,
    candidate: Vec<usize>,
    links: &[LinkSpec],
    nodes: usize,
    crossings: &mut u64,
) {
    let Some(slot) = order.get_mut(c) else { return };
    let previous = std::mem::replace(slot, candidate);
    let after = total_crossings(order, links, nodes);
    if after < *crossings {
        *crossings = after;
    } else if let Some(slot) = order.get_mut(c) {
        *slot = previous;
    }
}

/// Sorts column `c` by barycentres against column `fixed`; groups stay contiguous, ordered by
/// their value-weighted barycentre; ties keep the current order (stable and deterministic).
fn reorder_column(order: &mut [Vec<usize>], c: usize, fixed: usize, nodes: &[NodeSpec], links: &[LinkSpec]) {
    let rank = ranks(order, nodes.len());
    let Some(column) = order.get(c) else { return };
    let mut sum = vec![0.0f64; nodes.len()];
    let mut weight = vec![0.0f64; nodes.len()];
    for link in links {
        let (mine, other) = if nodes.get(link.target).is_some_and(|n| n.column == c) {
            (link.target, link.source)
        } else {
            (link.source, link.target)
        };
        if nodes.get(mine).is_some_and(|n| n.column == c) && nodes.get(other).is_some_and(|n| n.column == fixed) {
            let w = link.value.max(1e-9);
            if let (Some(s), Some(wt)) = (sum.get_mut(mine), weight.get_mut(mine)) {
                *s += w * rank.get(other).copied().unwrap_or(0) as f64;
                *wt += w;
            }
        }
    }
    let barycentre = |i: usize| -> f64 {
        match (sum.get(i), weight.get(i)) {
            (Some(&s), Some(&w)) if w > 0.0 => s / w,
            _ => rank.get(i).copied().unwrap_or(0) as f64,
        }
    };
    let mut group_sum: std::collections::BTreeMap<u32, (f64, f64)> = std::collections::BTreeMap::new();
    for &i in column {
        if let Some(g) = nodes.get(i).and_then(|n| n.group) {
            let entry = group_sum.entry(g).or_default();
            let w = nodes.get(i).map_or(0.0, |n| n.value.max(1e-9));
            entry.0 += barycentre(i) * w;
            entry.1 += w;
        }
    }
    let key = |i: usize| -> (f64, f64) {
        let own = barycentre(i);
        match nodes.get(i).and_then(|n| n.group).and_then(|g| group_sum.get(&g)) {
            Some(&(s, w)) if w > 0.0 => (s / w, own),
            _ => (own, own),
        }
    };
    let mut sorted = column.clone();
    sorted.sort_by(|&a, &b| {
        let (ka, kb) = (key(a), key(b));
        ka.0.partial_cmp(&kb.0)
            .unwrap_or(Ordering::Equal)
            .then_with(|| nodes.get(a).and_then(|n| n.group).cmp(&nodes.get(b).and_then(|n| n.group)))
            .then_with(|| ka.1.partial_cmp(&kb.1).unwrap_or(Ordering::Equal))
            .then_with(|| rank.get(a).cmp(&rank.get(b)))
    });
    if let Some(slot) = order.get_mut(c) {
        *slot = sorted;
    }
}

/// Pairs of ribbons that cross, over all adjacent column pairs.
pub fn total_crossings(order: &[Vec<usize>], links: &[LinkSpec], node_count: usize) -> u64 {
    crossings_per_gap(order, links, node_count).iter().sum()
}

/// Pairs of ribbons that cross between column c and c + 1, for each c.
pub fn crossings_per_gap(order: &[Vec<usize>], links: &[LinkSpec], node_count: usize) -> Vec<u64> {
    let rank = ranks(order, node_count);
    let mut column_of = vec![usize::MAX; node_count];
    for (c, column) in order.iter().enumerate() {
        for &node in column {
            if let Some(slot) = column_of.get_mut(node) {
                *slot = c;
            }
        }
    }
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut gaps = Vec::new();
    let columns = order.len();
    for c in 0..columns.saturating_sub(1) {
        pairs.clear();
        pairs.extend(
            links
                .iter()
                .filter(|l| column_of.get(l.source) == Some(&c))
                .filter_map(|l| Some((*rank.get(l.source)?, *rank.get(l.target)?))),
        );
        pairs.sort_unstable();
        let mut targets: Vec<usize> = pairs.iter().map(|p| p.1).collect();
        gaps.push(count_inversions(&mut targets));
    }
    gaps
}

/// Number of pairs i < j with v[i] > v[j] (merge sort, O(n log n)); sorts `v`.
pub fn count_inversions(v: &mut [usize]) -> u64 {
    let n = v.len();
    if n < 2 {
        return 0;
    }
    let mid = n / 2;
    let mut count = {
        let (left, right) = v.split_at_mut(mid);
        count_inversions(left) + count_inversions(right)
    };
    let mut merged = Vec::with_capacity(n);
    let (mut i, mut j) = (0, mid);
    while i < mid && j < n {
        if v[i] <= v[j] {
            merged.push(v[i]);
            i += 1;
        } else {
            merged.push(v[j]);
            count += (mid - i) as u64;
            j += 1;
        }
    }
    merged.extend_from_slice(&v[i..mid]);
    merged.extend_from_slice(&v[j..n]);
    v.copy_from_slice(&merged);
    count
}
