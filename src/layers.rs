//! The layering written in `lib.rs`, checked: every `crate::` path in a
//! module's code (comments aside) names a module at its own rank or below.
//! Ranks follow the diagram, top first; modules of one row share a rank.

use std::fs;
use std::path::{Path, PathBuf};

/// The modules by rank, highest first, as `lib.rs` draws them.
const RANKS: &[&[&str]] = &[
    &["cli", "synth"],
    &["report", "review", "import"],
    &["reconcile"],
    &["lifecycle"],
    &["git"],
    &["editor_schemas"],
    &["validate"],
    &["schema", "load"],
    &["model"],
    &["diag"],
    &["yaml"],
    &["emulator"],
    &["alma"],
    &["retry", "text"],
];

fn rank(module: &str) -> Option<usize> {
    RANKS.iter().position(|row| row.contains(&module))
}

/// The `.rs` files of a module: `src/<name>.rs` and everything under `src/<name>/`.
fn files(src: &Path, module: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let single = src.join(format!("{module}.rs"));
    if single.is_file() {
        out.push(single);
    }
    let mut dirs = vec![src.join(module)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out
}

/// The modules a line of code names as `crate::<module>`.
fn named(line: &str) -> impl Iterator<Item = &str> {
    line.match_indices("crate::").filter_map(|(at, _)| {
        let rest = &line[at + "crate::".len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let before = line[..at].chars().last();
        // `alma_access::crate` is not a thing; skip `$crate::` in macros.
        (before != Some('$')).then(|| &rest[..end])
    })
}

#[test]
fn no_module_uses_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for row in RANKS {
        for module in *row {
            let own = rank(module).expect("listed");
            let files = files(&src, module);
            assert!(!files.is_empty(), "no files for module `{module}`");
            for file in files {
                let text = fs::read_to_string(&file).unwrap();
                for (n, line) in text.lines().enumerate() {
                    if line.trim_start().starts_with("//") {
                        continue;
                    }
                    for other in named(line) {
                        match rank(other) {
                            Some(r) if r < own => wrong.push(format!(
                                "{}:{}: `{module}` uses `{other}`, a layer above it",
                                file.strip_prefix(&src).unwrap_or(&file).display(),
                                n + 1
                            )),
                            _ => {}
                        }
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_module_has_a_rank() {
    let lib = include_str!("lib.rs");
    for line in lib.lines() {
        if let Some(name) = line
            .strip_prefix("pub mod ")
            .and_then(|l| l.strip_suffix(';'))
        {
            assert!(
                rank(name).is_some(),
                "module `{name}` is not in the layering"
            );
        }
    }
}

#[test]
fn a_use_from_above_is_found() {
    let found: Vec<&str> = named("    use crate::reconcile::desired; crate::alma::Role").collect();
    assert_eq!(found, ["reconcile", "alma"]);
    assert_eq!(named("macro: $crate::validate::IntoStep").count(), 0);
}
