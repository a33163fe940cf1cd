//! How the views look: owner colours as egui colours (the palette module decides them), the
//! visuals, the owner legend shared by the graph and the timeline, and human units for byte
//! counts.
//! Owns no state; every function is pure or draws only what it is given.

use std::collections::BTreeSet;

use crate::palette::{self, Palette, PaletteOptions, Rgb, POOL};
use egui::{Color32, RichText};
use whohosts_core::providers::Owner;

/// An sRGB colour of the palette as egui's colour.
pub fn color32(c: Rgb) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2)
}

/// The colour that stands for `owner` when no legend is at hand (tables, the inspector):
/// its fixed colour (named providers, the grey family), else a pool colour picked by a
/// stable hash of its label. Views with a legend use a [`Palette`] instead, which keeps the
/// colours of one legend apart.
pub fn owner_color(owner: &Owner, dark: bool) -> Color32 {
    let group = owner.group();
    let rgb = palette::fixed_colour(&group, dark).unwrap_or_else(|| {
        let index = (stable_hash(&group.label()) % POOL.len() as u64) as usize;
        POOL.get(index).copied().unwrap_or(Rgb::grey(128))
    });
    color32(rgb)
}

/// An owner's colour for text on the views' background: the owner colour, darkened (light
/// theme) or lightened (dark theme) just enough to meet WCAG AA contrast (4.5:1), so an
/// owner's name is never light blue on white. (For tables and inspectors that colour names.)
pub fn owner_text_color(owner: &Owner, dark: bool) -> Color32 {
    let base = owner_color(owner, dark);
    let background = palette::background(dark);
    let target = if dark { 255.0 } else { 0.0 };
    for step in 0..=20 {
        let t = step as f32 / 20.0;
        let mix = |c: u8| (f32::from(c) + (target - f32::from(c)) * t).round() as u8;
        let rgb = Rgb(mix(base.r()), mix(base.g()), mix(base.b()));
        if palette::colour::contrast(rgb, background) >= 4.5 {
            return color32(rgb);
        }
    }
    ink(dark)
}

/// The window's palette for a snapshot: its owners over the whole capture.
pub fn snapshot_palette(snapshot: &whohosts_core::snapshot::Snapshot, dark: bool) -> Palette {
    Palette::assign(&palette::snapshot_groups(snapshot), &PaletteOptions::default(), dark)
}

/// FNV-1a: the same name gets the same colour in every run and on every machine.
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
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

/// A neutral colour for text and strokes drawn over the views' own canvas (WCAG AA on
/// the figure's background, see `palette::ink`).
pub fn ink(dark: bool) -> Color32 {
    color32(palette::ink(dark))
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
    let groups: Vec<(Owner, u64)> = entries.iter().map(|e| (e.owner.clone(), e.bytes)).collect();
    let palette = Palette::assign(&groups, &PaletteOptions::default(), ui.visuals().dark_mode);
    owner_legend_with_ui(ui, entries, hidden, &palette)
}

/// [`owner_legend_ui`] with the colours of a view's own palette (the graph's, which may
/// have folded owners it had no room for).
pub fn owner_legend_with_ui(
    ui: &mut egui::Ui,
    entries: &[LegendEntry],
    hidden: &BTreeSet<String>,
    palette: &Palette,
) -> Option<String> {
    let mut clicked = None;
    let palette = palette.clone();
    let font = egui::TextStyle::Body.resolve(ui.style());
    let chrome = 11.0 + 2.0 * ui.spacing().item_spacing.x + 4.0 + 2.0 * ui.spacing().button_padding.x;
    let widths: Vec<f32> =
        entries.iter().take(INLINE_LEGEND).map(|e| text_width(ui, &e.label(), &font) + chrome).collect();
    let more_button = text_width(ui, "+99 more", &font) + 2.0 * ui.spacing().button_padding.x + 8.0;
    let fit = how_many_fit(&widths, entries.len(), ui.available_width(), more_button);
    let (inline, rest) = entries.split_at(fit);
    for entry in inline {
        if legend_entry_ui(ui, entry, hidden, &palette) {
            clicked = Some(entry.label());
        }
    }
    if !rest.is_empty() {
        ui.menu_button(format!("+{} more", rest.len()), |ui| {
            for entry in rest {
                ui.horizontal(|ui| {
                    if legend_entry_ui(ui, entry, hidden, &palette) {
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
fn legend_entry_ui(ui: &mut egui::Ui, entry: &LegendEntry, hidden: &BTreeSet<String>, palette: &Palette) -> bool {
    let label = entry.label();
    let shown = !hidden.contains(&label);
    let color = color32(palette.colour_in(&entry.owner, ui.visuals().dark_mode));
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

pub use whohosts_core::units::{human_bytes, human_rate};

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
            let spread = local.r().max(local.g()).max(local.b()) - local.r().min(local.g()).min(local.b());
            assert!(spread <= 16, "{local:?}");
            assert_eq!(local, owner_color(&Owner::from_label("Local network"), dark));
        }
    }

    #[test]
    fn owner_names_in_colour_stay_readable() {
        for dark in [false, true] {
            for owner in ["Cloudflare", "DigitalOcean", "AWS", "Azure", "Fastly"] {
                let c = owner_text_color(&Owner::provider(owner), dark);
                let rgb = Rgb(c.r(), c.g(), c.b());
                assert!(palette::colour::contrast(rgb, palette::background(dark)) >= 4.5, "{owner} dark={dark}");
            }
        }
    }
}
