//! The crate's module graph has no cycles: read from the source, every `crate::`, `super::`
//! and `self::` path a module names is an edge to the module that defines it, and at every
//! level of the tree the modules that share a parent depend on each other without a cycle
//! (a module and its own submodules may use each other: that is containment, not a cycle).
//! Paths through the crate root's re-exports are refused, so the graph says where things live.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `a::b` for `src/a/b.rs` and `src/a/b/mod.rs`; `` for the crate root (`src/lib.rs`, or a
/// binary's `main.rs`).
fn module_of(path: &Path, src: &Path) -> String {
    let relative = path.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts.join("::")
}

/// The `.rs` files under `dir`, leaving out the directory `skip` (another crate's sources).
fn files(dir: &Path, skip: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path == skip {
            continue;
        }
        if path.is_dir() {
            files(&path, skip, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Expands a `use` tree (`crate::{a::X, b}`) into its paths.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or(tree).trim().to_owned()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap()];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| expand(&format!("{prefix}{}", p.trim())))
        .collect()
}

/// Every path the file names from `crate`, `super` or `self`, as written; its unit tests
/// (`#[cfg(test)] mod tests`, where `super` is the file itself) are left out.
fn paths(text: &str) -> Vec<String> {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    let uses = regex::Regex::new(r"(?s)\buse\s+((?:crate|super|self)::[^;]*);").unwrap();
    for cap in uses.captures_iter(&code) {
        out.extend(expand(&cap[1]));
    }
    let inline = regex::Regex::new(r"\b((?:crate|super|self)(?:::\w+)+)").unwrap();
    for cap in inline.captures_iter(&uses.replace_all(&code, "")) {
        out.push(cap[1].to_owned());
    }
    out
}

/// The module a path leads to: the longest prefix that is a module.
fn resolve(from: &str, path: &str, modules: &BTreeSet<String>) -> Option<String> {
    let mut segments: Vec<&str> = path.split("::").map(str::trim).collect();
    let mut base: Vec<String> = match segments.first().copied() {
        Some("crate") => Vec::new(),
        Some("self") => from
            .split("::")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        Some("super") => {
            let mut b: Vec<String> = from
                .split("::")
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            b.pop();
            b
        }
        _ => return None,
    };
    segments.remove(0);
    while segments.first() == Some(&"super") {
        base.pop();
        segments.remove(0);
    }
    let mut found = base.join("::");
    for segment in segments {
        let mut next = base.clone();
        next.push(segment.to_owned());
        let candidate = next.join("::");
        if modules.contains(&candidate) {
            found = candidate;
            base = next;
        } else {
            break;
        }
    }
    Some(found)
}

fn is_within(module: &str, ancestor: &str) -> bool {
    ancestor.is_empty() || module == ancestor || module.starts_with(&format!("{ancestor}::"))
}

/// For an edge between modules neither of which contains the other: their lowest common
/// ancestor and the two children of it they lie under.
fn sibling_edge(a: &str, b: &str) -> (String, String, String) {
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split("::").collect(), b.split("::").collect());
    let common = pa.iter().zip(&pb).take_while(|(x, y)| x == y).count();
    let parent = pa[..common].join("::");
    (parent, pa[common].to_owned(), pb[common].to_owned())
}

fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_owned(), 1);
        stack.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied() {
                Some(1) => {
                    let start = stack.iter().position(|n| n == next).unwrap();
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(next, edges, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        if !state.contains_key(node.as_str())
            && let Some(c) = visit(node, edges, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

/// Checks one crate whose root module lives in `src`; `skip` is a directory under it that
/// belongs to another crate. At least `min_edges` edges must be found, so that a scanner
/// that stopped seeing `use` lines fails instead of passing.
fn assert_acyclic(src: &Path, skip: &Path, min_edges: usize) {
    let mut all = Vec::new();
    files(src, skip, &mut all);
    let texts: Vec<(String, String)> = all
        .iter()
        .map(|p| (module_of(p, src), std::fs::read_to_string(p).unwrap()))
        .collect();
    let modules: BTreeSet<String> = texts.iter().map(|(m, _)| m.clone()).collect();
    let mut by_parent: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    let mut through_root = Vec::new();
    let mut edges_seen = 0;
    for (module, text) in &texts {
        if module.is_empty() {
            continue; // the crate root declares and re-exports everything
        }
        for path in paths(text) {
            let Some(target) = resolve(module, &path, &modules) else {
                continue;
            };
            if target.is_empty() {
                through_root.push(format!("{module}: `{path}`"));
                continue;
            }
            if is_within(module, &target) || is_within(&target, module) {
                continue;
            }
            edges_seen += 1;
            let (parent, from, to) = sibling_edge(module, &target);
            by_parent
                .entry(parent)
                .or_default()
                .entry(from)
                .or_default()
                .insert(to);
        }
    }
    assert!(
        through_root.is_empty(),
        "paths through the crate root's re-exports (name the defining module): {through_root:#?}"
    );
    assert!(
        edges_seen >= min_edges,
        "the scan of {} found only {edges_seen} edges",
        src.display()
    );
    for (parent, edges) in &by_parent {
        if let Some(cycle) = find_cycle(edges) {
            panic!(
                "{}: modules under `{}` import each other: {}",
                src.display(),
                if parent.is_empty() { "crate" } else { parent },
                cycle.join(" -> ")
            );
        }
    }
}

#[test]
fn the_module_graph_has_no_cycles_at_any_level() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bin = src.join("bin");
    assert_acyclic(&src, &bin, 50);
}

#[test]
fn the_commands_module_graph_has_no_cycles_either() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/bin/export-control");
    assert_acyclic(&src, Path::new("/nonexistent"), 10);
}

#[test]
fn the_scanner_sees_cycles() {
    let modules: BTreeSet<String> = ["a", "b", "a::x"].iter().map(|s| s.to_string()).collect();
    assert_eq!(
        resolve("a::x", "super::Thing", &modules).as_deref(),
        Some("a")
    );
    assert_eq!(resolve("a", "crate::b::Y", &modules).as_deref(), Some("b"));
    assert_eq!(
        resolve("a", "self::x::Z", &modules).as_deref(),
        Some("a::x")
    );
    assert_eq!(
        expand("crate::{a::X, b::{Y, Z as W}}"),
        ["crate::a::X", "crate::b::Y", "crate::b::Z"]
    );
    let mut edges = BTreeMap::new();
    edges.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    edges.insert("b".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert!(find_cycle(&edges).is_some());
    edges.remove("b");
    assert!(find_cycle(&edges).is_none());
}
