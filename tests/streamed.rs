//! `canvass report` reads the rows a chunk at a time (bounded memory for a panel of
//! millions). Read in chunks of any size, from several files with repeated respondents
//! and bad rows, the accounting is that of one pass, and the analysis gives the same
//! `aggregates.json` bytes as one pass over the whole table.

use std::path::{Path, PathBuf};

use canvass::analyze::{self, Options, Streamed};
use canvass::ingest::{ReadOptions, ingest_in_chunks, ingest_with};
use canvass::report::aggregates_json;
use canvass::survey::{self, Survey};
use canvass::synth::Synth;

fn load(path: &str) -> Survey {
    survey::load(Path::new(path)).unwrap().survey
}

/// Two files of a synthetic panel: the second repeats some of the first's respondents
/// and has a row with an unknown code and a ragged row.
fn files(survey: &Survey, dir: &Path, rows: u64) -> Vec<PathBuf> {
    let mut csv = Vec::new();
    Synth::new(survey, rows, 7)
        .unwrap()
        .write(&mut csv)
        .unwrap();
    let text = String::from_utf8(csv).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    let half = lines.len() / 2;
    let first = format!("{header}\n{}\n", lines[..half].join("\n"));
    let mut second = format!("{header}\n{}\n", lines[half..].join("\n"));
    // Repeats of the first file's first rows, then two bad rows.
    for line in &lines[..5] {
        second.push_str(line);
        second.push('\n');
    }
    second.push_str("ragged,row\n");
    let bad = lines[0].replacen("synth-", "bad-", 1);
    let position = survey.position_question().id.as_str();
    let column = header.split(',').position(|h| h == position).unwrap();
    let mut cells: Vec<&str> = bad.split(',').collect();
    cells[column] = "not_a_code";
    second.push_str(&cells.join(","));
    second.push('\n');
    let paths = vec![dir.join("one.csv"), dir.join("two.csv")];
    std::fs::write(&paths[0], first).unwrap();
    std::fs::write(&paths[1], second).unwrap();
    paths
}

fn check(survey_path: &str, rows: u64, chunk_sizes: &[usize]) {
    let survey = load(survey_path);
    let dir = tempfile::tempdir().unwrap();
    let paths = files(&survey, dir.path(), rows);
    let options = Options {
        resamples: 50,
        ..Options::default()
    };
    let whole = ingest_with(&survey, &paths, &ReadOptions::default()).unwrap();
    assert_eq!(whole.totals().rejected, 7, "5 repeats and 2 bad rows");
    let one_pass =
        aggregates_json(&analyze::analyze_with(&survey, &whole.responses, &options).unwrap());
    for &chunk_rows in chunk_sizes {
        let mut streamed = Streamed::new(&survey, &options).unwrap();
        let mut chunks = 0;
        let accounted = ingest_in_chunks(
            &survey,
            &paths,
            &ReadOptions::default(),
            chunk_rows,
            &mut |chunk| {
                chunks += 1;
                streamed.add(&chunk)
            },
        )
        .unwrap();
        // A chunk is handed at the end of each file's batch of blocks at the latest: two
        // files make at least two chunks when a chunk may be small.
        let least = if chunk_rows == 1 { 2 } else { 1 };
        assert!(chunks >= least, "{chunks} chunks");
        assert_eq!(accounted.files, whole.files, "chunks of {chunk_rows}");
        assert_eq!(
            accounted.rejects.problems, whole.rejects.problems,
            "chunks of {chunk_rows}"
        );
        let aggregates = aggregates_json(&streamed.finish().unwrap());
        assert!(
            aggregates == one_pass,
            "chunks of {chunk_rows}: the aggregates differ"
        );
    }
}

#[test]
fn the_frontier_panel_in_chunks_is_analysed_as_in_one_pass() {
    check("surveys/frontier-roles-2027.toml", 400, &[1, 37, 1000]);
}

#[test]
fn the_seed_survey_in_chunks_is_analysed_as_in_one_pass() {
    check("surveys/capabilities-roles.toml", 60, &[1, 7, 100]);
}

/// An empty file still gives one (empty) chunk, and the analysis of no one.
#[test]
fn a_header_only_file_is_one_empty_chunk() {
    let survey = load("surveys/capabilities-roles.toml");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.csv");
    std::fs::write(&path, format!("{}\n", survey.columns().header().join(","))).unwrap();
    let options = Options::default();
    let mut streamed = Streamed::new(&survey, &options).unwrap();
    let mut sizes = Vec::new();
    ingest_in_chunks(
        &survey,
        &[path],
        &ReadOptions::default(),
        10,
        &mut |chunk| {
            sizes.push(chunk.len());
            streamed.add(&chunk)
        },
    )
    .unwrap();
    assert_eq!(sizes, vec![0]);
    assert_eq!(streamed.finish().unwrap().panel.answered, 0);
}
