//! Draws the cached graph scene on an egui canvas and turns pointer input into pan, zoom,
//! tooltips and commands. The model is rebuilt only when the snapshot, the filter, the folds
//! or the column capacity change; the scene only when the canvas size or mode changes too.

use std::collections::BTreeSet;
use std::sync::Arc;

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2};

use super::background;
use super::chips::{is_chosen, node_chip, node_clicked, node_menu_ui};
use super::layout::{Point, RibbonGeometry};
use super::model::{GraphModel, NodeKind, HOSTS};
use super::scene::{self, Scene, SceneLink, LINE_HEIGHT};
use super::{GraphState, LayoutMode};
use crate::theme::{self, human_bytes};
use crate::view_command::ViewCommand;
use whohosts_core::filter::ViewFilter;
use whohosts_core::snapshot::Snapshot;

const RIBBON_SAMPLES: usize = 24;
const NAME_FONT: f32 = 12.5;
const DETAIL_FONT: f32 = 11.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hit {
    Node(usize),
    Link(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct ModelKey {
    flows: usize,
    flow_count: usize,
    endpoints: usize,
    owners: usize,
    filter: ViewFilter,
    expanded: BTreeSet<String>,
    capacity: [usize; 3],
}

#[derive(Debug, Clone, PartialEq)]
struct SceneKey {
    size: (i32, i32),
    mode: LayoutMode,
}

#[derive(Debug)]
pub(super) struct CachedScene {
    model_key: ModelKey,
    scene_key: SceneKey,
    model: GraphModel,
    scene: Scene,
    canvas: Rect,
}

impl CachedScene {
    pub(super) fn palette(&self) -> &crate::palette::Palette {
        &self.model.palette
    }

    pub(super) fn node_screen_rect(&self, state: &GraphState, label: &str) -> Option<Rect> {
        let node = self.model.nodes.iter().position(|n| n.label == label)?;
        let rect = self.scene.nodes.get(node)?.rect;
        Some(Rect::from_min_max(
            screen_from_graph(self.canvas, state, rect.min),
            screen_from_graph(self.canvas, state, rect.max),
        ))
    }
}

fn screen_from_graph(canvas: Rect, state: &GraphState, p: Point) -> Pos2 {
    canvas.min + state.pan + Vec2::new(p.x, p.y) * state.zoom
}

fn pos_in_graph(canvas: Rect, state: &GraphState, pos: Pos2) -> Point {
    let v = (pos - canvas.min - state.pan) / state.zoom;
    Point { x: v.x, y: v.y }
}

/// The canvas: draws the scene, handles pan/zoom/hover/click.
pub(super) fn canvas_ui(
    ui: &mut egui::Ui,
    snapshot: &Snapshot,
    filter: &ViewFilter,
    state: &mut GraphState,
) -> Option<ViewCommand> {
    let size = ui.available_size().max(Vec2::new(240.0, 160.0));
    let (response, painter) = ui.allocate_painter(size, Sense::click_and_drag());
    let canvas = response.rect;
    refresh_cache(ui, snapshot, filter, state, canvas);
    let dark = ui.visuals().dark_mode;
    let cache = state.cache.take()?;

    if response.dragged() {
        state.pan += response.drag_delta();
    }
    let pointer = ui.ctx().pointer_hover_pos().filter(|p| canvas.contains(*p) && ui.rect_contains_pointer(canvas));
    if let Some(pointer) = pointer {
        let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
        let factor = pinch * (scroll.y * 0.002).exp();
        if (factor - 1.0).abs() > 1e-4 {
            let anchor = pos_in_graph(canvas, state, pointer);
            state.zoom = (state.zoom * factor).clamp(0.25, 8.0);
            state.pan = pointer - canvas.min - Vec2::new(anchor.x, anchor.y) * state.zoom;
        }
    }
    if response.double_clicked() {
        state.reset_view();
    }
    let hit = pointer
        .map(|p| pos_in_graph(canvas, state, p))
        .and_then(|p| cache.scene.node_at(p).map(Hit::Node).or_else(|| cache.scene.link_at(p).map(Hit::Link)));
    state.hovered = hit;

    let painter = painter.with_clip_rect(canvas);
    if cache.model.nodes.is_empty() {
        let text = if snapshot.flows.is_empty() { "No flows yet" } else { "No traffic matches the filter" };
        let message = Rect::from_center_size(canvas.center(), Vec2::new(320.0, 24.0));
        ui.put(message, egui::Label::new(egui::RichText::new(text).weak()));
    }
    draw_links(&painter, &cache, state, canvas, dark);
    let mut command = None;
    for (i, node) in cache.scene.nodes.iter().enumerate() {
        if cache.model.nodes.get(i).is_none() {
            continue;
        }
        let chosen = is_chosen(&cache.model, i, &filter.chips);
        draw_node(ui, &painter, &cache, i, state, canvas, dark, chosen);
        // Each node is a widget of its own: clickable, hoverable and visible to accessibility.
        // (The label is the widget; the node box itself is hit-tested by the canvas.)
        let target = label_screen_rect(canvas, state, &node.label, node.label_right_aligned).intersect(canvas);
        if !target.is_positive() || state.zoom < 0.5 {
            continue;
        }
        let node_response = ui.interact(target, response.id.with(("node", i)), Sense::click());
        let spoken = format!("{}, {}", node.lines[0], node.lines[1]);
        node_response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &spoken));
        let node_response = node_response.on_hover_ui_at_pointer(|ui| node_tooltip_ui(ui, &cache.model, i));
        if node_response.clicked() {
            command = node_clicked(&cache.model, i, snapshot);
        }
        node_response
            .context_menu(|ui| command = node_menu_ui(ui, &cache.model, i, snapshot, state).or(command.take()));
    }
    // Right-click on a node's box: the same menu as on its label.
    if response.secondary_clicked() {
        state.menu_node = match hit {
            Some(Hit::Node(n)) => Some(n),
            _ => None,
        };
    }
    if let Some(n) = state.menu_node {
        response.context_menu(|ui| command = node_menu_ui(ui, &cache.model, n, snapshot, state).or(command.take()));
    }
    match hit {
        Some(Hit::Link(l)) => {
            let response = response.on_hover_ui_at_pointer(|ui| link_tooltip_ui(ui, &cache.model, l));
            if response.clicked() {
                if let Some(link) = cache.model.links.get(l) {
                    // A ribbon stands for both its ends.
                    let chips = [link.source, link.target]
                        .iter()
                        .filter_map(|&n| node_chip(&cache.model, n, snapshot))
                        .collect();
                    command = Some(ViewCommand::Focus { chips, flows: link.flows.clone() });
                }
            }
        }
        Some(Hit::Node(n)) => {
            let response = response.on_hover_ui_at_pointer(|ui| node_tooltip_ui(ui, &cache.model, n));
            if response.clicked() {
                command = node_clicked(&cache.model, n, snapshot);
            }
        }
        None => {}
    }
    state.cache = Some(cache);
    command
}

