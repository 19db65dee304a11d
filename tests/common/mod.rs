//! What every end-to-end test file needs: the project folder, and the binary run from it.

// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::Command;

/// The project folder (where `surveys/` and `data/` are).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `canvass` binary, run from the project folder.
pub fn canvass() -> Command {
    let mut cmd = Command::cargo_bin("canvass").unwrap();
    cmd.current_dir(root());
    cmd
}
