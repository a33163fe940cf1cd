//! What the user has narrowed the views to, and the one place that decides which flows pass.
//! The flow table, the graph, the timeline, the status-bar totals, the export dialog and every
//! exporter call [`FlowMatcher`] (or [`selected_flows`]), so they always agree.
//!
//! The text is words that must all match (case-insensitive). A word matches a flow when:
//! - it is a number and equals one of the flow's ports (ports match whole: "443" is not 4431);
//! - it is a protocol name ("tcp", "udp", "icmpv6" ...) and names the flow's protocol;
//! - it occurs in either address, the remote endpoint's name, or its owner's label ("AWS",
//!   "AS8075 Microsoft"), service or region.
//!
//! Chips are terms made by clicking the graph ("endpoint: teams.microsoft.com"); each must
//! match too, exactly: an endpoint by name or address, an owner by label (all its services and
//! regions), a local host by address.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write;
use std::net::IpAddr;
use std::sync::Arc;

use crate::flows::{protocol_keyword, Flow};
use crate::snapshot::Snapshot;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewFilter {
    /// Only traffic in [from_ns, to_ns) when set (a dragged time range on the timeline).
    pub time_range: Option<(i64, i64)>,
    /// Owner labels (as [`Owner::label`](crate::providers::Owner::label) gives them) the user
    /// switched off; all services and regions of a provider go together.
    pub hidden_owners: BTreeSet<String>,
    /// Free text: words that must all match (see the module docs).
    pub text: String,
    /// Exact terms that must all match (see [`Chip`]).
    pub chips: Vec<Chip>,
}

/// What a [`Chip`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChipKind {
    /// A remote endpoint, by its name or address.
    Endpoint,
    /// An owner, by its label ("AWS", "AS8075 Microsoft"): all its services and regions.
    Owner,
    /// A local host, by its address.
    Host,
}

/// One exact filter term, as made by clicking a graph node: "endpoint: teams.microsoft.com",
/// or for a node standing for several (a graph's "17 more · AWS" fold) the terms it stands
/// for: "endpoints: 17 more · AWS" matches any of its members.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Chip {
    pub kind: ChipKind,
    /// What the chip names, or what it reads as when it has members.
    pub value: String,
    /// The names or addresses the chip stands for (any may match); empty: `value` alone.
    /// Shared, because the filter is cloned into view caches every frame.
    pub members: Arc<[String]>,
}

impl Chip {
    pub fn new(kind: ChipKind, value: impl Into<String>) -> Chip {
        Chip { kind, value: value.into(), members: Arc::from(Vec::new()) }
    }

    /// A chip reading `label` that matches any of `members` (endpoint names or addresses,
    /// owner labels, or local addresses, by `kind`).
    pub fn group(kind: ChipKind, label: impl Into<String>, members: Vec<String>) -> Chip {
        Chip { kind, value: label.into(), members: Arc::from(members) }
    }

    /// "endpoint: teams.microsoft.com" ("endpoints: 17 more · AWS"), as the chip reads.
    pub fn describe(&self) -> String {
        let kind = match self.kind {
            ChipKind::Endpoint => "endpoint",
            ChipKind::Owner => "owner",
            ChipKind::Host => "host",
        };
        let plural = if self.members.is_empty() { "" } else { "s" };
        format!("{kind}{plural}: {}", self.value)
    }

    /// What the chip matches, trimmed and lower-cased: its members, or its value.
    fn terms(&self) -> HashSet<String> {
        let value = std::slice::from_ref(&self.value);
        let terms = if self.members.is_empty() { value } else { &self.members[..] };
        terms.iter().map(|t| t.trim().to_lowercase()).collect()
    }
}

impl ViewFilter {
    /// Whether the filter narrows anything at all.
    pub fn is_empty(&self) -> bool {
        self.time_range.is_none()
            && self.hidden_owners.is_empty()
            && self.text.trim().is_empty()
            && self.chips.is_empty()
    }

    /// Adds `chip` unless it is there already.
    pub fn add_chip(&mut self, chip: Chip) {
        if !self.chips.contains(&chip) {
            self.chips.push(chip);
        }
    }

