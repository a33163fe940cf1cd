//! Stand-in for the views helper's theme module (same signatures); replaced on merge.

/// A colour per owner; stand-in palette.
pub fn owner_color(owner_name: &str, dark: bool) -> egui::Color32 {
    let palette = [
        egui::Color32::from_rgb(0, 114, 178),
        egui::Color32::from_rgb(230, 159, 0),
        egui::Color32::from_rgb(0, 158, 115),
        egui::Color32::from_rgb(204, 121, 167),
        egui::Color32::from_rgb(86, 180, 233),
        egui::Color32::from_rgb(213, 94, 0),
    ];
    if matches!(owner_name, "Unknown" | "Local") {
        return if dark { egui::Color32::from_gray(150) } else { egui::Color32::from_gray(120) };
    }
    let hash = owner_name.bytes().fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
    palette[hash % palette.len()]
}

/// Sets light or dark visuals.
pub fn apply(ctx: &egui::Context, dark: bool) {
    ctx.set_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light });
}
