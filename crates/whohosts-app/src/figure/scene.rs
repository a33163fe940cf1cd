//! The figure as a pure description of what is drawn: rectangles, ribbons (bands between a
//! top and a bottom edge), lines and text runs with their measured boxes, in points from the
//! figure's top-left corner, plus a dump of what they stand for (nodes, ribbons, legend
//! entries with their numbers) for tests and for `--layout-json`. Computed once, painted
//! three ways (egui for PNG and the window, SVG, PDF). No egui types.

use serde::Serialize;

use crate::palette::Rgb;

/// A box: left, top, width, height.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct BoxF {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl BoxF {
    pub fn right(&self) -> f32 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }
    /// Whether the two boxes share more than `slack` points in both directions.
    pub fn overlaps(&self, other: &BoxF, slack: f32) -> bool {
        self.x + slack < other.right()
            && other.x + slack < self.right()
            && self.y + slack < other.bottom()
            && other.y + slack < self.bottom()
    }
    pub fn inside(&self, width: f32, height: f32, slack: f32) -> bool {
        self.x >= -slack && self.y >= -slack && self.right() <= width + slack && self.bottom() <= height + slack
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Anchor {
    /// `x` is the text's left edge.
    Start,
    /// `x` is the text's right edge.
    End,
}

/// One line of text: its top-left (or top-right) corner, size in points and measured box.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextRun {
    pub text: String,
    pub x: f32,
    pub y: f32,
    pub size: f32,
    #[serde(serialize_with = "hex")]
    pub colour: Rgb,
    pub anchor: Anchor,
    pub bold: bool,
    /// The box the text takes (measured with the figure's font).
    #[serde(rename = "box")]
    pub bounds: BoxF,
    /// What the text belongs to: "title", "node", "legend", "axis", "caption" ...
    pub role: &'static str,
}

fn hex<S: serde::Serializer>(c: &Rgb, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&c.hex())
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Rect {
        bounds: BoxF,
        fill: Rgb,
        opacity: f32,
        stroke: Option<(Rgb, f32)>,
    },
    /// A band between two edges with the same x samples (ribbons, stacked areas).
    Band {
        top: Vec<(f32, f32)>,
        bottom: Vec<(f32, f32)>,
        fill: Rgb,
        opacity: f32,
    },
    Line {
        points: Vec<(f32, f32)>,
        colour: Rgb,
        width: f32,
        opacity: f32,
    },
    Text(TextRun),
}

/// A node of the graph as drawn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeDump {
    pub column: usize,
    pub label: String,
    pub detail: Option<String>,
    pub owner: Option<String>,
    pub bytes: u64,
    #[serde(rename = "box")]
    pub bounds: BoxF,
    #[serde(serialize_with = "hex")]
    pub colour: Rgb,
    pub folded: bool,
}

/// A ribbon as drawn: its nodes (indices into `nodes`) and where its ends sit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RibbonDump {
    pub source: usize,
    pub target: usize,
    pub owner: String,
    pub bytes: u64,
    #[serde(serialize_with = "hex")]
    pub colour: Rgb,
    /// x, top and bottom at the source end.
    pub from: [f32; 3],
    /// x, top and bottom at the target end.
    pub to: [f32; 3],
}

/// A legend line: the owner, its colour and its numbers (the graph's own).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LegendDump {
    pub owner: String,
    #[serde(serialize_with = "hex")]
    pub colour: Rgb,
    pub bytes: u64,
    pub share: f64,
    /// Owners standing behind the entry (more than 1 for "Other ASes").
    pub owners: usize,
}

/// Numbers about the picture that tests check and users diff.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Checks {
    pub host_endpoint_crossings: u64,
    pub endpoint_owner_crossings: u64,
    /// Pairs of text boxes that overlap.
    pub label_overlaps: usize,
    /// Text boxes that leave the figure.
    pub labels_outside: usize,
    /// Least CIEDE2000 difference between two legend colours (None with fewer than two).
    pub min_delta_e: Option<f64>,
    /// Bytes in the graph (into the owner column) and in the legend: equal.
    pub graph_bytes: u64,
    pub legend_bytes: u64,
}

/// What `--layout-json` writes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LayoutDump {
    pub width: f32,
    pub height: f32,
    pub theme: &'static str,
    pub nodes: Vec<NodeDump>,
    pub ribbons: Vec<RibbonDump>,
    pub labels: Vec<TextRun>,
    pub legend: Vec<LegendDump>,
    pub caption: String,
    pub checks: Checks,
}

/// The whole figure.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureScene {
    pub width: f32,
    pub height: f32,
    pub background: Rgb,
    /// In drawing order.
    pub items: Vec<Item>,
    pub dump: LayoutDump,
}

impl FigureScene {
    /// The text runs, in drawing order.
    pub fn texts(&self) -> impl Iterator<Item = &TextRun> {
        self.items.iter().filter_map(|i| match i {
            Item::Text(t) => Some(t),
            _ => None,
        })
    }

    /// The layout dump as pretty JSON.
    pub fn layout_json(&self) -> String {
        serde_json::to_string_pretty(&self.dump).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

/// Pairs of boxes that overlap (by more than half a point), and boxes outside the figure.
pub fn overlap_counts(boxes: &[BoxF], width: f32, height: f32) -> (usize, usize) {
    let mut overlaps = 0;
    for (i, a) in boxes.iter().enumerate() {
        overlaps += boxes.iter().skip(i + 1).filter(|b| a.overlaps(b, 0.5)).count();
    }
    let outside = boxes.iter().filter(|b| !b.inside(width, height, 0.5)).count();
    (overlaps, outside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_overlap_only_when_they_share_area() {
        let a = BoxF { x: 0.0, y: 0.0, w: 10.0, h: 10.0 };
        assert!(a.overlaps(&BoxF { x: 5.0, y: 5.0, w: 10.0, h: 10.0 }, 0.5));
        assert!(!a.overlaps(&BoxF { x: 10.0, y: 0.0, w: 10.0, h: 10.0 }, 0.5));
        assert_eq!(overlap_counts(&[a, BoxF { x: 95.0, y: 0.0, w: 10.0, h: 5.0 }], 100.0, 100.0), (0, 1));
    }
}
