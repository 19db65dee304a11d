//! Free-text answers grouped by position group, for the "answers by position" section.
//!
//! A group lists every respondent who gave free text, up to [`TEXTS_PER_GROUP`]. A larger
//! group (only synthetic or very large panels reach it) lists a sample of that size and
//! says how many it left out: the respondents whose answers have the smallest seeded hash,
//! so the sample depends on the answers and the seed, not on the order of rows or files,
//! and is unrelated to what the answers say. Listing a million answers would make a report
//! nobody can read and, on a large panel, cost more than the rest of the analysis.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use polars::prelude::*;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::aggregates::{QuestionText, RespondentTexts, TEXTS_PER_GROUP, TextGroup};
use super::groups::LevelGroup;
use crate::error::Result;
use crate::survey::{QuestionKind, Survey};

/// The free-text columns of a response table, read without copying.
struct TextColumns<'a> {
    questions: Vec<&'a str>,
    columns: Vec<Vec<Option<&'a str>>>,
}

impl<'a> TextColumns<'a> {
    /// One respondent's answers as (question, text) pairs, in survey order.
    fn answers(&self, row: usize) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.questions
            .iter()
            .zip(&self.columns)
            .filter_map(move |(q, column)| column[row].map(|text| (*q, text)))
    }

    fn has_any(&self, row: usize) -> bool {
        self.columns.iter().any(|column| column[row].is_some())
    }

    /// Respondents in the order of their answers (the order a group lists them in).
    fn compare(&self, a: usize, b: usize) -> Ordering {
        self.answers(a).cmp(self.answers(b))
    }

    /// A seeded hash of every answer with its question, for sampling: eight bytes at a
    /// time, each word mixed in with a multiply and the SplitMix64 finaliser at the end
    /// (fixed on every machine; byte-at-a-time FNV took a tenth of a second per million).
    fn hash(&self, seed: u64, row: usize) -> u64 {
        let mut hash = seed ^ 0x9E37_79B9_7F4A_7C15;
        let mut eat = |bytes: &[u8]| {
            let mut words = bytes.chunks_exact(8);
            for word in &mut words {
                let word = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
                hash = (hash ^ word)
                    .wrapping_mul(0xBF58_476D_1CE4_E5B9)
                    .rotate_left(29);
            }
            let mut tail = [0u8; 8];
            tail[..words.remainder().len()].copy_from_slice(words.remainder());
            // The length keeps "ab" + "" apart from "a" + "b".
            hash = (hash ^ u64::from_le_bytes(tail) ^ ((bytes.len() as u64) << 56))
                .wrapping_mul(0x94D0_49BB_1331_11EB)
                .rotate_left(31);
        };
        for (question, text) in self.answers(row) {
            eat(question.as_bytes());
            eat(text.as_bytes());
        }
        hash ^= hash >> 30;
        hash = hash.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        hash ^= hash >> 27;
        hash = hash.wrapping_mul(0x94D0_49BB_1331_11EB);
        hash ^ (hash >> 31)
    }

    fn sampled(&self, seed: u64, row: usize) -> SampledTexts {
        SampledTexts {
            hash: self.hash(seed, row),
            texts: self
                .answers(row)
                .map(|(question, text)| (question.to_string(), text.to_string()))
                .collect(),
        }
    }
}

/// The free text of one position level in one table: how many respondents gave any, and
/// the (at most [`TEXTS_PER_GROUP`]) whose answers have the smallest seeded hash. A group
/// of levels lists the smallest of its levels' lists, so keeping that many per level (and
/// per partition) loses nothing: merging is taking the smallest of the union.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelTexts {
    /// The position level's index in its scale.
    pub level: usize,
    /// Respondents of the level who gave any free text.
    pub answered: u64,
    /// The kept respondents, by ascending (hash, answers).
    pub sample: Vec<SampledTexts>,
}

/// One respondent's free-text answers with their seeded hash.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SampledTexts {
    /// The seeded hash the sample is chosen by (smallest first).
    pub hash: u64,
    /// (question, answer) pairs in survey order.
    pub texts: Vec<(String, String)>,
}

