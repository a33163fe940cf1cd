//! The layered (Sankey-like) layout: columns left to right, node heights proportional to
//! bytes, ribbons stacked on their nodes without gaps, node order chosen by barycentric sweeps
//! to reduce crossings, crowded columns folded into "N more" nodes. Pure maths on its own
//! points and rectangles (no egui types), deterministic: same input, same picture.

use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rect {
    pub min: Point,
    pub max: Point,
}

impl Rect {
    pub fn height(&self) -> f32 {
        self.max.y - self.min.y
    }
    pub fn center(&self) -> Point {
        Point { x: (self.min.x + self.max.x) / 2.0, y: (self.min.y + self.max.y) / 2.0 }
    }
    pub fn contains(&self, p: Point) -> bool {
        p.x >= self.min.x && p.x <= self.max.x && p.y >= self.min.y && p.y <= self.max.y
    }
}

/// A node to place: its column, its weight, and an optional group kept contiguous in its
/// column (a provider), so that one provider's nodes sit together.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSpec {
    pub column: usize,
    pub value: f64,
    pub group: Option<u32>,
}

/// A ribbon from a node to a node in the next column.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkSpec {
    pub source: usize,
    pub target: usize,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LayoutParams {
    pub width: f32,
    pub height: f32,
    /// Room kept free left of the first column and right of the last (for labels).
    pub left_margin: f32,
    pub right_margin: f32,
    pub vertical_margin: f32,
    pub node_width: f32,
    pub node_gap: f32,
    /// Tiny nodes are drawn at least this tall so that they can be seen and clicked.
    pub min_node_height: f32,
    /// Vertical room each node gets at least (its label's height); 0 for none.
    pub min_slot: f32,
    /// Barycentric down-and-up sweep pairs.
    pub sweeps: usize,
}

impl Default for LayoutParams {
    fn default() -> Self {
        LayoutParams {
            width: 1000.0,
            height: 600.0,
            left_margin: 120.0,
            right_margin: 160.0,
            vertical_margin: 16.0,
            node_width: 12.0,
            node_gap: 10.0,
            min_node_height: 2.0,
            min_slot: 0.0,
            sweeps: 6,
        }
    }
}

/// Where one ribbon runs: from the right edge of its source at `source_top` to the left edge
/// of its target at `target_top`, `width` tall all along.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RibbonGeometry {
    pub x0: f32,
    pub x1: f32,
    pub source_top: f32,
    pub target_top: f32,
    pub width: f32,
}

impl RibbonGeometry {
    /// The ribbon's top edge at `x` (a smoothstep between its ends), or None outside it.
    pub fn top_at(&self, x: f32) -> Option<f32> {
        if x < self.x0 || x > self.x1 || self.x1 <= self.x0 {
            return None;
        }
        let u = (x - self.x0) / (self.x1 - self.x0);
        let s = u * u * (3.0 - 2.0 * u);
        Some(self.source_top + (self.target_top - self.source_top) * s)
    }

