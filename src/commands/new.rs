use std::path::{Path, PathBuf};

use crate::error::{Error, Outcome, Result};
use crate::output::{self, OutputFile};
use crate::survey::{self, scaffold};

/// `canvass new NAME [--root DIR]`: a working, commented survey definition in
/// DIR/surveys/NAME.toml and DIR/data/NAME/README.md, never overwriting either.
pub fn run(name: &str, root: &Path) -> Result<Outcome> {
    if !survey::is_survey_id(name) {
        return Err(Error::Usage(format!(
            "`{name}` cannot be a survey id: use letters, digits, `-` and `_`, starting with a letter or digit (it names surveys/NAME.toml, data/NAME/ and reports/NAME/), e.g. `evals-2026`"
        )));
    }
    let definition = Path::new("surveys").join(format!("{name}.toml"));
    let readme = Path::new("data").join(name).join("README.md");
    for path in [&definition, &readme] {
        let shown = shown(root, path);
        if std::fs::symlink_metadata(root.join(path)).is_ok() {
            return Err(Error::Usage(format!(
                "{} already exists: `canvass new` never overwrites a file; choose another name, or move it away first",
                shown.display()
            )));
        }
    }
    let source = scaffold::survey_template(name);
    let shown_definition = shown(root, &definition);
    // The template is ours: if it ever stops checking, that is a bug, not a user mistake.
    let loaded = survey::parse(&shown_definition.display().to_string(), &source)
        .map_err(|e| Error::internal(format!("the survey template does not check:\n{e}")))?;
    output::create_new_files(
        root,
        &[
            OutputFile::new(&definition, source),
            OutputFile::new(&readme, scaffold::data_readme(&loaded.survey)),
        ],
    )?;
    super::write_stdout(next_steps(name, root, &shown_definition).as_bytes())?;
    Ok(Outcome::Clean)
}

/// A path under the root as the user would type it: without a leading `./`.
fn shown(root: &Path, path: &Path) -> PathBuf {
    if root == Path::new(".") {
        path.to_path_buf()
    } else {
        root.join(path)
    }
}

fn next_steps(name: &str, root: &Path, definition: &Path) -> String {
    let definition = definition.display();
    let data = shown(root, &Path::new("data").join(name));
    let data = data.display();
    let run = if root == Path::new(".") {
        format!("canvass run {name}")
    } else {
        format!("cd {} && canvass run {name}", root.display())
    };
    format!(
        "created {definition}: a small survey that works as it is, every part of the format explained in its comments
created {data}/README.md: response files go in {data}/

Next steps:
  1. Make the survey your own, and check it after each change:
       canvass check {definition}
  2. Write a form for respondents (or --format md to print, csv for the bare header):
       canvass form {definition} --format html --out {name}-form.html
  3. Put the response CSV files in {data}/, then write the report to reports/{name}/:
       {run}
"
    )
}