fn refresh_cache(ui: &egui::Ui, snapshot: &Snapshot, filter: &ViewFilter, state: &mut GraphState, canvas: Rect) {
    let model_key = ModelKey {
        flows: Arc::as_ptr(&snapshot.flows) as usize,
        flow_count: snapshot.flows.len(),
        endpoints: Arc::as_ptr(&snapshot.endpoints) as usize,
        owners: Arc::as_ptr(&snapshot.owners) as usize,
        filter: filter.clone(),
        expanded: state.expanded.clone(),
        capacity: scene::capacity_for(canvas.height()),
    };
    let scene_key =
        SceneKey { size: (canvas.width().round() as i32, canvas.height().round() as i32), mode: state.mode };
    let old = state.cache.take();
    let (model_key, model) = match old {
        Some(c) if c.model_key == model_key => {
            if c.scene_key == scene_key {
                state.cache = Some(CachedScene { canvas, ..c });
                return;
            }
            (model_key, c.model)
        }
        old => {
            let capacity = model_key.capacity;
            let built = background::model_for(
                &mut state.pending,
                state.build_in_background,
                ui.ctx(),
                &model_key,
                snapshot,
                filter,
                &state.expanded,
                capacity,
            );
            match built {
                Some(built) => built,
                None => {
                    // The worker is still on it: the last picture stays meanwhile.
                    state.cache = old.map(|c| CachedScene { canvas, ..c });
                    return;
                }
            }
        }
    };
    let measure = |text: &str| -> f32 {
        ui.ctx()
            .fonts_mut(|f| f.layout_no_wrap(text.to_owned(), FontId::proportional(NAME_FONT), Color32::WHITE).size().x)
    };
    let (w, h) = (canvas.width(), canvas.height());
    let scene = match state.mode {
        LayoutMode::Layered => scene::layered_scene(&model, w, h, &measure),
        LayoutMode::Force => scene::force_scene(&model, w, h, &measure),
    };
    state.cache = Some(CachedScene { model_key, scene_key, model, scene, canvas });
}

