//! A login file in the wrong place: directly under `logins/`, in a folder
//! below a unit's folder, or ending in `.yml`. It is not read as a login
//! (its place says nothing trustworthy about its unit), so it is an error
//! whose help gives the exact path to move it to, taken from the file's
//! own `unit` and `primary_id` when they can be read and are safe to put
//! in a path.

use std::path::Path;

use super::read;
use crate::diag::{Code, Diagnostic};
use crate::yaml::{self, Value};

/// Whether the entry at `rel` (relative to the access folder) looks like a
/// login file out of place: a YAML file below `logins/` that is not at
/// `logins/<unit>/<id>.yaml`, with no hidden folder on the way.
pub(super) fn is_misplaced_login(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let yaml = rel.ends_with(".yaml") || rel.ends_with(".yml");
    let hidden = parts.iter().any(|p| p.starts_with('.'));
    let in_place = parts.len() == 3 && rel.ends_with(".yaml");
    parts.first() == Some(&"logins") && parts.len() >= 2 && yaml && !hidden && !in_place
}

/// The error for the misplaced login file at `path`, shown as `display`
/// (`prefix` + `rel`).
pub(super) fn misplaced_login(path: &Path, display: &str, rel: &str) -> Diagnostic {
    let prefix = &display[..display.len().saturating_sub(rel.len())];
    let file_name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = file_name
        .strip_suffix(".yaml")
        .or_else(|| file_name.strip_suffix(".yml"))
        .unwrap_or(file_name);
    let in_unit_folder = rel.split('/').count() == 3;
    let message = if in_unit_folder {
        "login files end in `.yaml`: this file is not read"
    } else {
        "a login file outside `logins/<unit>/` is not read"
    };
    let d = Diagnostic::error(Code::MisplacedLogin, display, message);
    match declared(path) {
        Some((unit, id)) => d.help(format!("move it to `{prefix}logins/{unit}/{id}.yaml`")),
        None => d.help(format!(
            "move it to `{prefix}logins/<unit>/{stem}.yaml`, where <unit> is the login's `unit`"
        )),
    }
}

/// The `unit` and `primary_id` the file declares, when both read as
/// plain path segments.
fn declared(path: &Path) -> Option<(String, String)> {
    let bytes = read::read_regular(path).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let root = yaml::parse(&text).root?;
    let text_at = |key: &str| match root.get(key).map(|e| &e.value.value) {
        Some(Value::Str(s)) if segment(s) => Some(s.clone()),
        _ => None,
    };
    Some((text_at("unit")?, text_at("primary_id")?))
}

/// A value safe to put in a path and to show: letters, digits, `.`, `_`,
/// `@` and `-`, not starting with a dot.
fn segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_files_out_of_place_are_recognised() {
        for rel in [
            "logins/80012345.yaml",
            "logins/main/old/80012345.yaml",
            "logins/main/80012345.yml",
        ] {
            assert!(is_misplaced_login(rel), "{rel}");
        }
        for rel in [
            "logins/main/80012345.yaml",
            "logins/README.md",
            "logins/.hidden/x.yaml",
            "profiles/x.yml",
            "80012345.yaml",
        ] {
            assert!(!is_misplaced_login(rel), "{rel}");
        }
    }

    #[test]
    fn the_help_names_the_exact_path_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("80012345.yaml");
        std::fs::write(&path, "primary_id: \"80012345\"\nunit: main\n").unwrap();
        let d = misplaced_login(&path, "access/logins/80012345.yaml", "logins/80012345.yaml");
        assert_eq!(d.code, Code::MisplacedLogin);
        assert!(d.is_error());
        assert_eq!(
            d.help.as_deref(),
            Some("move it to `access/logins/main/80012345.yaml`")
        );
    }

    #[test]
    fn an_unsafe_or_unreadable_unit_gives_the_pattern() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.yml");
        std::fs::write(&path, "primary_id: \"80012345\"\nunit: ../../etc\n").unwrap();
        let d = misplaced_login(&path, "logins/main/x.yml", "logins/main/x.yml");
        assert_eq!(
            d.message,
            "login files end in `.yaml`: this file is not read"
        );
        assert_eq!(
            d.help.as_deref(),
            Some("move it to `logins/<unit>/x.yaml`, where <unit> is the login's `unit`")
        );
    }
}
