//! How respondents are grouped, and the anonymity rule. [`decide`] is the one place that
//! decides which groups any output may show: every count, share, interval, measure,
//! quote, coded-text table and round reads its decision, so the rule is applied the same
//! way everywhere.
//!
//! Position groups are runs of consecutive position levels. A run with fewer respondents than the
//! threshold is merged with its smaller neighbour along the scale until every run is large
//! enough. Sides are merged first, then levels within each (merged) side, so every level
//! group lies inside one side group: subtracting one published group from another can
//! never isolate fewer respondents than the threshold.

use std::collections::BTreeMap;
use std::ops::Range;

use super::aggregates::{MergedGroup, Withheld};
use super::cells::CellKey;
use crate::survey::{Question, QuestionKind, Scale, Survey};

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

/// Grouping ids, as they appear in `aggregates.json`.
pub const OVERALL: &str = "overall";
pub const POSITION: &str = "position";
pub const SIDE: &str = "side";
/// Key of the one group of the overall grouping.
pub const ALL: &str = "all";
/// How an unanswered segment question is written in a group key (no code contains `(`).
pub const UNANSWERED: &str = "(unanswered)";

/// Id of the grouping by segment question `id`.
pub fn segment_id(id: &str) -> String {
    format!("segment:{id}")
}

/// Id of the grouping that crosses `by` (`position` or `side`) with segment `id`.
pub fn cross_id(by: &str, id: &str) -> String {
    format!("{by}:{id}")
}

/// Whether a grouping id names a cross of position or side with a segment.
pub fn is_cross(id: &str) -> bool {
    id.contains(':') && !id.starts_with("segment:")
}

/// Who belongs to a planned group, in terms of cell keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Members {
    /// Everyone whose position level is in the range.
    Position(Range<usize>),
    /// Everyone whose answer to segment `segment` (an index into `survey.segments`) is
    /// one of `slots` (`None`: not answered).
    Segment {
        segment: usize,
        slots: Vec<Option<usize>>,
    },
    /// Both at once.
    Cross {
        position: Range<usize>,
        segment: usize,
        slots: Vec<Option<usize>>,
    },
}

impl Members {
    pub fn contains(&self, key: &CellKey) -> bool {
        match self {
            Members::Position(levels) => levels.contains(&key.position),
            Members::Segment { segment, slots } => slots.contains(&key.segments[*segment]),
            Members::Cross {
                position,
                segment,
                slots,
            } => position.contains(&key.position) && slots.contains(&key.segments[*segment]),
        }
    }
}

/// A group any output may show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedGroup {
    pub key: String,
    pub label: String,
    /// Position level codes of the group, lowest first (empty for a segment group).
    pub levels: Vec<String>,
    pub n: u64,
    pub merged: bool,
    pub members: Members,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedGrouping {
    pub id: String,
    pub label: String,
    pub groups: Vec<PlannedGroup>,
}

/// Which groups may be shown, decided once from the number of respondents per cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// `overall`, then `position`, `side`, each segment and each allowed cross.
    pub groupings: Vec<PlannedGrouping>,
    /// The position groups (also the first non-overall grouping), for quotes.
    pub position: Vec<LevelGroup>,
    pub merged: Vec<MergedGroup>,
    pub withheld: Vec<Withheld>,
    /// Fewer than the threshold in all: nothing but the overall count may be shown.
    pub all_suppressed: bool,
}