/// Each position level's free text in `frame`, in level order (levels nobody gave text in
/// are left out).
pub fn by_level(survey: &Survey, frame: &DataFrame, seed: u64) -> Result<Vec<LevelTexts>> {
    by_level_capped(survey, frame, seed, TEXTS_PER_GROUP)
}

fn by_level_capped(
    survey: &Survey,
    frame: &DataFrame,
    seed: u64,
    cap: usize,
) -> Result<Vec<LevelTexts>> {
    let questions: Vec<&str> = survey
        .questions
        .iter()
        .filter(|q| matches!(q.kind, QuestionKind::Text { .. }))
        .map(|q| q.id.as_str())
        .collect();
    if questions.is_empty() || frame.height() == 0 {
        return Ok(Vec::new());
    }
    let levels = survey.position_scale().levels.len();
    let position = frame.column(&survey.position_question().id)?.u8()?;
    let columns = TextColumns {
        columns: questions
            .par_iter()
            .map(|q| Ok(frame.column(q)?.str()?.iter().collect()))
            .collect::<Result<_>>()?,
        questions,
    };
    // The rows of each level that gave any free text.
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); levels];
    for (row, level) in position.iter().enumerate() {
        if let Some(members) = level.and_then(|level| rows.get_mut(usize::from(level))) {
            if columns.has_any(row) {
                members.push(row);
            }
        }
    }
    let mut out = Vec::new();
    for (level, members) in rows.into_iter().enumerate() {
        if members.is_empty() {
            continue;
        }
        let answered = members.len() as u64;
        let mut keyed: Vec<(u64, usize)> = members
            .par_iter()
            .map(|&row| (columns.hash(seed, row), row))
            .collect();
        // Equal hashes (practically never) fall back on the answers, so the sample does
        // not depend on row order either way.
        let order = |a: &(u64, usize), b: &(u64, usize)| {
            a.0.cmp(&b.0).then_with(|| columns.compare(a.1, b.1))
        };
        if keyed.len() > cap {
            keyed.select_nth_unstable_by(cap - 1, order);
            keyed.truncate(cap);
        }
        keyed.par_sort_unstable_by(order);
        out.push(LevelTexts {
            level,
            answered,
            sample: keyed
                .par_iter()
                .map(|&(_, row)| columns.sampled(seed, row))
                .collect(),
        });
    }
    Ok(out)
}

/// The free text of several tables (partitions of one table), level by level.
pub fn merge(parts: impl IntoIterator<Item = LevelTexts>) -> Vec<LevelTexts> {
    merge_capped(parts, TEXTS_PER_GROUP)
}

fn merge_capped(parts: impl IntoIterator<Item = LevelTexts>, cap: usize) -> Vec<LevelTexts> {
    let mut levels: BTreeMap<usize, LevelTexts> = BTreeMap::new();
    for part in parts {
        match levels.get_mut(&part.level) {
            Some(level) => {
                level.answered += part.answered;
                level.sample.extend(part.sample);
                level.sample.sort_unstable();
                level.sample.truncate(cap);
            }
            None => {
                levels.insert(part.level, part);
            }
        }
    }
    levels.into_values().collect()
}

/// Each position group's respondents with the free text they gave. Within a group,
/// respondents are sorted by their text, so the order reveals nothing about who answered
/// first or in which file. A group above [`TEXTS_PER_GROUP`] lists the sample with the
/// smallest seeded hashes.
pub fn by_position(levels: &[LevelTexts], groups: &[LevelGroup]) -> Vec<TextGroup> {
    by_position_capped(levels, groups, TEXTS_PER_GROUP)
}

