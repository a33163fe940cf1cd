//! One column of the graph model: folds it (see `fold`) and appends its nodes, plain or
//! "N more", remembering which raw item each node stands for.

use std::collections::BTreeSet;

use ahash::AHashMap;

use super::fold::{fold_crowded, Slot};
use whohosts_core::providers::Owner;

use super::model::{more_key, GraphNode, NodeKind, HOSTS, OWNERS};

/// Names listed in a node's tooltip (addresses behind a name, members of a fold).
pub const MAX_MEMBERS: usize = 8;

/// What a column item looks like as a node.
pub struct Described {
    pub label: String,
    pub detail: Option<String>,
    pub bytes: u64,
    pub members: Vec<String>,
}

/// Folds one column and appends its nodes; returns raw item -> node index. Groups are
/// named by their owner's label.
#[allow(clippy::too_many_arguments)]
pub fn place_column(
    nodes: &mut Vec<GraphNode>,
    column: usize,
    items: &[usize],
    capacity: usize,
    expanded: &BTreeSet<String>,
    group_owner: &dyn Fn(u32) -> Option<Owner>,
    group_of: &dyn Fn(usize) -> u32,
    describe: &dyn Fn(usize) -> Described,
) -> AHashMap<usize, usize> {
    let group_name = |g: u32| group_owner(g).map(|o| o.label().into_owned());
    let base = nodes.len();
    let mut placed = Vec::new();
    let map = place_column_named(
        &mut placed,
        base,
        column,
        items,
        capacity,
        expanded,
        group_owner,
        &group_name,
        group_of,
        describe,
    );
    nodes.extend(placed);
    map
}

/// Like [`place_column`], with groups named by `group_name`, appending to `nodes` whose
/// first element will have index `base` in the model.
#[allow(clippy::too_many_arguments)]
pub fn place_column_named(
    nodes: &mut Vec<GraphNode>,
    base: usize,
    column: usize,
    items: &[usize],
    capacity: usize,
    expanded: &BTreeSet<String>,
    group_owner: &dyn Fn(u32) -> Option<Owner>,
    group_name: &dyn Fn(u32) -> Option<String>,
    group_of: &dyn Fn(usize) -> u32,
    describe: &dyn Fn(usize) -> Described,
) -> AHashMap<usize, usize> {
    let name_of = |g: u32| group_name(g).unwrap_or_else(|| "hosts".to_string());
    let entries: Vec<(u32, f64)> = items.iter().map(|&i| (group_of(i), describe(i).bytes as f64)).collect();
    let is_expanded = |g: u32| expanded.contains(&more_key(column, &name_of(g)));
    let mut map = AHashMap::new();
    for slot in fold_crowded(&entries, capacity, &is_expanded) {
        match slot {
            Slot::Keep(e) => {
                let Some(&item) = items.get(e) else { continue };
                let Described { label, detail, bytes, members } = describe(item);
                let group = group_of(item);
                map.insert(item, base + nodes.len());
                let kind = [NodeKind::Host, NodeKind::Endpoint, NodeKind::Owner]
                    .get(column)
                    .cloned()
                    .unwrap_or(NodeKind::Owner);
                nodes.push(GraphNode {
                    column,
                    label,
                    detail,
                    owner: group_owner(group),
                    bytes,
                    packets: 0,
                    kind,
                    group: Some(group),
                    members,
                });
            }
            Slot::More { group, members } => {
                let name = name_of(group);
                let mut bytes = 0;
                let mut names = Vec::new();
                for &e in &members {
                    if let Some(&item) = items.get(e) {
                        map.insert(item, base + nodes.len());
                        let d = describe(item);
                        bytes += d.bytes;
                        if names.len() < MAX_MEMBERS {
                            names.push(d.label);
                        }
                    }
                }
                // "12 more · Azure": a fold never mixes owners, and says whose it is. An owner
                // whose every range folded is shown by its name, with how many ranges.
                let whole_group = !nodes.iter().any(|n| n.column == column && n.group == Some(group));
                let (label, detail) = if column == HOSTS {
                    (format!("{} more hosts", members.len()), None)
                } else if column == OWNERS && whole_group {
                    (name.clone(), Some(format!("{} services/regions", members.len())))
                } else {
                    (format!("{} more · {name}", members.len()), None)
                };
                nodes.push(GraphNode {
                    column,
                    label,
                    detail,
                    owner: group_owner(group),
                    bytes,
                    packets: 0,
                    kind: NodeKind::More { key: more_key(column, &name) },
                    group: Some(group),
                    members: names,
                });
            }
        }
    }
    map
}
