//! Writing generated files. Every stage that produces files returns them as
//! [`OutputFile`]s; only this module touches the disk, so how output is written (one
//! place to make it atomic) is decided once.

use std::ffi::OsString;
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

/// The one file every report folder holds, whatever formats were asked for: an existing
/// folder is replaced only if it has one (or is empty), so that `--out` given a folder
/// canvass did not write (the project, a data folder) is refused, not swept away.
pub const REPORT_MARK: &str = "rejects.csv";

/// Writes `files` as the folder `dir`, replacing any folder there as a whole: a reader,
/// or a run killed at any moment, sees the previous folder or the new one, never a mix.
///
/// The steps, and what a kill (SIGKILL, power loss after the syncs) at each leaves:
/// 1. write every file into `<dir>.tmp-<pid>` and sync it: `dir` is untouched; the
///    temporary is left behind and removed by the next run into `dir`;
/// 2. rename `dir` to `<dir>.old-<pid>`: for the moment between this rename and the next
///    `dir` does not exist, and a kill there leaves the previous report whole under
///    `<dir>.old-<pid>`; the next run into `dir` renames it back before anything else;
/// 3. rename `<dir>.tmp-<pid>` to `dir`: the new report is in place;
/// 4. remove `<dir>.old-<pid>`: a kill leaves it, and the next run removes it.
///
/// Refused, before anything is written: a `dir` that holds one of `inputs` (or is one),
/// and an existing `dir` that is not a folder canvass wrote (see [`REPORT_MARK`]).
pub fn replace_dir(dir: &Path, files: &[OutputFile], inputs: &[&Path]) -> Result<()> {
    refuse_inputs_within(dir, inputs)?;
    // Resolved, so that `reports/x/` and `reports/./x` have their siblings beside them.
    let dir = &resolved(dir);
    if dir.file_name().is_none() {
        return Err(Error::Usage(format!(
            "--out {} names no folder that can be replaced: give a folder by name",
            dir.display()
        )));
    }
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    recover(dir).map_err(write_error(dir))?;
    if dir.exists() {
        refuse_foreign_folder(dir)?;
    }
    let temp = sibling(dir, "tmp", std::process::id());
    let old = sibling(dir, "old", std::process::id());
    if temp.exists() {
        fs::remove_dir_all(&temp).map_err(write_error(&temp))?;
    }
    let written = write_all(&temp, files).and_then(|()| {
        let mut folders: Vec<PathBuf> = files
            .iter()
            .filter_map(|f| temp.join(&f.path).parent().map(Path::to_path_buf))
            .collect();
        folders.push(temp.clone());
        folders.sort();
        folders.dedup();
        folders.iter().try_for_each(|folder| sync_dir(folder))
    });
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&temp);
        return Err(e);
    }
    let replaced = dir.exists();
    if replaced {
        fs::rename(dir, &old).map_err(write_error(dir))?;
    }
    if let Err(source) = fs::rename(&temp, dir) {
        // Put the previous folder back: the run failed, and it must not cost the old report.
        if replaced {
            let _ = fs::rename(&old, dir);
        }
        let _ = fs::remove_dir_all(&temp);
        return Err(Error::Write {
            path: dir.to_path_buf(),
            source,
        });
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        sync_dir(parent)?;
    }
    if replaced {
        fs::remove_dir_all(&old).map_err(write_error(&old))?;
    }
    Ok(())
}

/// `<dir>.<what>-<pid>`, beside `dir`, so that renames stay on one file system.
fn sibling(dir: &Path, what: &str, pid: u32) -> PathBuf {
    let mut name: OsString = dir.as_os_str().to_owned();
    name.push(format!(".{what}-{pid}"));
    PathBuf::from(name)
}

/// What killed runs into `dir` left beside it (see [`replace_dir`]): a previous folder
/// moved aside with no new one in its place is put back; other leftovers are removed.
/// Two runs writing the same folder at once are not supported.
fn recover(dir: &Path) -> io::Result<()> {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return Ok(());
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    let prefix = {
        let mut p = name.to_owned();
        p.push(".");
        p.into_string().unwrap_or_default()
    };
    let mut leftovers: Vec<(bool, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let old = rest.strip_prefix("old-");
        let tmp = rest.strip_prefix("tmp-");
        if let Some(pid) = old.or(tmp) {
            if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) {
                leftovers.push((old.is_some(), entry.path()));
            }
        }
    }
    leftovers.sort();
    for (is_old, path) in leftovers {
        if is_old && !dir.exists() {
            fs::rename(&path, dir)?;
        } else {
            fs::remove_dir_all(&path)?;
        }
    }
    Ok(())
}

