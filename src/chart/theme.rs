//! The look every chart shares: the bundled font, the palette, sizes, and text layout.
//!
//! Charts are drawn at a scale factor: 1 for SVG (the browser scales it) and 2 for PNG
//! (sharp in print). Every size here is in 1× pixels and goes through [`Theme::px`].

use std::sync::OnceLock;

use plotters::coord::Shift;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, RGBColor, register_font};

/// The family name charts ask for. The bundled DejaVu Sans is registered under this whole
/// string, so PNG text always has a font, and an SVG shown where DejaVu is missing falls
/// back to Verdana (the same wide metrics) or any sans-serif.
pub const FONT: &str = "DejaVu Sans, Verdana, sans-serif";

static FONTS: OnceLock<bool> = OnceLock::new();

/// Registers the bundled font once per process (text in bitmaps panics without one);
/// `false` if the font bytes were refused, which would be a packaging bug.
pub fn register_fonts() -> bool {
    *FONTS.get_or_init(|| {
        register_font(FONT, FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && register_font(FONT, FontStyle::Bold, dejavu::sans::bold()).is_ok()
    })
}

pub const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub const MUTED: RGBColor = RGBColor(0x5f, 0x63, 0x68);
pub const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
pub const NEUTRAL: RGBColor = RGBColor(0x9e, 0x9e, 0x9e);
/// The fill of a box from the lower to the upper quartile.
pub const BOX: RGBColor = RGBColor(0xd6, 0xd1, 0xe8);

/// ColorBrewer PuOr, the ends darkened for contrast with white text: distinguishable
/// with the common colour-vision deficiencies, unlike red–green.
const LOW_DARK: RGBColor = RGBColor(0xb3, 0x58, 0x06);
const LOW_LIGHT: RGBColor = RGBColor(0xf1, 0xa3, 0x40);
const HIGH_LIGHT: RGBColor = RGBColor(0x99, 0x8e, 0xc3);
const HIGH_DARK: RGBColor = RGBColor(0x54, 0x27, 0x88);

/// Colour of the low end of a scale (e.g. against) and of its high end (in favour).
pub const LOW: RGBColor = LOW_DARK;
pub const HIGH: RGBColor = HIGH_DARK;

/// The colour of level `i` of `n`, diverging from grey at the middle: darker further out.
/// `neutral` levels are grey whatever their place.
pub fn level_color(i: usize, n: usize, neutral: bool) -> RGBColor {
    if neutral || n < 2 {
        return NEUTRAL;
    }
    let t = i as f64 / (n - 1) as f64; // 0 = lowest, 1 = highest
    if (t - 0.5).abs() < 1e-9 {
        return NEUTRAL;
    }
    let (light, dark, strength) = if t < 0.5 {
        (LOW_LIGHT, LOW_DARK, (0.5 - t) * 2.0)
    } else {
        (HIGH_LIGHT, HIGH_DARK, (t - 0.5) * 2.0)
    };
    // The level next to the middle gets the light tone, the end of the scale the dark
    // one, and levels between are blended.
    let nearest = if n % 2 == 1 { 2.0 } else { 1.0 } / (n - 1) as f64;
    let t = if nearest >= 1.0 {
        1.0
    } else {
        (strength - nearest) / (1.0 - nearest)
    };
    mix(light, dark, t.clamp(0.0, 1.0))
}

/// `a` blended towards `b` by `t` in [0, 1].
pub fn mix(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let channel = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    RGBColor(channel(a.0, b.0), channel(a.1, b.1), channel(a.2, b.2))
}

/// Black or white, whichever reads better on `background` (WCAG relative luminance).
pub fn text_on(background: RGBColor) -> RGBColor {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * linear(background.0)
        + 0.7152 * linear(background.1)
        + 0.0722 * linear(background.2);
    // Contrast with black is (l + 0.05) / 0.05, with white 1.05 / (l + 0.05); equal near 0.179.
    if l > 0.179 { TEXT } else { WHITE }
}

/// plotters' SVG backend writes `font-size` as the requested size divided by this.
const SVG_FONT_RATIO: f64 = 1.24;

/// Sizes at 1×, multiplied by the drawing scale.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub scale: f64,
}

