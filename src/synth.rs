//! Synthetic institutions for benchmarks and load tests, and the Alma the
//! built-in target serves. [`institution`] copies the tables (institution,
//! catalogue, units, profiles) of an existing access folder and writes N
//! logins cloned from its login files under new primary ids, so every
//! generated login is as valid, and as varied, as the sample.
//! [`with_alma`] also gives the synthetic institution an Alma: each clone's
//! user is its template's user in a description of the source's Alma (the
//! sample's committed one), under the clone's id, so Alma agrees with the
//! files as the sample's Alma agrees with the sample's, with no reconciler
//! involved. [`built_in`] is the built-in target's Alma for any repository
//! (`fallback.rs`).

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::Path;

use crate::emulator::Description;

mod fallback;

pub use fallback::{built_in, fallback};

/// A login file used as a template, with the unit folder it lives in.
struct Template {
    unit: String,
    /// The primary id (the file name).
    id: String,
    text: String,
}

/// A synthetic institution written by [`with_alma`]: its logins and the
/// template each was cloned from.
#[derive(Clone, Debug)]
pub struct Synthetic {
    /// The primary ids written, in order.
    pub ids: Vec<String>,
    /// The template of each id, by index.
    templates: Vec<String>,
    /// Every template's primary id, lowercased.
    all: BTreeSet<String>,
}

/// Writes an access folder with `n` logins to `dst`, cloned from `src`'s in
/// turn. Returns the primary ids written, in order. Ids are `9` followed by
/// seven digits, so they never collide with the sample's.
pub fn institution(src: &Path, dst: &Path, n: usize) -> io::Result<Vec<String>> {
    let templates = copy_tables(src, dst)?;
    let order: Vec<&Template> = (0..n).map(|i| &templates[i % templates.len()]).collect();
    Ok(write_logins(dst, &order)?.ids)
}

/// Like [`institution`], for an Alma described by `alma` (a description of
/// the source's Alma): every template is cloned once first, so each of
/// `alma`'s kinds of drift and each login waiting for an account appears
/// once; after that, only templates whose user `alma` holds without drift
/// are cloned, so the drift stays that of the source however large `n`
/// (and stays within the safety gates). [`Synthetic::alma`] then clones
/// the users.
pub fn with_alma(src: &Path, dst: &Path, n: usize, alma: &Description) -> io::Result<Synthetic> {
    let templates = copy_tables(src, dst)?;
    let clean: Vec<&Template> = templates
        .iter()
        .filter(|t| alma.user(&t.id).is_some_and(|u| u.drift.is_none()))
        .collect();
    if clean.is_empty() && n > templates.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the description holds no user without drift for a login of the source",
        ));
    }
    let order: Vec<&Template> = (0..n)
        .map(|i| match i.checked_sub(templates.len()) {
            None => &templates[i],
            Some(k) => clean[k % clean.len()],
        })
        .collect();
    let mut synthetic = write_logins(dst, &order)?;
    synthetic.all = templates.iter().map(|t| t.id.to_lowercase()).collect();
    Ok(synthetic)
}

impl Synthetic {
    /// `description` (of the source's Alma) for the synthetic institution:
    /// each login's user is its template's, with the template's staff
    /// logins, under the login's id (a template without a user leaves the
    /// clone waiting for an account); the users no template names (patrons,
    /// staff without a login file) are kept; and `patrons_per_login`
    /// patrons per login are added, cloned from the description's patrons
    /// under ids `P000000000`, `P000000001`, and so on.
    pub fn alma(&self, description: &Description, patrons_per_login: usize) -> Description {
        let template = |id: &str| self.all.contains(&id.to_lowercase());
        let mut out = description.clone();
        out.users.retain(|u| !template(&u.primary_id));
        out.staff_logins.0.retain(|(id, _)| !template(id));
        for (id, from) in self.ids.iter().zip(&self.templates) {
            if let Some(user) = description.user(from) {
                let mut user = user.clone();
                user.primary_id = id.clone();
                out.users.push(user);
            }
            if let Some(history) = description.staff_logins.get(from) {
                out.staff_logins.0.push((id.clone(), history.clone()));
            }
        }
        let patrons: Vec<_> = description
            .users
            .iter()
            .filter(|u| u.record == "PUBLIC")
            .collect();
        if !patrons.is_empty() {
            for i in 0..patrons_per_login * self.ids.len() {
                let mut patron = patrons[i % patrons.len()].clone();
                patron.primary_id = format!("P{i:09}");
                out.users.push(patron);
            }
        }
        out.users.sort_by_key(|u| u.primary_id.to_lowercase());
        out
    }
}

