//! Writing export files so that a reader never sees half a file: everything goes to a
//! temporary file in the destination's directory, is synced, then renamed over the
//! destination. Owns the overwrite policy; knows nothing of what is written.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// What to do when the destination already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Fail with [`AtomicError::Exists`] (the CLI without `--force`).
    Refuse,
    /// Replace it (the app after the user confirmed, the CLI with `--force`).
    Replace,
}

#[derive(Debug, thiserror::Error)]
pub enum AtomicError {
    #[error("{path} already exists (use --force to overwrite it)")]
    Exists { path: PathBuf },
    #[error("{path}: {reason}")]
    Io { path: PathBuf, reason: String },
}

impl AtomicError {
    fn io(path: &Path, e: impl std::fmt::Display) -> Self {
        AtomicError::Io { path: path.to_path_buf(), reason: e.to_string() }
    }
}

/// A file being written; nothing appears at the destination until [`AtomicFile::commit`].
/// Dropping it without committing removes the temporary file.
pub struct AtomicFile {
    destination: PathBuf,
    overwrite: Overwrite,
    temp: NamedTempFile,
}

impl AtomicFile {
    /// Starts a file that will become `destination`. Refuses early when it exists and the
    /// policy says so, so that no work is wasted.
    pub fn create(destination: &Path, overwrite: Overwrite) -> Result<AtomicFile, AtomicError> {
        if overwrite == Overwrite::Refuse && destination.exists() {
            return Err(AtomicError::Exists { path: destination.to_path_buf() });
        }
        let dir = match destination.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = destination.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| AtomicError::io(destination, format!("cannot create a file in {}: {e}", dir.display())))?;
        Ok(AtomicFile { destination: destination.to_path_buf(), overwrite, temp })
    }

    /// Where the data goes until the commit, for writers that open paths themselves (libpcap).
    pub fn temp_path(&self) -> &Path {
        self.temp.path()
    }

    pub fn destination(&self) -> &Path {
        &self.destination
    }

    /// The open temporary file, for writers that take a `Write`.
    pub fn file(&mut self) -> &mut File {
        self.temp.as_file_mut()
    }

    /// Syncs the data and renames the file over its destination.
    pub fn commit(self) -> Result<PathBuf, AtomicError> {
        let AtomicFile { destination, overwrite, temp } = self;
        // fsync works on the file, not the descriptor: this also covers data libpcap wrote
        // through its own handle.
        temp.as_file().sync_all().map_err(|e| AtomicError::io(&destination, e))?;
        // Temp files are private (0600); an exported figure or table is an ordinary file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = temp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644));
        }
        let persisted = match overwrite {
            Overwrite::Replace => temp.persist(&destination),
            Overwrite::Refuse => temp.persist_noclobber(&destination),
        };
        if let Err(e) = persisted {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                return Err(AtomicError::Exists { path: destination });
            }
            return Err(AtomicError::io(&destination, e.error));
        }
        sync_parent(&destination);
        Ok(destination)
    }
}

/// Makes the rename itself durable. Best effort: some file systems refuse to sync a directory.
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// Writes `destination` atomically with a buffered writer handed to `write`.
pub fn write_atomically(
    destination: &Path,
    overwrite: Overwrite,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<PathBuf, AtomicError> {
    let mut file = AtomicFile::create(destination, overwrite)?;
    {
        let mut out = BufWriter::new(file.file());
        write(&mut out).map_err(|e| AtomicError::io(destination, e))?;
        out.flush().map_err(|e| AtomicError::io(destination, e))?;
    }
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_only_when_allowed_and_leave_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_atomically(&path, Overwrite::Refuse, |w| w.write_all(b"one")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        let err = write_atomically(&path, Overwrite::Refuse, |w| w.write_all(b"two")).unwrap_err();
        assert!(matches!(err, AtomicError::Exists { .. }));
        assert!(err.to_string().contains("out.txt") && err.to_string().contains("--force"), "{err}");
        write_atomically(&path, Overwrite::Replace, |w| w.write_all(b"three")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keep.txt");
        std::fs::write(&path, b"old").unwrap();
        let failed = write_atomically(&path, Overwrite::Replace, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("disk on fire"))
        });
        assert!(failed.unwrap_err().to_string().contains("disk on fire"));
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_directory_is_named() {
        let err = write_atomically(Path::new("/no/such/dir/x.csv"), Overwrite::Replace, |_| Ok(())).unwrap_err();
        assert!(err.to_string().contains("/no/such/dir"), "{err}");
    }
}
