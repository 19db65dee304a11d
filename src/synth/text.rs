//! Free-text answers: one or two short sentences from a small phrase bank, picked by the
//! respondent's lean, sometimes with a qualifier. Every phrase starts with a letter, so no
//! cell can look like a spreadsheet formula, and all are ASCII, so a length in bytes is a
//! length in characters.

use rand::RngExt;
use rand_distr::StandardNormal;

use super::seed::ChunkRng;

const AGAINST: [&str; 8] = [
    "I would steer most people away from this.",
    "The risks outweigh what one person can change.",
    "Speed is the problem, and this adds to it.",
    "Good people get pulled along by the incentives.",
    "Better options exist for someone with these skills.",
    "The harm is hard to undo once it happens.",
    "I have seen the pressure change people's views.",
    "Staying out keeps the choice clean.",
];

const DEPENDS: [&str; 8] = [
    "It depends on the team and the work itself.",
    "Much turns on whether the person can walk away.",
    "The details matter more than the label.",
    "I would want to know who they report to.",
    "Some cases are clearly fine and some clearly not.",
    "Career stage changes my answer.",
    "A clear plan for leaving makes a big difference.",
    "Ask what the role would not let you say.",
];

const FAVOUR: [&str; 8] = [
    "On balance the benefits are larger.",
    "Being close to the work teaches what nothing else can.",
    "Careful people inside make a real difference.",
    "Decisions are made there, so it helps to be in the room.",
    "One more person barely changes the pace.",
    "The skills carry over to safety work later.",
    "Access to the newest systems matters a lot.",
    "Someone will do the job, better a careful person.",
];

const QUALIFIERS: [&str; 6] = [
    "I hold this view loosely.",
    "I could be persuaded otherwise.",
    "My view has shifted over the last year.",
    "People I respect disagree.",
    "I am fairly confident here.",
    "Evidence on this is thin.",
];

/// Specifications of an "other" choice: short, and neutral about what was asked.
const OTHER: [&str; 6] = [
    "A mix of several of these",
    "Something not listed here",
    "Hard to put in one category",
    "It changes from year to year",
    "Mostly the first, partly others",
    "Part time in two places",
];

/// How much a text's tone strays from the respondent's lean, so that a side's answers
/// are mostly, not only, in its voice.
const TONE_NOISE: f64 = 0.35;

/// Writes an answer for a respondent with `lean` into `out` (cleared first), at most
/// `max_length` characters.
pub fn answer(rng: &mut ChunkRng, lean: f64, max_length: Option<usize>, out: &mut String) {
    out.clear();
    let tone = lean + TONE_NOISE * rng.sample::<f64, _>(StandardNormal);
    let bank = if tone < -0.35 {
        &AGAINST
    } else if tone > 0.35 {
        &FAVOUR
    } else {
        &DEPENDS
    };
    let first = rng.random_range(0..bank.len());
    out.push_str(bank[first]);
    if rng.random_bool(0.5) {
        // A second, different sentence from the same bank.
        let second = (first + rng.random_range(1..bank.len())) % bank.len();
        push_sentence(out, bank[second], max_length);
    }
    if rng.random_bool(0.3) {
        push_sentence(
            out,
            QUALIFIERS[rng.random_range(0..QUALIFIERS.len())],
            max_length,
        );
    }
    if let Some(max) = max_length {
        truncate(out, max);
    }
}

/// Writes the specification of an "other" choice into `out` (cleared first).
pub fn other(rng: &mut ChunkRng, out: &mut String) {
    out.clear();
    out.push_str(OTHER[rng.random_range(0..OTHER.len())]);
}

/// Adds a sentence when it fits within `max_length`.
fn push_sentence(out: &mut String, sentence: &str, max_length: Option<usize>) {
    if max_length.is_none_or(|max| out.len() + 1 + sentence.len() <= max) {
        out.push(' ');
        out.push_str(sentence);
    }
}

/// Cuts a text to `max` characters (ASCII, so bytes), without a trailing space.
fn truncate(out: &mut String, max: usize) {
    if out.len() > max {
        out.truncate(max);
        let kept = out.trim_end().len();
        out.truncate(kept);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::seed::chunk_rng;

    #[test]
    fn phrases_are_ascii_and_cannot_look_like_formulas() {
        for phrase in AGAINST
            .iter()
            .chain(&DEPENDS)
            .chain(&FAVOUR)
            .chain(&QUALIFIERS)
            .chain(&OTHER)
        {
            assert!(phrase.is_ascii(), "{phrase}");
            assert!(
                phrase.starts_with(|c: char| c.is_ascii_alphabetic()),
                "{phrase}"
            );
        }
    }

    #[test]
    fn answers_follow_the_lean_and_respect_the_length() {
        let mut rng = chunk_rng(1, 0);
        let mut text = String::new();
        let mut in_voice = 0;
        for _ in 0..200 {
            answer(&mut rng, 1.0, None, &mut text);
            if FAVOUR.iter().any(|p| text.starts_with(p)) {
                in_voice += 1;
            }
        }
        assert!(in_voice > 180, "{in_voice} of 200 in favour");
        for max in [1, 5, 30, 45, 200] {
            for _ in 0..50 {
                answer(&mut rng, -1.0, Some(max), &mut text);
                assert!(!text.is_empty() && text.len() <= max, "{max}: {text:?}");
                assert_eq!(text.trim(), text);
            }
        }
    }
}
