//! XLSForm end to end through the `canvass` binary: the workbooks `canvass form --format
//! xlsx` writes pass pyxform 4.5.0 (the converter ODK Central and KoboToolbox run) without
//! warnings, and `canvass import` brings them back as the same survey.
//!
//! pyxform comes from the venv `.ci/run` makes (`.venv/bin/xls2xform`). Without it the
//! pyxform test fails when `CI` is set and is skipped with a message otherwise.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use common::{canvass, root};
use serde_json::Value;

/// The shipped surveys and the bilingual fixture with show_if, other, matrix and ranking.
const SURVEYS: [&str; 3] = [
    "surveys/capabilities-roles.toml",
    "surveys/frontier-roles-2027.toml",
    "tests/fixtures/xlsform/mixed.toml",
];

/// Writes the survey's XLSForm into `dir` and returns its path.
fn write_form(survey: &str, dir: &Path) -> PathBuf {
    let stem = Path::new(survey).file_stem().unwrap().to_str().unwrap();
    let form = dir.join(format!("{stem}.xlsx"));
    canvass()
        .args(["form", survey, "--format", "xlsx", "--out"])
        .arg(&form)
        .assert()
        .success();
    form
}

/// `.venv/bin/xls2xform`, or `None` (with a message) when it is not installed outside CI.
fn xls2xform() -> Option<PathBuf> {
    let path = root().join(".venv/bin/xls2xform");
    if path.exists() {
        return Some(path);
    }
    let how = "python3 -m venv .venv && .venv/bin/pip install pyxform==4.5.0";
    if std::env::var_os("CI").is_some() {
        panic!(
            "{} is missing and CI is set; .ci/run installs it: {how}",
            path.display()
        );
    }
    eprintln!(
        "SKIPPED: pyxform validation of the XLSForms: {} is not installed ({how})",
        path.display()
    );
    None
}

#[test]
fn pyxform_converts_every_form_without_warnings() {
    let Some(xls2xform) = xls2xform() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for survey in SURVEYS {
        let form = write_form(survey, dir.path());
        let xml = form.with_extension("xml");
        let output = Process::new(&xls2xform)
            .arg("--json")
            .arg(&form)
            .arg(&xml)
            .output()
            .unwrap();
        // xls2xform 4.5.0 prints its JSON report on standard error.
        let stderr = String::from_utf8_lossy(&output.stderr);
        let report: Value = serde_json::from_str(stderr.trim()).unwrap_or_else(|e| {
            panic!(
                "{survey}: xls2xform printed no JSON ({e}):\n{stderr}\n{}",
                String::from_utf8_lossy(&output.stdout)
            )
        });
        // 100 ok, 101 ok with warnings, 999 error.
        assert_eq!(
            report["code"], 100,
            "{survey}: pyxform says {}: {}",
            report["message"], report["warnings"]
        );
        let xform = fs::read_to_string(&xml).unwrap();
        assert!(xform.contains("<h:html"), "{survey}: no XForm written");
    }
}

#[test]
fn frontier_form_has_the_xlsform_constructs_pyxform_reads() {
    let dir = tempfile::tempdir().unwrap();
    let Some(xls2xform) = xls2xform() else {
        return;
    };
    let form = write_form("surveys/frontier-roles-2027.toml", dir.path());
    let xml = dir.path().join("frontier.xml");
    let status = Process::new(&xls2xform)
        .arg(&form)
        .arg(&xml)
        .output()
        .unwrap()
        .status;
    assert!(status.success());
    let xform = fs::read_to_string(&xml).unwrap();
    // The matrix's table-list group becomes pyxform's label/list-nolabel grid; the ranking
    // an odk:rank; a probability a decimal; show_if a relevant that requires an answer for
    // `!=`.
    assert!(xform.contains(r#"appearance="list-nolabel""#));
    assert!(xform.contains("<odk:rank"));
    assert!(xform.contains(r#"type="decimal""#));
    assert!(xform.contains(
        "relevant=\" /data/position/stance  != '' and  /data/position/stance  != 'strongly_against'\""
    ));
}

#[test]
fn import_gives_back_an_equal_survey_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    for survey in SURVEYS {
        let form = write_form(survey, dir.path());
        let original = canvass::survey::load(&root().join(survey)).unwrap().survey;
        // The definition's file name must match its id, as in surveys/.
        let back_dir = dir.path().join("back");
        fs::create_dir_all(&back_dir).unwrap();
        let back = back_dir.join(format!("{}.toml", original.id));
        let output = canvass()
            .arg("import")
            .arg(&form)
            .arg("--out")
            .arg(&back)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{survey}: {stderr}");
        assert!(!stderr.contains("warning"), "{survey}: {stderr}");
        let imported = canvass::survey::load(&back).unwrap().survey;
        assert_eq!(imported, original, "{survey}");
        // Written to standard output without --out, the same text.
        let stdout = canvass().arg("import").arg(&form).output().unwrap().stdout;
        assert_eq!(
            String::from_utf8(stdout).unwrap(),
            fs::read_to_string(&back).unwrap()
        );
    }
}

#[test]
fn xlsx_without_out_is_a_usage_error() {
    let output = canvass()
        .args([
            "form",
            "surveys/capabilities-roles.toml",
            "--format",
            "xlsx",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "binary written to the terminal");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("give --out PATH"), "{stderr}");
}

#[test]
fn import_of_a_foreign_form_reports_places_and_exit_codes() {
    let form = "tests/fixtures/xlsform/odk-form.xlsx";
    // No position: no definition, exit 2, the candidates named.
    let output = canvass().args(["import", form]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("give --position QUESTION; ordinal candidates (select_one questions): `stance`, `worked_at_lab`"),
        "{stderr}"
    );
    // With it: a definition, and exit 1 because the geopoint question is left out.
    let output = canvass()
        .args(["import", form, "--position", "stance"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("tests/fixtures/xlsform/odk-form.xlsx: warning: sheet `survey`, row 18, column A (`type`): `geopoint` questions have no canvass kind; `where` is not imported"),
        "{stderr}"
    );
    let toml = String::from_utf8(output.stdout).unwrap();
    assert!(toml.contains("id = \"pause_poll\""), "{toml}");
    assert!(
        toml.contains("show_if = \"stance in ['agree', 'strongly_agree']\""),
        "{toml}"
    );
    // A file that is not a workbook: exit 2 and a message, no panic.
    let output = canvass()
        .args(["import", "surveys/capabilities-roles.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a spreadsheet"), "{stderr}");
}
