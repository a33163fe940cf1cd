//! What the graph shows, before any geometry: local hosts -> remote endpoints (by name when
//! the capture revealed one) -> owners, aggregated from a snapshot's flows under a view
//! filter, with crowded columns folded into "N more" nodes. No egui types.

use std::collections::BTreeSet;
use std::net::IpAddr;

use ahash::AHashMap;

use super::columns::{place_column, place_column_named, Described, MAX_MEMBERS};
use crate::palette::{is_grey, snapshot_groups, Palette, PaletteOptions};
use whohosts_core::filter::{FlowMatcher, ViewFilter};
use whohosts_core::providers::Owner;
use whohosts_core::snapshot::Snapshot;

pub use super::filtering::in_range_factors;

pub const HOSTS: usize = 0;
pub const ENDPOINTS: usize = 1;
pub const OWNERS: usize = 2;

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Host,
    Endpoint,
    Owner,
    /// A fold of a column's smaller entries; clicking it expands `key`.
    More {
        key: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct GraphNode {
    pub column: usize,
    pub label: String,
    /// A second line: service and region, the address behind a name, or what a fold holds.
    pub detail: Option<String>,
    /// Owner (group) giving the node its colour (None for local hosts and mixed folds).
    pub owner: Option<Owner>,
    pub bytes: u64,
    pub packets: u64,
    pub kind: NodeKind,
    /// Nodes of one group (one provider) are kept together in their column.
    pub group: Option<u32>,
    /// For the tooltip: the addresses behind a name, or the largest members of a fold.
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GraphLink {
    pub source: usize,
    pub target: usize,
    /// Owner (group) giving the ribbon its colour.
    pub owner: Owner,
    pub bytes: u64,
    pub packets: u64,
    /// Indices into `Snapshot::flows`, ascending.
    pub flows: Vec<usize>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphModel {
    pub nodes: Vec<GraphNode>,
    pub links: Vec<GraphLink>,
    /// The colours of the owners shown, and which owners were folded into "Other ASes".
    pub palette: Palette,
}

impl GraphModel {
    /// Flows behind a node: those of its outgoing ribbons, or incoming ones in the last column.
    pub fn flows_of_node(&self, node: usize) -> Vec<usize> {
        let column = self.nodes.get(node).map_or(0, |n| n.column);
        let mut flows: Vec<usize> = self
            .links
            .iter()
            .filter(|l| if column == OWNERS { l.target == node } else { l.source == node })
            .flat_map(|l| l.flows.iter().copied())
            .collect();
        flows.sort_unstable();
        flows.dedup();
        flows
    }
}

/// Key of an expandable fold: column and group name.
pub fn more_key(column: usize, group: &str) -> String {
    format!("{column}:{group}")
}

#[derive(Default, Clone)]
struct Tally {
    bytes: u64,
    packets: u64,
    flows: Vec<usize>,
}

/// Builds the model for the window: coloured (and folded) by the whole capture's owners,
/// so colours stay put while the user filters.
pub fn build(
    snapshot: &Snapshot,
    filter: &ViewFilter,
    expanded: &BTreeSet<String>,
    capacity: [usize; 3],
) -> GraphModel {
    let groups = snapshot_groups(snapshot);
    let palette = Palette::assign(&groups, &palette_options_for(capacity, &groups), false);
    build_with(snapshot, filter, expanded, capacity, &palette)
}

/// Palette options that leave the owner column room for one node per coloured owner beside
/// the grey ones present in `groups` (local, unknown) and the fold, so that its labels fit.
pub fn palette_options_for(capacity: [usize; 3], groups: &[(Owner, u64)]) -> PaletteOptions {
    let greys = groups.iter().filter(|g| is_grey(&g.0)).count();
    let coloured = groups.len() - greys;
    let free = capacity[OWNERS].saturating_sub(greys);
    // Everything fits: no fold needed; otherwise one slot goes to "Other ASes".
    let room = if coloured <= free { free } else { free.saturating_sub(1) };
    PaletteOptions { room: Some(room.max(1)), ..PaletteOptions::default() }
}

/// Calls `visit(flow, endpoint, bytes)` for every flow the filter passes, with the bytes it
/// counts: inside the time range when there is one, never 0 (flows with no bytes in the
/// range are left out). The one computation behind the graph, its legend and the figure.
pub fn for_each_counted_flow(snapshot: &Snapshot, filter: &ViewFilter, mut visit: impl FnMut(usize, usize, u64)) {
    let matcher = FlowMatcher::new(snapshot, filter);
    let range_factor = filter.time_range.map(|(from, to)| in_range_factors(snapshot, from, to));
    let mut buffer = String::new();
    for (i, flow) in snapshot.flows.iter().enumerate() {
        if !matcher.passes(i, &mut buffer) {
            continue;
        }
        let Some(&ep) = snapshot.flow_endpoint.get(i) else { continue };
        let ep = ep as usize;
        let factor = range_factor.as_ref().and_then(|f| f.get(ep).copied()).unwrap_or(1.0);
        let bytes = (flow.bytes() as f64 * factor).round() as u64;
        if bytes > 0 {
            visit(i, ep, bytes);
        }
    }
}

/// Bytes per owner group under the filter, largest first (ties by owner order): what the
/// palette colours and what the figure's legend counts.
pub fn group_totals(snapshot: &Snapshot, filter: &ViewFilter) -> Vec<(Owner, u64)> {
    let mut per_owner = vec![0u64; snapshot.owners.len()];
    for_each_counted_flow(snapshot, filter, |_, ep, bytes| {
        let owner = snapshot.endpoints.get(ep).map_or(usize::MAX, |e| e.owner);
        if let Some(slot) = per_owner.get_mut(owner) {
            *slot += bytes;
        }
    });
    let mut groups: Vec<(Owner, u64)> = Vec::new();
    for (totals, &bytes) in snapshot.owners.iter().zip(&per_owner) {
        if bytes == 0 {
            continue;
        }
        let group = totals.owner.group();
        match groups.iter_mut().find(|g| g.0 == group) {
            Some(g) => g.1 += bytes,
            None => groups.push((group, bytes)),
        }
    }
    groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    groups
}

/// Builds the model. `capacity` is how many nodes fit in each column before folding; the
/// palette says which owners fold into one "Other ASes" owner. Owners are ordered largest
/// group first (grey groups last); endpoints are grouped by the owner node they belong to
/// and ordered like the owner column, so endpoint -> owner ribbons never cross; folds
/// ("12 more · Azure") never mix owners.
pub fn build_with(
    snapshot: &Snapshot,
    filter: &ViewFilter,
    expanded: &BTreeSet<String>,
    capacity: [usize; 3],
    palette: &Palette,
) -> GraphModel {
    let owners = &snapshot.owners;
    // Display groups, one id each; folded owners share one slot (the first of them).
    let mut names: Vec<Owner> = Vec::new();
    let mut fold_slot: Option<usize> = None;
    let mut owner_slot: Vec<usize> = Vec::with_capacity(owners.len());
    let owner_name: Vec<u32> = owners
        .iter()
        .enumerate()
        .map(|(o, t)| {
            let group = palette.display_group(&t.owner);
            let folded = group == palette.folded_owner();
            owner_slot.push(if folded { *fold_slot.get_or_insert(o) } else { o });
            match names.iter().position(|n| *n == group) {
                Some(i) => i as u32,
                None => {
                    names.push(group);
                    (names.len() - 1) as u32
                }
            }
        })
        .collect();
    let folded_count = owners.iter().filter(|t| palette.display_group(&t.owner) == palette.folded_owner()).count();
    let name_of = |id: u32| Some(names.get(id as usize).cloned().unwrap_or(Owner::Unknown));

    let mut host_index: AHashMap<IpAddr, u32> = AHashMap::new();
    let mut hosts: Vec<IpAddr> = Vec::new();
    // (host, endpoint, owner slot) -> tally.
    let mut he: AHashMap<(u32, usize, usize), Tally> = AHashMap::new();
    for_each_counted_flow(snapshot, filter, |i, ep, bytes| {
        let Some(flow) = snapshot.flows.get(i) else { return };
        let owner = snapshot.endpoints.get(ep).map_or(usize::MAX, |e| e.owner);
        let slot = owner_slot.get(owner).copied().unwrap_or(owner);
        let local = flow.local().0;
        let next = hosts.len() as u32;
        let host = *host_index.entry(local).or_insert(next);
        if host == next {
            hosts.push(local);
        }
        let tally = he.entry((host, ep, slot)).or_default();
        tally.bytes += bytes;
        tally.packets += flow.packets();
        tally.flows.push(i);
    });
    let context = Context { hosts: &hosts, names: &names, owner_name: &owner_name, snapshot, folded_count };
    let mut model = assemble(he, &context, &name_of, expanded, capacity);
    model.palette = palette.clone();
    model
}

struct Context<'a> {
    hosts: &'a [IpAddr],
    names: &'a [Owner],
    owner_name: &'a [u32],
    snapshot: &'a Snapshot,
    folded_count: usize,
}

fn assemble(
    he: AHashMap<(u32, usize, usize), Tally>,
    cx: &Context<'_>,
    name_of: &dyn Fn(u32) -> Option<Owner>,
    expanded: &BTreeSet<String>,
    capacity: [usize; 3],
) -> GraphModel {
    let snapshot = cx.snapshot;
    let mut host_bytes = vec![0u64; cx.hosts.len()];
    let mut owner_bytes = vec![0u64; cx.owner_name.len()];
    for (&(h, _, o), t) in &he {
        if let Some(b) = host_bytes.get_mut(h as usize) {
            *b += t.bytes;
        }
        if let Some(b) = owner_bytes.get_mut(o) {
            *b += t.bytes;
        }
    }
    let group_of_owner = |o: usize| cx.owner_name.get(o).copied().unwrap_or(0);
    let mut name_total = vec![0u64; cx.names.len()];
    for (o, &b) in owner_bytes.iter().enumerate() {
        if let Some(t) = name_total.get_mut(group_of_owner(o) as usize) {
            *t += b;
        }
    }
    // Coloured groups by bytes, then the grey family (local, unknown, folded) at the bottom.
    let group_rank = |name: u32| {
        let grey = cx.names.get(name as usize).is_none_or(is_grey);
        (grey, std::cmp::Reverse(name_total.get(name as usize).copied().unwrap_or(0)), name)
    };

    let mut nodes: Vec<GraphNode> = Vec::new();
    // Owners column.
    let present_owners: BTreeSet<usize> = he.keys().map(|k| k.2).collect();
    let mut owners_sorted: Vec<usize> = present_owners.into_iter().collect();
    owners_sorted.sort_by_key(|&o| {
        (group_rank(group_of_owner(o)), std::cmp::Reverse(owner_bytes.get(o).copied().unwrap_or(0)), o)
    });
    let owner_node = place_column(
        &mut nodes,
        OWNERS,
        &owners_sorted,
        capacity[OWNERS],
        expanded,
        name_of,
        &|o| group_of_owner(o),
        &|o| {
            let bytes = owner_bytes.get(o).copied().unwrap_or(0);
            let group = name_of(group_of_owner(o)).unwrap_or(Owner::Unknown);
            if is_grey(&group) && cx.folded_count > 0 && group.label() != snapshot_label(snapshot, o) {
                let what =
                    if cx.folded_count == 1 { "1 owner".to_string() } else { format!("{} owners", cx.folded_count) };
                return Described { label: group.label().into_owned(), detail: Some(what), bytes, members: Vec::new() };
            }
            let owner = snapshot.owners.get(o).map_or(Owner::Unknown, |t| t.owner.clone());
            let detail = owner.detail();
            Described {
                label: owner.label().into_owned(),
                detail: (!detail.is_empty()).then_some(detail),
                bytes,
                members: Vec::new(),
            }
        },
    );

    // Endpoints column: one node per name (else address) and owner node, grouped by owner
    // node in the owner column's order, largest first within a group.
    let mut key_index: AHashMap<(String, usize), usize> = AHashMap::new();
    let mut keys: Vec<(String, Vec<IpAddr>, u32, usize, u64)> = Vec::new(); // label, addresses, count, owner node, bytes
    let mut he_key: Vec<((u32, usize, usize), usize, Tally)> = Vec::with_capacity(he.len());
    let mut seen_address: AHashMap<(usize, IpAddr), ()> = AHashMap::new();
    let mut sorted_he: Vec<((u32, usize, usize), Tally)> = he.into_iter().collect();
    sorted_he.sort_by_key(|(k, _)| *k);
    for ((h, ep, o), t) in sorted_he {
        let Some(e) = snapshot.endpoints.get(ep) else { continue };
        let Some(&on) = owner_node.get(&o) else { continue };
        let label = e.best_name.clone().unwrap_or_else(|| e.endpoint.ip.to_string());
        let next = keys.len();
        let k = *key_index.entry((label.clone(), on)).or_insert(next);
        if k == next {
            keys.push((label, Vec::new(), 0, on, 0));
        }
        if let Some(key) = keys.get_mut(k) {
            key.4 += t.bytes;
            if seen_address.insert((k, e.endpoint.ip), ()).is_none() {
                key.2 += 1;
                if key.1.len() < MAX_MEMBERS {
                    key.1.push(e.endpoint.ip);
                }
            }
        }
        he_key.push(((h, ep, o), k, t));
    }
    let mut keys_sorted: Vec<usize> = (0..keys.len()).collect();
    keys_sorted.sort_by_key(|&k| keys.get(k).map(|key| (key.3, std::cmp::Reverse(key.4), k)));
    let key_group = |k: usize| keys.get(k).map_or(0, |key| key.3 as u32);
    let endpoint_group_owner = |node: u32| nodes.get(node as usize).and_then(|n| n.owner.clone());
    // A fold of endpoints is named by its owner node: the owner ("AWS"), with its service
    // and region when the owner node has them.
    let endpoint_group_name = |node: u32| {
        nodes.get(node as usize).map(|n| match (&n.kind, &n.owner) {
            (NodeKind::More { .. }, Some(owner)) => owner.label().into_owned(),
            (_, _) => match &n.detail {
                Some(d) if !d.is_empty() && !d.ends_with("owners") && !d.ends_with("owner") => {
                    format!("{} {d}", n.label)
                }
                _ => n.label.clone(),
            },
        })
    };
    let mut endpoint_nodes: Vec<GraphNode> = Vec::new();
    let key_node = place_column_named(
        &mut endpoint_nodes,
        nodes.len(),
        ENDPOINTS,
        &keys_sorted,
        capacity[ENDPOINTS],
        expanded,
        &endpoint_group_owner,
        &endpoint_group_name,
        &key_group,
        &|k| {
            let (label, addresses, count, _, bytes) = keys.get(k).cloned().unwrap_or_default();
            let members: Vec<String> = addresses.iter().map(ToString::to_string).collect();
            let detail = match (count, members.first()) {
                (1, Some(ip)) if *ip != label => Some(ip.clone()),
                (1, _) => None,
                (n, _) => Some(format!("{n} addresses")),
            };
            Described { label, detail, bytes, members }
        },
    );
    // Endpoint nodes take the group id of their owner (for colours and block swaps).
    for n in &mut endpoint_nodes {
        n.group = n.owner.as_ref().and_then(|o| cx.names.iter().position(|x| x == o)).map(|g| g as u32);
    }
    nodes.extend(endpoint_nodes);

    // Hosts column: one group, named "hosts".
    let mut hosts_sorted: Vec<usize> = host_bytes.iter().enumerate().filter(|(_, &b)| b > 0).map(|(h, _)| h).collect();
    hosts_sorted.sort_by_key(|&h| (std::cmp::Reverse(host_bytes.get(h).copied().unwrap_or(0)), h));
    let hosts_name = |_: u32| None;
    let host_node =
        place_column(&mut nodes, HOSTS, &hosts_sorted, capacity[HOSTS], expanded, &hosts_name, &|_| 0, &|h| {
            Described {
                label: cx.hosts.get(h).map_or_else(String::new, ToString::to_string),
                detail: None,
                bytes: host_bytes.get(h).copied().unwrap_or(0),
                members: Vec::new(),
            }
        });
    for n in &mut nodes {
        if n.column == HOSTS {
            n.owner = None;
            n.group = None;
        }
    }

    // Ribbons between display nodes, coloured by owner group.
    let mut first: AHashMap<(usize, usize, u32), Tally> = AHashMap::new();
    let mut second: AHashMap<(usize, usize, u32), Tally> = AHashMap::new();
    for ((h, _, o), k, t) in he_key {
        let (Some(&hn), Some(&kn), Some(&on), Some(&name)) =
            (host_node.get(&(h as usize)), key_node.get(&k), owner_node.get(&o), cx.owner_name.get(o))
        else {
            continue;
        };
        for (map, key) in [(&mut first, (hn, kn, name)), (&mut second, (kn, on, name))] {
            let e = map.entry(key).or_default();
            e.bytes += t.bytes;
            e.packets += t.packets;
            e.flows.extend_from_slice(&t.flows);
        }
    }
    let mut links: Vec<GraphLink> = first
        .into_iter()
        .chain(second)
        .map(|((source, target, name), mut t)| {
            t.flows.sort_unstable();
            t.flows.dedup();
            let owner = name_of(name).unwrap_or(Owner::Unknown);
            GraphLink { source, target, owner, bytes: t.bytes, packets: t.packets, flows: t.flows }
        })
        .collect();
    links.sort_by(|a, b| (a.source, a.target, &a.owner).cmp(&(b.source, b.target, &b.owner)));
    for l in &links {
        if let Some(n) = nodes.get_mut(l.source) {
            if n.column == HOSTS {
                n.packets += l.packets;
            }
        }
        if let Some(n) = nodes.get_mut(l.target) {
            n.packets += l.packets;
        }
    }
    GraphModel { nodes, links, palette: Palette::default() }
}

/// The label of snapshot owner `o`'s group.
fn snapshot_label(snapshot: &Snapshot, o: usize) -> String {
    snapshot.owners.get(o).map_or_else(String::new, |t| t.owner.group().label().into_owned())
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
