//! Owner colours and byte units for the figure.
//!
//! TODO(lead): stand-in until the views branch is merged. Replace the body of this file
//! with `pub use crate::ui::theme::{human_bytes, owner_color};` so the figure uses exactly
//! the app's colours; the values below follow the same Okabe–Ito based scheme.

use egui::Color32;

/// The colour that stands for `owner_name` (fixed for canonical providers, hashed for
/// AS owners, grey for Local and Unknown).
pub fn owner_color(owner_name: &str, dark: bool) -> Color32 {
    const HASHED: [Color32; 6] = [
        Color32::from_rgb(0x88, 0xCC, 0xEE),
        Color32::from_rgb(0x44, 0xAA, 0x99),
        Color32::from_rgb(0x11, 0x77, 0x33),
        Color32::from_rgb(0x99, 0x99, 0x33),
        Color32::from_rgb(0xAA, 0x44, 0x99),
        Color32::from_rgb(0x33, 0x22, 0x88),
    ];
    match owner_name {
        "Azure" | "Microsoft" => Color32::from_rgb(0x00, 0x72, 0xB2),
        "AWS" | "Amazon" => Color32::from_rgb(0xE6, 0x9F, 0x00),
        "Apple" if dark => Color32::from_gray(0xC8),
        "Apple" => Color32::from_gray(0x3C),
        "Google Cloud" | "Google" => Color32::from_rgb(0x00, 0x9E, 0x73),
        "Cloudflare" => Color32::from_rgb(0xD5, 0x5E, 0x00),
        "Akamai" => Color32::from_rgb(0x56, 0xB4, 0xE9),
        "Fastly" => Color32::from_rgb(0xCC, 0x79, 0xA7),
        "DigitalOcean" => Color32::from_rgb(0x88, 0x22, 0x55),
        "Oracle Cloud" | "Oracle" => Color32::from_rgb(0xC9, 0xB0, 0x4F),
        "Local" if dark => Color32::from_gray(0x80),
        "Local" => Color32::from_gray(0xA8),
        "Unknown" | "" if dark => Color32::from_gray(0x62),
        "Unknown" | "" => Color32::from_gray(0xC8),
        other => {
            let hash =
                other.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
            HASHED.get((hash % HASHED.len() as u64) as usize).copied().unwrap_or(Color32::GRAY)
        }
    }
}

/// Bytes with a decimal unit: "950 B", "12.3 kB", "4.56 MB".
pub fn human_bytes(bytes: u64) -> String {
    const PREFIXES: [&str; 6] = ["", "k", "M", "G", "T", "P"];
    let mut value = bytes as f64;
    let mut prefix = 0;
    while value >= 1000.0 && prefix + 1 < PREFIXES.len() {
        value /= 1000.0;
        prefix += 1;
    }
    let p = PREFIXES.get(prefix).copied().unwrap_or("");
    match (prefix, value) {
        (0, _) => format!("{value:.0} B"),
        (_, v) if v >= 100.0 => format!("{v:.0} {p}B"),
        (_, v) if v >= 10.0 => format!("{v:.1} {p}B"),
        (_, v) => format!("{v:.2} {p}B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_get_distinct_colours_and_units_read_well() {
        let names = ["Azure", "AWS", "Apple", "Google Cloud", "Cloudflare", "Akamai", "Fastly", "DigitalOcean"];
        let colours: std::collections::BTreeSet<[u8; 4]> =
            names.iter().map(|n| owner_color(n, false).to_array()).collect();
        assert_eq!(colours.len(), names.len());
        assert_eq!(owner_color("AS64500 X", true), owner_color("AS64500 X", true));
        assert_eq!(human_bytes(950), "950 B");
        assert_eq!(human_bytes(12_345), "12.3 kB");
        assert_eq!(human_bytes(4_560_000), "4.56 MB");
    }
}