/// Refuses to replace a folder that is not empty and holds no [`REPORT_MARK`].
fn refuse_foreign_folder(dir: &Path) -> Result<()> {
    let read_error = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "--out {} is a file, not a folder: give a folder for the report",
            dir.display()
        )));
    }
    let empty = fs::read_dir(dir).map_err(read_error)?.next().is_none();
    if empty || dir.join(REPORT_MARK).is_file() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "--out {} is a folder canvass did not write (it has no {REPORT_MARK}): the report replaces its folder whole, so give a new or empty folder, or one that holds an earlier report",
        dir.display()
    )))
}

/// Refuses output at `dir` when `dir` is one of `inputs` or holds one of them: writing
/// there would replace what is being read.
pub fn refuse_inputs_within(dir: &Path, inputs: &[&Path]) -> Result<()> {
    let out = resolved(dir);
    for input in inputs {
        let input_at = resolved(input);
        if input_at.starts_with(&out) {
            return Err(Error::Usage(format!(
                "--out {} would replace the input {}: write the output somewhere else",
                dir.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// Refuses to write `output` when it is one of `inputs` (the same file, however named).
pub fn refuse_overwriting_input(output: &Path, inputs: &[&Path]) -> Result<()> {
    let out = resolved(output);
    match inputs.iter().find(|input| resolved(input) == out) {
        Some(input) => Err(Error::Usage(format!(
            "--out {} is the input {}: write the output to another file",
            output.display(),
            input.display()
        ))),
        None => Ok(()),
    }
}

/// `path` with links and `..` resolved as far as it exists, for comparing paths that
/// name the same file differently; the part that does not exist yet is kept as written.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return missing.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_owned());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Makes the entries of `dir` (files renamed in, folders made) survive a power loss.
fn sync_dir(dir: &Path) -> Result<()> {
    // Windows cannot open a folder as a file; there a rename is durable as it is.
    if cfg!(windows) {
        return Ok(());
    }
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| Error::Write {
            path: dir.to_path_buf(),
            source,
        })
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

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    fn report(text: &str) -> Vec<OutputFile> {
        vec![
            OutputFile::new("index.html", text),
            OutputFile::new(REPORT_MARK, "file,line\n"),
            OutputFile::new("charts/a.svg", "<svg/>"),
        ]
    }

    #[test]
    fn a_report_folder_is_replaced_whole() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("report");
        replace_dir(&out, &report("first"), &[]).unwrap();
        fs::write(out.join("charts/stale.svg"), "from an older run").unwrap();
        replace_dir(&out, &report("second"), &[]).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("index.html")).unwrap(),
            "second"
        );
        assert_eq!(names(&out.join("charts")), ["a.svg"]);
        assert_eq!(names(root.path()), ["report"], "no temporaries are left");
    }

    #[test]
    fn a_folder_canvass_did_not_write_is_refused_and_left_alone() {
        let root = tempfile::tempdir().unwrap();
        fs::write(root.path().join("notes.txt"), "mine").unwrap();
        let error = replace_dir(root.path(), &report("r"), &[]).unwrap_err();
        assert!(matches!(error, Error::Usage(_)), "{error}");
        assert!(
            error.to_string().contains("canvass did not write"),
            "{error}"
        );
        assert_eq!(names(root.path()), ["notes.txt"]);
        // An empty folder is fine.
        let empty = root.path().join("empty");
        fs::create_dir(&empty).unwrap();
        replace_dir(&empty, &report("r"), &[]).unwrap();
        assert!(empty.join("index.html").is_file());
    }

    #[test]
    fn output_over_an_input_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        fs::create_dir(&data).unwrap();
        let input = data.join("responses.csv");
        fs::write(&input, "respondent_id\n").unwrap();
        fs::write(data.join(REPORT_MARK), "").unwrap();
        // Named another way (`..`), it is the same folder.
        let other_name = data.join("../data");
        let error = replace_dir(&other_name, &report("r"), &[&input]).unwrap_err();
        assert!(
            error.to_string().contains("would replace the input"),
            "{error}"
        );
        assert_eq!(fs::read_to_string(&input).unwrap(), "respondent_id\n");
        let error = refuse_overwriting_input(&data.join("./responses.csv"), &[&input]).unwrap_err();
        assert!(error.to_string().contains("is the input"), "{error}");
        refuse_overwriting_input(&data.join("other.csv"), &[&input]).unwrap();
    }

    #[test]
    fn leftovers_of_a_killed_run_are_recovered() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("report");
        // Killed between moving the previous report aside and moving the new one in.
        replace_dir(&sibling(&out, "old", 7), &report("previous"), &[]).unwrap();
        replace_dir(&sibling(&out, "tmp", 7), &report("half"), &[]).unwrap();
        recover(&out).unwrap();
        assert_eq!(names(root.path()), ["report"]);
        assert_eq!(
            fs::read_to_string(out.join("index.html")).unwrap(),
            "previous"
        );
        // Killed while writing: the temporary goes, the report stays.
        replace_dir(&sibling(&out, "tmp", 8), &report("half"), &[]).unwrap();
        replace_dir(&out, &report("next"), &[]).unwrap();
        assert_eq!(names(root.path()), ["report"]);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "next");
    }
}
