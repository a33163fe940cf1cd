//! How the views look: provider colours (one fixed, colour-blind-friendly colour per canonical
//! provider, hashed colours for AS owners, grey for Local/Unknown), the visuals, the owner
//! legend shared by the graph and the timeline, and human units for byte counts.
//! Owns no state; every function is pure or draws only what it is given.

use std::collections::BTreeSet;

use egui::{Color32, RichText};
use whohosts_core::providers::Owner;

// Okabe & Ito (2008) colour-blind-safe palette, extended with Paul Tol's muted scheme.
const BLUE: Color32 = Color32::from_rgb(0x00, 0x72, 0xB2);
const ORANGE: Color32 = Color32::from_rgb(0xE6, 0x9F, 0x00);
const BLUISH_GREEN: Color32 = Color32::from_rgb(0x00, 0x9E, 0x73);
const VERMILLION: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);
const SKY_BLUE: Color32 = Color32::from_rgb(0x56, 0xB4, 0xE9);
const REDDISH_PURPLE: Color32 = Color32::from_rgb(0xCC, 0x79, 0xA7);
const WINE: Color32 = Color32::from_rgb(0x88, 0x22, 0x55);
const SAND: Color32 = Color32::from_rgb(0xC9, 0xB0, 0x4F);

/// Colours for owners without a fixed colour (AS owners), picked by a stable hash of the name.
const HASHED: [Color32; 8] = [
    Color32::from_rgb(0x88, 0xCC, 0xEE),
    Color32::from_rgb(0x44, 0xAA, 0x99),
    Color32::from_rgb(0x11, 0x77, 0x33),
    Color32::from_rgb(0x99, 0x99, 0x33),
    Color32::from_rgb(0xAA, 0x44, 0x99),
    Color32::from_rgb(0x33, 0x22, 0x88),
    Color32::from_rgb(0x66, 0x11, 0x00),
    Color32::from_rgb(0x66, 0x99, 0xCC),
];

/// The colour that stands for `owner` everywhere (graph ribbons, timeline areas, legends,
/// tables): fixed for named providers, grey for local, unknown and folded space, hashed
/// for the rest. Services and regions of a provider share its colour.
pub fn owner_color(owner: &Owner, dark: bool) -> Color32 {
    let grey = |light: u8, dark_grey: u8| Some(Color32::from_gray(if dark { dark_grey } else { light }));
    let fixed = match owner {
        Owner::Local => grey(0xA8, 0x80),
        Owner::Unknown | Owner::Other => grey(0xC8, 0x62),
        Owner::Provider { name, .. } => provider_color(name, dark),
        Owner::As { .. } => None,
    };
    let color = fixed.unwrap_or_else(|| {
        let index = (stable_hash(&owner.label()) % HASHED.len() as u64) as usize;
        HASHED.get(index).copied().unwrap_or(Color32::GRAY)
    });
    if dark {
        lift_for_dark(color)
    } else {
        color
    }
}

/// The fixed colour of a named provider.
fn provider_color(name: &str, dark: bool) -> Option<Color32> {
    match name {
        "Azure" | "Microsoft" => Some(BLUE),
        "AWS" | "Amazon" => Some(ORANGE),
        "Apple" => Some(if dark { Color32::from_gray(0xC8) } else { Color32::from_gray(0x3C) }),
        "Google Cloud" | "Google" => Some(BLUISH_GREEN),
        "Cloudflare" => Some(VERMILLION),
        "Akamai" => Some(SKY_BLUE),
        "Fastly" => Some(REDDISH_PURPLE),
        "DigitalOcean" => Some(WINE),
        "Oracle Cloud" | "Oracle" => Some(SAND),
        _ => None,
    }
}

/// FNV-1a: the same name gets the same colour in every run and on every machine.
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Very dark colours vanish on a dark background: blend them towards white.
fn lift_for_dark(color: Color32) -> Color32 {
    let luma = 0.2126 * f32::from(color.r()) + 0.7152 * f32::from(color.g()) + 0.0722 * f32::from(color.b());
    if luma >= 90.0 {
        return color;
    }
    let mix = |c: u8| (f32::from(c) * 0.6 + 255.0 * 0.4) as u8;
    Color32::from_rgb(mix(color.r()), mix(color.g()), mix(color.b()))
}

