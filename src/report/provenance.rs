//! Where a report comes from: the survey definition and every response file, each with
//! its SHA-256, and the canvass version, so that a reader can check that a published
//! report was made from the files it names.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// One input file: its path as given and the hex SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// The inputs of one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub survey: Source,
    pub responses: Vec<Source>,
    pub version: &'static str,
}

impl Provenance {
    /// Hashes the survey definition and the response files, in the order given.
    pub fn of(survey: &Path, responses: &[impl AsRef<Path>]) -> Result<Provenance> {
        Ok(Provenance {
            survey: hash_file(survey)?,
            responses: responses
                .iter()
                .map(|p| hash_file(p.as_ref()))
                .collect::<Result<_>>()?,
            version: env!("CARGO_PKG_VERSION"),
        })
    }
}

/// Reads a file in blocks (response files can be large) and hashes it.
fn hash_file(path: &Path) -> Result<Source> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(read_error)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let read = match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(e)),
        };
        hasher.update(&buffer[..read]);
        bytes += read as u64;
    }
    Ok(Source {
        path: path.display().to_string(),
        sha256: hex(&hasher.finalize()),
        bytes,
    })
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of bytes in memory, as hex (for tests and in-memory inputs).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_the_published_test_vector() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("r.csv");
        std::fs::write(&file, b"abc").unwrap();
        let p = Provenance::of(&file, &[&file]).unwrap();
        assert_eq!(p.survey.sha256, sha256_hex(b"abc"));
        assert_eq!((p.responses.len(), p.survey.bytes), (1, 3));
    }

    #[test]
    fn an_unreadable_file_is_a_read_error_naming_it() {
        let missing = Path::new("no/such/file.csv");
        match Provenance::of(missing, &[missing]) {
            Err(Error::Read { path, .. }) => assert_eq!(path, missing),
            other => panic!("{other:?}"),
        }
    }
}
