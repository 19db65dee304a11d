//! How respondents are grouped, and the anonymity rule.
//!
//! Groups are runs of consecutive position levels. A run with fewer respondents than the
//! threshold is merged with its smaller neighbour along the scale until every run is large
//! enough. Sides are merged first, then levels within each (merged) side, so every level
//! group lies inside one side group: subtracting one published group from another can
//! never isolate fewer respondents than the threshold.

use std::ops::Range;

use crate::survey::Scale;

/// A group of respondents: those whose position is in `levels`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelGroup {
    pub key: String,
    pub label: String,
    pub levels: Range<usize>,
    pub n: u64,
    /// The level codes or side ids joined to form it, when more than one.
    pub merged_from: Vec<String>,
    /// Their labels, in the same order.
    pub merged_labels: Vec<String>,
}

/// The `position` and `side` partitions of a scale, given respondents per level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partitions {
    pub levels: Vec<LevelGroup>,
    /// Empty when the scale declares no sides.
    pub sides: Vec<LevelGroup>,
}

/// Groups respondents by position so that no group has fewer than `min` of them.
/// `level_n[i]` is the number of respondents at level `i`. Levels nobody chose form no
/// group. If fewer than `min` responded in all, nothing may be broken down: both
/// partitions are empty.
pub fn partition(scale: &Scale, level_n: &[u64], min: u64) -> Partitions {
    let total: u64 = level_n.iter().sum();
    if total < min.max(1) {
        return Partitions {
            levels: Vec::new(),
            sides: Vec::new(),
        };
    }
    let n = |r: &Range<usize>| level_n[r.clone()].iter().sum::<u64>();
    let side_runs = if scale.sides.is_empty() {
        // Without sides, the whole scale is one run to merge levels within.
        std::iter::once(0..scale.levels.len()).collect()
    } else {
        merge_runs(
            scale.sides.iter().map(|s| s.levels.clone()).collect(),
            level_n,
            min,
        )
    };
    let mut levels = Vec::new();
    for side in &side_runs {
        let singles = side.clone().map(|i| i..i + 1).collect();
        for run in merge_runs(singles, level_n, min) {
            let members: Vec<usize> = run.clone().filter(|&i| level_n[i] > 0).collect();
            levels.push(LevelGroup {
                key: join(run.clone().map(|i| scale.levels[i].code.as_str()), "+"),
                label: join(run.clone().map(|i| scale.levels[i].label.as_str()), " + "),
                n: n(&run),
                merged_from: if members.len() > 1 || run.len() > 1 {
                    run.clone().map(|i| scale.levels[i].code.clone()).collect()
                } else {
                    Vec::new()
                },
                merged_labels: if members.len() > 1 || run.len() > 1 {
                    run.clone()
                        .map(|i| scale.levels[i].label.to_string())
                        .collect()
                } else {
                    Vec::new()
                },
                levels: run,
            });
        }
    }
    let sides = if scale.sides.is_empty() {
        Vec::new()
    } else {
        side_runs
            .iter()
            .map(|run| {
                let members: Vec<_> = scale
                    .sides
                    .iter()
                    .filter(|s| s.levels.start >= run.start && s.levels.end <= run.end)
                    .collect();
                LevelGroup {
                    key: join(members.iter().map(|s| s.id.as_str()), "+"),
                    label: join(members.iter().map(|s| s.label.as_str()), " + "),
                    levels: run.clone(),
                    n: n(run),
                    merged_from: if members.len() > 1 {
                        members.iter().map(|s| s.id.clone()).collect()
                    } else {
                        Vec::new()
                    },
                    merged_labels: if members.len() > 1 {
                        members.iter().map(|s| s.label.to_string()).collect()
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect()
    };
    Partitions { levels, sides }
}

/// Merges consecutive runs until each holds at least `min` respondents: the smallest run
/// below `min` joins its smaller neighbour (the lower one on a tie). Runs nobody is in
/// are dropped first, so a merged run may span levels nobody chose.
fn merge_runs(runs: Vec<Range<usize>>, level_n: &[u64], min: u64) -> Vec<Range<usize>> {
    let n = |r: &Range<usize>| level_n[r.clone()].iter().sum::<u64>();
    let mut runs: Vec<Range<usize>> = runs.into_iter().filter(|r| n(r) > 0).collect();
    while runs.len() > 1 {
        let Some(i) = (0..runs.len())
            .filter(|&i| n(&runs[i]) < min)
            .min_by_key(|&i| (n(&runs[i]), i))
        else {
            break;
        };
        let j = match (i.checked_sub(1), (i + 1 < runs.len()).then_some(i + 1)) {
            (Some(left), Some(right)) if n(&runs[left]) <= n(&runs[right]) => left,
            (_, Some(right)) => right,
            (Some(left), None) => left,
            (None, None) => unreachable!("more than one run remains"),
        };
        let (a, b) = (i.min(j), i.max(j));
        runs[a] = runs[a].start..runs[b].end;
        runs.remove(b);
    }
    runs
}

fn join<'a>(parts: impl Iterator<Item = &'a str>, separator: &str) -> String {
    parts.collect::<Vec<_>>().join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::{Choice, Side, Text};

    fn scale(codes: &[&str], sides: &[(&str, Range<usize>)]) -> Scale {
        Scale {
            id: "s".into(),
            levels: codes
                .iter()
                .map(|c| Choice {
                    code: c.to_string(),
                    label: Text::new(c.to_uppercase()),
                    direction: None,
                })
                .collect(),
            ordered: codes.len(),
            neutral: None,
            sides: sides
                .iter()
                .map(|(id, levels)| Side {
                    id: id.to_string(),
                    label: Text::new(id.to_uppercase()),
                    levels: levels.clone(),
                })
                .collect(),
        }
    }

    fn stance() -> Scale {
        scale(
            &["sa", "la", "id", "lf", "sf"],
            &[("against", 0..2), ("neutral", 2..3), ("favour", 3..5)],
        )
    }

    fn keys(groups: &[LevelGroup]) -> Vec<(&str, u64)> {
        groups.iter().map(|g| (g.key.as_str(), g.n)).collect()
    }

    #[test]
    fn the_seed_panel_merges_the_lone_strong_favour_into_lean_favour() {
        let p = partition(&stance(), &[2, 2, 2, 4, 1], 2);
        assert_eq!(
            keys(&p.levels),
            vec![("sa", 2), ("la", 2), ("id", 2), ("lf+sf", 5)]
        );
        assert_eq!(p.levels[3].label, "LF + SF");
        assert_eq!(p.levels[3].merged_from, vec!["lf", "sf"]);
        assert_eq!(
            keys(&p.sides),
            vec![("against", 4), ("neutral", 2), ("favour", 5)]
        );
    }

    #[test]
    fn a_small_side_merges_with_its_smaller_neighbour_and_levels_stay_inside() {
        // neutral (1) joins against (3), the smaller neighbour; then inside that merged
        // side the lone `id` joins `la`.
        let p = partition(&stance(), &[2, 1, 1, 3, 3], 2);
        assert_eq!(keys(&p.sides), vec![("against+neutral", 4), ("favour", 6)]);
        assert_eq!(
            keys(&p.levels),
            vec![("sa", 2), ("la+id", 2), ("lf", 3), ("sf", 3)]
        );
        for level in &p.levels {
            assert!(
                p.sides
                    .iter()
                    .any(|s| s.levels.start <= level.levels.start
                        && level.levels.end <= s.levels.end)
            );
        }
    }

    #[test]
    fn empty_levels_form_no_group() {
        let p = partition(&stance(), &[0, 3, 0, 0, 4], 2);
        assert_eq!(keys(&p.levels), vec![("la", 3), ("sf", 4)]);
        assert_eq!(keys(&p.sides), vec![("against", 3), ("favour", 4)]);
    }

    #[test]
    fn too_few_respondents_in_all_means_no_breakdown() {
        let p = partition(&stance(), &[0, 1, 0, 0, 0], 2);
        assert!(p.levels.is_empty() && p.sides.is_empty());
    }

    #[test]
    fn a_threshold_of_one_keeps_every_chosen_level() {
        let p = partition(&stance(), &[1, 0, 1, 1, 1], 1);
        assert_eq!(
            keys(&p.levels),
            vec![("sa", 1), ("id", 1), ("lf", 1), ("sf", 1)]
        );
    }

    #[test]
    fn a_scale_without_sides_merges_along_the_whole_scale() {
        let s = scale(&["a", "b", "c"], &[]);
        let p = partition(&s, &[1, 5, 1], 3);
        assert_eq!(keys(&p.levels), vec![("a+b+c", 7)]);
        assert!(p.sides.is_empty());
    }

    #[test]
    fn every_group_meets_the_threshold_for_any_counts() {
        let s = stance();
        for seed in 0u64..2000 {
            let counts: Vec<u64> = (0..5).map(|i| (seed >> (i * 2)) % 4).collect();
            for min in 1..=4 {
                let p = partition(&s, &counts, min);
                let total: u64 = counts.iter().sum();
                for g in p.levels.iter().chain(&p.sides) {
                    assert!(g.n >= min, "{counts:?} min {min}: {g:?}");
                }
                if !p.levels.is_empty() {
                    assert_eq!(p.levels.iter().map(|g| g.n).sum::<u64>(), total);
                }
            }
        }
    }
}
