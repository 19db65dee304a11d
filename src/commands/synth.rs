use std::io::{self, Write as _};
use std::path::Path;

use crate::error::{Error, Outcome, Result};
use crate::output;
use crate::synth::Synth;

/// `canvass synth SURVEY --rows N --seed S [--out FILE]`: a synthetic response file,
/// streamed to the file or to standard output as it is made.
pub fn run(arg: &str, rows: u64, seed: u64, out: Option<&Path>) -> Result<Outcome> {
    let loaded = super::load_survey(arg)?;
    if let Some(path) = out {
        output::refuse_overwriting_input(path, &[&super::survey_path(arg)])?;
    }
    let synth = Synth::new(&loaded.survey, rows, seed)?;
    match out {
        Some(path) => {
            output::write_streamed(path, |out| synth.write(out))?;
            eprintln!(
                "wrote {}: {rows} synthetic responses to `{}`, seed {seed}",
                path.display(),
                loaded.survey.id
            );
        }
        None => {
            let stdout = io::stdout().lock();
            let mut buffered = io::BufWriter::with_capacity(1 << 16, stdout);
            match synth.write(&mut buffered).and_then(|()| buffered.flush()) {
                // A closed pipe (`canvass synth x --rows 1000000 --seed 1 | head`) is a
                // normal end: the reader has what it wanted.
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                    return Err(Error::Write {
                        path: "<stdout>".into(),
                        source: e,
                    });
                }
                _ => {}
            }
        }
    }
    Ok(Outcome::Clean)
}
