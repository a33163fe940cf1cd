//! What the graph shows, before any geometry: local hosts -> remote endpoints (by name when
//! the capture revealed one) -> owners, aggregated from a snapshot's flows under a view
//! filter, with crowded columns folded into "N more" nodes. No egui types.

use std::collections::BTreeSet;
use std::net::IpAddr;

use ahash::AHashMap;

use super::columns::{place_column, Described, MAX_MEMBERS};
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

/// Builds the model. `capacity` is how many nodes fit in each column before folding.
pub fn build(
    snapshot: &Snapshot,
    filter: &ViewFilter,
    expanded: &BTreeSet<String>,
    capacity: [usize; 3],
) -> GraphModel {
    let owners = &snapshot.owners;
    // Owner groups, one id each, largest provider first (owners are sorted by bytes).
    let mut names: Vec<Owner> = Vec::new();
    let owner_name: Vec<u32> = owners
        .iter()
        .map(|o| {
            let group = o.owner.group();
            match names.iter().position(|n| *n == group) {
                Some(i) => i as u32,
                None => {
                    names.push(group);
                    (names.len() - 1) as u32
                }
            }
        })
        .collect();
    let name_of = |id: u32| Some(names.get(id as usize).cloned().unwrap_or(Owner::Unknown));
    let endpoint_owner = |ep: usize| snapshot.endpoints.get(ep).map_or(usize::MAX, |e| e.owner);

    // Middle column keys: one per name, else one per address.
    let mut key_index: AHashMap<String, u32> = AHashMap::new();
    let mut keys: Vec<(String, Vec<IpAddr>, u32)> = Vec::new(); // label, first addresses, address count
    let endpoint_key: Vec<u32> = snapshot
        .endpoints
        .iter()
        .map(|e| {
            let label = e.best_name.clone().unwrap_or_else(|| e.endpoint.ip.to_string());
            let next = keys.len() as u32;
            let id = *key_index.entry(label.clone()).or_insert(next);
            if id == next {
                keys.push((label, vec![e.endpoint.ip], 1));
            } else if let Some(k) = keys.get_mut(id as usize) {
                k.2 += 1;
                if k.1.len() < MAX_MEMBERS {
                    k.1.push(e.endpoint.ip);
                }
            }
            id
        })
        .collect();

    // The one filter decides which flows count; a time range also scales ribbons to the
    // bytes inside it.
    let matcher = FlowMatcher::new(snapshot, filter);
    let range_factor = filter.time_range.map(|(from, to)| in_range_factors(snapshot, from, to));

    let mut host_index: AHashMap<IpAddr, u32> = AHashMap::new();
    let mut hosts: Vec<IpAddr> = Vec::new();
    let mut he: AHashMap<(u32, u32, usize), Tally> = AHashMap::new();
    let mut buffer = String::new();
    for (i, flow) in snapshot.flows.iter().enumerate() {
        if !matcher.passes(i, &mut buffer) {
            continue;
        }
        let Some(&ep) = snapshot.flow_endpoint.get(i) else { continue };
        let ep = ep as usize;
        let owner = endpoint_owner(ep);
        let local = flow.local().0;
        let next = hosts.len() as u32;
        let host = *host_index.entry(local).or_insert(next);
        if host == next {
            hosts.push(local);
        }
        let factor = range_factor.as_ref().and_then(|f| f.get(ep).copied()).unwrap_or(1.0);
        let Some(&key) = endpoint_key.get(ep) else { continue };
        let tally = he.entry((host, key, owner)).or_default();
        tally.bytes += (flow.bytes() as f64 * factor).round() as u64;
        tally.packets += flow.packets();
        tally.flows.push(i);
    }
    assemble(he, &hosts, &keys, &names, &name_of, &owner_name, snapshot, expanded, capacity)
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    he: AHashMap<(u32, u32, usize), Tally>,
    hosts: &[IpAddr],
    keys: &[(String, Vec<IpAddr>, u32)],
    names: &[Owner],
    name_of: &dyn Fn(u32) -> Option<Owner>,
    owner_name: &[u32],
    snapshot: &Snapshot,
    expanded: &BTreeSet<String>,
    capacity: [usize; 3],
) -> GraphModel {
    let mut host_bytes = vec![0u64; hosts.len()];
    let mut key_bytes = vec![0u64; keys.len()];
    let mut owner_bytes = vec![0u64; owner_name.len()];
    let mut key_owner: AHashMap<(u32, usize), u64> = AHashMap::new();
    for (&(h, k, o), t) in &he {
        if let Some(b) = host_bytes.get_mut(h as usize) {
            *b += t.bytes;
        }
        if let Some(b) = key_bytes.get_mut(k as usize) {
            *b += t.bytes;
        }
        if let Some(b) = owner_bytes.get_mut(o) {
            *b += t.bytes;
        }
        *key_owner.entry((k, o)).or_default() += t.bytes;
    }
    let present_hosts: BTreeSet<u32> = he.keys().map(|k| k.0).collect();
    let present_keys: BTreeSet<u32> = he.keys().map(|k| k.1).collect();
    let present_owners: BTreeSet<usize> = he.keys().map(|k| k.2).collect();
    // Main owner of each key: the one carrying most of its bytes (ties: first owner).
    let mut key_main: AHashMap<u32, (u64, usize)> = AHashMap::new();
    for (&(k, o), &b) in &key_owner {
        let e = key_main.entry(k).or_insert((b, o));
        if b > e.0 || (b == e.0 && o < e.1) {
            *e = (b, o);
        }
    }
    let name_total: Vec<u64> = (0..names.len() as u32)
        .map(|n| {
            owner_name
                .iter()
                .enumerate()
                .filter(|(_, &x)| x == n)
                .map(|(o, _)| owner_bytes.get(o).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let group_rank = |name: u32| std::cmp::Reverse(name_total.get(name as usize).copied().unwrap_or(0));

    let mut nodes: Vec<GraphNode> = Vec::new();
    // Owners column.
    let mut owners_sorted: Vec<usize> = present_owners.into_iter().collect();
    let group_of_owner = |o: usize| owner_name.get(o).copied().unwrap_or(0);
    owners_sorted.sort_by_key(|&o| {
        (
            group_rank(group_of_owner(o)),
            group_of_owner(o),
            std::cmp::Reverse(owner_bytes.get(o).copied().unwrap_or(0)),
            o,
        )
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
            let owner = snapshot.owners.get(o).map_or(Owner::Unknown, |t| t.owner.clone());
            let detail = owner.detail();
            Described {
                label: owner.label().into_owned(),
                detail: (!detail.is_empty()).then_some(detail),
                bytes: owner_bytes.get(o).copied().unwrap_or(0),
                members: Vec::new(),
            }
        },
    );
    // Endpoints column.
    let key_group = |k: usize| key_main.get(&(k as u32)).map_or(0, |&(_, o)| group_of_owner(o));
    let mut keys_sorted: Vec<usize> = present_keys.into_iter().map(|k| k as usize).collect();
    keys_sorted.sort_by_key(|&k| {
        (group_rank(key_group(k)), key_group(k), std::cmp::Reverse(key_bytes.get(k).copied().unwrap_or(0)), k)
    });
    let key_node =
        place_column(&mut nodes, ENDPOINTS, &keys_sorted, capacity[ENDPOINTS], expanded, name_of, &key_group, &|k| {
            let (label, addresses, count) = keys.get(k).cloned().unwrap_or_default();
            let members: Vec<String> = addresses.iter().map(ToString::to_string).collect();
            let detail = match (count, members.first()) {
                (1, Some(ip)) if *ip != label => Some(ip.clone()),
                (1, _) => None,
                (n, _) => Some(format!("{n} addresses")),
            };
            Described { label, detail, bytes: key_bytes.get(k).copied().unwrap_or(0), members }
        });
    // Hosts column: one group, named "hosts".
    let mut hosts_sorted: Vec<usize> = present_hosts.into_iter().map(|h| h as usize).collect();
    hosts_sorted.sort_by_key(|&h| (std::cmp::Reverse(host_bytes.get(h).copied().unwrap_or(0)), h));
    let hosts_name = |_: u32| None;
    let host_node =
        place_column(&mut nodes, HOSTS, &hosts_sorted, capacity[HOSTS], expanded, &hosts_name, &|_| 0, &|h| {
            Described {
                label: hosts.get(h).map_or_else(String::new, ToString::to_string),
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

    // Ribbons between display nodes, coloured by owner name.
    let mut first: AHashMap<(usize, usize, u32), Tally> = AHashMap::new();
    let mut second: AHashMap<(usize, usize, u32), Tally> = AHashMap::new();
    for ((h, k, o), t) in he {
        let (Some(&hn), Some(&kn), Some(&on), Some(&name)) =
            (host_node.get(&(h as usize)), key_node.get(&(k as usize)), owner_node.get(&o), owner_name.get(o))
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
    GraphModel { nodes, links }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