impl Theme {
    pub fn px(&self, v: f64) -> i32 {
        (v * self.scale).round() as i32
    }

    /// The font at `size` CSS pixels. plotters writes SVG font sizes divided by 1.24 (its
    /// ratio of a font's line box to its em), so sizes are given to it multiplied back:
    /// SVG text is then exactly `size` px, and the PNG, drawn with the line box at that
    /// size, comes out a few percent larger, never smaller than what was measured.
    pub fn font(&self, size: f64, bold: bool) -> FontDesc<'static> {
        let style = if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        FontDesc::new(
            FontFamily::Name(FONT),
            size * SVG_FONT_RATIO * self.scale,
            style,
        )
    }

    pub fn text(
        &self,
        size: f64,
        bold: bool,
        color: RGBColor,
        h: HPos,
        v: VPos,
    ) -> TextStyle<'static> {
        TextStyle {
            font: self.font(size, bold),
            color: color.to_backend_color(),
            pos: Pos::new(h, v),
        }
    }
}

/// Margin around every chart, in 1× pixels.
pub const PAD: f64 = 20.0;
const TITLE_SIZE: f64 = 17.0;
const TITLE_LINE: f64 = 23.0;
const SUBTITLE_LINE: f64 = 22.0;
const SUBTITLE_SIZE: f64 = 13.0;
const SUBTITLE_NEXT_LINE: f64 = 18.0;

/// The heading every chart starts with: the title (wrapped to at most three lines), then
/// a muted subtitle (at most two).
pub struct Heading {
    title: Label,
    subtitle: Label,
}

impl Heading {
    pub fn new(title: &str, subtitle: String, width: f64) -> Heading {
        Heading {
            title: Label::fit(title, TITLE_SIZE, true, width - 2.0 * PAD, 3),
            subtitle: Label::fit(&subtitle, SUBTITLE_SIZE, false, width - 2.0 * PAD, 2),
        }
    }

    /// The title and subtitle, for the SVG's titles when they had to be fitted.
    pub fn labels(&self) -> [&Label; 2] {
        [&self.title, &self.subtitle]
    }

    /// Height from the top of the chart to below the subtitle.
    pub fn height(&self) -> f64 {
        PAD + self.title.height(TITLE_LINE)
            + SUBTITLE_LINE
            + (self.subtitle.lines.len().max(1) - 1) as f64 * SUBTITLE_NEXT_LINE
    }

    pub fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        t: Theme,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let mut y = PAD;
        for line in &self.title.lines {
            let style = t.text(TITLE_SIZE, true, TEXT, HPos::Left, VPos::Top);
            area.draw(&Text::new(line.clone(), (t.px(PAD), t.px(y)), style))?;
            y += TITLE_LINE;
        }
        let style = t.text(SUBTITLE_SIZE, false, MUTED, HPos::Left, VPos::Top);
        self.subtitle
            .draw(area, t, &style, (PAD, y + 2.0), SUBTITLE_LINE)?;
        Ok(())
    }
}

/// Colour keys with their text, placed left to right and wrapped onto further rows when
/// they do not fit the width.
pub struct Legend {
    /// (colour, text, x, row) per key; x in 1× pixels from the legend's left.
    keys: Vec<(RGBColor, Label, f64, usize)>,
    rows: usize,
}

const LEGEND_SIZE: f64 = 13.0;
const LEGEND_ROW: f64 = 20.0;

impl Legend {
    pub fn new(items: &[(RGBColor, String)], width: f64) -> Legend {
        let mut keys = Vec::new();
        let (mut x, mut row) = (0.0, 0);
        for (color, text) in items {
            let label = Label::fit(text, LEGEND_SIZE, false, width - 15.0, 1);
            let key_width = 15.0 + text_width(&label.lines[0], LEGEND_SIZE, false);
            if x > 0.0 && x + key_width > width {
                x = 0.0;
                row += 1;
            }
            keys.push((*color, label, x, row));
            x += key_width + 24.0;
        }
        Legend {
            rows: if keys.is_empty() { 0 } else { row + 1 },
            keys,
        }
    }

