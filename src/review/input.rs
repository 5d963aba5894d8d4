//! What the review check reads, whatever it reads it from: a pull request's
//! author, who wrote its commits, head and base commits, changed files and
//! reviews ([`PullRequest`]), and the text of files at a commit (a
//! [`Source`]: the GitHub API or a local git repository). [`gather`] turns
//! them into the plain values the pure rules work on: each change with its
//! base and head text, and the repository tables (units, institution,
//! catalogue, the profiles the changed logins use) at the base and at the
//! head.
//!
//! Everything read here is data from the pull request: it is parsed, never
//! executed, and parsed as `validate` parses it ([`crate::model::read`]:
//! the crate's own YAML reader refuses aliases, tags and duplicate keys,
//! and its tree is the only thing converted to types).

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::Error;
use crate::model::login::RawLogin;
use crate::model::{Catalog, Institution, Profile, Units, read};

/// How a file changed in the pull request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum FileStatus {
    Added,
    Modified,
    Deleted,
    /// Moved (and possibly edited); `from` is the path at the base.
    Renamed {
        from: String,
    },
}

/// One changed file, as listed by the pull request (paths from the repository root).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangedFile {
    pub path: String,
    #[serde(flatten)]
    pub status: FileStatus,
}

impl ChangedFile {
    /// The path at the base, when the file existed there.
    pub fn base_path(&self) -> Option<&str> {
        match &self.status {
            FileStatus::Added => None,
            FileStatus::Modified | FileStatus::Deleted => Some(&self.path),
            FileStatus::Renamed { from } => Some(from),
        }
    }

    /// The path at the head, when the file exists there.
    pub fn head_path(&self) -> Option<&str> {
        match &self.status {
            FileStatus::Deleted => None,
            _ => Some(&self.path),
        }
    }
}

/// A review's state, as GitHub names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewState {
    Approved,
    ChangesRequested,
    Commented,
    Dismissed,
    Pending,
    #[serde(other)]
    Other,
}

/// One review, in the order reviews were submitted.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Review {
    /// The reviewer's GitHub handle.
    pub user: String,
    pub state: ReviewState,
    /// The commit the review was given on.
    #[serde(default)]
    pub commit_id: Option<String>,
}

/// A pull request: who opened it, what it changes, and its reviews.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullRequest {
    /// The pull request number, when there is one (not for `--base/--head`).
    pub number: Option<u64>,
    /// The author's GitHub handle.
    pub author: String,
    /// The GitHub handles of whoever wrote or committed the pull request's
    /// commits: like the author, they never count (A2). Empty without
    /// GitHub, where commits carry no handles.
    pub commit_authors: Vec<String>,
    /// The latest commit: approvals count only on it (A4).
    pub head_sha: String,
    /// Where the base versions of files and the tables are read: the merge
    /// base of the default branch (or the given base) and the head (A5).
    pub base_sha: String,
    /// The branch the pull request merges into (`None` without GitHub).
    pub base_branch: Option<String>,
    /// The repository's default branch (`None` without GitHub).
    pub default_branch: Option<String>,
    pub files: Vec<ChangedFile>,
    pub reviews: Vec<Review>,
}

/// Reads file text at a commit.
pub trait Source {
    /// The text of `path` at `rev`; `None` when the file is absent there.
    fn read(&self, rev: &str, path: &str) -> impl Future<Output = Result<Option<String>, Error>>;
}

/// A file as the rules see it: the change and the text on each side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub file: ChangedFile,
    /// The text at the base (`None`: absent there, or added).
    pub base: Option<String>,
    /// The text at the head (`None`: absent there, or deleted).
    pub head: Option<String>,
}

/// A table as read at one commit.
#[derive(Clone, Debug, PartialEq)]
pub enum Table<T> {
    Absent,
    Broken(read::ReadError),
    Read(T),
}

impl<T> Table<T> {
    pub fn get(&self) -> Option<&T> {
        match self {
            Table::Read(t) => Some(t),
            _ => None,
        }
    }

    fn from_text(text: Option<String>) -> Table<T>
    where
        T: DeserializeOwned,
    {
        match text {
            None => Table::Absent,
            Some(text) => match parse_strict(&text) {
                Ok(t) => Table::Read(t),
                Err(e) => Table::Broken(e),
            },
        }
    }
}

/// The repository tables at one commit.
#[derive(Clone, Debug, PartialEq)]
pub struct Tables {
    pub institution: Table<Institution>,
    pub units: Table<Units>,
    pub catalog: Table<Catalog>,
    /// The profiles the changed logins name (absent ones are left out).
    pub profiles: BTreeMap<String, Profile>,
}

impl Default for Tables {
    fn default() -> Self {
        Tables {
            institution: Table::Absent,
            units: Table::Absent,
            catalog: Table::Absent,
            profiles: BTreeMap::new(),
        }
    }
}

/// Everything the rules need, read.
#[derive(Clone, Debug)]
pub struct Gathered {
    pub changes: Vec<Change>,
    pub base: Tables,
    pub head: Tables,
}

/// How many files are read at once.
const PARALLEL_READS: usize = 8;