    pub fn contains(&self, p: Point) -> bool {
        self.top_at(p.x).is_some_and(|top| p.y >= top && p.y <= top + self.width.max(1.0))
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    /// One rectangle per input node, in input order.
    pub nodes: Vec<Rect>,
    /// One ribbon per input link, in input order.
    pub ribbons: Vec<RibbonGeometry>,
    /// Node indices per column, top to bottom.
    pub order: Vec<Vec<usize>>,
    /// Pixels per unit of value.
    pub scale: f32,
}

/// Lays the graph out in `params.width` x `params.height`.
pub fn layered(nodes: &[NodeSpec], links: &[LinkSpec], params: &LayoutParams) -> Layout {
    let columns = nodes.iter().map(|n| n.column + 1).max().unwrap_or(0);
    let initial: Vec<Vec<usize>> = (0..columns)
        .map(|c| (0..nodes.len()).filter(|&i| nodes.get(i).is_some_and(|n| n.column == c)).collect())
        .collect();
    let order = order_columns(nodes, links, initial, params.sweeps);
    let usable = (params.height - 2.0 * params.vertical_margin).max(1.0);
    let scale =
        order.iter().filter_map(|column| column_scale(column, nodes, params, usable)).fold(f32::INFINITY, f32::min);
    let scale = if scale.is_finite() { scale } else { 0.0 };
    let span = (params.width - params.left_margin - params.right_margin - params.node_width).max(1.0);
    let mut rects = vec![Rect::default(); nodes.len()];
    for (c, column) in order.iter().enumerate() {
        let x = params.left_margin + if columns > 1 { span * c as f32 / (columns - 1) as f32 } else { 0.0 };
        let heights: Vec<f32> = column.iter().map(|&i| node_height(nodes.get(i), scale, params)).collect();
        let stacked: f32 = heights.iter().map(|&h| h.max(params.min_slot)).sum::<f32>()
            + params.node_gap * column.len().saturating_sub(1) as f32;
        let mut y = params.vertical_margin + ((usable - stacked) / 2.0).max(0.0);
        for (&i, &h) in column.iter().zip(&heights) {
            // A small node sits in the middle of the room its label needs.
            let slot = h.max(params.min_slot);
            let top = y + (slot - h) / 2.0;
            if let Some(r) = rects.get_mut(i) {
                *r = Rect { min: Point { x, y: top }, max: Point { x: x + params.node_width, y: top + h } };
            }
            y += slot + params.node_gap;
        }
    }
    let ribbons = stack_ribbons(links, &rects, &order, nodes, scale);
    Layout { nodes: rects, ribbons, order, scale }
}

fn node_height(node: Option<&NodeSpec>, scale: f32, params: &LayoutParams) -> f32 {
    node.map_or(0.0, |n| (n.value.max(0.0) as f32 * scale).max(params.min_node_height))
}

/// The largest pixels-per-unit at which the column, each node given at least its slot,
/// fits in `usable` (bisection: the stacked height only grows with the scale).
fn column_scale(column: &[usize], nodes: &[NodeSpec], params: &LayoutParams, usable: f32) -> Option<f32> {
    let total: f64 = column.iter().filter_map(|&i| nodes.get(i)).map(|n| n.value.max(0.0)).sum();
    if total <= 0.0 {
        return None;
    }
    let gaps = params.node_gap * column.len().saturating_sub(1) as f32;
    let stacked = |scale: f32| -> f32 {
        column.iter().map(|&i| node_height(nodes.get(i), scale, params).max(params.min_slot)).sum::<f32>() + gaps
    };
    let (mut lo, mut hi) = (0.0f32, (usable / total as f32).max(0.0));
    if stacked(hi) <= usable {
        return Some(hi);
    }
    if stacked(lo) > usable {
        // Too many nodes even at the least height: keep them thin but visible.
        return Some((usable * 0.2) / total as f32);
    }
    for _ in 0..40 {
        let mid = (lo + hi) / 2.0;
        if stacked(mid) <= usable {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(lo)
}

/// Stacks each node's outgoing ribbons in the order of their targets and its incoming
/// ribbons in the order of their sources, so ribbons leave and arrive without crossing.
fn stack_ribbons(
    links: &[LinkSpec],
    rects: &[Rect],
    order: &[Vec<usize>],
    nodes: &[NodeSpec],
    scale: f32,
) -> Vec<RibbonGeometry> {
    let rank = ranks(order, nodes.len());
    let mut ribbons = vec![RibbonGeometry::default(); links.len()];
    let mut by_source: Vec<usize> = (0..links.len()).collect();
    by_source.sort_by_key(|&l| links.get(l).map(|k| (k.source, rank.get(k.target).copied().unwrap_or(0), l)));
    let mut cursor = vec![f32::NAN; nodes.len()];
    for &l in &by_source {
        let (Some(link), Some(source)) = (links.get(l), links.get(l).and_then(|k| rects.get(k.source))) else {
            continue;
        };
        let top = cursor.get_mut(link.source).map(|c| {
            if c.is_nan() {
                *c = source.min.y;
            }
            let top = *c;
            *c += link.value.max(0.0) as f32 * scale;
            top
        });
        if let Some(r) = ribbons.get_mut(l) {
            r.x0 = source.max.x;
            r.source_top = top.unwrap_or(source.min.y);
            r.width = link.value.max(0.0) as f32 * scale;
        }
    }
    let mut by_target: Vec<usize> = (0..links.len()).collect();
    by_target.sort_by_key(|&l| links.get(l).map(|k| (k.target, rank.get(k.source).copied().unwrap_or(0), l)));
    cursor.iter_mut().for_each(|c| *c = f32::NAN);
    for &l in &by_target {
        let (Some(link), Some(target)) = (links.get(l), links.get(l).and_then(|k| rects.get(k.target))) else {
            continue;
        };
        let top = cursor.get_mut(link.target).map(|c| {
            if c.is_nan() {
                *c = target.min.y;
            }
            let top = *c;
            *c += link.value.max(0.0) as f32 * scale;
            top
        });
        if let Some(r) = ribbons.get_mut(l) {
            r.x1 = target.min.x;
            r.target_top = top.unwrap_or(target.min.y);
        }
    }
    ribbons
}

/// Position of every node within its column.
fn ranks(order: &[Vec<usize>], node_count: usize) -> Vec<usize> {
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
    let mut order = initial;
    let mut best = order.clone();
    let mut best_crossings = total_crossings(&order, links, nodes.len());
    for _ in 0..sweeps {
        for c in 1..order.len() {
            reorder_column(&mut order, c, c - 1, nodes, links);
        }
        for c in (0..order.len().saturating_sub(1)).rev() {
            reorder_column(&mut order, c, c + 1, nodes, links);
        }
        let crossings = total_crossings(&order, links, nodes.len());
        // Ties take the newer order: it has its groups together.
        if crossings <= best_crossings {
            best_crossings = crossings;
            best = order.clone();
        }
    }
    best
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
    let mut total = 0;
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
        total += count_inversions(&mut targets);
    }
    total
}

/// Number of pairs i < j with v[i] > v[j] (merge sort, O(n log n)); sorts `v`.
fn count_inversions(v: &mut [usize]) -> u64 {
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

/// Moves label centres apart so that no two are closer than `min_gap`, keeping them inside
/// [lo, hi] when there is room and as close to where they want to be as the room allows.
/// `wanted` must be sorted top to bottom.
pub fn spread_labels(wanted: &[f32], min_gap: f32, lo: f32, hi: f32) -> Vec<f32> {
    let mut placed: Vec<f32> = Vec::with_capacity(wanted.len());
    for &y in wanted {
        let y = match placed.last() {
            Some(&prev) => y.max(prev + min_gap),
            None => y.max(lo),
        };
        placed.push(y);
    }
    // Push back up from the bottom bound, then re-check the top.
    let mut limit = hi;
    for y in placed.iter_mut().rev() {
        if *y > limit {
            *y = limit;
        }
        limit = *y - min_gap;
    }
    let mut floor = lo;
    for y in &mut placed {
        if *y < floor {
            *y = floor;
        }
        floor = *y + min_gap;
    }
    placed
}

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

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;
