use std::fmt;
use std::path::PathBuf;

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
