//! The default survey's data and definition are derived from the shared seed panel
//! (`../shared/seed-panel/`). These tests keep them from drifting apart. The committed
//! files are used at run time, so canvass never needs `../shared`; when it is absent (a
//! clone on its own) these tests say so and pass.
//!
//! To regenerate `data/capabilities-roles/seed-panel.csv` from the coding:
//! `CANVASS_UPDATE_SEED=1 cargo test --test seed_panel`.

mod common;

use common::root;
use std::path::{Path, PathBuf};

fn shared_seed() -> Option<PathBuf> {
    let dir = root().join("../shared/seed-panel");
    if dir.join("coding.csv").is_file() {
        Some(dir)
    } else {
        eprintln!("../shared/seed-panel is not beside this checkout: drift checks skipped");
        None
    }
}

const DATA: &str = "data/capabilities-roles/seed-panel.csv";

/// The coding as a canonical response file: respondent_id = panelist, summary = answer.
fn canonical_from_coding(coding: &Path) -> Vec<u8> {
    let mut reader = csv::Reader::from_path(coding).unwrap();
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "panelist",
            "stance",
            "considerations",
            "conditions",
            "summary"
        ],
        "the coding's columns changed: update this conversion"
    );
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "respondent_id",
            "stance",
            "considerations",
            "conditions",
            "answer",
        ])
        .unwrap();
    for record in reader.records() {
        writer.write_record(&record.unwrap()).unwrap();
    }
    writer.into_inner().unwrap()
}

#[test]
fn seed_panel_csv_is_the_coding_in_canonical_form() {
    let Some(seed) = shared_seed() else { return };
    let expected = canonical_from_coding(&seed.join("coding.csv"));
    let path = root().join(DATA);
    if std::env::var_os("CANVASS_UPDATE_SEED").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let committed = std::fs::read(&path).unwrap();
    assert!(
        committed == expected,
        "{DATA} differs from ../shared/seed-panel/coding.csv; regenerate it with CANVASS_UPDATE_SEED=1 cargo test --test seed_panel"
    );
}

#[test]
fn default_survey_codes_and_labels_match_the_codebook() {
    let Some(seed) = shared_seed() else { return };
    let survey = canvass::survey::load(&root().join("surveys/capabilities-roles.toml"))
        .unwrap()
        .survey;
    let mut reader = csv::Reader::from_path(seed.join("codebook.csv")).unwrap();
    let mut stance = Vec::new();
    let mut considerations = Vec::new();
    for record in reader.records() {
        let r = record.unwrap();
        let entry = (r[1].to_string(), r[2].to_string(), r[3].to_string());
        match &r[0] {
            "stance" => stance.push(entry),
            "consideration" => considerations.push(entry),
            _ => {}
        }
    }
    let as_entries = |question: &str| -> Vec<(String, String, String)> {
        survey
            .question(question)
            .unwrap()
            .choices()
            .iter()
            .map(|c| {
                let direction = c.direction.map_or("", |d| d.as_str());
                (c.code.clone(), c.label.to_string(), direction.to_string())
            })
            .collect()
    };
    assert_eq!(as_entries("stance"), stance);
    assert_eq!(as_entries("considerations"), considerations);
}
