//! Owner colours that identify: fixed, documented colours for the named providers, a grey
//! family for local, unknown and folded space, and colours from a pool for the other owners
//! only while they stay distinguishable (CIEDE2000 ≥ [`MIN_DELTA_E`] from every other colour
//! of the same legend); the rest fold into one "Other ASes" owner. Pure: no egui types.
//!
//! Colour-vision deficiency: Azure (blue), AWS (orange) and Apple (black, or white on dark)
//! differ in lightness as well as hue, and stay ≥ 20 apart under the Machado et al. (2009)
//! deuteranopia and protanopia simulations (`colour::simulate`); the tests check that and
//! report the palette's worst pair under each simulation.

pub mod colour;

use std::collections::BTreeSet;

use colour::delta_e;
pub use colour::Rgb;
use whohosts_core::providers::Owner;
use whohosts_core::snapshot::Snapshot;

/// Least CIEDE2000 difference between any two colours of one legend.
pub const MIN_DELTA_E: f64 = 20.0;
/// Most owners with a colour of their own when the user does not say (the rest fold).
pub const DEFAULT_MAX_COLOURED: usize = 9;
/// An owner keeps a colour of its own by default only with at least this share of the bytes.
const DEFAULT_MIN_SHARE: f64 = 0.005;
/// The label of the folded owners when all of them are ASes (or folded table space).
pub const OTHER_ASES: &str = "Other ASes";
/// The label of the folded owners when some are named providers.
pub const OTHER_OWNERS: &str = "Other owners";

/// Fixed provider colours, the same in light and dark figures (Okabe & Ito hues where they
/// fit, checked pairwise ≥ 20 ΔE2000 against each other and the greys in both themes).
const PROVIDERS: [(&[&str], Rgb); 8] = [
    (&["Azure", "Microsoft"], Rgb(0x00, 0x72, 0xB2)),
    (&["AWS", "Amazon"], Rgb(0xE6, 0x9F, 0x00)),
    (&["Google Cloud", "Google"], Rgb(0x00, 0x9E, 0x73)),
    (&["Oracle Cloud", "Oracle"], Rgb(0xC8, 0x10, 0x2E)),
    (&["Cloudflare"], Rgb(0xF0, 0xE4, 0x42)),
    (&["DigitalOcean"], Rgb(0x56, 0xB4, 0xE9)),
    (&["Akamai"], Rgb(0xCC, 0x79, 0xA7)),
    (&["Fastly"], Rgb(0x10, 0x00, 0x70)),
];

/// Apple is black on white and white on black: unmistakable beside blue and orange, also
/// for readers without red-green vision.
const APPLE: [Rgb; 2] = [Rgb(0x22, 0x22, 0x22), Rgb(0xFF, 0xFF, 0xFF)];

/// The grey family, [light, dark]: slightly tinted so that three of them and Apple stay
/// ≥ 20 apart.
const LOCAL: [Rgb; 2] = [Rgb(0x60, 0x60, 0x68), Rgb(0x48, 0x58, 0x50)];
const UNKNOWN: [Rgb; 2] = [Rgb(0xA0, 0x98, 0x98), Rgb(0x80, 0x70, 0x70)];
const FOLDED: [Rgb; 2] = [Rgb(0xD0, 0xE0, 0xE0), Rgb(0xA0, 0xA8, 0xA0)];

/// Colours for the other owners, in the order they are handed out (greedy farthest-point
/// picks against the fixed colours and both themes' greys).
pub const POOL: [Rgb; 10] = [
    Rgb(0x70, 0x40, 0x00),
    Rgb(0x20, 0xF0, 0x50),
    Rgb(0x80, 0x80, 0x20),
    Rgb(0xF0, 0x60, 0x10),
    Rgb(0x00, 0xF0, 0xD0),
    Rgb(0xD0, 0xC0, 0xF0),
    Rgb(0x90, 0x80, 0xF0),
    Rgb(0x00, 0x00, 0x60),
    Rgb(0x60, 0x00, 0x30),
    Rgb(0x00, 0x60, 0x00),
];

/// The figure's background, text and secondary text: all text meets WCAG AA (4.5:1).
pub fn background(dark: bool) -> Rgb {
    if dark {
        Rgb::grey(24)
    } else {
        Rgb::grey(255)
    }
}

pub fn ink(dark: bool) -> Rgb {
    if dark {
        Rgb::grey(235)
    } else {
        Rgb::grey(20)
    }
}

pub fn weak_ink(dark: bool) -> Rgb {
    if dark {
        Rgb::grey(165)
    } else {
        Rgb::grey(90)
    }
}

