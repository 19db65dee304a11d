//! WCAG AA contrast of the form's palettes, checked from the style sheet itself, so a
//! colour edited in `style.css` cannot quietly make text or controls hard to see.

use super::STYLE;

/// The custom properties (`--name: #rrggbb;`) of the first rule block after `marker`.
fn palette(marker: &str) -> Vec<(String, [u8; 3])> {
    let start = STYLE.find(marker).expect("the style sheet has the block") + marker.len();
    let block = &STYLE[start..];
    let block = &block[..block.find('}').expect("the block closes")];
    block
        .split(';')
        .filter_map(|decl| {
            let (name, value) = decl.split_once(':')?;
            let name = name.trim().strip_prefix("--")?;
            let hex = value.trim().strip_prefix('#')?;
            let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
            Some((name.to_string(), [channel(0)?, channel(2)?, channel(4)?]))
        })
        .collect()
}

fn luminance(rgb: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
}

fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Text needs 4.5:1 on both backgrounds; field borders and the focus ring 3:1 (WCAG
/// 1.4.3 and 1.4.11).
const TEXT: [(&str, &str); 8] = [
    ("fg", "bg"),
    ("fg", "surface"),
    ("muted", "bg"),
    ("muted", "surface"),
    ("accent", "bg"),
    ("error", "bg"),
    ("on-accent", "accent"),
    ("focus", "bg"),
];
const CONTROLS: [(&str, &str); 4] = [
    ("field", "bg"),
    ("field", "surface"),
    ("focus", "surface"),
    ("error", "surface"),
];

fn failures(marker: &str) -> Vec<String> {
    let colours = palette(marker);
    let colour = |name: &str| {
        colours
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| *c)
            .unwrap_or_else(|| panic!("`--{name}` is missing after `{marker}`"))
    };
    let mut out = Vec::new();
    for (pairs, needed) in [(&TEXT[..], 4.5), (&CONTROLS[..], 3.0)] {
        for (fg, bg) in pairs {
            let ratio = contrast(colour(fg), colour(bg));
            if ratio < needed {
                out.push(format!("--{fg} on --{bg}: {ratio:.2} < {needed}"));
            }
        }
    }
    out
}

#[test]
fn light_and_dark_palettes_meet_wcag_aa() {
    for marker in [":root {", "prefers-color-scheme: dark) {\n  :root {"] {
        assert_eq!(
            failures(marker),
            Vec::<String>::new(),
            "palette after `{marker}`"
        );
    }
}

#[test]
fn the_contrast_check_can_fail() {
    assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
    assert!(contrast([0x77, 0x77, 0x77], [255, 255, 255]) < 4.5);
    assert_eq!(palette(":root {").len(), 10);
}
