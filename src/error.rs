use std::fmt;
use std::panic::{AssertUnwindSafe, PanicHookInfo};
use std::path::PathBuf;
use std::sync::Mutex;

use crate::diagnostic::Report;

/// What a command that ran to the end found: the exit code says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything read was accepted (exit 0).
    Clean,
    /// The command finished, but some input had problems: rejected rows, or
    /// definition warnings with `--deny-warnings` (exit 1).
    InputProblems,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::InputProblems => 1,
        }
    }

    /// The worse of two outcomes, for commands that run several steps.
    pub fn and(self, other: Outcome) -> Outcome {
        if self == Outcome::InputProblems || other == Outcome::InputProblems {
            Outcome::InputProblems
        } else {
            Outcome::Clean
        }
    }
}

/// Why a command could not run (exit 2). Problems inside response data are not errors:
/// they become rejects, and the command finishes with [`Outcome::InputProblems`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The survey definition has errors; the report renders each with its source line.
    #[error("{0}")]
    Definition(Report),
    /// The definition has errors, and the command has already written them out in the
    /// form asked for (`check --format json`): only the exit code is left to give.
    #[error("the definition has errors")]
    DefinitionWritten,
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The command line asked for something that cannot be done.
    #[error("{0}")]
    Usage(String),
    /// A bug or an environment failure inside canvass.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        2
    }

    pub fn internal(what: impl fmt::Display) -> Error {
        Error::Internal(what.to_string())
    }
}

impl From<polars::error::PolarsError> for Error {
    fn from(e: polars::error::PolarsError) -> Error {
        Error::Internal(format!("polars: {e}"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where and why the last panic happened, as the panic hook saw it: the payload alone
/// has no location.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Makes panics quiet: the hook only notes where and why, for [`catching_panics`] to
/// report once as an internal error. Panics that canvass catches and handles itself
/// (calamine's, see `import::workbook::without_panics`) then print nothing either.
/// With `RUST_BACKTRACE` set, Rust's own message and backtrace are printed as well.
pub fn quiet_panics() {
    let default = std::panic::take_hook();
    let verbose = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
    std::panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
        let place = info.location().map_or_else(String::new, |l| {
            format!(" at {}:{}:{}", l.file(), l.line(), l.column())
        });
        let noted = format!("{}{place}", payload_text(info.payload()));
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(noted);
        }
        if verbose {
            default(info);
        }
    }));
}

/// Runs a command, turning a panic (a bug: no input may cause one) into
/// [`Error::Internal`], so that the user gets one clear message and exit code 2 rather
/// than Rust's panic text and 101. Panics on rayon's threads reach here too: rayon
/// passes them on to the thread that waits for the work.
pub fn catching_panics<T>(command: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(AssertUnwindSafe(command)) {
        Ok(result) => result,
        Err(payload) => {
            let noted = LAST_PANIC.lock().ok().and_then(|mut last| last.take());
            let what = noted.unwrap_or_else(|| payload_text(payload.as_ref()));
            Err(Error::Internal(format!(
                "canvass panicked: {what}. This is a bug in canvass, not a problem with your input: please report it, with the command you ran"
            )))
        }
    }
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error_with_exit_code_2() {
        let error =
            catching_panics(|| -> Result<()> { panic!("the {} broke", "widget") }).unwrap_err();
        assert!(matches!(error, Error::Internal(_)), "{error}");
        let text = error.to_string();
        assert!(
            text.starts_with("internal error: canvass panicked: "),
            "{text}"
        );
        assert!(text.contains("the widget broke"), "{text}");
        assert!(text.contains("please report it"), "{text}");
        assert_eq!(error.exit_code(), 2);
    }

    #[test]
    fn no_panic_no_change() {
        assert_eq!(catching_panics(|| Ok(3)).unwrap(), 3);
        let error = catching_panics(|| -> Result<()> { Err(Error::Usage("no".into())) });
        assert!(matches!(error, Err(Error::Usage(_))));
    }

    #[test]
    fn a_panic_on_a_rayon_thread_is_caught_too() {
        use rayon::prelude::*;
        let error = catching_panics(|| -> Result<()> {
            (0..64)
                .into_par_iter()
                .for_each(|i| assert!(i != 40, "row {i}"));
            Ok(())
        })
        .unwrap_err();
        assert!(error.to_string().contains("row 40"), "{error}");
    }
}
