use super::colour::{contrast, simulate, Deficiency};
use super::*;

fn every_fixed(dark: bool) -> Vec<(String, Rgb)> {
    let mut all: Vec<(String, Rgb)> = PROVIDERS.iter().map(|(n, c)| (n[0].to_string(), *c)).collect();
    all.push(("Apple".into(), theme(APPLE, dark)));
    all.push(("Local".into(), theme(LOCAL, dark)));
    all.push(("Unknown".into(), theme(UNKNOWN, dark)));
    all.push(("Folded".into(), theme(FOLDED, dark)));
    all
}

fn worst_pair(colours: &[(String, Rgb)], see: impl Fn(Rgb) -> Rgb) -> (f64, String, String) {
    let mut worst = (f64::INFINITY, String::new(), String::new());
    for (i, (a, ca)) in colours.iter().enumerate() {
        for (b, cb) in colours.iter().skip(i + 1) {
            let d = delta_e(see(*ca), see(*cb));
            if d < worst.0 {
                worst = (d, a.clone(), b.clone());
            }
        }
    }
    worst
}

#[test]
fn fixed_colours_and_greys_differ_by_delta_e_20_in_both_themes() {
    for dark in [false, true] {
        let (d, a, b) = worst_pair(&every_fixed(dark), |c| c);
        assert!(d >= MIN_DELTA_E, "dark={dark}: {a} and {b} are only {d:.1} apart");
    }
}

#[test]
fn azure_aws_and_apple_stay_apart_for_red_green_colour_blindness() {
    for dark in [false, true] {
        let three: Vec<(String, Rgb)> = ["Azure", "AWS", "Apple"]
            .iter()
            .filter_map(|n| fixed_colour(&Owner::provider(n), dark).map(|c| (n.to_string(), c)))
            .collect();
        for d in [Deficiency::Deuteranopia, Deficiency::Protanopia] {
            let (worst, a, b) = worst_pair(&three, |c| simulate(c, d));
            assert!(worst >= MIN_DELTA_E, "{d:?} dark={dark}: {a}/{b} {worst:.1}");
            // The whole fixed palette cannot stay 20 apart without red-green vision; say how
            // close its worst pair gets, so a palette change that makes it worse is seen.
            let (all, a, b) = worst_pair(&every_fixed(dark), |c| simulate(c, d));
            eprintln!("{d:?} dark={dark}: worst fixed pair {a}/{b} ΔE {all:.1}");
        }
    }
}

#[test]
fn text_meets_wcag_aa_on_the_figure_background() {
    for dark in [false, true] {
        assert!(contrast(ink(dark), background(dark)) >= 4.5);
        assert!(contrast(weak_ink(dark), background(dark)) >= 4.5, "{}", contrast(weak_ink(dark), background(dark)));
    }
}

fn ases(n: u32) -> Vec<(Owner, u64)> {
    (0..n).map(|i| (Owner::As { number: 64500 + i, org: format!("Org {i}") }, 1000 - u64::from(i))).collect()
}

#[test]
fn many_owners_fold_and_the_rest_stay_distinct() {
    let mut groups = vec![
        (Owner::provider("Azure"), 5000),
        (Owner::provider("AWS"), 4000),
        (Owner::provider("Apple"), 3000),
        (Owner::Local, 2000),
        (Owner::Unknown, 100),
    ];
    groups.extend(ases(20));
    for dark in [false, true] {
        let palette = Palette::assign(&groups, &PaletteOptions::default(), dark);
        let coloured = palette.colours.iter().filter(|(o, _)| !is_grey(o)).count();
        assert!(coloured <= DEFAULT_MAX_COLOURED, "{coloured}");
        assert!(!palette.folded.is_empty());
        let mut legend: Vec<(String, Rgb)> =
            palette.colours.iter().map(|(o, c)| (o.label().into_owned(), *c)).collect();
        legend.push((OTHER_ASES.into(), palette.colour(&palette.folded_owner())));
        let (d, a, b) = worst_pair(&legend, |c| c);
        assert!(d >= MIN_DELTA_E, "{a}/{b} {d:.1}");
        assert_eq!(palette.display_group(&Owner::As { number: 64519, org: "Org 19".into() }).label(), OTHER_ASES);
        assert_eq!(palette.colour(&Owner::provider("Azure")), Rgb(0x00, 0x72, 0xB2));
    }
}

#[test]
fn the_user_decides_how_many_owners_get_colours_and_which() {
    let groups = ases(6);
    let options = PaletteOptions {
        max_coloured: Some(2),
        fold: BTreeSet::new(),
        overrides: vec![("AS64501 Org 1".into(), Rgb(1, 2, 3))],
        room: None,
    };
    let palette = Palette::assign(&groups, &options, false);
    assert_eq!(palette.colours.len(), 2);
    assert_eq!(palette.colours[1].1, Rgb(1, 2, 3));
    assert_eq!(palette.colour_in(&groups[1].0, true), Rgb(1, 2, 3));
    let apple = vec![(Owner::provider("Apple"), 10)];
    let options = PaletteOptions { overrides: vec![("Apple".into(), Rgb(0xAA, 0, 0))], ..Default::default() };
    assert_eq!(Palette::assign(&apple, &options, false).colour_in(&Owner::provider("Apple"), true), Rgb(0xAA, 0, 0));
    assert_eq!(palette.folded.len(), 4);
    let options = PaletteOptions { fold: ["AS64500 Org 0".to_string()].into(), ..PaletteOptions::default() };
    let palette = Palette::assign(&groups, &options, false);
    assert!(palette.folded.contains(&groups[0].0));
}

#[test]
fn every_pool_colour_can_be_handed_out_when_only_ases_are_present() {
    let palette = Palette::assign(&ases(12), &PaletteOptions { max_coloured: Some(12), ..Default::default() }, false);
    let coloured = palette.colours.len();
    eprintln!("{coloured} ASes coloured from the pool");
    assert!(coloured >= 8, "{coloured}");
}
