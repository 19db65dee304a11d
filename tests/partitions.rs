//! The plan past one machine through the binary: `ingest --rows-per-partition` →
//! `analyze --partial` per partition → `report --from-partials`, against `report` of the
//! same file; and every mistake a user can make on the way, with its message and exit code.

mod common;

use std::path::{Path, PathBuf};

use common::canvass;

const SURVEY: &str = "surveys/frontier-roles-2027.toml";
const DATA: &str = "data/frontier-roles-2027/synthetic.csv";

fn partitions(dir: &Path, rows: &str) -> Vec<PathBuf> {
    canvass()
        .args([
            "ingest",
            SURVEY,
            DATA,
            "--rows-per-partition",
            rows,
            "--out",
        ])
        .arg(dir)
        .assert()
        .success();
    let mut parts: Vec<PathBuf> = std::fs::read_dir(dir.join("responses"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    parts.sort();
    parts
}

fn partial(part: &Path, out: &Path, extra: &[&str]) {
    canvass()
        .args(["analyze", SURVEY])
        .arg(part)
        .args(["--partial", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

#[test]
fn partials_of_partitions_merge_to_the_report_of_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let parts = partitions(&dir.path().join("ingested"), "70");
    let names: Vec<String> = parts
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    // 300 rows in partitions of 70.
    assert_eq!(
        names,
        [0, 1, 2, 3, 4].map(|i| format!("part-{i:05}.parquet"))
    );
    assert!(!dir.path().join("ingested/responses.parquet").exists());

    let partials: Vec<PathBuf> = parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let out = dir.path().join(format!("partials/{i}.json"));
            partial(part, &out, &[]);
            out
        })
        .collect();
    // Merged in reverse order: the order of the files does not matter.
    let merged = canvass()
        .args(["report", SURVEY, "--from-partials", "--out"])
        .arg(dir.path().join("merged"))
        .args(partials.iter().rev())
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&merged.get_output().stderr).into_owned();
    assert!(
        stderr.contains("merged 5 partial aggregates of 300 respondents"),
        "{stderr}"
    );
    canvass()
        .args(["report", SURVEY, DATA, "--out"])
        .arg(dir.path().join("whole"))
        .assert()
        .success();
    let read = |p: &str| std::fs::read(dir.path().join(p)).unwrap();
    assert!(
        read("merged/aggregates.json") == read("whole/aggregates.json"),
        "the merged aggregates.json differs from the one-pass report's"
    );
    assert_eq!(
        read("merged/aggregates.parquet"),
        read("whole/aggregates.parquet")
    );
    let md = String::from_utf8(read("merged/report.md")).unwrap();
    assert!(md.contains("| All files | 300 | 300 | 0 |"), "{md}");

    // `analyze` without --partial writes the aggregates of its one file.
    canvass()
        .args(["analyze", SURVEY, DATA, "--out"])
        .arg(dir.path().join("single.json"))
        .assert()
        .success();
    assert!(read("single.json") == read("whole/aggregates.json"));
}

#[test]
fn mistakes_are_named_with_their_file_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let parts = partitions(&dir.path().join("ingested"), "200");
    let good = dir.path().join("good.json");
    partial(&parts[0], &good, &["--seed", "7"]);

    let fails = |args: &[&std::ffi::OsStr], message: &str| {
        let output = canvass().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(message),
            "expected `{message}` in: {stderr}"
        );
    };
    let os = |s: &str| std::ffi::OsString::from(s);
    let out = dir.path().join("report");

    // Another seed than the partial was made with.
    fails(
        &[
            os("report").as_os_str(),
            os(SURVEY).as_os_str(),
            os("--from-partials").as_os_str(),
            good.as_os_str(),
            os("--out").as_os_str(),
            out.as_os_str(),
        ],
        "cannot merge these partial aggregates: it was made with --seed 7, but this analysis asks for 1",
    );
    // Another survey.
    fails(
        &[
            os("report").as_os_str(),
            os("surveys/capabilities-roles.toml").as_os_str(),
            os("--from-partials").as_os_str(),
            good.as_os_str(),
            os("--out").as_os_str(),
            out.as_os_str(),
        ],
        "it is of survey `frontier-roles-2027`, not `capabilities-roles`",
    );
    // Not JSON at all: the place is given.
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\n  \"format\": \"canvass-partial\",\n  oops\n}\n",
    )
    .unwrap();
    fails(
        &[
            os("report").as_os_str(),
            os(SURVEY).as_os_str(),
            os("--from-partials").as_os_str(),
            broken.as_os_str(),
            os("--out").as_os_str(),
            out.as_os_str(),
        ],
        &format!(
            "{}:3:3: not a canvass partial aggregates file",
            broken.display()
        ),
    );
    // A response file given as a partial.
    fails(
        &[
            os("report").as_os_str(),
            os(SURVEY).as_os_str(),
            os("--from-partials").as_os_str(),
            os(DATA).as_os_str(),
            os("--out").as_os_str(),
            out.as_os_str(),
        ],
        "not a canvass partial aggregates file",
    );
    // A partition of another survey.
    fails(
        &[
            os("analyze").as_os_str(),
            os("surveys/capabilities-roles.toml").as_os_str(),
            parts[0].as_os_str(),
            os("--partial").as_os_str(),
            os("--out").as_os_str(),
            dir.path().join("x.json").as_os_str(),
        ],
        "is not a column of survey `capabilities-roles`",
    );
    fails(
        &[
            os("ingest").as_os_str(),
            os(SURVEY).as_os_str(),
            os(DATA).as_os_str(),
            os("--rows-per-partition").as_os_str(),
            os("0").as_os_str(),
            os("--out").as_os_str(),
            dir.path().join("zero").as_os_str(),
        ],
        "--rows-per-partition must be at least 1",
    );
}