fn theme(pair: [Rgb; 2], dark: bool) -> Rgb {
    pair[usize::from(dark)]
}

/// The colour an owner always has, whatever else is in the legend: named providers, Apple,
/// and the grey family. None for owners that take a colour from the pool.
pub fn fixed_colour(owner: &Owner, dark: bool) -> Option<Rgb> {
    match owner {
        Owner::Local => Some(theme(LOCAL, dark)),
        Owner::Unknown => Some(theme(UNKNOWN, dark)),
        Owner::Other => Some(theme(FOLDED, dark)),
        Owner::Provider { name, .. } if name == "Apple" => Some(theme(APPLE, dark)),
        Owner::Provider { name, .. } if name == OTHER_ASES || name == OTHER_OWNERS => Some(theme(FOLDED, dark)),
        Owner::Provider { name, .. } => {
            PROVIDERS.iter().find(|(names, _)| names.contains(&name.as_str())).map(|&(_, c)| c)
        }
        Owner::As { .. } => None,
    }
}

/// Whether an owner is one of the grey family (never counted against the coloured owners).
pub fn is_grey(owner: &Owner) -> bool {
    matches!(owner, Owner::Local | Owner::Unknown | Owner::Other)
        || matches!(owner, Owner::Provider { name, .. } if name == OTHER_ASES || name == OTHER_OWNERS)
}

/// What the user may set: how many owners get a colour, and colours of their choosing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaletteOptions {
    /// Owners with a colour of their own (the rest fold); None: decided from the data.
    pub max_coloured: Option<usize>,
    /// Owners (by group label) always folded, whatever their size.
    pub fold: BTreeSet<String>,
    /// Colours chosen by the user, by owner group label; used as given.
    pub overrides: Vec<(String, Rgb)>,
    /// Coloured owners the picture has room for (set by the layout, not the user): the
    /// owner column must hold one node per coloured owner beside the grey ones.
    pub room: Option<usize>,
}

/// The colours of one legend: which owner groups have a colour, and which are folded.
#[derive(Debug, Clone, PartialEq)]
pub struct Palette {
    pub dark: bool,
    /// Owner groups with their colour, in the order given (largest first).
    pub colours: Vec<(Owner, Rgb)>,
    /// Owner groups folded into [`Palette::folded_owner`].
    pub folded: BTreeSet<Owner>,
    /// Owner groups whose colour the user chose (kept in both themes).
    pub chosen: BTreeSet<Owner>,
    folded_label: &'static str,
}

impl Palette {
    /// Colours `groups` (owner groups with their bytes, largest first). Grey owners always
    /// keep their grey; named providers keep their fixed colour; the others take the first
    /// pool colour at least [`MIN_DELTA_E`] from every colour already in the legend. Past
    /// `max_coloured` coloured owners, or when no colour is far enough, owners fold.
    pub fn assign(groups: &[(Owner, u64)], options: &PaletteOptions, dark: bool) -> Palette {
        let total: u64 = groups.iter().map(|g| g.1).sum();
        let max = options
            .max_coloured
            .unwrap_or_else(|| default_max_coloured(groups, total))
            .min(options.room.unwrap_or(usize::MAX));
        let overridden = |o: &Owner| {
            let label = o.label();
            options.overrides.iter().find(|(l, _)| *l == label).map(|&(_, c)| c)
        };
        // Colours reserved before anything is handed out: greys, the fold's grey, and the
        // fixed colours of providers present, so that a pool colour never shadows one.
        let mut used: Vec<Rgb> = vec![theme(LOCAL, dark), theme(UNKNOWN, dark), theme(FOLDED, dark)];
        used.extend(groups.iter().filter_map(|(o, _)| overridden(o).or_else(|| fixed_colour(o, dark))));
        let mut colours = Vec::new();
        let mut folded = BTreeSet::new();
        let chosen: BTreeSet<Owner> = groups.iter().map(|g| g.0.group()).filter(|o| overridden(o).is_some()).collect();
        let mut coloured = 0;
        for (owner, _) in groups {
            let owner = owner.group();
            if matches!(owner, Owner::Other) {
                folded.insert(owner);
                continue;
            }
            if is_grey(&owner) {
                if let Some(c) = fixed_colour(&owner, dark) {
                    colours.push((owner, c));
                }
                continue;
            }
            if coloured >= max || options.fold.contains(owner.label().as_ref()) {
                folded.insert(owner);
                continue;
            }
            let chosen = overridden(&owner)
                .or_else(|| fixed_colour(&owner, dark))
                .or_else(|| POOL.iter().copied().find(|&c| used.iter().all(|&u| delta_e(c, u) >= MIN_DELTA_E)));
            match chosen {
                Some(c) => {
                    if !used.contains(&c) {
                        used.push(c);
                    }
                    colours.push((owner, c));
                    coloured += 1;
                }
                None => {
                    folded.insert(owner);
                }
            }
        }
        // A fold of one owner says less than the owner and takes the same room: colour it
        // if a colour is still far enough from the others (unless the user folded it or
        // set how many owners get colours).
        if let [only] = folded.iter().cloned().collect::<Vec<_>>().as_slice() {
            let user_folded = options.fold.contains(only.label().as_ref()) || options.max_coloured.is_some();
            let colour = overridden(only)
                .or_else(|| fixed_colour(only, dark))
                .or_else(|| POOL.iter().copied().find(|&c| used.iter().all(|&u| delta_e(c, u) >= MIN_DELTA_E)));
            if let (false, false, Some(c)) = (user_folded, matches!(only, Owner::Other), colour) {
                folded.clear();
                let at = groups.iter().position(|g| g.0.group() == *only).unwrap_or(colours.len());
                let index = colours
                    .iter()
                    .position(|(o, _)| groups.iter().position(|g| g.0.group() == *o).unwrap_or(0) > at)
                    .unwrap_or(colours.len());
                colours.insert(index, (only.clone(), c));
            }
        }
        let all_ases = folded.iter().all(|o| matches!(o, Owner::As { .. } | Owner::Other));
        Palette { dark, colours, folded, chosen, folded_label: if all_ases { OTHER_ASES } else { OTHER_OWNERS } }
    }

