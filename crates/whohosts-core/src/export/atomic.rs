//! Writing export files so that a reader never sees half a file: everything goes to a
//! temporary file in the destination's directory, is synced, then renamed over the
//! destination. Owns the overwrite policy and the files' permissions; knows nothing of what
//! is written. Only regular files are ever replaced: a device, a pipe or a symlink in the
//! destination's place is refused, since a rename would swap it for a plain file.

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
    #[error("{path} is {kind}, not a regular file: whohosts only replaces regular files")]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("{path}: {reason}")]
    Io { path: PathBuf, reason: String },
}

/// Mode of a new export file before the umask: what any program's new files get.
pub const SHARED_MODE: u32 = 0o666;
/// Mode of a new file that holds captured payloads (a pcap): the owner's alone.
pub const PRIVATE_MODE: u32 = 0o600;

/// Longest part of the destination's name put into the temporary file's name, so that the
/// temporary name stays under the 255-byte limit of common file systems.
const MAX_NAME_IN_TEMP: usize = 100;

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
    /// The permissions of the file being replaced, which the new one keeps.
    replaced_mode: Option<u32>,
}

/// What a non-regular file is, for the message.
fn special_kind(file_type: std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_file() {
        None
    } else if file_type.is_symlink() {
        Some("a symbolic link")
    } else if file_type.is_dir() {
        Some("a directory")
    } else if file_type.is_fifo() {
        Some("a pipe")
    } else if file_type.is_char_device() || file_type.is_block_device() {
        Some("a device")
    } else {
        Some("a special file")
    }
}

/// The destination as it is now: `None` when nothing is there, else the mode of the regular
/// file to replace. Anything else is refused, and so is any file under [`Overwrite::Refuse`].
fn check_destination(destination: &Path, overwrite: Overwrite) -> Result<Option<u32>, AtomicError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = match std::fs::symlink_metadata(destination) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(AtomicError::io(destination, e)),
    };
    if let Some(kind) = special_kind(meta.file_type()) {
        return Err(AtomicError::NotRegular { path: destination.to_path_buf(), kind });
    }
    if overwrite == Overwrite::Refuse {
        return Err(AtomicError::Exists { path: destination.to_path_buf() });
    }
    Ok(Some(meta.permissions().mode() & 0o7777))
}

/// An I/O error's text without the temporary file's name, which tempfile appends and which
/// means nothing to the user.
fn without_temp_name(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" at path ") {
        Some(cut) => text.get(..cut).unwrap_or_default().to_string(),
        None => text,
    }
}

/// At most `max` bytes of `name`, cut at a character boundary.
fn shortened(name: &str, max: usize) -> &str {
    let mut end = name.len().min(max);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name.get(..end).unwrap_or_default()
}

impl AtomicFile {
    /// Starts a file that will become `destination`, readable as the umask allows
    /// ([`SHARED_MODE`]). Refuses early when it exists and the policy says so, or when
    /// something other than a regular file is there, so that no work is wasted.
    pub fn create(destination: &Path, overwrite: Overwrite) -> Result<AtomicFile, AtomicError> {
        Self::create_with_mode(destination, overwrite, SHARED_MODE)
    }

    /// Like [`AtomicFile::create`] for data only its owner should read ([`PRIVATE_MODE`]).
    pub fn create_private(destination: &Path, overwrite: Overwrite) -> Result<AtomicFile, AtomicError> {
        Self::create_with_mode(destination, overwrite, PRIVATE_MODE)
    }

    /// A new file gets `mode` less the umask; a replaced file keeps its own permissions.
    fn create_with_mode(destination: &Path, overwrite: Overwrite, mode: u32) -> Result<AtomicFile, AtomicError> {
        use std::os::unix::fs::PermissionsExt;
        let replaced_mode = check_destination(destination, overwrite)?;
        let dir = match destination.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = destination.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{}.", shortened(&name, MAX_NAME_IN_TEMP)))
            .suffix(".tmp")
            .permissions(std::fs::Permissions::from_mode(mode))
            .tempfile_in(&dir)
            .map_err(|e| {
                AtomicError::io(
                    destination,
                    format!("cannot create a file in {}: {}", dir.display(), without_temp_name(&e)),
                )
            })?;
        Ok(AtomicFile { destination: destination.to_path_buf(), overwrite, temp, replaced_mode })
    }