    pub fn height(&self) -> f64 {
        self.rows as f64 * LEGEND_ROW
    }

    pub fn labels(&self) -> impl Iterator<Item = &Label> {
        self.keys.iter().map(|(_, label, ..)| label)
    }

    /// Draws the keys with the top left corner at `(x, y)`.
    pub fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        t: Theme,
        (x, y): (f64, f64),
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        for (color, label, key_x, row) in &self.keys {
            let (kx, ky) = (x + key_x, y + *row as f64 * LEGEND_ROW);
            let key = [
                (t.px(kx), t.px(ky + 2.0)),
                (t.px(kx + 10.0), t.px(ky + 12.0)),
            ];
            area.draw(&Rectangle::new(key, color.filled()))?;
            let style = t.text(LEGEND_SIZE, false, TEXT, HPos::Left, VPos::Center);
            label.draw(area, t, &style, (kx + 15.0, ky + 7.0), LEGEND_ROW)?;
        }
        Ok(())
    }
}

/// An interval as a dark line from `low` to `high` (1× x positions) across `y`, with end
/// ticks `height` tall: drawn over a bar, it reads on any fill.
pub fn draw_interval<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    t: Theme,
    (low, high): (f64, f64),
    y: f64,
    height: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let stroke = TEXT.stroke_width(t.px(1.5).max(1) as u32);
    area.draw(&PathElement::new(
        vec![(t.px(low), t.px(y)), (t.px(high), t.px(y))],
        stroke,
    ))?;
    for x in [low, high] {
        area.draw(&PathElement::new(
            vec![
                (t.px(x), t.px(y - height / 4.0)),
                (t.px(x), t.px(y + height / 4.0)),
            ],
            stroke,
        ))?;
    }
    Ok(())
}

/// Width of `text` in 1× pixels at `size`, measured with the bundled font.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    if !register_fonts() {
        return text.chars().count() as f64 * size * 0.6;
    }
    let font = Theme { scale: 1.0 }.font(size, bold);
    font.box_size(text)
        .map_or(text.chars().count() as f64 * size * 0.6, |(w, _)| {
            f64::from(w)
        })
}

/// A label fitted to its room: the lines drawn, and the full text, which the SVG carries
/// as a `<title>` on each line when the lines do not show it whole on one line (see
/// `chart::with_label_titles`), so a shortened label can still be read by pointing at it.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub lines: Vec<String>,
    pub full: String,
}

impl Label {
    /// `text` wrapped to `width` 1× pixels in at most `max_lines`, the last shortened
    /// with "…" if it still does not fit.
    pub fn fit(text: &str, size: f64, bold: bool, width: f64, max_lines: usize) -> Label {
        Label {
            lines: wrap(text, size, bold, width, max_lines.max(1)),
            full: text.to_string(),
        }
    }

    /// Whether the label was wrapped or shortened (its element then needs a title).
    pub fn is_fitted(&self) -> bool {
        match self.lines.as_slice() {
            [one] => one.as_str() != self.full.trim(),
            _ => true,
        }
    }

    /// Height of the label's lines at `line` 1× pixels each.
    pub fn height(&self, line: f64) -> f64 {
        self.lines.len() as f64 * line
    }

    /// Draws the lines from `(x, y)` down, `line` apart, in `style` (its anchor applies to
    /// each line).
    pub fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        t: Theme,
        style: &TextStyle<'static>,
        (x, y): (f64, f64),
        line: f64,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        for (i, text) in self.lines.iter().enumerate() {
            area.draw(&Text::new(
                text.clone(),
                (t.px(x), t.px(y + i as f64 * line)),
                style.clone(),
            ))?;
        }
        Ok(())
    }
}