/// Decides the groups of every grouping from `sizes` (respondents per cell), so that no
/// group any output shows has fewer than `survey.anonymity.min_group_size` respondents,
/// and no group can be recovered by subtracting shown groups from each other:
///
/// - position levels and sides are merged along the scale ([`partition`]);
/// - a segment's levels below the threshold, its non-substantive levels and those who
///   did not answer it are pooled into one "other" group; an ordinal segment merges
///   adjacent levels first. A pool still below the threshold joins the smallest group;
/// - a cross of position groups with a segment's groups is shown only if every
///   non-empty cell reaches the threshold; failing that, sides × segment is tried;
///   failing that too, the cross is withheld.
pub fn decide(survey: &Survey, sizes: &BTreeMap<CellKey, u64>) -> Decision {
    let min = u64::from(survey.anonymity.min_group_size);
    let scale = survey.position_scale();
    let total: u64 = sizes.values().sum();
    let mut level_n = vec![0u64; scale.levels.len()];
    for (key, n) in sizes {
        level_n[key.position] += n;
    }
    let all_suppressed = total < min.max(1);
    let overall = PlannedGrouping {
        id: OVERALL.into(),
        label: "Overall".into(),
        groups: vec![PlannedGroup {
            key: ALL.into(),
            label: "All respondents".into(),
            levels: scale.levels.iter().map(|l| l.code.clone()).collect(),
            n: total,
            merged: false,
            members: Members::Position(0..scale.levels.len()),
        }],
    };
    if all_suppressed {
        return Decision {
            groupings: vec![overall],
            position: Vec::new(),
            merged: Vec::new(),
            withheld: Vec::new(),
            all_suppressed,
        };
    }
    let partitions = partition(scale, &level_n, min);
    let mut merged = Vec::new();
    let mut withheld = Vec::new();
    let level_codes = |levels: &Range<usize>| {
        scale.levels[levels.clone()]
            .iter()
            .map(|l| l.code.clone())
            .collect()
    };
    let planned = |id: &str,
                   label: String,
                   groups: &[LevelGroup],
                   merged: &mut Vec<MergedGroup>,
                   withheld: &mut Vec<Withheld>| {
        for g in groups.iter().filter(|g| !g.merged_from.is_empty()) {
            merged.push(MergedGroup {
                grouping: id.into(),
                group: g.key.clone(),
                members: g.merged_from.clone(),
                labels: g.merged_labels.clone(),
            });
            let small: Vec<String> = g
                .merged_from
                .iter()
                .filter(|m| {
                    let n = match id {
                        POSITION => scale
                            .levels
                            .iter()
                            .position(|l| &l.code == *m)
                            .map_or(0, |i| level_n[i]),
                        _ => scale
                            .sides
                            .iter()
                            .find(|s| &s.id == *m)
                            .map_or(0, |s| level_n[s.levels.clone()].iter().sum()),
                    };
                    n > 0 && n < min
                })
                .cloned()
                .collect();
            if !small.is_empty() {
                withheld.push(Withheld {
                    grouping: id.into(),
                    groups: small,
                    reason: format!("fewer than {min} respondents: reported within `{}`", g.key),
                });
            }
        }
        PlannedGrouping {
            id: id.into(),
            label,
            groups: groups
                .iter()
                .map(|g| PlannedGroup {
                    key: g.key.clone(),
                    label: g.label.clone(),
                    levels: level_codes(&g.levels),
                    n: g.n,
                    merged: !g.merged_from.is_empty(),
                    members: Members::Position(g.levels.clone()),
                })
                .collect(),
        }
    };
    let mut groupings = vec![overall];
    groupings.push(planned(
        POSITION,
        format!("By {}", survey.position_question().id),
        &partitions.levels,
        &mut merged,
        &mut withheld,
    ));
    if !scale.sides.is_empty() {
        groupings.push(planned(
            SIDE,
            "By side".into(),
            &partitions.sides,
            &mut merged,
            &mut withheld,
        ));
    }

    for (s, &q) in survey.segments.iter().enumerate() {
        let question = &survey.questions[q];
        let slot_n = |slot: Option<usize>| -> u64 {
            sizes
                .iter()
                .filter(|(k, _)| k.segments[s] == slot)
                .map(|(_, n)| n)
                .sum()
        };
        let level_n: Vec<u64> = (0..question.choices().len())
            .map(|i| slot_n(Some(i)))
            .collect();
        let unanswered = slot_n(None);
        let id = segment_id(&question.id);
        let groups = segment_groups(question, &level_n, unanswered, min);
        for g in groups.iter().filter(|g| g.slots.len() > 1) {
            let names: Vec<(String, String)> = g
                .slots
                .iter()
                .map(|slot| slot_name(question, *slot))
                .collect();
            merged.push(MergedGroup {
                grouping: id.clone(),
                group: g.key.clone(),
                members: names.iter().map(|(k, _)| k.clone()).collect(),
                labels: names.iter().map(|(_, l)| l.clone()).collect(),
            });
            let small: Vec<String> = g
                .slots
                .iter()
                .filter(|slot| {
                    let n = slot.map_or(unanswered, |i| level_n[i]);
                    n > 0 && n < min
                })
                .map(|slot| slot_name(question, *slot).0)
                .collect();
            if !small.is_empty() {
                withheld.push(Withheld {
                    grouping: id.clone(),
                    groups: small,
                    reason: format!("fewer than {min} respondents: reported within `{}`", g.key),
                });
            }
        }
        let segment_grouping = PlannedGrouping {
            id: id.clone(),
            label: format!("By {}", question.id),
            groups: groups
                .iter()
                .map(|g| PlannedGroup {
                    key: g.key.clone(),
                    label: g.label.clone(),
                    levels: Vec::new(),
                    n: g.n,
                    merged: g.slots.len() > 1,
                    members: Members::Segment {
                        segment: s,
                        slots: g.slots.clone(),
                    },
                })
                .collect(),
        };

        let mut crossed = None;
        let mut refused = Vec::new();
        for (by, partition) in [(POSITION, &partitions.levels), (SIDE, &partitions.sides)] {
            if partition.is_empty() {
                continue;
            }
            let cells: Vec<PlannedGroup> = partition
                .iter()
                .flat_map(|p| {
                    segment_grouping.groups.iter().map(move |g| {
                        let Members::Segment { slots, .. } = &g.members else {
                            unreachable!("segment groups have segment members")
                        };
                        let members = Members::Cross {
                            position: p.levels.clone(),
                            segment: s,
                            slots: slots.clone(),
                        };
                        PlannedGroup {
                            key: format!("{}|{}", p.key, g.key),
                            label: format!("{} · {}", p.label, g.label),
                            levels: level_codes(&p.levels),
                            n: sizes
                                .iter()
                                .filter(|(k, _)| members.contains(k))
                                .map(|(_, n)| n)
                                .sum(),
                            merged: !p.merged_from.is_empty() || g.merged,
                            members,
                        }
                    })
                })
                .filter(|g| g.n > 0)
                .collect();
            if cells.iter().all(|c| c.n >= min) {
                crossed = Some(PlannedGrouping {
                    id: cross_id(by, &question.id),
                    label: format!("By {by} and {}", question.id),
                    groups: cells,
                });
                break;
            }
            refused.push(cross_id(by, &question.id));
        }
        for id in refused {
            withheld.push(Withheld {
                grouping: id,
                groups: Vec::new(),
                reason: format!("some cells would have fewer than {min} respondents"),
            });
        }
        // Complementary suppression. Each grouping above is safe alone, but groups of
        // different groupings can be subtracted from each other: a side of 4 minus a
        // segment group of 3 that lies inside it isolates one respondent, exactly the
        // cross cell that was just refused. So a breakdown is added only if, with every
        // grouping already shown, no set smaller than the threshold follows by sums;
        // failing that, without its cross; failing that too, it is withheld.
        let shown: Vec<&PlannedGrouping> = groupings.iter().collect();
        let reveals = |extra: &[&PlannedGrouping]| {
            let all: Vec<&PlannedGrouping> =
                shown.iter().copied().chain(extra.iter().copied()).collect();
            isolates_a_small_group(&all, sizes, min)
        };
        let differencing = format!(
            "subtracting its groups from other groups shown would isolate fewer than {min} respondents"
        );
        if let Some(cross) = crossed.take() {
            if reveals(&[&segment_grouping, &cross]) {
                withheld.push(Withheld {
                    grouping: cross.id.clone(),
                    groups: Vec::new(),
                    reason: differencing.clone(),
                });
            } else {
                crossed = Some(cross);
            }
        }
        if crossed.is_none() && reveals(&[&segment_grouping]) {
            merged.retain(|m| m.grouping != id);
            withheld.retain(|w| w.grouping != id);
            withheld.push(Withheld {
                grouping: id,
                groups: Vec::new(),
                reason: differencing,
            });
            continue;
        }
        groupings.push(segment_grouping);
        groupings.extend(crossed);
    }

    Decision {
        groupings,
        position: partitions.levels,
        merged,
        withheld,
        all_suppressed,
    }
}

