use std::path::Path;

use super::*;
use crate::form::xlsform;
use crate::testing;

fn shipped(id: &str) -> Survey {
    let path = format!("{}/surveys/{id}.toml", env!("CARGO_MANIFEST_DIR"));
    crate::survey::load(Path::new(&path)).unwrap().survey
}

fn options(position: Option<&str>) -> Options<'_> {
    Options {
        position,
        definition: Path::new("imported.toml"),
        workbook: Path::new("form.xlsx"),
    }
}

/// Export, then import with no help: the same survey and the same definition text.
fn round_trip(original: &Survey) -> Imported {
    let bytes = xlsform::workbook(original).unwrap();
    let imported = xlsform(&bytes, &options(None));
    let Some(definition) = &imported.definition else {
        panic!("not imported: {:#?}", imported.findings)
    };
    assert_eq!(&definition.survey, original);
    assert_eq!(definition.toml, crate::survey::to_toml(original));
    imported
}

#[test]
fn canvass_workbooks_come_back_as_the_same_survey() {
    for survey in [
        shipped("capabilities-roles"),
        shipped("frontier-roles-2027"),
        testing::every_kind(),
    ] {
        let imported = round_trip(&survey);
        let loud: Vec<&Finding> = imported
            .findings
            .iter()
            .filter(|f| f.severity > Severity::Note)
            .collect();
        assert!(loud.is_empty(), "{}: {loud:#?}", survey.id);
    }
}
