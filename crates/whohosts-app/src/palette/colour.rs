//! Colour science for the palette, on plain sRGB triples: CIELAB, the CIEDE2000 colour
//! difference, WCAG 2 contrast ratios and colour-vision-deficiency simulation. Pure maths,
//! no egui types.

/// An sRGB colour, 8 bits per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const fn grey(v: u8) -> Rgb {
        Rgb(v, v, v)
    }

    /// "#RRGGBB", as SVG and the layout dump write it.
    pub fn hex(self) -> String {
        format!("#{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }

    fn linear(self) -> [f64; 3] {
        [self.0, self.1, self.2].map(|c| srgb_to_linear(f64::from(c) / 255.0))
    }

    fn from_linear(rgb: [f64; 3]) -> Rgb {
        let [r, g, b] = rgb.map(|c| (linear_to_srgb(c.clamp(0.0, 1.0)) * 255.0).round() as u8);
        Rgb(r, g, b)
    }
}

fn srgb_to_linear(c: f64) -> f64 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

fn linear_to_srgb(c: f64) -> f64 {
    if c <= 0.003_130_8 {
        12.92 * c
    } else {
        1.055 * c.powf(1.0 / 2.4) - 0.055
    }
}

/// CIELAB (D65 white), L in 0..=100.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lab {
    pub l: f64,
    pub a: f64,
    pub b: f64,
}

pub fn lab(c: Rgb) -> Lab {
    let [r, g, b] = c.linear();
    let x = (0.412_456_4 * r + 0.357_576_1 * g + 0.180_437_5 * b) / 0.950_47;
    let y = 0.212_672_9 * r + 0.715_152_2 * g + 0.072_175 * b;
    let z = (0.019_333_9 * r + 0.119_192 * g + 0.950_304_1 * b) / 1.088_83;
    let f = |t: f64| if t > 216.0 / 24389.0 { t.cbrt() } else { (24389.0 / 27.0 * t + 16.0) / 116.0 };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    Lab { l: 116.0 * fy - 16.0, a: 500.0 * (fx - fy), b: 200.0 * (fy - fz) }
}

/// CIEDE2000 colour difference (Sharma, Wu & Dalal 2005), kL = kC = kH = 1.
pub fn delta_e2000(p: Lab, q: Lab) -> f64 {
    let pow7 = |v: f64| v.powi(7);
    let c_bar = (p.a.hypot(p.b) + q.a.hypot(q.b)) / 2.0;
    let g = 0.5 * (1.0 - (pow7(c_bar) / (pow7(c_bar) + pow7(25.0))).sqrt());
    let (a1, a2) = ((1.0 + g) * p.a, (1.0 + g) * q.a);
    let (c1, c2) = (a1.hypot(p.b), a2.hypot(q.b));
    let hue = |a: f64, b: f64| if a == 0.0 && b == 0.0 { 0.0 } else { b.atan2(a).to_degrees().rem_euclid(360.0) };
    let (h1, h2) = (hue(a1, p.b), hue(a2, q.b));
    let dl = q.l - p.l;
    let dc = c2 - c1;
    let dh_angle = if c1 * c2 == 0.0 {
        0.0
    } else {
        let d = h2 - h1;
        if d > 180.0 {
            d - 360.0
        } else if d < -180.0 {
            d + 360.0
        } else {
            d
        }
    };
    let dh = 2.0 * (c1 * c2).sqrt() * (dh_angle.to_radians() / 2.0).sin();
    let l_bar = (p.l + q.l) / 2.0;
    let cp_bar = (c1 + c2) / 2.0;
    let h_bar = if c1 * c2 == 0.0 {
        h1 + h2
    } else if (h1 - h2).abs() <= 180.0 {
        (h1 + h2) / 2.0
    } else if h1 + h2 < 360.0 {
        (h1 + h2 + 360.0) / 2.0
    } else {
        (h1 + h2 - 360.0) / 2.0
    };
    let cos = |deg: f64| deg.to_radians().cos();
    let t = 1.0 - 0.17 * cos(h_bar - 30.0) + 0.24 * cos(2.0 * h_bar) + 0.32 * cos(3.0 * h_bar + 6.0)
        - 0.20 * cos(4.0 * h_bar - 63.0);
    let d_theta = 30.0 * (-((h_bar - 275.0) / 25.0).powi(2)).exp();
    let rc = 2.0 * (pow7(cp_bar) / (pow7(cp_bar) + pow7(25.0))).sqrt();
    let sl = 1.0 + 0.015 * (l_bar - 50.0).powi(2) / (20.0 + (l_bar - 50.0).powi(2)).sqrt();
    let sc = 1.0 + 0.045 * cp_bar;
    let sh = 1.0 + 0.015 * cp_bar * t;
    let rt = -(2.0 * d_theta).to_radians().sin() * rc;
    ((dl / sl).powi(2) + (dc / sc).powi(2) + (dh / sh).powi(2) + rt * (dc / sc) * (dh / sh)).sqrt()
}

