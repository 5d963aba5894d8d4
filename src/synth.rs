//! Synthetic institutions for benchmarks and load tests: copies the tables
//! (institution, catalogue, units, profiles) of an existing access folder
//! and writes N logins cloned from its login files under new primary ids,
//! so every generated login is as valid, and as varied, as the sample.

use std::fs;
use std::io;
use std::path::Path;

/// A login file used as a template, with the unit folder it lives in.
struct Template {
    unit: String,
    text: String,
}

/// Writes an access folder with `n` logins to `dst`, cloned from `src`'s.
/// Returns the primary ids written, in order. Ids are `9` followed by
/// seven digits, so they never collide with the sample's.
pub fn institution(src: &Path, dst: &Path, n: usize) -> io::Result<Vec<String>> {
    fs::create_dir_all(dst.join("profiles"))?;
    for table in ["institution.yaml", "catalog.yaml", "units.yaml"] {
        fs::copy(src.join(table), dst.join(table))?;
    }
    for entry in fs::read_dir(src.join("profiles"))? {
        let entry = entry?;
        fs::copy(entry.path(), dst.join("profiles").join(entry.file_name()))?;
    }
    let templates = templates(&src.join("logins"))?;
    if templates.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the source has no login files to clone",
        ));
    }
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let template = &templates[i % templates.len()];
        let id = format!("9{i:07}");
        let folder = dst.join("logins").join(&template.unit);
        fs::create_dir_all(&folder)?;
        fs::write(
            folder.join(format!("{id}.yaml")),
            with_primary_id(&template.text, &id),
        )?;
        ids.push(id);
    }
    Ok(ids)
}

fn templates(logins: &Path) -> io::Result<Vec<Template>> {
    let mut out = Vec::new();
    let mut units: Vec<_> = fs::read_dir(logins)?.collect::<Result<_, _>>()?;
    units.sort_by_key(|e| e.file_name());
    for unit in units {
        let mut files: Vec<_> = fs::read_dir(unit.path())?.collect::<Result<_, _>>()?;
        files.sort_by_key(|e| e.file_name());
        for file in files {
            out.push(Template {
                unit: unit.file_name().to_string_lossy().into_owned(),
                text: fs::read_to_string(file.path())?,
            });
        }
    }
    Ok(out)
}

/// Replaces the `primary_id:` line's value.
fn with_primary_id(text: &str, id: &str) -> String {
    text.lines()
        .map(|line| {
            if line.starts_with("primary_id:") {
                format!("primary_id: \"{id}\"")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_institutions_validate() {
        let dir = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("access");
        let ids = institution(&src, dir.path(), 100).unwrap();
        assert_eq!(ids.len(), 100);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let (_, outcome) = crate::validate::validate_dir(dir.path(), today);
        let errors: Vec<_> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(outcome.repo.unwrap().logins.len(), 100);
    }
}