/// Most unions of small atoms [`isolates_a_small_group`] tries before it answers yes, so
/// that a case too large to decide withholds rather than reveals. Each try costs one
/// vector addition, so even the limit takes well under a second.
const MOST_UNIONS: usize = 200_000;

/// Whether some set of at least one and fewer than `min` respondents follows from the
/// sizes of the groups of `groupings` by adding and subtracting them (the overall minus
/// every other group; a side minus a segment group inside it; longer chains). Every
/// count, share and listed answer of a group is a sum over its respondents, so that set's
/// answers would follow by the same sums.
///
/// Cells that every group treats alike form one *atom*. A set reached by sums is a union
/// of atoms, and one of fewer than `min` respondents is a union of fewer than `min` atoms
/// each smaller than `min`. The span's reduction is linear and zero exactly on the span,
/// so a union is in the span when the reductions of its atoms sum to zero: the unions are
/// tried depth first, adding one atom's reduction at a time. A panel large enough for its
/// cells to reach the threshold has no small atoms and costs one elimination.
fn isolates_a_small_group(
    groupings: &[&PlannedGrouping],
    sizes: &BTreeMap<CellKey, u64>,
    min: u64,
) -> bool {
    if min <= 1 {
        return false;
    }
    let groups: Vec<&PlannedGroup> = groupings.iter().flat_map(|g| &g.groups).collect();
    let mut atoms: BTreeMap<Vec<bool>, u64> = BTreeMap::new();
    for (key, &n) in sizes.iter().filter(|(_, n)| **n > 0) {
        let signature = groups.iter().map(|g| g.members.contains(key)).collect();
        *atoms.entry(signature).or_default() += n;
    }
    let atoms: Vec<(Vec<bool>, u64)> = atoms.into_iter().collect();
    let mut span = Span::default();
    for g in 0..groups.len() {
        span.add(
            atoms
                .iter()
                .map(|(s, _)| f64::from(u8::from(s[g])))
                .collect(),
        );
    }
    let small: Vec<(Vec<f64>, u64)> = (0..atoms.len())
        .filter(|&a| atoms[a].1 < min)
        .map(|a| {
            let mut unit = vec![0.0; atoms.len()];
            unit[a] = 1.0;
            (span.reduce(unit), atoms[a].1)
        })
        .collect();
    let mut search = UnionSearch {
        small: &small,
        min,
        tried: 0,
    };
    search.from(0, 0, &vec![0.0; atoms.len()])
}

