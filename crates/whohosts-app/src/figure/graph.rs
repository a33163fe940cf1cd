//! The figure's Sankey graph: the graph module's model and layered layout (the same as the
//! window's), laid out at 1/font-scale and scaled, as scene items with a dump of nodes and
//! ribbons, and the ribbon crossings counted on the drawn geometry. Pure: no egui types.

use super::compose::{text_item, Ink, Measure, DETAIL, NAME};
use super::scene::{Anchor, BoxF, Item, NodeDump, RibbonDump};
use crate::graph::layout::RibbonGeometry;
use crate::graph::model::{GraphModel, NodeKind, HOSTS};
use crate::graph::scene::{layered_scene, SceneLink, LABEL_SLOT, LINE_HEIGHT};

const RIBBON_SAMPLES: usize = 24;

/// Points along a ribbon's edge.
type Edge = Vec<(f32, f32)>;

pub struct DrawnGraph {
    pub items: Vec<Item>,
    pub nodes: Vec<NodeDump>,
    pub ribbons: Vec<RibbonDump>,
    /// Host -> endpoint, endpoint -> owner.
    pub crossings: [u64; 2],
}

/// The Sankey graph in `area`: laid out at 1/fs scale by the graph module, then scaled.
pub fn graph_items(model: &GraphModel, area: BoxF, fs: f32, dark: bool, c: &Ink, measure: Measure<'_>) -> DrawnGraph {
    let name_measure = |t: &str| measure(t, NAME);
    let scene = layered_scene(model, area.w / fs, area.h / fs, &name_measure);
    let at = |x: f32, y: f32| (area.x + x * fs, area.y + y * fs);
    let mut items = Vec::new();
    let mut ribbons = Vec::new();
    let mut ends: Vec<(usize, f32, f32)> = Vec::new(); // source column, from top, to top
    for (link, shape) in model.links.iter().zip(&scene.links) {
        let SceneLink::Band(r) = shape else { continue };
        let colour = model.palette.colour_in(&link.owner, dark);
        let (top, bottom) = ribbon_edges(r, &at);
        items.push(Item::Band { top, bottom, fill: colour, opacity: 0.6 });
        let source_column = model.nodes.get(link.source).map_or(0, |n| n.column);
        ends.push((source_column, r.source_top, r.target_top));
        let (x0, y0) = at(r.x0, r.source_top);
        let (x1, y1) = at(r.x1, r.target_top);
        ribbons.push(RibbonDump {
            source: link.source,
            target: link.target,
            owner: link.owner.label().into_owned(),
            bytes: link.bytes,
            colour,
            from: [x0, y0, y0 + r.width * fs],
            to: [x1, y1, y1 + r.width * fs],
        });
    }
    let mut nodes = Vec::new();
    for (n, s) in model.nodes.iter().zip(&scene.nodes) {
        let folded = matches!(n.kind, NodeKind::More { .. });
        let colour = match (&n.owner, n.column) {
            (Some(owner), column) if column != HOSTS => model.palette.colour_in(owner, dark),
            _ => c.weak,
        };
        let (x, y) = at(s.rect.min.x, s.rect.min.y);
        let bounds = BoxF { x, y, w: (s.rect.max.x - s.rect.min.x) * fs, h: (s.rect.max.y - s.rect.min.y) * fs };
        items.push(Item::Rect {
            bounds,
            fill: colour,
            opacity: if folded { 0.45 } else { 1.0 },
            stroke: folded.then_some((c.ink, 1.0)),
        });
        nodes.push(NodeDump {
            column: n.column,
            label: n.label.clone(),
            detail: n.detail.clone(),
            owner: n.owner.as_ref().map(|o| o.label().into_owned()),
            bytes: n.bytes,
            bounds,
            colour,
            folded,
        });
    }
    // Labels over everything, each on a light plate so ribbons never garble it.
    for s in &scene.nodes {
        let anchor = if s.label_right_aligned { Anchor::End } else { Anchor::Start };
        let x = if s.label_right_aligned { s.label.max.x } else { s.label.min.x };
        let centre = (s.label.min.y + s.label.max.y) / 2.0;
        let (lx, ly) = at(x, centre - LINE_HEIGHT);
        let plate = {
            let (px, py) = at(s.label.min.x - 2.0, centre - LABEL_SLOT / 2.0 + 1.0);
            BoxF { x: px, y: py, w: (s.label.max.x - s.label.min.x + 4.0) * fs, h: (LABEL_SLOT - 2.0) * fs }
        };
        items.push(Item::Rect { bounds: plate, fill: c.background, opacity: 0.75, stroke: None });
        if s.leader {
            let from = if s.label_right_aligned {
                at(s.rect.min.x, s.rect.center().y)
            } else {
                at(s.rect.max.x, s.rect.center().y)
            };
            let to = if s.label_right_aligned { at(s.label.max.x, centre) } else { at(s.label.min.x, centre) };
            items.push(Item::Line { points: vec![from, to], colour: c.weak, width: 0.75, opacity: 0.8 });
        }
        items.push(text_item(s.lines[0].clone(), lx, ly, NAME * fs, c.ink, anchor, "node", measure));
        items.push(text_item(
            s.lines[1].clone(),
            lx,
            ly + (LINE_HEIGHT + 1.0) * fs,
            DETAIL * fs,
            c.weak,
            anchor,
            "node",
            measure,
        ));
    }
    let crossings = [crossings_between(&ends, 0), crossings_between(&ends, 1)];
    DrawnGraph { items, nodes, ribbons, crossings }
}

/// Ribbons from `column` to the next that cross: pairs in one order at their sources and
/// the other at their targets (measured on the drawn geometry).
pub fn crossings_between(ends: &[(usize, f32, f32)], column: usize) -> u64 {
    let mut pairs: Vec<(f32, f32)> = ends.iter().filter(|e| e.0 == column).map(|e| (e.1, e.2)).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut count = 0;
    for (i, a) in pairs.iter().enumerate() {
        count += pairs.iter().skip(i + 1).filter(|b| b.0 > a.0 + 0.01 && b.1 + 0.01 < a.1).count() as u64;
    }
    count
}

/// A ribbon's top and bottom edges, sampled along its length, in figure space.
fn ribbon_edges(r: &RibbonGeometry, at: &dyn Fn(f32, f32) -> (f32, f32)) -> (Edge, Edge) {
    let xs = (0..=RIBBON_SAMPLES).map(|s| r.x0 + (r.x1 - r.x0) * s as f32 / RIBBON_SAMPLES as f32);
    let top: Vec<(f32, f32)> = xs.clone().map(|x| at(x, r.top_at(x).unwrap_or(r.source_top))).collect();
    // Hairline ribbons get at least a quarter point, so that they print.
    let width = r.width.max(0.25);
    let bottom = xs.map(|x| at(x, r.top_at(x).unwrap_or(r.source_top) + width)).collect();
    (top, bottom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossings_are_counted_on_geometry() {
        let ends = [(0, 0.0, 10.0), (0, 5.0, 0.0), (1, 0.0, 0.0), (1, 5.0, 5.0)];
        assert_eq!(crossings_between(&ends, 0), 1);
        assert_eq!(crossings_between(&ends, 1), 0);
    }
}