/// How strongly to paint an item: highlighted when it is (or touches) what is hovered,
/// faded when something else is hovered.
fn emphasis(hit: Option<Hit>, model: &GraphModel, link: usize) -> f32 {
    let touches = |node: usize| model.links.get(link).is_some_and(|l| l.source == node || l.target == node);
    match hit {
        None => 0.55,
        Some(Hit::Link(l)) if l == link => 0.9,
        Some(Hit::Node(n)) if touches(n) => 0.85,
        Some(_) => 0.22,
    }
}

fn draw_links(painter: &egui::Painter, cache: &CachedScene, state: &GraphState, canvas: Rect, dark: bool) {
    for (i, (link, shape)) in cache.model.links.iter().zip(&cache.scene.links).enumerate() {
        let color = theme::color32(cache.model.palette.colour_in(&link.owner, dark)).gamma_multiply(emphasis(
            state.hovered,
            &cache.model,
            i,
        ));
        match shape {
            SceneLink::Band(r) => painter.add(ribbon_shape(r, canvas, state, color)),
            SceneLink::Line { from, to, width } => painter.line_segment(
                [screen_from_graph(canvas, state, *from), screen_from_graph(canvas, state, *to)],
                Stroke::new(width * state.zoom.sqrt(), color),
            ),
        };
    }
}

/// A ribbon as a filled band, its edges drawn as thin anti-aliased lines (meshes have no
/// anti-aliasing); a ribbon thinner than two points is a single smooth line instead.
fn ribbon_shape(r: &RibbonGeometry, canvas: Rect, state: &GraphState, color: Color32) -> egui::Shape {
    let xs = (0..=RIBBON_SAMPLES).map(|s| r.x0 + (r.x1 - r.x0) * s as f32 / RIBBON_SAMPLES as f32);
    let edge = |offset: f32| -> Vec<Pos2> {
        xs.clone()
            .map(|x| screen_from_graph(canvas, state, Point { x, y: r.top_at(x).unwrap_or(r.source_top) + offset }))
            .collect()
    };
    let screen_width = r.width * state.zoom;
    if screen_width < 2.0 {
        return egui::Shape::line(edge(r.width / 2.0), Stroke::new(screen_width.max(0.75), color));
    }
    let (top, bottom) = (edge(0.0), edge(r.width));
    let mut mesh = egui::Mesh::default();
    for (s, (t, b)) in top.iter().zip(&bottom).enumerate() {
        mesh.colored_vertex(*t, color);
        mesh.colored_vertex(*b, color);
        if s > 0 {
            let base = 2 * s as u32;
            mesh.add_triangle(base - 2, base - 1, base);
            mesh.add_triangle(base - 1, base + 1, base);
        }
    }
    let feather = Stroke::new(0.6, color);
    egui::Shape::Vec(vec![egui::Shape::mesh(mesh), egui::Shape::line(top, feather), egui::Shape::line(bottom, feather)])
}

fn label_screen_rect(canvas: Rect, state: &GraphState, label: &super::layout::Rect, right_aligned: bool) -> Rect {
    let size = Vec2::new(label.max.x - label.min.x, label.max.y - label.min.y) * state.zoom.min(1.0);
    let centre_y = screen_from_graph(canvas, state, label.center()).y;
    if right_aligned {
        let right = screen_from_graph(canvas, state, label.max).x;
        Rect::from_min_size(Pos2::new(right - size.x, centre_y - size.y / 2.0), size)
    } else {
        let left = screen_from_graph(canvas, state, label.min).x;
        Rect::from_min_size(Pos2::new(left, centre_y - size.y / 2.0), size)
    }
}