/// Width of the narrowest visible glyph of the bundled font, as a fraction of the font
/// size (DejaVu Sans' space and `i` are about 0.27–0.32 em): a bound on how many
/// characters a line can hold. Zero-width characters are narrower, so a label made of
/// them is shortened sooner than it would need to be, which is harmless.
const NARROWEST_GLYPH: f64 = 0.2;

/// Greedy word wrap into lines no wider than `width` 1× pixels, at most `max_lines`; a
/// last line that still does not fit ends with "…". Words longer than a line are cut.
pub fn wrap(text: &str, size: f64, bold: bool, width: f64, max_lines: usize) -> Vec<String> {
    // Measuring costs time in the length of what is measured, and wrapping and shortening
    // measure again and again, so a 1 MB label took minutes. No line can show more than
    // `width / (NARROWEST_GLYPH × size)` characters, so the text is cut to what the lines
    // could hold (plus one, to know it was cut) before anything is measured.
    let most = max_lines * ((width / (NARROWEST_GLYPH * size)).ceil().max(1.0) as usize + 1);
    let (text, cut) = match text.char_indices().nth(most) {
        Some((end, _)) => (&text[..end], true),
        None => (text, false),
    };
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if text_width(&candidate, size, bold) <= width || current.is_empty() {
            current = candidate;
        } else {
            lines.push(std::mem::take(&mut current));
            current = word.to_string();
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().expect("max_lines >= 1");
        last.push('…');
    } else if cut {
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    for line in &mut lines {
        while text_width(line, size, bold) > width && line.chars().count() > 1 {
            line.pop();
            line.pop();
            line.push('…');
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_respects_the_width_and_the_line_limit() {
        let text = "Some alignment problems need calendar time that acceleration burns";
        let lines = wrap(text, 12.0, false, 200.0, 3);
        assert!(lines.len() >= 2);
        assert!(
            lines.iter().all(|l| text_width(l, 12.0, false) <= 200.0),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), text);
        let short = wrap(text, 12.0, false, 120.0, 2);
        assert_eq!(short.len(), 2);
        assert!(short[1].ends_with('…'), "{short:?}");
    }

    #[test]
    fn a_megabyte_label_is_cut_before_it_is_measured() {
        let words = "<script>window.__pwned=1</script> ".repeat(30_000);
        let one_word = "x".repeat(1 << 20);
        for text in [words.as_str(), one_word.as_str()] {
            let started = std::time::Instant::now();
            let lines = wrap(text, 12.0, false, 200.0, 2);
            // Measuring the whole text once per word or per removed character took minutes.
            assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
            assert!((1..=2).contains(&lines.len()), "{lines:?}");
            assert!(lines.last().unwrap().ends_with('…'), "{lines:?}");
            assert!(lines.iter().all(|l| text_width(l, 12.0, false) <= 200.0));
            assert!(
                text.starts_with(lines[0].trim_end_matches('…')),
                "{lines:?}"
            );
        }
        // Text that fits is not cut.
        assert_eq!(
            wrap("short label", 12.0, false, 200.0, 1),
            vec!["short label"]
        );
    }

    #[test]
    fn the_palette_diverges_from_grey_and_text_contrasts() {
        assert_eq!(level_color(2, 5, false), NEUTRAL);
        assert_eq!(level_color(0, 5, false), LOW_DARK);
        assert_eq!(level_color(1, 5, false), LOW_LIGHT);
        assert_eq!(level_color(4, 5, false), HIGH_DARK);
        assert_eq!(level_color(1, 4, false), LOW_LIGHT);
        assert_eq!(level_color(1, 7, false), mix(LOW_LIGHT, LOW_DARK, 0.5));
        assert_eq!(level_color(1, 3, false), NEUTRAL);
        assert_eq!(level_color(0, 2, false), LOW_DARK);
        assert_eq!(text_on(HIGH_DARK), WHITE);
        assert_eq!(text_on(LOW_LIGHT), TEXT);
    }
}
