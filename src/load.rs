//! Rule files on disk: finding them under the paths a caller gives, and reading them.
//!
//! Files are taken in sorted path order, so a load never depends on the order a file system
//! lists them in. The same file reached through two paths is read once.

use std::path::{Path, PathBuf};

use crate::error::LoadError;
use crate::source::{GROUPS_FILE, Source, SourceKind, TESTS_SUFFIX};

/// Every rule file the paths name, read, in sorted order.
pub(crate) fn sources<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<Source>, LoadError> {
    let mut files: Vec<(PathBuf, PathBuf)> = Vec::new();
    for root in paths {
        let root = root.as_ref();
        for file in discover(root)? {
            files.push((file, root.to_owned()));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut sources = Vec::with_capacity(files.len());
    for (file, root) in files {
        let canonical = file.canonicalize().unwrap_or_else(|_| file.clone());
        if seen.insert(canonical) {
            sources.push(read(&file, &root)?);
        }
    }
    Ok(sources)
}

/// Files to load: what a path names, in sorted order.
///
/// A rule file brings the `groups.toml` beside it (rules name groups defined there) and its own
/// `*.tests.toml`; a directory gives every `.toml` file below it.
fn discover(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut found = Vec::new();
    if meta.is_dir() {
        walk(path, &mut found)?;
    } else {
        found.push(path.to_owned());
        let name = path.to_string_lossy();
        if SourceKind::of(&name) == Some(SourceKind::RuleSet) {
            // The groups it may name, and the test cases written for it.
            let beside = path.with_file_name(GROUPS_FILE);
            if beside.is_file() {
                found.push(beside);
            }
            if let Some(stem) = name.strip_suffix(".toml") {
                let tests = PathBuf::from(format!("{stem}{TESTS_SUFFIX}"));
                if tests.is_file() {
                    found.push(tests);
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut entries = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(io)?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, found)?;
        } else if SourceKind::of(&path.to_string_lossy()).is_some() {
            found.push(path);
        }
    }
    Ok(())
}

/// Reads a file found by [`discover`]. `root` is the path the caller gave; the digest key is the
/// path relative to it, so the same tree digests the same wherever it lies.
fn read(path: &Path, root: &Path) -> Result<Source, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
        path: path.to_owned(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    let base = if root.is_dir() {
        root
    } else {
        root.parent().unwrap_or(root)
    };
    let name = path.to_string_lossy();
    let key = path
        .strip_prefix(base)
        .map_or_else(|_| name.clone(), |relative| relative.to_string_lossy());
    Ok(Source::with_key(&name, &key, text))
}