    /// A message from a writer that opened [`AtomicFile::temp_path`] itself, with the
    /// temporary name replaced by the destination's.
    pub fn name_destination(&self, message: &str) -> String {
        message.replace(&self.temp.path().display().to_string(), &self.destination.display().to_string())
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
        use std::os::unix::fs::PermissionsExt;
        let AtomicFile { destination, overwrite, temp, replaced_mode } = self;
        // fsync works on the file, not the descriptor: this also covers data libpcap wrote
        // through its own handle.
        temp.as_file().sync_all().map_err(|e| AtomicError::io(&destination, e))?;
        // Something may have taken the destination's place while the data was written.
        let replaced_mode = check_destination(&destination, overwrite)?.or(replaced_mode);
        if let Some(mode) = replaced_mode {
            temp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(mode))
                .map_err(|e| AtomicError::io(&destination, e))?;
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
    fn special_files_and_symlinks_are_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out.fifo");
        let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string; mkfifo only creates a node.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let link = dir.path().join("stdout.json");
        std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
        // A private twin of /dev/null where this process may make one (root): run as root,
        // a regression would otherwise replace the machine's own /dev/null.
        let twin = dir.path().join("null-device");
        let c_twin = std::ffi::CString::new(twin.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string; mknod only creates a node (it fails without CAP_MKNOD).
        let made = unsafe { libc::mknod(c_twin.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) } == 0;
        let device = if made { twin.as_path() } else { Path::new("/dev/null") };
        for (path, kind) in [(device, "a device"), (&fifo, "a pipe"), (&link, "a symbolic link")] {
            let err = write_atomically(path, Overwrite::Replace, |w| w.write_all(b"x")).unwrap_err();
            assert!(matches!(&err, AtomicError::NotRegular { kind: k, .. } if *k == kind), "{err}");
            assert!(err.to_string().contains(&path.display().to_string()), "{err}");
        }
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert!(std::fs::symlink_metadata(device).unwrap().file_type().is_char_device());
        let nodes = if made { 3 } else { 2 };
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), nodes, "no temporary file is left");
    }

    #[test]
    fn permissions_follow_the_umask_and_a_replaced_file_keeps_its_own() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        // The umask is process-wide; read it without changing it for other tests' threads.
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let umask = status
            .lines()
            .find_map(|l| l.strip_prefix("Umask:"))
            .map(|v| u32::from_str_radix(v.trim(), 8).unwrap())
            .unwrap();
        let shared = dir.path().join("table.csv");
        write_atomically(&shared, Overwrite::Refuse, |w| w.write_all(b"a")).unwrap();
        assert_eq!(mode(&shared), SHARED_MODE & !umask);
        let private = dir.path().join("frames.pcap");
        AtomicFile::create_private(&private, Overwrite::Refuse).unwrap().commit().unwrap();
        assert_eq!(mode(&private), PRIVATE_MODE & !umask);
        let secret = dir.path().join("secret.json");
        std::fs::write(&secret, b"old").unwrap();
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomically(&secret, Overwrite::Replace, |w| w.write_all(b"new")).unwrap();
        assert_eq!(mode(&secret), 0o600);
    }

    #[test]
    fn long_names_fit_the_temporary_name() {
        let dir = tempfile::tempdir().unwrap();
        let name = format!("{}.json", "\u{e9}".repeat(120));
        assert!(name.len() > 240 && name.len() < 255);
        let path = dir.path().join(&name);
        write_atomically(&path, Overwrite::Refuse, |w| w.write_all(b"{}")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
    }

    #[test]
    fn errors_do_not_name_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone").join("x.csv");
        let err = write_atomically(&missing, Overwrite::Replace, |_| Ok(())).unwrap_err().to_string();
        assert!(err.contains("x.csv") && !err.contains(".x.csv.") && !err.contains("at path"), "{err}");
    }

    #[test]
    fn a_missing_directory_is_named() {
        let err = write_atomically(Path::new("/no/such/dir/x.csv"), Overwrite::Replace, |_| Ok(())).unwrap_err();
        assert!(err.to_string().contains("/no/such/dir"), "{err}");
    }
}