/// The depth-first search of [`isolates_a_small_group`]: each small atom's reduction and
/// size.
struct UnionSearch<'a> {
    small: &'a [(Vec<f64>, u64)],
    min: u64,
    tried: usize,
}

impl UnionSearch<'_> {
    /// Whether a union of `small[first..]` atoms, added to one of `total` respondents
    /// whose reductions sum to `sum`, is in the span with fewer than `min` respondents
    /// (or more than [`MOST_UNIONS`] had to be tried).
    fn from(&mut self, first: usize, total: u64, sum: &[f64]) -> bool {
        for i in first..self.small.len() {
            let (reduced, n) = &self.small[i];
            let total = total + n;
            if total >= self.min {
                continue;
            }
            self.tried += 1;
            if self.tried > MOST_UNIONS {
                return true;
            }
            let sum: Vec<f64> = sum.iter().zip(reduced).map(|(a, b)| a + b).collect();
            if sum.iter().all(|x| x.abs() <= Span::ZERO) || self.from(i + 1, total, &sum) {
                return true;
            }
        }
        false
    }
}

/// The linear span of some vectors, kept in reduced row echelon form.
#[derive(Default)]
struct Span {
    /// Each row with the column of its leading 1.
    rows: Vec<(usize, Vec<f64>)>,
}

impl Span {
    /// Entries are sums of a few ±1s, so anything this small is zero.
    const ZERO: f64 = 1e-9;

    /// `v` less its part along each row. The rows are in reduced echelon form (each zero
    /// at the others' leading columns), so this is linear in `v`, and zero exactly when
    /// `v` is in the span.
    fn reduce(&self, mut v: Vec<f64>) -> Vec<f64> {
        for (pivot, row) in &self.rows {
            let factor = v[*pivot];
            if factor.abs() > Self::ZERO {
                v.iter_mut().zip(row).for_each(|(x, r)| *x -= factor * r);
            }
        }
        v
    }

    /// Adds `v` to the span, keeping the rows in reduced echelon form.
    fn add(&mut self, v: Vec<f64>) {
        let mut v = self.reduce(v);
        let Some(pivot) = v.iter().position(|x| x.abs() > Self::ZERO) else {
            return;
        };
        let lead = v[pivot];
        v.iter_mut().for_each(|x| *x /= lead);
        for (_, row) in &mut self.rows {
            let factor = row[pivot];
            if factor.abs() > Self::ZERO {
                row.iter_mut().zip(&v).for_each(|(x, r)| *x -= factor * r);
            }
        }
        self.rows.push((pivot, v));
    }
}