/// Reads the changed files at both sides and the tables at base and head.
/// `access_dir` is the access folder's path in the repository (e.g. `access`).
pub async fn gather<S: Source>(
    source: &S,
    pr: &PullRequest,
    access_dir: &str,
) -> Result<Gathered, Error> {
    let prefix = access_prefix(access_dir);
    let mut wanted: Vec<(String, String)> = Vec::new();
    for file in &pr.files {
        if let Some(path) = file.base_path() {
            wanted.push((pr.base_sha.clone(), path.to_string()));
        }
        if let Some(path) = file.head_path() {
            wanted.push((pr.head_sha.clone(), path.to_string()));
        }
    }
    for rev in [&pr.base_sha, &pr.head_sha] {
        for table in ["institution.yaml", "units.yaml", "catalog.yaml"] {
            wanted.push((rev.clone(), format!("{prefix}{table}")));
        }
    }
    let mut texts = read_all(source, wanted).await?;
    let take = |texts: &BTreeMap<(String, String), Option<String>>, rev: &str, path: &str| {
        texts
            .get(&(rev.to_string(), path.to_string()))
            .cloned()
            .flatten()
    };
    let changes: Vec<Change> = pr
        .files
        .iter()
        .map(|file| Change {
            base: file.base_path().and_then(|p| take(&texts, &pr.base_sha, p)),
            head: file.head_path().and_then(|p| take(&texts, &pr.head_sha, p)),
            file: file.clone(),
        })
        .collect();
    // The profiles the changed logins name, at both sides (a profile can make a login sensitive).
    let mut names = BTreeSet::new();
    for change in &changes {
        for text in [&change.base, &change.head].into_iter().flatten() {
            if let Ok(login) = parse_strict::<RawLogin>(text)
                && let Some(name) = login.profile
                && is_plain_name(&name)
            {
                names.insert(name);
            }
        }
    }
    let mut wanted = Vec::new();
    for rev in [&pr.base_sha, &pr.head_sha] {
        for name in &names {
            wanted.push((rev.clone(), format!("{prefix}profiles/{name}.yaml")));
        }
    }
    texts.extend(read_all(source, wanted).await?);
    let tables = |rev: &str| Tables {
        institution: Table::from_text(take(&texts, rev, &format!("{prefix}institution.yaml"))),
        units: Table::from_text(take(&texts, rev, &format!("{prefix}units.yaml"))),
        catalog: Table::from_text(take(&texts, rev, &format!("{prefix}catalog.yaml"))),
        profiles: names
            .iter()
            .filter_map(|name| {
                let text = take(&texts, rev, &format!("{prefix}profiles/{name}.yaml"))?;
                Some((name.clone(), parse_strict(&text).ok()?))
            })
            .collect(),
    };
    Ok(Gathered {
        base: tables(&pr.base_sha),
        head: tables(&pr.head_sha),
        changes,
    })
}

/// `(revision, path)`.
type Key = (String, String);

async fn read_all<S: Source>(
    source: &S,
    wanted: Vec<Key>,
) -> Result<BTreeMap<Key, Option<String>>, Error> {
    let unique: BTreeSet<(String, String)> = wanted.into_iter().collect();
    let results: Vec<Result<(Key, Option<String>), Error>> = futures_util::stream::iter(unique)
        .map(|(rev, path)| async move {
            let text = source.read(&rev, &path).await?;
            Ok(((rev, path), text))
        })
        .buffered(PARALLEL_READS)
        .collect()
        .await;
    results.into_iter().collect()
}

/// `access` -> `access/`; `` or `.` -> ``.
pub fn access_prefix(access_dir: &str) -> String {
    let trimmed = access_dir.trim_matches('/');
    if trimmed.is_empty() || trimmed == "." {
        String::new()
    } else {
        format!("{trimmed}/")
    }
}

/// A profile name that is safe to put in a path.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Reads a file of the pull request as `T`, as every command reads access
/// files ([`crate::model::read`]: the strict reader, then the one
/// conversion to types), with the reason in words when it cannot.
pub fn parse_strict<T: DeserializeOwned>(text: &str) -> Result<T, read::ReadError> {
    read::read(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_parsing_refuses_aliases_and_duplicate_keys() {
        assert!(parse_strict::<serde_json::Value>("a: &x 1\nb: *x\n").is_err());
        let err = parse_strict::<serde_json::Value>("a: 1\na: 2\n").unwrap_err();
        assert!(err.to_string().contains("appears twice"), "{err}");
        assert!(parse_strict::<serde_json::Value>("").is_err());
        assert!(parse_strict::<serde_json::Value>("a: 1\n").is_ok());
    }

    #[test]
    fn a_login_reads_as_validate_reads_it() {
        // The schema wants the id quoted; unquoted it is a number, here too.
        let rest = "name: Ada\nunit: main\nmanager: bsmith\nliaison: alee\n";
        let unquoted = format!("primary_id: 80012345\n{rest}");
        assert!(parse_strict::<RawLogin>(&unquoted).is_err());
        let quoted = format!("primary_id: \"80012345\"\n{rest}profile: circ-student\n");
        let login = parse_strict::<RawLogin>(&quoted).unwrap();
        assert_eq!(login.profile.as_deref(), Some("circ-student"));
    }

    #[test]
    fn prefixes_and_profile_names() {
        assert_eq!(access_prefix("access"), "access/");
        assert_eq!(access_prefix("/data/access/"), "data/access/");
        assert_eq!(access_prefix("."), "");
        assert!(is_plain_name("circ-student"));
        assert!(!is_plain_name("../units"));
        assert!(!is_plain_name("a/b"));
    }
}
