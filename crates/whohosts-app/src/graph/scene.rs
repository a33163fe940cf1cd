//! Turns a graph model and a layout into what is drawn, in graph space: node boxes, ribbons
//! or lines, and label boxes placed so that they never overlap. Text widths come from a
//! `measure` callback, so this stays free of egui types and testable.

use super::force::{force_layout, ForceParams};
use super::layout::{layered, spread_labels, LayoutParams, LinkSpec, NodeSpec, Point, Rect, RibbonGeometry};
use super::model::{GraphModel, HOSTS};
use crate::theme::human_bytes;

/// Height of a two-line label, and so the least vertical room a node needs.
pub const LABEL_SLOT: f32 = 32.0;
pub const LINE_HEIGHT: f32 = 15.0;
const LABEL_PAD: f32 = 6.0;
const NODE_GAP: f32 = 4.0;
const MARGIN: f32 = 14.0;
/// Longest label shown; longer names are cut with an ellipsis (the tooltip has them whole).
const MAX_LABEL_CHARS: usize = 34;

#[derive(Debug, Clone, PartialEq)]
pub struct SceneNode {
    pub rect: Rect,
    /// First line (name) and second line (bytes, detail).
    pub lines: [String; 2],
    /// Where the label box sits; its text is right-aligned when `label_right_aligned`.
    pub label: Rect,
    pub label_right_aligned: bool,
    /// The label moved away from its node: draw a leader line.
    pub leader: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SceneLink {
    Band(RibbonGeometry),
    Line { from: Point, to: Point, width: f32 },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scene {
    /// Indexed like the model's nodes and links.
    pub nodes: Vec<SceneNode>,
    pub links: Vec<SceneLink>,
    pub width: f32,
    pub height: f32,
}

impl Scene {
    /// The node under `p` (its box or its label), topmost first.
    pub fn node_at(&self, p: Point) -> Option<usize> {
        self.nodes.iter().rposition(|n| grow(n.rect, 2.0).contains(p) || n.label.contains(p))
    }

    /// The link under `p`, topmost (last drawn) first.
    pub fn link_at(&self, p: Point) -> Option<usize> {
        self.links.iter().rposition(|l| match l {
            SceneLink::Band(r) => r.contains(p),
            SceneLink::Line { from, to, width } => distance_to_segment(p, *from, *to) <= (width / 2.0).max(3.0),
        })
    }
}

/// How many nodes a column of this height shows before it folds: three quarters of the
/// label slots that fit, so that a quarter of the height is left for heights by bytes; the
/// owner column, whose nodes are few and big, may use every slot.
pub fn capacity_for(height: f32) -> [usize; 3] {
    let slots = (height - 2.0 * MARGIN + NODE_GAP) / (LABEL_SLOT + NODE_GAP);
    let per_column = (slots * 0.75).floor().max(3.0) as usize;
    let owners = (slots.floor() as usize).max(per_column);
    [per_column, per_column, owners]
}

fn grow(r: Rect, by: f32) -> Rect {
    Rect { min: Point { x: r.min.x - by, y: r.min.y - by }, max: Point { x: r.max.x + by, y: r.max.y + by } }
}

fn distance_to_segment(p: Point, a: Point, b: Point) -> f32 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 { (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let (cx, cy) = (a.x + t * dx, a.y + t * dy);
    ((p.x - cx).powi(2) + (p.y - cy).powi(2)).sqrt()
}

/// The two label lines of every node.
pub fn label_lines(model: &GraphModel) -> Vec<[String; 2]> {
    model
        .nodes
        .iter()
        .map(|n| {
            let mut name = n.label.clone();
            if name.chars().count() > MAX_LABEL_CHARS {
                name = name.chars().take(MAX_LABEL_CHARS - 1).collect::<String>() + "…";
            }
            let second = match &n.detail {
                Some(d) => format!("{} · {d}", human_bytes(n.bytes)),
                None => human_bytes(n.bytes),
            };
            [name, second]
        })
        .collect()
}

/// Cuts both lines with an ellipsis until they fit `width`.
fn fit_lines(lines: &mut [String; 2], width: f32, measure: &dyn Fn(&str) -> f32) {
    for line in lines.iter_mut() {
        if measure(line) <= width {
            continue;
        }
        let mut chars: Vec<char> = line.chars().collect();
        while !chars.is_empty() && measure(&(chars.iter().collect::<String>() + "…")) > width {
            chars.pop();
        }
        *line = chars.iter().collect::<String>() + "…";
    }
}

fn label_width(lines: &[String; 2], measure: &dyn Fn(&str) -> f32) -> f32 {
    measure(&lines[0]).max(measure(&lines[1]))
}

/// The Sankey picture: columns, ribbons, labels beside their nodes.
pub fn layered_scene(model: &GraphModel, width: f32, height: f32, measure: &dyn Fn(&str) -> f32) -> Scene {
    let mut lines = label_lines(model);
    // Outer labels take at most a third of the width each; middle labels get the room
    // between their column and the next, so that no label runs into the next column.
    let last_column = model.nodes.iter().map(|n| n.column).max().unwrap_or(0);
    for (n, l) in model.nodes.iter().zip(lines.iter_mut()) {
        if n.column == HOSTS || n.column == last_column {
            fit_lines(l, width / 3.0 - MARGIN, measure);
        }
    }
    let outer = |column: usize| {
        model
            .nodes
            .iter()
            .zip(&lines)
            .filter(|(n, _)| n.column == column)
            .map(|(_, l)| label_width(l, measure))
            .fold(0.0f32, f32::max)
    };
    let columns = last_column + 1;
    if columns > 2 {
        let span = width - 2.0 * MARGIN - outer(HOSTS) - outer(last_column) - 2.0 * LABEL_PAD - 12.0;
        let room = span / (columns - 1) as f32 - 12.0 - 2.0 * LABEL_PAD;
        for (n, l) in model.nodes.iter().zip(lines.iter_mut()) {
            if n.column != HOSTS && n.column != last_column {
                fit_lines(l, room, measure);
            }
        }
    }
    let widest = |column: usize| {
        model
            .nodes
            .iter()
            .zip(&lines)
            .filter(|(n, _)| n.column == column)
            .map(|(_, l)| label_width(l, measure))
            .fold(0.0f32, f32::max)
    };
    let last = model.nodes.iter().map(|n| n.column).max().unwrap_or(0);
    let params = LayoutParams {
        width,
        height,
        left_margin: MARGIN + widest(HOSTS) + LABEL_PAD,
        right_margin: MARGIN + widest(last) + LABEL_PAD,
        vertical_margin: MARGIN,
        node_gap: NODE_GAP,
        min_slot: LABEL_SLOT,
        // Endpoints and owners keep the model's order (grouped and ordered by owner, so no
        // endpoint -> owner ribbon crosses another); only the hosts move.
        movable_columns: 1,
        ..LayoutParams::default()
    };
    // Middle nodes are grouped by the node they lead to (an endpoint's owner node): within
    // such a group they may trade places to reduce crossings on their left.
    let mut leads_to: Vec<Option<u32>> = vec![None; model.nodes.len()];
    for l in &model.links {
        let middle = model.nodes.get(l.source).is_some_and(|n| n.column != HOSTS && n.column != last);
        if let (true, Some(slot)) = (middle, leads_to.get_mut(l.source)) {
            *slot = Some(l.target as u32);
        }
    }
    let specs: Vec<NodeSpec> = model
        .nodes
        .iter()
        .zip(&leads_to)
        .map(|(n, to)| NodeSpec { column: n.column, value: n.bytes as f64, group: to.or(n.group) })
        .collect();
    let links: Vec<LinkSpec> =
        model.links.iter().map(|l| LinkSpec { source: l.source, target: l.target, value: l.bytes as f64 }).collect();
    let layout = layered(&specs, &links, &params);
    let mut nodes: Vec<SceneNode> = layout
        .nodes
        .iter()
        .zip(lines)
        .map(|(&rect, lines)| SceneNode {
            rect,
            lines,
            label: Rect::default(),
            label_right_aligned: false,
            leader: false,
        })
        .collect();
    for (c, column) in layout.order.iter().enumerate() {
        let wanted: Vec<f32> = column.iter().filter_map(|&i| nodes.get(i)).map(|n| n.rect.center().y).collect();
        let half = LABEL_SLOT / 2.0;
        let placed = spread_labels(&wanted, LABEL_SLOT, MARGIN + half, height - MARGIN - half);
        for ((&i, &y), &want) in column.iter().zip(&placed).zip(&wanted) {
            let Some(n) = nodes.get_mut(i) else { continue };
            let w = label_width(&n.lines, measure);
            let right_aligned = c == HOSTS;
            let x0 = if right_aligned { n.rect.min.x - LABEL_PAD - w } else { n.rect.max.x + LABEL_PAD };
            n.label = Rect { min: Point { x: x0, y: y - half }, max: Point { x: x0 + w, y: y + half } };
            n.label_right_aligned = right_aligned;
            n.leader = (y - want).abs() > n.rect.height() / 2.0 + 2.0;
        }
    }
    Scene { nodes, links: layout.ribbons.into_iter().map(SceneLink::Band).collect(), width, height }
}

/// The force-directed picture: circles sized by bytes, lines as wide as their share.
pub fn force_scene(model: &GraphModel, width: f32, height: f32, measure: &dyn Fn(&str) -> f32) -> Scene {
    let lines = label_lines(model);
    let max_link = model.links.iter().map(|l| l.bytes).max().unwrap_or(1).max(1) as f32;
    let max_node = model.nodes.iter().map(|n| n.bytes).max().unwrap_or(1).max(1) as f32;
    let edges: Vec<(usize, usize, f32)> =
        model.links.iter().map(|l| (l.source, l.target, 0.2 + 0.8 * (l.bytes as f32 / max_link).sqrt())).collect();
    let widest = lines.iter().map(|l| label_width(l, measure)).fold(0.0f32, f32::max);
    let params =
        ForceParams { width, height, margin: 40.0, right_margin: widest.min(width / 3.0), ..ForceParams::default() };
    let positions = force_layout(model.nodes.len(), &edges, &params);
    let mut nodes: Vec<SceneNode> = model
        .nodes
        .iter()
        .zip(lines)
        .zip(&positions)
        .map(|((n, lines), &p)| {
            let r = 4.0 + 18.0 * (n.bytes as f32 / max_node).sqrt();
            let rect = Rect { min: Point { x: p.x - r, y: p.y - r }, max: Point { x: p.x + r, y: p.y + r } };
            let w = label_width(&lines, measure);
            let label = Rect {
                min: Point { x: p.x + r + 4.0, y: p.y - LABEL_SLOT / 2.0 },
                max: Point { x: p.x + r + 4.0 + w, y: p.y + LABEL_SLOT / 2.0 },
            };
            SceneNode { rect, lines, label, label_right_aligned: false, leader: false }
        })
        .collect();
    separate_labels(&mut nodes, height);
    let links = model
        .links
        .iter()
        .map(|l| {
            let at = |i: usize| positions.get(i).copied().unwrap_or_default();
            SceneLink::Line { from: at(l.source), to: at(l.target), width: 1.0 + 10.0 * (l.bytes as f32 / max_link) }
        })
        .collect();
    Scene { nodes, links, width, height }
}

/// Moves labels down (top to bottom, greedily) until no two overlap; a moved label gets a
/// leader line to its node.
fn separate_labels(nodes: &mut [SceneNode], height: f32) {
    let mut by_y: Vec<usize> = (0..nodes.len()).collect();
    by_y.sort_by(|&a, &b| nodes[a].label.min.y.total_cmp(&nodes[b].label.min.y).then(a.cmp(&b)));
    let mut placed: Vec<Rect> = Vec::with_capacity(nodes.len());
    for i in by_y {
        let Some(node) = nodes.get_mut(i) else { continue };
        let mut label = node.label;
        while let Some(blocker) = placed
            .iter()
            .find(|p| p.min.x < label.max.x && label.min.x < p.max.x && p.min.y < label.max.y && label.min.y < p.max.y)
        {
            let shift = blocker.max.y - label.min.y + 1.0;
            label.min.y += shift;
            label.max.y += shift;
        }
        if label.max.y > height {
            // No room below: keep it where it was rather than outside the picture.
            label = node.label;
        }
        node.leader = label != node.label;
        node.label = label;
        placed.push(label);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::graph::model::build;
    use test_support::scenes as fake_snapshot;
    use whohosts_core::filter::ViewFilter;

    fn measure(text: &str) -> f32 {
        text.chars().count() as f32 * 7.0
    }

    #[test]
    fn labels_never_overlap_and_stay_inside() {
        let snapshot = fake_snapshot::demo();
        for height in [300.0, 500.0, 800.0] {
            let model = build(&snapshot, &ViewFilter::default(), &BTreeSet::new(), capacity_for(height));
            let scene = layered_scene(&model, 1100.0, height, &measure);
            for (i, a) in scene.nodes.iter().enumerate() {
                assert!(a.label.min.x >= 0.0 && a.label.max.x <= 1100.0, "{:?}", a.lines);
                assert!(a.label.min.y >= 0.0 && a.label.max.y <= height + 0.01, "{:?} {height}", a.lines);
                for b in scene.nodes.iter().skip(i + 1) {
                    let overlap_x = a.label.min.x < b.label.max.x && b.label.min.x < a.label.max.x;
                    let overlap_y = a.label.min.y < b.label.max.y - 0.01 && b.label.min.y < a.label.max.y - 0.01;
                    assert!(!(overlap_x && overlap_y), "{:?} overlaps {:?} at height {height}", a.lines, b.lines);
                }
            }
        }
    }

    #[test]
    fn hit_testing_finds_nodes_and_ribbons() {
        let snapshot = fake_snapshot::demo();
        let model = build(&snapshot, &ViewFilter::default(), &BTreeSet::new(), capacity_for(600.0));
        let scene = layered_scene(&model, 1000.0, 600.0, &measure);
        let n = &scene.nodes[0];
        assert_eq!(scene.node_at(n.rect.center()), Some(0));
        let SceneLink::Band(r) = &scene.links[0] else { panic!() };
        let mid = (r.x0 + r.x1) / 2.0;
        let p = Point { x: mid, y: r.top_at(mid).unwrap() + r.width / 2.0 };
        assert!(scene.link_at(p).is_some());
        let force = force_scene(&model, 1000.0, 600.0, &measure);
        assert_eq!(force.nodes.len(), model.nodes.len());
    }

    #[test]
    fn sweeps_reduce_crossings_on_the_demo_capture() {
        use crate::graph::layout::{LinkSpec, NodeSpec};
        use crate::graph::ordering::{order_columns, total_crossings};
        let snapshot = fake_snapshot::demo();
        let model = build(&snapshot, &ViewFilter::default(), &BTreeSet::new(), capacity_for(800.0));
        let nodes: Vec<NodeSpec> =
            model.nodes.iter().map(|n| NodeSpec { column: n.column, value: n.bytes as f64, group: n.group }).collect();
        let links: Vec<LinkSpec> = model
            .links
            .iter()
            .map(|l| LinkSpec { source: l.source, target: l.target, value: l.bytes as f64 })
            .collect();
        let initial: Vec<Vec<usize>> =
            (0..3).map(|c| (0..nodes.len()).filter(|&i| nodes[i].column == c).collect()).collect();
        let before = total_crossings(&initial, &links, nodes.len());
        let after = total_crossings(&order_columns(&nodes, &links, initial, 6), &links, nodes.len());
        eprintln!("demo crossings: {before} in input order, {after} after sweeps");
        assert!(after <= before);
    }
}
