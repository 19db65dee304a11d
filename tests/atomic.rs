//! A report folder is replaced whole or not at all, and output never replaces an input
//! (issue 9, "atomic output"; how: src/output.rs, `replace_dir`).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{canvass, root};

/// Every file under `dir`, by path relative to it, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, into: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, into);
            } else {
                let bytes = fs::read(&path).unwrap();
                into.insert(path.strip_prefix(base).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// A synthetic panel of the frontier survey (every question kind, so many charts).
fn panel(dir: &Path, rows: u32, seed: u32) -> PathBuf {
    let path = dir.join(format!("panel-{seed}.csv"));
    canvass()
        .args(["synth", "frontier-roles-2027", "--rows", &rows.to_string()])
        .args(["--seed", &seed.to_string(), "--out"])
        .arg(&path)
        .assert()
        .success();
    path
}

fn report_command(responses: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("canvass"));
    cmd.current_dir(root())
        .args(["report", "frontier-roles-2027"])
        .arg(responses)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// The temporary folder a run writes the new report into, once it has appeared.
fn temporary(parent: &Path) -> Option<PathBuf> {
    fs::read_dir(parent).ok()?.find_map(|e| {
        let path = e.ok()?.path();
        let name = path.file_name()?.to_str()?;
        name.starts_with("report.tmp-").then_some(path)
    })
}

#[test]
fn a_run_killed_while_writing_leaves_the_previous_report_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let first = panel(dir.path(), 200, 1);
    let status = report_command(&first, &out).status().unwrap();
    assert!(status.success(), "the first report is written");
    let previous = snapshot(&out);
    assert!(previous.contains_key(Path::new("index.html")));
    assert!(previous.keys().any(|p| p.starts_with("charts")));

    // A larger panel, other answers: a finished run would change the report.
    let second = panel(dir.path(), 3_000, 2);
    let mut killed_while_writing = false;
    for _attempt in 0..5 {
        let mut child = report_command(&second, &out).spawn().unwrap();
        let started = Instant::now();
        loop {
            if temporary(dir.path()).is_some() {
                child.kill().unwrap();
                killed_while_writing = true;
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "the run hangs"
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        let status = child.wait().unwrap();
        if killed_while_writing {
            assert!(!status.success(), "killed before it finished");
            break;
        }
        // It finished before the poll saw its temporary folder: put the previous report
        // back and try again.
        fs::remove_dir_all(&out).unwrap();
        report_command(&first, &out).status().unwrap();
    }
    assert!(killed_while_writing, "no attempt was caught while writing");
    assert_eq!(
        snapshot(&out),
        previous,
        "the previous report is byte for byte what it was"
    );

    // The next run clears what the killed one left and puts the new report in place.
    let status = report_command(&second, &out).status().unwrap();
    assert!(status.success());
    assert_eq!(names(dir.path()), ["panel-1.csv", "panel-2.csv", "report"]);
    assert_ne!(snapshot(&out), previous);
}

#[test]
fn a_report_over_its_inputs_is_refused_and_they_are_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fs::create_dir(&data).unwrap();
    let responses = data.join("responses.csv");
    fs::copy(
        root().join("data/capabilities-roles/seed-panel.csv"),
        &responses,
    )
    .unwrap();
    let survey = dir.path().join("survey.toml");
    fs::copy(root().join("surveys/capabilities-roles.toml"), &survey).unwrap();
    let before = (fs::read(&responses).unwrap(), fs::read(&survey).unwrap());

    let refused = |args: &[&std::ffi::OsStr], says: &str| {
        let output = canvass().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    };
    let s = |p: &Path| p.as_os_str().to_owned();
    // The folder the responses are in, named as it is or another way.
    for out in [data.clone(), data.join("../data/")] {
        refused(
            &[
                "report".as_ref(),
                &s(&survey),
                &s(&responses),
                "--out".as_ref(),
                &s(&out),
            ],
            "would replace the input",
        );
    }
    // The survey file itself, as a report folder or as a form or a synthetic panel.
    refused(
        &[
            "report".as_ref(),
            &s(&survey),
            &s(&responses),
            "--out".as_ref(),
            &s(&survey),
        ],
        "would replace the input",
    );
    let form: [&std::ffi::OsStr; 4] = ["form".as_ref(), &s(&survey), "--out".as_ref(), &s(&survey)];
    refused(&form, "is the input");
    let synth: [&std::ffi::OsStr; 8] = [
        "synth".as_ref(),
        &s(&survey),
        "--rows".as_ref(),
        "3".as_ref(),
        "--seed".as_ref(),
        "1".as_ref(),
        "--out".as_ref(),
        &s(&survey),
    ];
    refused(&synth, "is the input");
    // ingest writes responses.csv into --out: here, over the input.
    refused(
        &[
            "ingest".as_ref(),
            &s(&survey),
            &s(&responses),
            "--out".as_ref(),
            &s(&data),
        ],
        "is the input",
    );
    // A folder canvass did not write is not swept away either.
    refused(
        &[
            "report".as_ref(),
            &s(&survey),
            &s(&responses),
            "--out".as_ref(),
            &s(dir.path()),
        ],
        "would replace the input",
    );
    let other = dir.path().join("other");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("notes.txt"), "mine").unwrap();
    refused(
        &[
            "report".as_ref(),
            &s(&survey),
            &s(&responses),
            "--out".as_ref(),
            &s(&other),
        ],
        "canvass did not write",
    );
    assert_eq!(names(&other), ["notes.txt"]);
    assert_eq!(
        (fs::read(&responses).unwrap(), fs::read(&survey).unwrap()),
        before
    );
    assert_eq!(names(&data), ["responses.csv"]);
}
