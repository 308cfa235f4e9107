//! Checks of the code map (ARCHITECTURE.md) that the compiler does not make: the modules of
//! this crate import each other without a circle, and only `store/` writes SQL.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every module file under `src/`, by its module path (`["store", "orders"]`), with its text
/// before its tests (a test module's `super` is its own file, not the parent).
fn modules() -> BTreeMap<Vec<String>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files
        .into_iter()
        .filter(|f| !f.ends_with("main.rs"))
        .map(|file| {
            let relative = file
                .strip_prefix(&src)
                .expect("under src")
                .with_extension("");
            let mut path: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(path.last().map(String::as_str), Some("mod" | "lib")) {
                path.pop();
            }
            let text = std::fs::read_to_string(&file).expect("a source file");
            let code: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .lines()
                .map(|line| line.split("//").next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n");
            (path, code)
        })
        .collect()
}

/// The module files `code` (of module `at`) refers to through `crate::…` and `super::…`.
fn references(
    at: &[String],
    code: &str,
    known: &BTreeMap<Vec<String>, String>,
) -> BTreeSet<Vec<String>> {
    let resolve = |segments: &[String]| -> Option<Vec<String>> {
        (0..=segments.len())
            .rev()
            .map(|n| segments[..n].to_vec())
            .find(|prefix| known.contains_key(prefix))
    };
    let mut found = BTreeSet::new();
    let bytes = code.as_bytes();
    for (start, word) in [("crate::", 0usize), ("super::", 1)] {
        let mut from = 0;
        while let Some(offset) = code[from..].find(start) {
            let begin = from + offset;
            from = begin + start.len();
            // Not the end of a longer name (`my_crate::`).
            if begin > 0 && (bytes[begin - 1].is_ascii_alphanumeric() || bytes[begin - 1] == b'_') {
                continue;
            }
            let mut segments: Vec<String> = if word == 1 {
                at[..at.len().saturating_sub(1)].to_vec()
            } else {
                Vec::new()
            };
            let rest = &code[from..];
            let path_end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            segments.extend(
                rest[..path_end]
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
            let after = &rest[path_end..];
            if let (true, Some(close)) = (after.starts_with('{'), after.find('}')) {
                // A group: each item's first segment, under the path before it.
                for item in after[1..close].split(',') {
                    let first = item.trim().split("::").next().unwrap_or_default();
                    let first = first.split_whitespace().next().unwrap_or_default();
                    let mut target = segments.clone();
                    if !first.is_empty() && first != "self" {
                        target.push(first.to_string());
                    }
                    found.extend(resolve(&target));
                }
            } else {
                found.extend(resolve(&segments));
            }
        }
    }
    found.remove(at);
    found
}

#[test]
fn the_modules_import_each_other_without_a_circle() {
    let known = modules();
    let graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = known
        .iter()
        .map(|(at, code)| (at.clone(), references(at, code, &known)))
        .collect();
    // Depth-first search; a module met again while it is still open closes a circle.
    fn visit(
        at: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        open: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
    ) -> Result<(), String> {
        if done.contains(at) {
            return Ok(());
        }
        if let Some(i) = open.iter().position(|m| m == at) {
            let circle: Vec<String> = open[i..].iter().chain([at]).map(|m| m.join("::")).collect();
            return Err(circle.join(" → "));
        }
        open.push(at.clone());
        for next in &graph[at] {
            visit(next, graph, open, done)?;
        }
        open.pop();
        done.insert(at.clone());
        Ok(())
    }
    let mut done = BTreeSet::new();
    for at in graph.keys() {
        if let Err(circle) = visit(at, &graph, &mut Vec::new(), &mut done) {
            panic!("modules import each other in a circle: {circle}");
        }
    }
    // The check sees the imports it should: the router imports the routes, a route the store.
    let edge = |from: &str, to: &str| {
        let path = |p: &str| p.split("::").map(str::to_string).collect::<Vec<_>>();
        graph[&path(from)].contains(&path(to))
    };
    assert!(edge("http", "routes::orders"));
    assert!(edge("routes::orders", "store::orders"));
    assert!(
        edge("cases::cancelling", "store"),
        "super-less use of store's helpers"
    );
}

#[test]
fn only_the_store_writes_sql() {
    for (at, code) in modules() {
        let in_store = at.first().is_some_and(|room| room == "store");
        for call in ["sqlx::query", "sqlx::raw_sql", "query_as(", "query_scalar("] {
            assert!(
                in_store || !code.contains(call),
                "{} uses {call}: SQL belongs in store/",
                at.join("::")
            );
        }
    }
}