/// Light or dark visuals, with the tooltips and strokes the views expect.
pub fn apply(ctx: &egui::Context, dark: bool) {
    let mut visuals = if dark { egui::Visuals::dark() } else { egui::Visuals::light() };
    visuals.window_corner_radius = egui::CornerRadius::same(4);
    visuals.menu_corner_radius = egui::CornerRadius::same(4);
    let theme = if dark { egui::Theme::Dark } else { egui::Theme::Light };
    ctx.set_theme(theme);
    ctx.set_visuals_of(theme, visuals);
}

/// A neutral colour for text and strokes drawn over the views' own canvas.
pub fn ink(dark: bool) -> Color32 {
    if dark {
        Color32::from_gray(0xE6)
    } else {
        Color32::from_gray(0x20)
    }
}

/// One legend entry: an owner (its group: a provider without service and region) and its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub owner: Owner,
    pub bytes: u64,
}

impl LegendEntry {
    pub fn label(&self) -> String {
        self.owner.label().into_owned()
    }
}

/// The owners of a snapshot, one entry per group (services and regions of one provider
/// share a colour), largest first.
pub fn legend_entries(owners: &[whohosts_core::snapshot::OwnerTotals]) -> Vec<LegendEntry> {
    let mut entries: Vec<LegendEntry> = Vec::new();
    for totals in owners {
        let group = totals.owner.group();
        match entries.iter_mut().find(|e| e.owner == group) {
            Some(entry) => entry.bytes += totals.bytes,
            None => entries.push(LegendEntry { owner: group, bytes: totals.bytes }),
        }
    }
    entries.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.owner.cmp(&b.owner)));
    entries
}

/// Legend entries shown inline; the smaller owners go into a "+N more" menu.
const INLINE_LEGEND: usize = 12;

/// Colour swatches and owner names, added to the caller's horizontal (not wrapping) layout:
/// as many as fit in the width left (measured), the rest behind "+N more", so a swatch never
/// wraps away from its name. Clicking one asks to hide or show that owner. Returns the label
/// of the owner clicked.
pub fn owner_legend_ui(ui: &mut egui::Ui, entries: &[LegendEntry], hidden: &BTreeSet<String>) -> Option<String> {
    let mut clicked = None;
    let font = egui::TextStyle::Body.resolve(ui.style());
    let chrome = 11.0 + 2.0 * ui.spacing().item_spacing.x + 4.0 + 2.0 * ui.spacing().button_padding.x;
    let widths: Vec<f32> =
        entries.iter().take(INLINE_LEGEND).map(|e| text_width(ui, &e.label(), &font) + chrome).collect();
    let more_button = text_width(ui, "+99 more", &font) + 2.0 * ui.spacing().button_padding.x + 8.0;
    let fit = how_many_fit(&widths, entries.len(), ui.available_width(), more_button);
    let (inline, rest) = entries.split_at(fit);
    for entry in inline {
        if legend_entry_ui(ui, entry, hidden) {
            clicked = Some(entry.label());
        }
    }
    if !rest.is_empty() {
        ui.menu_button(format!("+{} more", rest.len()), |ui| {
            for entry in rest {
                ui.horizontal(|ui| {
                    if legend_entry_ui(ui, entry, hidden) {
                        clicked = Some(entry.label());
                    }
                });
            }
        });
    }
    clicked
}

/// The width `text` takes on one line in `font`.
pub fn text_width(ui: &egui::Ui, text: &str, font: &egui::FontId) -> f32 {
    ui.fonts_mut(|f| f.layout_no_wrap(text.to_owned(), font.clone(), Color32::WHITE).size().x)
}

/// How many items (of `total`, the first ones measuring `widths`) fit in `available` points,
/// keeping room for a "+N more" button of width `more` when not all of them fit.
pub fn how_many_fit(widths: &[f32], total: usize, available: f32, more: f32) -> usize {
    let mut used = 0.0;
    for (i, &w) in widths.iter().enumerate() {
        let last = i + 1 == total;
        let room = if last { available } else { available - more };
        if used + w > room {
            return i;
        }
        used += w;
    }
    widths.len().min(total)
}

