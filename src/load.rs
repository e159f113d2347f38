//! Rule files on disk: finding them under the paths a caller gives, and reading them.
//!
//! Files are taken in sorted path order, so a load never depends on the order a file system
//! lists them in. The same file reached through two paths is read once, and each real
//! directory is walked once, however many links lead to it (two links to `.` would otherwise
//! give an endless tree). Hidden files and directories (`.git`, an editor's `.#x.toml` lock
//! link) are not looked at; a file whose name only resembles a rule file's (`X.TOML`,
//! `x.toml.new`) is an error rather than silently left out. Only regular files are read, their
//! size checked before any byte is, and the read itself is bounded.

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::error::LoadError;
use crate::source::{GROUPS_FILE, MAX_FILE_BYTES, Source, SourceKind, TESTS_SUFFIX};

/// Every rule file the paths name, read, in sorted order.
pub(crate) fn sources<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<Source>, LoadError> {
    let mut files: Vec<(PathBuf, PathBuf)> = Vec::new();
    for root in paths {
        let root = root.as_ref();
        for file in discover(root)? {
            files.push((file, root.to_owned()));
        }
    }
    let mut seen = BTreeSet::new();
    let mut sources = Vec::with_capacity(files.len());
    for (file, root) in files {
        let canonical = file.canonicalize().unwrap_or_else(|_| file.clone());
        if seen.insert(canonical) {
            let source = read(&file, &root)?;
            // A party list's declaration brings the data files it names, read as rule files
            // are (regular files only, bounded); one that does not exist is reported by the
            // declaration's reading, at the path's place.
            let data = if source.kind() == SourceKind::List {
                crate::parties::data_paths(&source)
            } else {
                Vec::new()
            };
            sources.push(source);
            for relative in data {
                let path = file.with_file_name("").join(&relative);
                if std::fs::symlink_metadata(&path).is_err() {
                    continue;
                }
                let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
                if seen.insert(canonical) {
                    sources.push(read(&path, &root)?.into_data());
                }
            }
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
        walk(path, &mut found, &mut BTreeSet::new())?;
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

/// What a file's name says about it in a directory of rule files.
#[derive(Debug, PartialEq, Eq)]
enum Name {
    /// A rule file (`x.toml`, `groups.toml`, `x.tests.toml`).
    Rules,
    /// Hidden (`.x`), or nothing to do with TOML: not looked at.
    Other,
    /// Looks like a rule file but is not named as one.
    Misnamed(&'static str),
}

fn classify(file_name: &str) -> Name {
    if file_name.starts_with('.') {
        return Name::Other;
    }
    if SourceKind::of(file_name).is_some() {
        return Name::Rules;
    }
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".toml") {
        Name::Misnamed("rule files are named `*.toml`, in lower case")
    } else if lower.contains(".toml") {
        Name::Misnamed(
            "a copy or backup beside the rule files is not read (move it away, or name it `*.toml` to load it)",
        )
    } else {
        Name::Other
    }
}

fn walk(
    dir: &Path,
    found: &mut Vec<PathBuf>,
    walked: &mut BTreeSet<PathBuf>,
) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_owned(),
        source,
    };
    // Each real directory once: links to a directory already walked add nothing, and a link
    // to one of its own parents would never end.
    let real = dir.canonicalize().map_err(io)?;
    if !walked.insert(real) {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(io)?;
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, found, walked)?;
            continue;
        }
        match classify(&name) {
            Name::Rules => found.push(path),
            Name::Other => {}
            Name::Misnamed(hint) => {
                return Err(LoadError::Misnamed {
                    path,
                    hint: hint.to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// What a file that is not a regular file is, in words.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// Reads one file a caller names beside the rules (a licence register): a regular file,
/// bounded, as rule files are read.
pub(crate) fn file(path: &Path) -> Result<Source, LoadError> {
    read(path, path)
}

/// Reads a file found by [`discover`]. `root` is the path the caller gave; the digest key is the
/// path relative to it, so the same tree digests the same wherever it lies.
fn read(path: &Path, root: &Path) -> Result<Source, LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_owned(),
        source,
    };
    // Look before opening: opening a FIFO would wait for a writer.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(LoadError::NotAFile {
            path: path.to_owned(),
            what: kind_of(&meta),
        });
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(LoadError::TooLarge {
            path: path.to_owned(),
            bytes: meta.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // Bounded even if the file grows (or was swapped) after it was measured.
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: path.to_owned(),
            bytes: bytes.len() as u64,
            limit: MAX_FILE_BYTES,
        });
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_resemble_rule_files_are_told_apart() {
        for (name, want) in [
            ("x.toml", Name::Rules),
            ("groups.toml", Name::Rules),
            ("x.tests.toml", Name::Rules),
            (".#x.toml", Name::Other),
            (".x.toml.swp", Name::Other),
            ("README.md", Name::Other),
            ("SOURCE", Name::Other),
        ] {
            assert_eq!(classify(name), want, "{name}");
        }
        for name in ["X.TOML", "x.Toml", "x.toml.new", "x.toml~", "x.toml.bak"] {
            assert!(matches!(classify(name), Name::Misnamed(_)), "{name}");
        }
    }
}
