//! Writing generated files. Every stage that produces files returns them as
//! [`OutputFile`]s; only this module touches the disk, so how output is written (one
//! place to make it atomic) is decided once.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A generated file: where it goes, relative to the output folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Writes each file under `dir`, creating folders as needed. Each file is written to a
/// temporary name and renamed into place, so a reader never sees half a file.
pub fn write_all(dir: &Path, files: &[OutputFile]) -> Result<()> {
    for file in files {
        write_file(&dir.join(&file.path), &file.bytes)?;
    }
    Ok(())
}

/// Writes one file through a temporary sibling and a rename.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    write_streamed(path, |out| out.write_all(bytes))
}

/// Creates each file under `dir`, creating folders as needed, but never replaces a file
/// that exists: for files a person goes on to edit (`canvass new`), where overwriting
/// would lose their work. Callers say which files exist before calling, for a clear
/// message; this refuses as well, in case one appeared in between.
pub fn create_new_files(dir: &Path, files: &[OutputFile]) -> Result<()> {
    for file in files {
        let path = dir.join(&file.path);
        let write_error = |source| Error::Write {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(write_error)?;
        }
        let mut created = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(write_error)?;
        std::io::Write::write_all(&mut created, &file.bytes).map_err(write_error)?;
    }
    Ok(())
}

/// Writes one file as `write` produces it, buffered, through a temporary sibling and a
/// rename like [`write_file`]: for output too large to hold in memory (synthetic panels
/// of millions of rows). The temporary is removed if writing fails.
pub fn write_streamed(
    path: &Path,
    write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
) -> Result<()> {
    let write_error = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(write_error)?;
    }
    let mut temp = path.as_os_str().to_owned();
    temp.push(format!(".tmp-{}", std::process::id()));
    let temp = PathBuf::from(temp);
    let written = fs::File::create(&temp).and_then(|file| {
        let mut out = io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out)?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()
    });
    written.and_then(|()| fs::rename(&temp, path)).map_err(|e| {
        let _ = fs::remove_file(&temp);
        write_error(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creating_new_files_never_replaces_one() {
        let dir = tempfile::tempdir().unwrap();
        let files = [OutputFile::new("surveys/x.toml", "new")];
        create_new_files(dir.path(), &files).unwrap();
        let path = dir.path().join("surveys/x.toml");
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        fs::write(&path, "edited").unwrap();
        let error = create_new_files(dir.path(), &files).unwrap_err();
        assert!(matches!(error, Error::Write { .. }), "{error}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "edited");
    }

    #[test]
    fn writes_nested_files_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            OutputFile::new("a.txt", "one"),
            OutputFile::new("charts/b.svg", "<svg/>"),
        ];
        write_all(dir.path(), &files).unwrap();
        assert_eq!(fs::read_to_string(dir.path().join("a.txt")).unwrap(), "one");
        assert_eq!(
            fs::read_to_string(dir.path().join("charts/b.svg")).unwrap(),
            "<svg/>"
        );
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
    }

    #[test]
    fn streamed_files_are_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep/big.csv");
        write_streamed(&path, |out: &mut dyn io::Write| {
            (0..1000).try_for_each(|i| writeln!(out, "row {i}"))
        })
        .unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 1000);
        assert!(text.ends_with("row 999\n"));

        let failed = dir.path().join("failed.csv");
        let error = write_streamed(&failed, |out: &mut dyn io::Write| {
            out.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(
            error.to_string().contains("failed.csv: disk full"),
            "{error}"
        );
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["deep"]);
    }
}