/// A group of a segment question: the answers (`None`: not answered) it joins.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SegmentGroup {
    key: String,
    label: String,
    slots: Vec<Option<usize>>,
    n: u64,
}

/// Key and label of one answer to a segment question.
fn slot_name(question: &Question, slot: Option<usize>) -> (String, String) {
    match slot {
        Some(i) => (
            question.choices()[i].code.clone(),
            question.choices()[i].label.to_string(),
        ),
        None => (UNANSWERED.to_string(), "Not answered".to_string()),
    }
}

fn segment_group(
    question: &Question,
    slots: Vec<Option<usize>>,
    n: u64,
    pooled: bool,
) -> SegmentGroup {
    let names: Vec<(String, String)> = slots.iter().map(|s| slot_name(question, *s)).collect();
    let labels: Vec<&str> = names.iter().map(|(_, l)| l.as_str()).collect();
    SegmentGroup {
        key: join(names.iter().map(|(k, _)| k.as_str()), "+"),
        label: if pooled && slots.len() > 1 {
            format!("Other ({})", labels.join(", "))
        } else {
            labels.join(" + ")
        },
        slots,
        n,
    }
}

/// The groups of one segment question, each of at least `min` respondents (see
/// [`decide`]), in the order of the question's levels, the pooled group last.
fn segment_groups(
    question: &Question,
    level_n: &[u64],
    unanswered: u64,
    min: u64,
) -> Vec<SegmentGroup> {
    let n_of = |slots: &[Option<usize>]| -> u64 {
        slots
            .iter()
            .map(|s| s.map_or(unanswered, |i| level_n[i]))
            .sum()
    };
    let mut groups = Vec::new();
    let mut pool: Vec<Option<usize>> = Vec::new();
    match &question.kind {
        QuestionKind::Likert { scale } => {
            let singles = (0..scale.ordered).map(|i| i..i + 1).collect();
            for run in merge_runs(singles, level_n, min) {
                let slots: Vec<Option<usize>> = run.map(Some).collect();
                let n = n_of(&slots);
                if n >= min {
                    groups.push(segment_group(question, slots, n, false));
                } else {
                    pool.extend(
                        slots
                            .into_iter()
                            .filter(|s| s.is_some_and(|i| level_n[i] > 0)),
                    );
                }
            }
            pool.extend(
                (scale.ordered..scale.levels.len())
                    .filter(|&i| level_n[i] > 0)
                    .map(Some),
            );
        }
        _ => {
            for (i, &n) in level_n.iter().enumerate() {
                if n >= min {
                    groups.push(segment_group(question, vec![Some(i)], n, false));
                } else if n > 0 {
                    pool.push(Some(i));
                }
            }
        }
    }
    if unanswered > 0 {
        pool.push(None);
    }
    let pool_n = n_of(&pool);
    if pool.is_empty() {
        return groups;
    }
    if pool_n >= min || groups.is_empty() {
        groups.push(segment_group(question, pool, pool_n, true));
        return groups;
    }
    // Too small even pooled: it joins the smallest group (the first, on a tie), so that
    // it cannot be recovered as the overall count minus the shown groups.
    let smallest = (0..groups.len())
        .min_by_key(|&i| (groups[i].n, i))
        .unwrap_or(0);
    let mut slots = groups[smallest].slots.clone();
    slots.extend(pool);
    let n = n_of(&slots);
    groups[smallest] = segment_group(question, slots, n, false);
    groups
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

    fn grouping(id: &str, groups: Vec<(Members, u64)>) -> PlannedGrouping {
        PlannedGrouping {
            id: id.into(),
            label: id.into(),
            groups: groups
                .into_iter()
                .enumerate()
                .map(|(i, (members, n))| PlannedGroup {
                    key: format!("{id}{i}"),
                    label: String::new(),
                    levels: Vec::new(),
                    n,
                    merged: false,
                    members,
                })
                .collect(),
        }
    }

    fn cells(sizes: &[((usize, usize), u64)]) -> BTreeMap<CellKey, u64> {
        sizes
            .iter()
            .map(|&((position, slot), n)| {
                let key = CellKey {
                    position,
                    segments: vec![Some(slot)],
                };
                (key, n)
            })
            .collect()
    }

    /// Two positions of 4; a segment answer given by 3, all at the first position.
    fn nested() -> Vec<PlannedGrouping> {
        let segment = |slot| Members::Segment {
            segment: 0,
            slots: vec![Some(slot)],
        };
        vec![
            grouping("overall", vec![(Members::Position(0..2), 8)]),
            grouping(
                "position",
                vec![(Members::Position(0..1), 4), (Members::Position(1..2), 4)],
            ),
            grouping("segment", vec![(segment(0), 3), (segment(1), 5)]),
        ]
    }

    #[test]
    fn a_position_group_minus_a_segment_group_inside_it_is_caught() {
        let all = nested();
        let sizes = cells(&[((0, 0), 3), ((0, 1), 1), ((1, 1), 4)]);
        let refs: Vec<&PlannedGrouping> = all.iter().collect();
        // position 0 (4) − segment answer 0 (3) = the one respondent at (0, 1).
        assert!(isolates_a_small_group(&refs, &sizes, 3));
        assert!(
            !isolates_a_small_group(&refs[..2], &sizes, 3),
            "alone, safe"
        );
        assert!(
            !isolates_a_small_group(&refs, &sizes, 1),
            "a threshold of 1"
        );
        // With that cell at 3 nothing small follows, however the groups are combined.
        let sizes = cells(&[((0, 0), 3), ((0, 1), 3), ((1, 1), 4)]);
        assert!(!isolates_a_small_group(&refs, &sizes, 3));
    }

    #[test]
    fn longer_chains_of_sums_are_caught_too() {
        // Overall 9 = positions 4 + 5 = answers 3 + 3 + 3; answer 0 lies inside position
        // 0 and answer 2 inside position 1, so answer 1 splits 1 + 2, and position 0 minus
        // answer 0 isolates one respondent; a chain with no nested group does not.
        let segment = |slot| Members::Segment {
            segment: 0,
            slots: vec![Some(slot)],
        };
        let all = [
            grouping("overall", vec![(Members::Position(0..2), 9)]),
            grouping(
                "position",
                vec![(Members::Position(0..1), 4), (Members::Position(1..2), 5)],
            ),
            grouping(
                "segment",
                vec![(segment(0), 3), (segment(1), 3), (segment(2), 3)],
            ),
        ];
        let refs: Vec<&PlannedGrouping> = all.iter().collect();
        let sizes = cells(&[((0, 0), 3), ((0, 1), 1), ((1, 1), 2), ((1, 2), 3)]);
        assert!(isolates_a_small_group(&refs, &sizes, 3));
        let sizes = cells(&[
            ((0, 0), 2),
            ((0, 1), 2),
            ((1, 0), 1),
            ((1, 1), 1),
            ((1, 2), 3),
        ]);
        assert!(
            isolates_a_small_group(&refs, &sizes, 3),
            "answer 2 inside position 1"
        );
        let sizes = cells(&[
            ((0, 0), 2),
            ((0, 1), 2),
            ((1, 0), 1),
            ((1, 1), 1),
            ((0, 2), 1),
            ((1, 2), 2),
        ]);
        assert!(!isolates_a_small_group(&refs, &sizes, 3));
    }

    #[test]
    fn a_grid_of_single_respondents_is_decided_without_giving_up() {
        // Six positions × six answers, one respondent in each cell, threshold 5: 36 small
        // atoms, about 67,000 unions under 5 to try, and none is in the span.
        let segment = |slot| Members::Segment {
            segment: 0,
            slots: vec![Some(slot)],
        };
        let all = [
            grouping("overall", vec![(Members::Position(0..6), 36)]),
            grouping(
                "position",
                (0..6).map(|p| (Members::Position(p..p + 1), 6)).collect(),
            ),
            grouping("segment", (0..6).map(|a| (segment(a), 6)).collect()),
        ];
        let refs: Vec<&PlannedGrouping> = all.iter().collect();
        let grid: Vec<((usize, usize), u64)> = (0..6)
            .flat_map(|p| (0..6).map(move |a| ((p, a), 1)))
            .collect();
        let started = std::time::Instant::now();
        assert!(!isolates_a_small_group(&refs, &cells(&grid), 5));
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
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
