//! The front door: parse the arguments, run the command, print any error once, exit with
//! a code that says what happened (0 ok, 1 input problems, 2 could not run).

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use std::process::ExitCode;

use clap::Parser;

use canvass::cli::Cli;
use canvass::{commands, error};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; bad arguments are usage errors (2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // No input may make canvass panic; if a bug does, the user gets one message that says
    // so and exit code 2 (could not run), not Rust's panic text and 101.
    error::quiet_panics();
    match error::catching_panics(|| commands::dispatch(cli)) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(error) => {
            commands::print_error(&error);
            ExitCode::from(error.exit_code())
        }
    }
}