    /// The colour of `owner` in a light or dark picture: fixed colours follow the theme,
    /// pool colours are the same in both.
    pub fn colour_in(&self, owner: &Owner, dark: bool) -> Rgb {
        let group = self.display_group(owner);
        let assigned = || self.colours.iter().find(|(o, _)| *o == group).map(|&(_, c)| c);
        if self.chosen.contains(&group) {
            if let Some(c) = assigned() {
                return c;
            }
        }
        fixed_colour(&group, dark).or_else(assigned).unwrap_or(theme(FOLDED, dark))
    }

    /// The owner that folded owners are shown as ("Other ASes").
    pub fn folded_owner(&self) -> Owner {
        Owner::provider(self.folded_label)
    }

    /// The owner a legend, a node or a band shows `owner` as: its group, or the fold.
    pub fn display_group(&self, owner: &Owner) -> Owner {
        let group = owner.group();
        if self.folded.contains(&group) {
            self.folded_owner()
        } else {
            group
        }
    }

    /// The colour of `owner` (any owner: its group's colour, the fold's grey for folded
    /// owners, else its fixed colour or the fold's grey).
    pub fn colour(&self, owner: &Owner) -> Rgb {
        let group = self.display_group(owner);
        self.colours
            .iter()
            .find(|(o, _)| *o == group)
            .map(|&(_, c)| c)
            .or_else(|| fixed_colour(&group, self.dark))
            .unwrap_or(theme(FOLDED, self.dark))
    }
}

impl Default for Palette {
    /// No owner coloured yet: every owner shows its fixed colour or the fold's grey.
    fn default() -> Self {
        Palette {
            dark: false,
            colours: Vec::new(),
            folded: BTreeSet::new(),
            chosen: BTreeSet::new(),
            folded_label: OTHER_ASES,
        }
    }
}

/// A snapshot's owner groups with their bytes over the whole capture, largest first: what
/// the window colours by, so colours stay put while the user filters.
pub fn snapshot_groups(snapshot: &Snapshot) -> Vec<(Owner, u64)> {
    let mut groups: Vec<(Owner, u64)> = Vec::new();
    for totals in snapshot.owners.iter() {
        let group = totals.owner.group();
        match groups.iter_mut().find(|g| g.0 == group) {
            Some(g) => g.1 += totals.bytes,
            None => groups.push((group, totals.bytes)),
        }
    }
    groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    groups
}

/// Owners coloured when the user does not say: those with at least half a percent of the
/// bytes, at most [`DEFAULT_MAX_COLOURED`].
fn default_max_coloured(groups: &[(Owner, u64)], total: u64) -> usize {
    let big = groups
        .iter()
        .filter(|(o, b)| !is_grey(o) && total > 0 && *b as f64 / total as f64 >= DEFAULT_MIN_SHARE)
        .count();
    big.clamp(1, DEFAULT_MAX_COLOURED)
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