    /// The filter without its time range: what views that show time themselves (the
    /// timeline) apply.
    pub fn without_time(&self) -> ViewFilter {
        ViewFilter { time_range: None, ..self.clone() }
    }
}

/// One word of the filter text.
#[derive(Debug, Clone, PartialEq)]
enum Word {
    /// A number: a port, or part of an address.
    Number {
        text: String,
        port: Option<u16>,
    },
    Text(String),
}

impl Word {
    fn parse(word: &str) -> Word {
        let text = word.to_lowercase();
        if text.bytes().all(|b| b.is_ascii_digit()) {
            Word::Number { port: text.parse().ok(), text }
        } else {
            Word::Text(text)
        }
    }
}

/// A filter prepared for one snapshot: per-endpoint matches computed once, so that testing
/// each of hundreds of thousands of flows is cheap.
pub struct FlowMatcher<'a> {
    snapshot: &'a Snapshot,
    time_range: Option<(i64, i64)>,
    words: Vec<Word>,
    /// Per owner index, whether it is hidden.
    owner_hidden: Vec<bool>,
    /// Per endpoint, which words its address, name or owner contain.
    endpoint_words: Vec<Vec<bool>>,
    /// Per endpoint, whether it passes every endpoint and owner chip (empty: no such chips).
    endpoint_chips: Vec<bool>,
    /// Per host chip, the local addresses a flow must have one of (none: nothing passes).
    hosts: Vec<HashSet<IpAddr>>,
}

