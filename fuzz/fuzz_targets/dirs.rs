//! Loading rule directories: arbitrary trees of files, directories, links (to files, to
//! directories, to parents, dangling, to devices) and FIFOs, built in a fresh directory each
//! time. Loading never hangs (a FIFO is never opened, a loop never walked twice), never panics,
//! and gives the same answer twice; what it loads is only regular files.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use arbitrary::Arbitrary;
use export_control::{LoadError, Rulebook};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
enum Entry {
    File { dir: u8, name: u8, content: u8 },
    Dir { dir: u8, name: u8 },
    Link { dir: u8, name: u8, target: u8 },
    Fifo { dir: u8, name: u8 },
}

const NAMES: [&str; 12] = [
    "a.toml", "groups.toml", "a.tests.toml", "B.TOML", "a.toml.new", ".#a.toml", "sub", "x",
    ".hidden", "c.toml", "notes.md", "a.toml~",
];
// Links stay inside this process's own directories (`..` and `../..` of a tree are
// `ec-fuzz-dirs-PID/t/` and `ec-fuzz-dirs-PID/`), or point at places no other process changes
// while the target runs. A run on 2026-12-02 died on an input that does not fail alone, most
// likely because links to `/tmp` and `../..` reached directories other programs were writing,
// so the two loads of one tree could differ (fuzz/log.txt).
const TARGETS: [&str; 8] = [".", "..", "../..", "a.toml", "/dev/zero", "/nonexistent", "sub", "/usr/share/zoneinfo"];
const RULE_SET: &str = "[ruleset]\nid = \"s\"\ntitle = \"t\"\nauthority = \"a\"\njurisdiction = \"KZ\"\ncitations = [\"c\"]\nsources = [\"s\"]\nversion = \"1\"\nstatus = \"draft\"\n[[rule]]\nid = \"r\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = { hs_code = [\"93\"] }\n";
const CONTENTS: [&str; 4] = [RULE_SET, "", "not toml = = =", "[country_group.ABC]\ntitle = \"t\"\nmembers = [\"KZ\"]\nsources = [\"s\"]\n"];

fn root() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir()
        .join(format!("ec-fuzz-dirs-{}", std::process::id()))
        .join("t")
        .join(N.fetch_add(1, Ordering::Relaxed).to_string())
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt as _;
    let mut bytes = path.as_os_str().as_bytes().to_vec();
    bytes.push(0);
    // SAFETY: a NUL-terminated path; mkfifo only creates a file.
    unsafe {
        libc::mkfifo(bytes.as_ptr().cast(), 0o600);
    }
}

fuzz_target!(|entries: Vec<Entry>| {
    let root = root();
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let mut dirs = vec![root.clone()];
    for entry in entries.iter().take(24) {
        let at = |dir: u8, name: u8| dirs[usize::from(dir) % dirs.len()].join(NAMES[usize::from(name) % NAMES.len()]);
        match *entry {
            Entry::File { dir, name, content } => {
                // Only new files: opening an existing FIFO (or a link to one) to write would
                // wait for a reader, and this harness would hang, not the loader.
                use std::io::Write as _;
                if let Ok(mut file) = std::fs::OpenOptions::new().write(true).create_new(true).open(at(dir, name)) {
                    let _ = file.write_all(CONTENTS[usize::from(content) % CONTENTS.len()].as_bytes());
                }
            }
            Entry::Dir { dir, name } => {
                let path = at(dir, name);
                if std::fs::create_dir(&path).is_ok() {
                    dirs.push(path);
                }
            }
            Entry::Link { dir, name, target } => {
                let _ = std::os::unix::fs::symlink(TARGETS[usize::from(target) % TARGETS.len()], at(dir, name));
            }
            Entry::Fifo { dir, name } => mkfifo(&at(dir, name)),
        }
    }
    let first = Rulebook::load(&root);
    let again = Rulebook::load(&root);
    match (&first, &again) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.digest(), b.digest());
            for source in a.sources() {
                let meta = std::fs::metadata(source.name()).expect("a loaded file exists");
                assert!(meta.is_file(), "{} is not a regular file", source.name());
            }
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("two loads of the same tree disagree: {first:?} / {again:?}"),
    }
    if let Err(LoadError::Invalid(errors)) = &first {
        assert!(!errors.as_slice().is_empty());
    }
    let _ = std::fs::remove_dir_all(&root);
});