/// One swatch and name; true when clicked.
fn legend_entry_ui(ui: &mut egui::Ui, entry: &LegendEntry, hidden: &BTreeSet<String>) -> bool {
    let label = entry.label();
    let shown = !hidden.contains(&label);
    let color = owner_color(&entry.owner, ui.visuals().dark_mode);
    let swatch = if shown { color } else { color.gamma_multiply(0.25) };
    let (rect, _) = ui.allocate_exact_size(egui::vec2(11.0, 11.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, swatch);
    let mut text = RichText::new(&label);
    if !shown {
        text = text.strikethrough().weak();
    }
    let action = if shown { "hide" } else { "show" };
    let response = ui
        .add(egui::Button::new(text).frame(false))
        .on_hover_text(format!("{label}: {}; click to {action}", human_bytes(entry.bytes)));
    ui.add_space(4.0);
    response.clicked()
}

/// Bytes with a decimal unit: "950 B", "12.3 kB", "4.56 MB".
pub fn human_bytes(bytes: u64) -> String {
    human_value(bytes as f64, "B")
}

/// A rate in bytes per second: "12.3 kB/s".
pub fn human_rate(bytes_per_second: f64) -> String {
    human_value(bytes_per_second, "B/s")
}

fn human_value(value: f64, unit: &str) -> String {
    const PREFIXES: [&str; 6] = ["", "k", "M", "G", "T", "P"];
    let mut scaled = value;
    let mut prefix = 0;
    while scaled.abs() >= 1000.0 && prefix + 1 < PREFIXES.len() {
        scaled /= 1000.0;
        prefix += 1;
    }
    let p = PREFIXES.get(prefix).copied().unwrap_or("");
    if prefix == 0 {
        format!("{scaled:.0} {unit}")
    } else if scaled.abs() >= 100.0 {
        format!("{scaled:.0} {p}{unit}")
    } else if scaled.abs() >= 10.0 {
        format!("{scaled:.1} {p}{unit}")
    } else {
        format!("{scaled:.2} {p}{unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legends_keep_what_fits_and_leave_room_for_more() {
        // Everything fits: no button needed.
        assert_eq!(how_many_fit(&[50.0, 50.0], 2, 100.0, 30.0), 2);
        // Not everything fits: room is kept for "+N more".
        assert_eq!(how_many_fit(&[50.0, 50.0, 50.0], 3, 120.0, 30.0), 1);
        // Only some are measured (the rest always go in the menu).
        assert_eq!(how_many_fit(&[10.0, 10.0], 20, 1000.0, 30.0), 2);
        // Nothing fits.
        assert_eq!(how_many_fit(&[200.0], 1, 100.0, 30.0), 0);
    }

    #[test]
    fn canonical_providers_get_distinct_fixed_colours() {
        let names =
            ["Azure", "AWS", "Apple", "Google Cloud", "Cloudflare", "Akamai", "Fastly", "DigitalOcean", "Oracle Cloud"];
        for dark in [false, true] {
            let colours: BTreeSet<[u8; 4]> =
                names.iter().map(|n| owner_color(&Owner::provider(n), dark).to_array()).collect();
            assert_eq!(colours.len(), names.len());
        }
    }

    #[test]
    fn as_owners_hash_to_a_stable_colour() {
        let as_owner = Owner::As { number: 64500, org: "Example".into() };
        assert_eq!(owner_color(&as_owner, false), owner_color(&as_owner.clone(), false));
        assert_ne!(owner_color(&as_owner, false), owner_color(&Owner::Unknown, false));
    }

    #[test]
    fn local_space_is_grey_whatever_its_label() {
        for dark in [false, true] {
            let local = owner_color(&Owner::Local, dark);
            assert!(local.r() == local.g() && local.g() == local.b(), "{local:?}");
            assert_eq!(local, owner_color(&Owner::from_label("Local network"), dark));
        }
    }

    #[test]
    fn units_are_human() {
        assert_eq!(human_bytes(950), "950 B");
        assert_eq!(human_bytes(12_345), "12.3 kB");
        assert_eq!(human_bytes(4_560_000), "4.56 MB");
        assert_eq!(human_rate(250_000_000.0), "250 MB/s");
    }
}
