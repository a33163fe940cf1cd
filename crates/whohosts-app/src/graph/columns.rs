//! One column of the graph model: folds it (see `fold`) and appends its nodes, plain or
//! "N more", remembering which raw item each node stands for.

use std::collections::BTreeSet;

use ahash::AHashMap;

use super::fold::{fold_crowded, Slot, OTHERS};
use whohosts_core::providers::Owner;

use super::model::{more_key, GraphNode, NodeKind, HOSTS};

/// Names listed in a node's tooltip (addresses behind a name, members of a fold).
pub const MAX_MEMBERS: usize = 8;

/// What a column item looks like as a node.
pub struct Described {
    pub label: String,
    pub detail: Option<String>,
    pub bytes: u64,
    pub members: Vec<String>,
}

/// Folds one column and appends its nodes; returns raw item -> node index.
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
    let group_owner = |g: u32| if g == OTHERS { None } else { group_owner(g) };
    let group_name = |g: u32| match group_owner(g) {
        Some(owner) => owner.label().into_owned(),
        None if g == OTHERS => "others".to_string(),
        None => "hosts".to_string(),
    };
    let entries: Vec<(u32, f64)> = items.iter().map(|&i| (group_of(i), describe(i).bytes as f64)).collect();
    let is_expanded = |g: u32| expanded.contains(&more_key(column, &group_name(g)));
    let mut map = AHashMap::new();
    for slot in fold_crowded(&entries, capacity, &is_expanded) {
        match slot {
            Slot::Keep(e) => {
                let Some(&item) = items.get(e) else { continue };
                let Described { label, detail, bytes, members } = describe(item);
                let group = group_of(item);
                map.insert(item, nodes.len());
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
                let name = group_name(group);
                let mut bytes = 0;
                let mut names = Vec::new();
                for &e in &members {
                    if let Some(&item) = items.get(e) {
                        map.insert(item, nodes.len());
                        let d = describe(item);
                        bytes += d.bytes;
                        if names.len() < MAX_MEMBERS {
                            names.push(d.label);
                        }
                    }
                }
                let what = match (column, group) {
                    (HOSTS, _) => "hosts".to_string(),
                    (_, OTHERS) => "other providers".to_string(),
                    _ => name.clone(),
                };
                nodes.push(GraphNode {
                    column,
                    label: format!("{} more", members.len()),
                    detail: Some(what),
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
