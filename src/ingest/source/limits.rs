//! How large an input may be. Past a limit, reading stops with a message that names the
//! file, where it is, and the limit (with the option that raises it), instead of holding
//! gigabytes in memory: a 100 MB cell, a header of 100,000 columns, or a spreadsheet of a
//! few kilobytes that unpacks to gigabytes (a zip bomb) or spans the whole sheet grid.
//!
//! The defaults are far above any real survey export; the options of `ingest`, `report`
//! and `inspect` change them for one run.

/// The limits of one reading; every file read in a run has the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest one record (one respondent's row, all its cells) of a text file may
    /// be, in bytes (`--max-row-bytes`). Memory while reading stays within about this.
    /// Rows are measured when they outgrow a read block (1 MiB), so a limit below that
    /// acts as 1 MiB.
    pub max_row_bytes: usize,
    /// The most columns a file's header may have (`--max-columns`).
    pub max_columns: usize,
    /// The most a spreadsheet's zip entries may hold together, unpacked, in bytes
    /// (`--max-unpacked-bytes`).
    pub max_unpacked_bytes: u64,
    /// The most cells a sheet's used area (rows × columns, empty ones included: the
    /// reader holds them all) may have (`--max-sheet-cells`).
    pub max_sheet_cells: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_row_bytes: 16 << 20,
            max_columns: 10_000,
            max_unpacked_bytes: 512 << 20,
            max_sheet_cells: 20_000_000,
        }
    }
}

/// A byte count as a person reads it: `16 MiB`, `1536 bytes`.
pub fn bytes(n: u64) -> String {
    const MIB: u64 = 1 << 20;
    if n >= MIB && n % MIB == 0 {
        format!("{} MiB", n / MIB)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_read_as_people_write_them() {
        assert_eq!(bytes(16 << 20), "16 MiB");
        assert_eq!(bytes(1536), "1536 bytes");
        assert_eq!(bytes(Limits::default().max_unpacked_bytes), "512 MiB");
    }
}