#[expect(clippy::too_many_arguments, reason = "the node's drawing inputs, each read once")]
fn draw_node(
    ui: &egui::Ui,
    painter: &egui::Painter,
    cache: &CachedScene,
    i: usize,
    state: &GraphState,
    canvas: Rect,
    dark: bool,
    chosen: bool,
) {
    let (Some(node), Some(model_node)) = (cache.scene.nodes.get(i), cache.model.nodes.get(i)) else { return };
    let ink = theme::ink(dark);
    let fill = match &model_node.owner {
        Some(owner) if model_node.column != HOSTS => theme::color32(cache.model.palette.colour_in(owner, dark)),
        _ => ink.gamma_multiply(0.65),
    };
    let rect = Rect::from_min_max(
        screen_from_graph(canvas, state, node.rect.min),
        screen_from_graph(canvas, state, node.rect.max),
    );
    let hovered = state.hovered == Some(Hit::Node(i));
    let folded = matches!(model_node.kind, NodeKind::More { .. });
    if chosen {
        // A node the filter's chips name stays marked while the chip lasts.
        let mark = ui.visuals().selection.stroke.color;
        painter.rect_stroke(rect.expand(3.0), 3.0, Stroke::new(2.5, mark), egui::StrokeKind::Outside);
    }
    match state.mode {
        LayoutMode::Layered => {
            painter.rect_filled(rect, 1.0, if folded { fill.gamma_multiply(0.45) } else { fill });
            if folded || hovered {
                painter.rect_stroke(rect, 1.0, Stroke::new(1.0, ink), egui::StrokeKind::Outside);
            }
        }
        LayoutMode::Force => {
            painter.circle_filled(
                rect.center(),
                rect.width() / 2.0,
                if folded { fill.gamma_multiply(0.45) } else { fill },
            );
            painter.circle_stroke(rect.center(), rect.width() / 2.0, Stroke::new(if hovered { 1.5 } else { 0.5 }, ink));
        }
    }
    // Zoomed out, labels shrink with the picture, and vanish once too small to read.
    let shrink = state.zoom.min(1.0);
    if shrink < 0.5 {
        return;
    }
    let label = label_screen_rect(canvas, state, &node.label, node.label_right_aligned);
    let background = ui.visuals().extreme_bg_color.gamma_multiply(0.7);
    painter.rect_filled(label.expand2(Vec2::new(3.0, 0.0)), 3.0, background);
    if node.leader {
        let from = if node.label_right_aligned { rect.left_center() } else { rect.right_center() };
        let to = if node.label_right_aligned { label.right_center() } else { label.left_center() };
        painter.line_segment([from, to], Stroke::new(0.75, ink.gamma_multiply(0.6)));
    }
    let (align, x) =
        if node.label_right_aligned { (Align2::RIGHT_TOP, label.right()) } else { (Align2::LEFT_TOP, label.left()) };
    let line = LINE_HEIGHT * shrink;
    let top = label.center().y - line;
    painter.text(Pos2::new(x, top), align, &node.lines[0], FontId::proportional(NAME_FONT * shrink), ink);
    painter.text(
        Pos2::new(x, top + line + shrink),
        align,
        &node.lines[1],
        FontId::proportional(DETAIL_FONT * shrink),
        ink.gamma_multiply(0.7),
    );
}

fn node_tooltip_ui(ui: &mut egui::Ui, model: &GraphModel, node: usize) {
    let Some(n) = model.nodes.get(node) else { return };
    ui.strong(&n.label);
    if let Some(detail) = &n.detail {
        ui.label(detail);
    }
    if n.members.len() > 1 || matches!(n.kind, NodeKind::More { .. }) {
        for member in &n.members {
            ui.weak(member);
        }
    }
    if let (Some(owner), false) = (&n.owner, n.column == HOSTS) {
        ui.label(format!("Provider: {owner}"));
    }
    ui.label(format!("{} in {} packets", human_bytes(n.bytes), n.packets));
    match &n.kind {
        NodeKind::More { .. } => ui.weak("Click to filter every view to them · right-click to show them in the graph"),
        _ => ui.weak("Click to filter every view to it · right-click for more"),
    };
}

fn link_tooltip_ui(ui: &mut egui::Ui, model: &GraphModel, link: usize) {
    let Some(l) = model.links.get(link) else { return };
    let name = |i: usize| model.nodes.get(i).map_or("?", |n| n.label.as_str());
    ui.strong(format!("{} -> {}", name(l.source), name(l.target)));
    ui.label(format!("Provider: {}", l.owner));
    ui.label(format!("{} in {} packets, {} flows", human_bytes(l.bytes), l.packets, l.flows.len()));
    ui.weak("Click to select these flows");
}
