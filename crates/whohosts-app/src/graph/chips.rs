//! What a click on a graph node means: the filter chip it stands for (a fold's chip names
//! what it holds), the right-click menu (filter to it, or open a fold in the graph), and
//! which nodes the filter's chips outline. Reads the model and the snapshot only.

use std::collections::BTreeSet;

use super::model::{GraphModel, NodeKind, ENDPOINTS, HOSTS};
use super::GraphState;
use crate::view_command::ViewCommand;
use whohosts_core::filter::{Chip, ChipKind};
use whohosts_core::snapshot::Snapshot;

/// Any node, folds included, becomes a filter chip for every view and selects its flows.
pub(super) fn node_clicked(model: &GraphModel, node: usize, snapshot: &Snapshot) -> Option<ViewCommand> {
    Some(ViewCommand::Focus {
        chips: node_chip(model, node, snapshot).into_iter().collect(),
        flows: model.flows_of_node(node),
    })
}

/// A node's right-click menu: filter to it, and for a fold, show what it holds in the graph.
pub(super) fn node_menu_ui(
    ui: &mut egui::Ui,
    model: &GraphModel,
    node: usize,
    snapshot: &Snapshot,
    state: &mut GraphState,
) -> Option<ViewCommand> {
    let n = model.nodes.get(node)?;
    let mut command = None;
    if let NodeKind::More { key } = &n.kind {
        if ui.button(SHOW_FOLDED_LABEL).on_hover_text("Give each of them a node of its own").clicked() {
            state.expanded.insert(key.clone());
            ui.close();
        }
    }
    if ui.button(FILTER_TO_NODE_LABEL).clicked() {
        command = node_clicked(model, node, snapshot);
        ui.close();
    }
    command
}

/// The fold menu's entry that opens it in the graph (tests find it by this).
pub const SHOW_FOLDED_LABEL: &str = "Show them in the graph";
/// The node menu's entry that filters every view to the node.
pub const FILTER_TO_NODE_LABEL: &str = "Filter to this";

/// The filter chip a node stands for ("endpoint: teams.microsoft.com"); a fold's chip names
/// the addresses (or owner labels) it holds: "endpoints: 17 more · AWS".
pub(super) fn node_chip(model: &GraphModel, node: usize, snapshot: &Snapshot) -> Option<Chip> {
    let n = model.nodes.get(node)?;
    let kind = match n.kind {
        NodeKind::Host => ChipKind::Host,
        NodeKind::Endpoint => ChipKind::Endpoint,
        NodeKind::Owner => ChipKind::Owner,
        NodeKind::More { .. } => return Some(fold_chip(model, node, snapshot)),
    };
    Some(Chip::new(kind, n.label.clone()))
}

/// The chip for fold `node`: the local addresses, remote addresses or owner labels of the
/// flows behind it (an owner whose every service folded is simply that owner).
fn fold_chip(model: &GraphModel, node: usize, snapshot: &Snapshot) -> Chip {
    let Some(n) = model.nodes.get(node) else { return Chip::new(ChipKind::Endpoint, "") };
    let kind = match n.column {
        HOSTS => ChipKind::Host,
        ENDPOINTS => ChipKind::Endpoint,
        _ => ChipKind::Owner,
    };
    if kind == ChipKind::Owner && n.owner.as_ref().is_some_and(|o| o.label() == n.label) {
        return Chip::new(ChipKind::Owner, n.label.clone());
    }
    let mut members = BTreeSet::new();
    for flow in model.flows_of_node(node) {
        let member = match kind {
            ChipKind::Host => snapshot.flows.get(flow).map(|f| f.local().0.to_string()),
            ChipKind::Endpoint => snapshot
                .flow_endpoint
                .get(flow)
                .and_then(|&e| snapshot.endpoints.get(e as usize))
                .map(|e| e.endpoint.ip.to_string()),
            ChipKind::Owner => {
                snapshot.flow_owner(flow).and_then(|o| snapshot.owners.get(o)).map(|o| o.owner.label().into_owned())
            }
        };
        members.extend(member);
    }
    Chip::group(kind, n.label.clone(), members.into_iter().collect())
}

/// Whether a node is named by one of the filter's chips (drawn with a lasting outline): its
/// own chip, or a fold's chip holding its label or one of its addresses.
pub(super) fn is_chosen(model: &GraphModel, node: usize, chips: &[Chip]) -> bool {
    let Some(n) = model.nodes.get(node) else { return false };
    let kind = match (&n.kind, n.column) {
        (NodeKind::Host, _) | (NodeKind::More { .. }, HOSTS) => ChipKind::Host,
        (NodeKind::Endpoint, _) | (NodeKind::More { .. }, ENDPOINTS) => ChipKind::Endpoint,
        _ => ChipKind::Owner,
    };
    chips.iter().filter(|c| c.kind == kind).any(|c| {
        if c.members.is_empty() {
            return c.value == n.label;
        }
        (matches!(n.kind, NodeKind::More { .. }) && c.value == n.label)
            || c.members.iter().any(|m| *m == n.label || n.members.contains(m))
    })
}
