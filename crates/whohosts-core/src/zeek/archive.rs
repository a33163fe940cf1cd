//! Expands the paths given into the files to read: a file is itself; a directory is walked
//! recursively (a Zeek logger's archive `YYYY-MM-DD/conn.HH:MM:SS-HH:MM:SS.log.gz`, a
//! `current/` directory, or any tree), in sorted order so results are reproducible. Names
//! are not looked at: every regular file is a candidate and its content decides.

use std::fs;
use std::path::{Path, PathBuf};

use super::error::{FileError, FileProblem};

/// Deepest directory nesting walked (an archive tree is 1 deep).
pub const MAX_DEPTH: usize = 16;

/// The files under `paths`, and the paths that could not be walked.
pub(crate) fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        walk(path, 0, true, &mut files, &mut problems);
    }
    (files, problems)
}

fn walk(path: &Path, depth: usize, given: bool, files: &mut Vec<PathBuf>, problems: &mut Vec<FileProblem>) {
    let problem = |error| FileProblem { path: path.to_owned(), error };
    // Follow a symlink only when the user named it; inside a tree, links could loop.
    let meta = if given { fs::metadata(path) } else { fs::symlink_metadata(path) };
    let meta = match meta {
        Ok(m) => m,
        Err(e) => return problems.push(problem(FileError::Io { reason: e.to_string() })),
    };
    if meta.is_file() {
        return files.push(path.to_owned());
    }
    if !meta.is_dir() {
        return; // sockets, fifos, links inside a tree
    }
    if depth >= MAX_DEPTH {
        return problems.push(problem(FileError::TooDeep { limit: MAX_DEPTH }));
    }
    let entries = match fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) => return problems.push(problem(FileError::Io { reason: e.to_string() })),
    };
    let mut children: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => children.push(entry.path()),
            Err(e) => problems.push(problem(FileError::Io { reason: e.to_string() })),
        }
    }
    children.sort();
    for child in children {
        walk(&child, depth + 1, false, files, problems);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_the_archive_tree_in_order() {
        let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/zeek/icloud-archive"));
        let (files, problems) = expand(&[root]);
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<String> = files
            .iter()
            .filter_map(|f| {
                f.strip_prefix(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/zeek/icloud-archive")).ok()
            })
            .map(|f| f.display().to_string())
            .collect();
        assert_eq!(
            names,
            vec![
                "2025-06-09/conn.17:00:00-18:00:00.log.gz",
                "2025-06-09/dns.17:00:00-18:00:00.log.gz",
                "2025-06-09/http.17:00:00-18:00:00.log.gz",
                "2025-06-09/quic.17:00:00-18:00:00.log.gz",
                "2025-06-09/ssl.17:00:00-18:00:00.log.gz",
                "2025-06-09/weird.17:00:00-18:00:00.log.gz",
            ]
        );
    }

    #[test]
    fn missing_path_is_a_problem_not_a_panic() {
        let (files, problems) = expand(&[PathBuf::from("/no/such/zeek/dir")]);
        assert!(files.is_empty());
        assert!(matches!(problems.as_slice(), [FileProblem { error: FileError::Io { .. }, .. }]));
    }
}