impl<'a> FlowMatcher<'a> {
    pub fn new(snapshot: &'a Snapshot, filter: &ViewFilter) -> FlowMatcher<'a> {
        let words: Vec<Word> = filter.text.split_whitespace().map(Word::parse).collect();
        let owner_hidden =
            snapshot.owners.iter().map(|o| filter.hidden_owners.contains(o.owner.label().as_ref())).collect();
        let endpoint_words = endpoint_word_matches(snapshot, &words);
        let endpoint_chips = endpoint_chip_matches(snapshot, &filter.chips);
        let hosts = filter
            .chips
            .iter()
            .filter(|c| c.kind == ChipKind::Host)
            .map(|c| c.terms().iter().filter_map(|t| t.parse::<IpAddr>().ok()).collect())
            .collect();
        FlowMatcher {
            snapshot,
            time_range: filter.time_range,
            words,
            owner_hidden,
            endpoint_words,
            endpoint_chips,
            hosts,
        }
    }

    /// Whether flow `index` of the snapshot passes. `buffer` is scratch space, reused
    /// between calls so that a pass over every flow does not allocate per flow.
    pub fn passes(&self, index: usize, buffer: &mut String) -> bool {
        let Some(flow) = self.snapshot.flows.get(index) else { return false };
        if let Some((from, to)) = self.time_range {
            if flow.first_ns >= to || flow.last_ns < from {
                return false;
            }
        }
        let owner = self.snapshot.flow_owner(index);
        if owner.and_then(|o| self.owner_hidden.get(o)).copied().unwrap_or(false) {
            return false;
        }
        if !self.endpoint_chips.is_empty() {
            let endpoint = self.snapshot.flow_endpoint.get(index).and_then(|&e| self.endpoint_chips.get(e as usize));
            if !endpoint.copied().unwrap_or(false) {
                return false;
            }
        }
        if !self.hosts.is_empty() && !self.hosts.iter().all(|h| h.contains(&flow.local().0)) {
            return false;
        }
        if self.words.is_empty() {
            return true;
        }
        let endpoint = self.snapshot.flow_endpoint.get(index).and_then(|&e| self.endpoint_words.get(e as usize));
        self.words.iter().enumerate().all(|(w, word)| {
            endpoint.is_some_and(|m| m.get(w).copied().unwrap_or(false)) || flow_fields_match(flow, word, buffer)
        })
    }

    /// Per endpoint, whether at least one of its flows passes: for views whose series are
    /// endpoints (the timeline).
    pub fn endpoints_with_passing_flows(&self) -> Vec<bool> {
        let mut shown = vec![false; self.snapshot.endpoints.len()];
        let mut buffer = String::new();
        for (index, &endpoint) in self.snapshot.flow_endpoint.iter().enumerate() {
            if let Some(slot) = shown.get_mut(endpoint as usize) {
                if !*slot && self.passes(index, &mut buffer) {
                    *slot = true;
                }
            }
        }
        shown
    }

    /// Indices of the passing flows, ascending.
    pub fn passing(&self) -> Vec<usize> {
        let mut buffer = String::new();
        (0..self.snapshot.flows.len()).filter(|&i| self.passes(i, &mut buffer)).collect()
    }
}

/// Indices into `snapshot.flows` of the flows that pass `filter`, in flow order.
pub fn selected_flows(snapshot: &Snapshot, filter: &ViewFilter) -> Vec<usize> {
    FlowMatcher::new(snapshot, filter).passing()
}

/// For each endpoint, whether it passes every endpoint and owner chip; empty when there are
/// none. Names compare without regard to case.
fn endpoint_chip_matches(snapshot: &Snapshot, chips: &[Chip]) -> Vec<bool> {
    let chips: Vec<(ChipKind, HashSet<String>)> =
        chips.iter().filter(|c| c.kind != ChipKind::Host).map(|c| (c.kind, c.terms())).collect();
    if chips.is_empty() {
        return Vec::new();
    }
    let owner_labels: Vec<(String, String)> = snapshot
        .owners
        .iter()
        .map(|o| (o.owner.label().to_lowercase(), o.owner.group().label().to_lowercase()))
        .collect();
    let mut name = String::new();
    snapshot
        .endpoints
        .iter()
        .map(|e| {
            name.clear();
            name.push_str(&e.best_name.as_deref().unwrap_or_default().to_lowercase());
            chips.iter().all(|(kind, terms)| match kind {
                ChipKind::Endpoint => {
                    (!name.is_empty() && terms.contains(&name)) || terms.contains(&e.endpoint.ip.to_string())
                }
                ChipKind::Owner => owner_labels
                    .get(e.owner)
                    .is_some_and(|(label, group)| terms.contains(label) || terms.contains(group)),
                ChipKind::Host => true,
            })
        })
        .collect()
}

/// For each endpoint, which words its address, name, or owner label, service or region
/// contain. Numbers are left to the flow's own fields (ports, address parts).
fn endpoint_word_matches(snapshot: &Snapshot, words: &[Word]) -> Vec<Vec<bool>> {
    if words.is_empty() {
        return Vec::new();
    }
    let mut buffer = String::new();
    snapshot
        .endpoints
        .iter()
        .map(|e| {
            buffer.clear();
            let _ = write!(buffer, "{}", e.endpoint.ip);
            if let Some(name) = &e.best_name {
                buffer.push(' ');
                buffer.push_str(name);
            }
            if let Some(owner) = snapshot.owners.get(e.owner).map(|o| &o.owner) {
                buffer.push(' ');
                buffer.push_str(&owner.label());
                for extra in [owner.service(), owner.region()].into_iter().flatten() {
                    buffer.push(' ');
                    buffer.push_str(extra);
                }
            }
            let haystack = buffer.to_lowercase();
            words
                .iter()
                .map(|word| match word {
                    Word::Number { .. } => false,
                    Word::Text(text) => haystack.contains(text.as_str()),
                })
                .collect()
        })
        .collect()
}

/// The flow's own fields: ports (whole), protocol name, and both addresses.
fn flow_fields_match(flow: &Flow, word: &Word, buffer: &mut String) -> bool {
    let needle = match word {
        Word::Number { port: Some(p), .. } if *p == flow.src_port || *p == flow.dst_port => return true,
        Word::Number { text, .. } => text,
        Word::Text(text) => {
            if protocol_keyword(flow.proto) == Some(text.as_str()) {
                return true;
            }
            text
        }
    };
    buffer.clear();
    let _ = write!(buffer, "{} {}", flow.src, flow.dst);
    address_parts_contain(buffer, needle)
}

/// Numbers match an address only as whole parts ("10" matches 10.0.0.1, not 110.0.0.1);
/// other words match anywhere (IPv6 hex, "192.168.").
fn address_parts_contain(addresses: &str, needle: &str) -> bool {
    if needle.bytes().all(|b| b.is_ascii_digit()) {
        return addresses.split(['.', ':', ' ']).any(|part| part == needle);
    }
    addresses.contains(needle)
}
