//! The layered (Sankey-like) layout: columns left to right, node heights proportional to
//! bytes, ribbons stacked on their nodes without gaps, node order chosen by barycentric sweeps
//! to reduce crossings (columns right of `movable_columns` keep their order but for swaps
//! within a group), crowded columns folded into "N more" nodes. Pure maths on its own
//! points and rectangles (no egui types), deterministic: same input, same picture.

use super::ordering::{order_columns_before, ranks};

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
    /// Columns left of this one are reordered to reduce crossings; the others keep their
    /// input order.
    pub movable_columns: usize,
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
            movable_columns: usize::MAX,
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
    let order = order_columns_before(nodes, links, initial, params.sweeps, params.movable_columns);
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

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;