fn by_position_capped(levels: &[LevelTexts], groups: &[LevelGroup], cap: usize) -> Vec<TextGroup> {
    groups
        .iter()
        .map(|g| {
            let members: Vec<&LevelTexts> = levels
                .iter()
                .filter(|l| g.levels.contains(&l.level))
                .collect();
            let answered: u64 = members.iter().map(|l| l.answered).sum();
            let mut sample: Vec<&SampledTexts> =
                members.iter().flat_map(|l| l.sample.iter()).collect();
            sample.sort_unstable();
            sample.truncate(cap);
            sample.sort_unstable_by(|a, b| a.texts.cmp(&b.texts));
            TextGroup {
                group: g.key.clone(),
                label: g.label.clone(),
                n: g.n,
                answered,
                left_out: answered - sample.len() as u64,
                respondents: sample
                    .into_iter()
                    .map(|s| RespondentTexts {
                        texts: s
                            .texts
                            .iter()
                            .map(|(question, text)| QuestionText {
                                question: question.clone(),
                                text: text.clone(),
                            })
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ingest_csv, survey};

    /// 40 respondents: `no` 1–20 and `yes` 21–40, every fourth without a note.
    fn panel(reversed: bool) -> String {
        let mut rows: Vec<String> = (1..=40)
            .map(|i| {
                let stance = if i <= 20 { "no" } else { "yes" };
                let note = if i % 4 == 0 {
                    String::new()
                } else {
                    format!("note {:02}", (i * 7) % 40)
                };
                format!("{i},{stance},,{note}")
            })
            .collect();
        if reversed {
            rows.reverse();
        }
        format!("respondent_id,stance,themes,note\n{}\n", rows.join("\n"))
    }

    fn groups_of(csv: &str, seed: u64, cap: usize) -> Vec<TextGroup> {
        let survey = survey();
        let responses = ingest_csv(&survey, csv).responses;
        // The position levels `no` (0) and `yes` (2) as two groups of 20.
        let level = |key: &str, levels: std::ops::Range<usize>| LevelGroup {
            key: key.into(),
            label: key.into(),
            levels,
            n: 20,
            merged_from: Vec::new(),
            merged_labels: Vec::new(),
        };
        let groups = [level("no", 0..1), level("yes", 2..3)];
        let levels = by_level_capped(&survey, responses.frame(), seed, cap).unwrap();
        by_position_capped(&levels, &groups, cap)
    }

    fn listed(group: &TextGroup) -> Vec<&str> {
        group
            .respondents
            .iter()
            .map(|r| r.texts[0].text.as_str())
            .collect()
    }

    #[test]
    fn below_the_cap_every_answer_is_listed_in_order() {
        let groups = groups_of(&panel(false), 1, 1000);
        let no = &groups[0];
        assert_eq!((no.n, no.answered, no.left_out), (20, 15, 0));
        let texts = listed(no);
        assert_eq!(texts.len(), 15);
        assert!(texts.windows(2).all(|w| w[0] <= w[1]), "{texts:?}");
    }

    #[test]
    fn above_the_cap_a_seeded_sample_is_listed_and_the_rest_counted() {
        let groups = groups_of(&panel(false), 1, 6);
        for group in &groups {
            assert_eq!(group.answered, 15);
            assert_eq!(group.left_out, 9);
            assert_eq!(group.respondents.len(), 6);
            let texts = listed(group);
            assert!(texts.windows(2).all(|w| w[0] <= w[1]), "{texts:?}");
        }
        // The sample depends on the answers and the seed, not on row order.
        assert_eq!(groups, groups_of(&panel(true), 1, 6));
        let other_seed = groups_of(&panel(false), 2, 6);
        assert_ne!(listed(&groups[0]), listed(&other_seed[0]));
        // The sample is a subset of what the uncapped group lists.
        let all = groups_of(&panel(false), 1, 1000);
        for text in listed(&groups[0]) {
            assert!(listed(&all[0]).contains(&text), "{text}");
        }
    }

    #[test]
    fn samples_of_parts_merge_to_the_sample_of_the_whole() {
        let survey = survey();
        let responses = ingest_csv(&survey, &panel(false)).responses;
        let frame = responses.frame();
        let whole = by_level_capped(&survey, frame, 1, 6).unwrap();
        // Every row on its own, and the table in three uneven slices.
        for cuts in [(0..=40).collect::<Vec<i64>>(), vec![0, 7, 31, 40]] {
            let parts = cuts.windows(2).flat_map(|w| {
                let part = frame.slice(w[0], (w[1] - w[0]) as usize);
                by_level_capped(&survey, &part, 1, 6).unwrap()
            });
            assert_eq!(merge_capped(parts, 6), whole);
        }
        assert!(
            whole
                .iter()
                .all(|l| l.answered == 15 && l.sample.len() == 6)
        );
    }
}