/// ΔE2000 between two sRGB colours.
pub fn delta_e(p: Rgb, q: Rgb) -> f64 {
    delta_e2000(lab(p), lab(q))
}

/// WCAG 2 relative luminance.
pub fn luminance(c: Rgb) -> f64 {
    let [r, g, b] = c.linear();
    0.2126 * r + 0.7152 * g + 0.0722 * b
}

/// WCAG 2 contrast ratio (1 to 21); text needs 4.5 for level AA.
pub fn contrast(p: Rgb, q: Rgb) -> f64 {
    let (a, b) = (luminance(p), luminance(q));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// A colour vision deficiency to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deficiency {
    Deuteranopia,
    Protanopia,
}

/// How `c` looks with a full (severity 1.0) deficiency: the matrices of Machado, Oliveira &
/// Fernandes (2009), applied to linear RGB.
pub fn simulate(c: Rgb, deficiency: Deficiency) -> Rgb {
    const DEUTERANOPIA: [[f64; 3]; 3] =
        [[0.367_322, 0.860_646, -0.227_968], [0.280_085, 0.672_501, 0.047_413], [-0.011_820, 0.042_940, 0.968_881]];
    const PROTANOPIA: [[f64; 3]; 3] =
        [[0.152_286, 1.052_583, -0.204_868], [0.114_503, 0.786_281, 0.099_216], [-0.003_882, -0.048_116, 1.051_998]];
    let m = match deficiency {
        Deficiency::Deuteranopia => DEUTERANOPIA,
        Deficiency::Protanopia => PROTANOPIA,
    };
    let v = c.linear();
    Rgb::from_linear(m.map(|row| row[0] * v[0] + row[1] * v[1] + row[2] * v[2]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs from Sharma, Wu & Dalal's CIEDE2000 test data (pairs 1, 7, 13, 25, 34).
    #[test]
    fn delta_e2000_matches_the_published_test_data() {
        let cases = [
            ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
            ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
            ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0011), 7.2195),
            ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
            ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
        ];
        for ((l1, a1, b1), (l2, a2, b2), want) in cases {
            let got = delta_e2000(Lab { l: l1, a: a1, b: b1 }, Lab { l: l2, a: a2, b: b2 });
            assert!((got - want).abs() < 1e-3, "{got} != {want}");
        }
    }

    #[test]
    fn contrast_of_black_on_white_is_21() {
        assert!((contrast(Rgb::grey(0), Rgb::grey(255)) - 21.0).abs() < 1e-9);
        assert!((contrast(Rgb::grey(0x77), Rgb::grey(255)) - 4.48).abs() < 0.01);
    }

    #[test]
    fn simulation_keeps_greys_and_merges_red_with_green() {
        for d in [Deficiency::Deuteranopia, Deficiency::Protanopia] {
            let grey = simulate(Rgb::grey(128), d);
            assert!(grey.0.abs_diff(128) <= 2 && grey.2.abs_diff(128) <= 2, "{grey:?}");
            let (red, green) = (simulate(Rgb(200, 60, 60), d), simulate(Rgb(60, 140, 60), d));
            assert!(delta_e(red, green) < delta_e(Rgb(200, 60, 60), Rgb(60, 140, 60)) / 2.0);
        }
    }
}
