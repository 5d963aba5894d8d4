//! Who the login is and where it belongs: its file name and folder (V1),
//! its id once across files (V1), its unit, liaison and profile (V2).

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::load::{FileKind, Loaded, SourceFile};
use crate::model::Unit;
use crate::model::login::RawLogin;
use crate::yaml::Value;

use super::super::finding::{Finding, join};
use super::super::{Doc, Tables, steps};
use super::Profile;

/// V1: the file name is the primary id, the folder the unit.
pub(super) enum Misnamed<'a> {
    FileName { primary_id: &'a str, stem: &'a str },
    Folder { unit: &'a str, folder: &'a str },
}

pub(super) fn names<'a>(kind: &'a FileKind, raw: &'a RawLogin) -> Vec<Misnamed<'a>> {
    let FileKind::Login { folder, stem } = kind else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if stem != &raw.primary_id {
        found.push(Misnamed::FileName {
            primary_id: &raw.primary_id,
            stem,
        });
    }
    if folder != &raw.unit {
        found.push(Misnamed::Folder {
            unit: &raw.unit,
            folder,
        });
    }
    found
}

impl Finding for Misnamed<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        match *self {
            Misnamed::FileName { primary_id, stem } => doc
                .error(
                    Code::FileNameMismatch,
                    doc.value(&steps!["primary_id"]),
                    format!("primary_id `{primary_id}` does not match the file name `{stem}.yaml`"),
                )
                .help(format!(
                    "rename the file to `{primary_id}.yaml`, or correct `primary_id`"
                )),
            Misnamed::Folder { unit, folder } => doc
                .error(
                    Code::FolderMismatch,
                    doc.value(&steps!["unit"]),
                    format!("unit `{unit}` does not match the folder `logins/{folder}/`"),
                )
                .help(format!(
                    "move the file to `logins/{unit}/`, or correct `unit`"
                )),
        }
    }
}

/// The primary ids seen so far, compared as Alma compares them (ignoring
/// case). Each is kept as a hash with its file, not as text: fifty
/// thousand logins, fifty thousand small strings fewer. When hashes meet,
/// the earlier file's id is read again to compare the two.
pub(crate) struct Seen<'l> {
    loaded: &'l Loaded,
    ids: HashMap<u64, &'l SourceFile>,
    /// Ids whose hash an earlier, different id has (next to never).
    collided: BTreeMap<String, &'l str>,
}

/// V1: a primary id that already has a login file.
pub(super) struct DuplicateId<'a> {
    primary_id: &'a str,
    other: &'a str,
}

impl<'l> Seen<'l> {
    pub(crate) fn new(loaded: &'l Loaded) -> Self {
        Seen {
            loaded,
            ids: HashMap::new(),
            collided: BTreeMap::new(),
        }
    }

    /// Records the id of the login in `file`; the finding when another
    /// file has it already.
    pub(super) fn record<'a>(
        &mut self,
        file: &'l SourceFile,
        primary_id: &'a str,
    ) -> Option<DuplicateId<'a>>
    where
        'l: 'a,
    {
        let key = hash(primary_id);
        let Some(&earlier) = self.ids.get(&key) else {
            self.ids.insert(key, file);
            return None;
        };
        let lower = primary_id.to_lowercase();
        if self
            .primary_id(earlier)
            .is_some_and(|id| id.to_lowercase() == lower)
        {
            return Some(DuplicateId {
                primary_id,
                other: &earlier.display,
            });
        }
        if let Some(&other) = self.collided.get(&lower) {
            return Some(DuplicateId { primary_id, other });
        }
        self.collided.insert(lower, &file.display);
        None
    }

    /// The primary id of a login file seen before, read again.
    fn primary_id(&self, file: &SourceFile) -> Option<String> {
        let text = self.loaded.text_of(file)?;
        let root = crate::load::parse_text(&file.display, text).root?;
        match &root.get("primary_id")?.value.value {
            Value::Str(id) => Some(id.clone()),
            _ => None,
        }
    }
}

/// The hash of a primary id as Alma compares ids (ignoring case).
fn hash(primary_id: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    primary_id
        .chars()
        .flat_map(char::to_lowercase)
        .for_each(|c| c.hash(&mut hasher));
    hasher.finish()
}

impl Finding for DuplicateId<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        doc.error(
            Code::DuplicatePrimaryId,
            doc.value(&steps!["primary_id"]),
            format!("primary id `{}` already has a login file", self.primary_id),
        )
        .help("keep one file per Alma user: merge the two files")
        .note(format!("the other file is {}", self.other))
    }
}

/// V2: the unit is not in units.yaml.
pub(super) struct UnknownUnit<'a> {
    unit: &'a str,
    near: Option<&'a str>,
}

/// The login's unit, or the finding that units.yaml has none of that name.
pub(super) fn unit<'a>(
    tables: &'a Tables<'_>,
    raw: &'a RawLogin,
) -> Result<&'a Unit, UnknownUnit<'a>> {
    tables.units.get(&raw.unit).ok_or_else(|| UnknownUnit {
        unit: &raw.unit,
        near: did_you_mean(&raw.unit, tables.units.ids()),
    })
}