/// Copies the tables and profiles; returns the login files to clone.
fn copy_tables(src: &Path, dst: &Path) -> io::Result<Vec<Template>> {
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
    Ok(templates)
}

/// Writes one login per template of `order`, the i-th as `9` and i in seven digits.
fn write_logins(dst: &Path, order: &[&Template]) -> io::Result<Synthetic> {
    let mut ids = Vec::with_capacity(order.len());
    for (i, template) in order.iter().enumerate() {
        let id = format!("9{i:07}");
        let folder = dst.join("logins").join(&template.unit);
        fs::create_dir_all(&folder)?;
        fs::write(
            folder.join(format!("{id}.yaml")),
            with_primary_id(&template.text, &id),
        )?;
        ids.push(id);
    }
    Ok(Synthetic {
        ids,
        templates: order.iter().map(|t| t.id.clone()).collect(),
        all: BTreeSet::new(),
    })
}

fn templates(logins: &Path) -> io::Result<Vec<Template>> {
    let mut out = Vec::new();
    let mut units: Vec<_> = fs::read_dir(logins)?.collect::<Result<_, _>>()?;
    units.sort_by_key(|e| e.file_name());
    for unit in units {
        let mut files: Vec<_> = fs::read_dir(unit.path())?.collect::<Result<_, _>>()?;
        files.sort_by_key(|e| e.file_name());
        for file in files {
            let path = file.path();
            out.push(Template {
                unit: unit.file_name().to_string_lossy().into_owned(),
                id: path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                text: fs::read_to_string(&path)?,
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
    use crate::emulator::seed;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn generated_institutions_validate() {
        let dir = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("access");
        let ids = institution(&src, dir.path(), 100).unwrap();
        assert_eq!(ids.len(), 100);
        let (_, outcome) = crate::validate::validate_dir(dir.path(), today());
        let errors: Vec<_> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(outcome.repo.unwrap().logins.len(), 100);
    }

    #[test]
    fn a_synthetic_alma_clones_the_templates_users() {
        let dir = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("access");
        let production = seed::sample("production").unwrap();
        let synthetic = with_alma(&src, dir.path(), 200, &production).unwrap();
        let alma = synthetic.alma(&production, 2);
        let drifted = alma.users.iter().filter(|u| u.drift.is_some()).count();
        let sample_drift = production.users.iter().filter(|u| u.drift.is_some());
        assert_eq!(drifted, sample_drift.count(), "drift once");
        let missing = synthetic
            .ids
            .iter()
            .filter(|id| alma.user(id).is_none())
            .count();
        let absent = templates(&src.join("logins"))
            .unwrap()
            .iter()
            .filter(|t| production.user(&t.id).is_none())
            .count();
        // The two waiting for an account, and the sandbox's own: once each.
        assert_eq!(missing, absent);
        assert_eq!(absent, 3);
        let patrons = alma.users.iter().filter(|u| u.record == "PUBLIC").count();
        assert_eq!(patrons, 4 + 2 * 200);
        // No user of the sample's logins is left; those without a login file are.
        for user in &production.users {
            let kept = alma.user(&user.primary_id).is_some();
            let is_template = src.join("logins").read_dir().unwrap().any(|unit| {
                let file = format!("{}.yaml", user.primary_id);
                unit.unwrap().path().join(file).exists()
            });
            assert_eq!(kept, !is_template, "{}", user.primary_id);
        }
        let clone = &synthetic.ids[50];
        assert!(alma.staff_logins.get(clone).is_some() || alma.user(clone).is_none());
        let state = seed::from_description(&alma, today());
        state.check().unwrap();
    }
}