impl Finding for UnknownUnit<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        let d = doc.error(
            Code::UnknownUnit,
            doc.value(&steps!["unit"]),
            format!("unit `{}` is not in units.yaml", self.unit),
        );
        match self.near {
            Some(near) => d.help(format!("did you mean `{near}`?")),
            None => d.help("add the unit to units.yaml, or use an existing unit"),
        }
    }
}

/// V2: the liaison is not one of the unit's.
pub(super) struct ForeignLiaison<'a> {
    liaison: &'a str,
    unit_id: &'a str,
    unit: &'a Unit,
}

pub(super) fn liaison<'a>(raw: &'a RawLogin, unit: &'a Unit) -> Option<ForeignLiaison<'a>> {
    (!unit.liaisons.contains(&raw.liaison)).then_some(ForeignLiaison {
        liaison: &raw.liaison,
        unit_id: &raw.unit,
        unit,
    })
}

impl Finding for ForeignLiaison<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        doc.error(
            Code::LiaisonNotInUnit,
            doc.value(&steps!["liaison"]),
            format!(
                "`{}` is not a login liaison of unit `{}`",
                self.liaison, self.unit_id
            ),
        )
        .help(format!(
            "the unit's liaisons are: {}",
            join(self.unit.liaisons.iter().map(String::as_str))
        ))
    }
}

/// V2: the profile named does not exist, or is not open to the login's unit.
pub(super) enum ProfileProblem<'a> {
    Unknown {
        name: &'a str,
        profiles: Vec<&'a str>,
    },
    Closed {
        name: &'a str,
        unit: &'a str,
        units: &'a [String],
    },
}

/// The login's profile, if it names one. `Err` when the profile cannot be
/// used, so the fields it would give are unknown rather than missing: with
/// the finding when it does not exist, without one when its own file could
/// not be read (that file reports why).
pub(super) fn profile<'a>(
    tables: &'a Tables<'_>,
    raw: &'a RawLogin,
) -> Result<Option<Profile<'a>>, Option<ProfileProblem<'a>>> {
    let Some(name) = &raw.profile else {
        return Ok(None);
    };
    if tables.broken_profiles.contains(name) {
        return Err(None);
    }
    match tables.profiles.get(name) {
        Some((profile, file)) => Ok(Some(Profile {
            name,
            profile,
            file,
        })),
        None => Err(Some(ProfileProblem::Unknown {
            name,
            profiles: tables.profiles.keys().map(String::as_str).collect(),
        })),
    }
}

/// The profile's `units`, when they leave the login's unit out.
pub(super) fn profile_open<'a>(
    raw: &'a RawLogin,
    profile: &Profile<'a>,
) -> Option<ProfileProblem<'a>> {
    let units = &profile.profile.units;
    (!units.is_empty() && !units.contains(&raw.unit)).then_some(ProfileProblem::Closed {
        name: profile.name,
        unit: &raw.unit,
        units,
    })
}

impl Finding for ProfileProblem<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        let at = doc.value(&steps!["profile"]);
        match self {
            ProfileProblem::Unknown { name, profiles } => {
                let d = doc.error(
                    Code::UnknownProfile,
                    at,
                    format!("there is no profile `{name}`"),
                );
                match did_you_mean(name, profiles.iter().copied()) {
                    Some(near) => d.help(format!("did you mean `{near}`?")),
                    None => d.help(format!("profiles are: {}", join(profiles.iter().copied()))),
                }
            }
            ProfileProblem::Closed { name, unit, units } => doc
                .error(
                    Code::UnknownProfile,
                    at,
                    format!("profile `{name}` is not open to unit `{unit}`"),
                )
                .help(format!(
                    "the profile is for: {}; write the roles out instead",
                    join(units.iter().map(String::as_str))
                )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(ids: &[&str]) -> Loaded {
        let mut loaded = Loaded::default();
        for id in ids {
            let display = format!("logins/main/{id}.yaml");
            let text = format!("primary_id: \"{id}\"\n");
            loaded.sources.insert(display.clone(), text);
            loaded.files.push(SourceFile {
                display,
                kind: FileKind::Login {
                    folder: "main".into(),
                    stem: (*id).into(),
                },
                decoded: true,
            });
        }
        loaded
    }

    #[test]
    fn an_id_seen_before_in_another_case_is_a_duplicate() {
        let loaded = loaded(&["desk-1", "DESK-1", "desk-2"]);
        let mut seen = Seen::new(&loaded);
        assert!(seen.record(&loaded.files[0], "desk-1").is_none());
        let found = seen
            .record(&loaded.files[1], "DESK-1")
            .expect("a duplicate");
        assert_eq!(found.other, "logins/main/desk-1.yaml");
        assert!(seen.record(&loaded.files[2], "desk-2").is_none());
    }

    #[test]
    fn ids_whose_hashes_meet_are_told_apart_by_their_text() {
        let loaded = loaded(&["a", "b", "B"]);
        let mut seen = Seen::new(&loaded);
        // As if `b` hashed as `a` does.
        seen.ids.insert(hash("b"), &loaded.files[0]);
        assert!(seen.record(&loaded.files[1], "b").is_none(), "not `a`");
        let found = seen.record(&loaded.files[2], "B").expect("`b` again");
        assert_eq!(found.other, "logins/main/b.yaml");
    }
}
