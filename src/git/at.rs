//! The access folder as it is at a revision: `institution.yaml` alone (the
//! reviewed settings a plan of a change connects with) or the whole
//! repository, validated as the working tree would be. Files are read as
//! the loader reads them from disk: links are never read as content and
//! oversized files are left out.

use std::path::Path;

use chrono::NaiveDate;

use super::{Checkout, GitError};
use crate::load::{self, FileKind, RawFile};
use crate::model::read::ReadError;
use crate::model::{AccessRepo, Institution};

/// `institution.yaml` as it is at revision `rev`: the reviewed settings a
/// plan of a change must connect with. Read strictly, as validate reads it;
/// an absent or unreadable file is an error (a plan is then refused).
pub fn institution_at(access_dir: &Path, rev: &str) -> Result<Institution, GitError> {
    let checkout = Checkout::open(access_dir)?;
    let commit = checkout.commit(rev)?;
    let path = checkout.relative.join("institution.yaml");
    let at = |problem: String| GitError::FileAt {
        file: path.to_string_lossy().replace('\\', "/"),
        rev: rev.to_string(),
        problem,
    };
    let entry = commit
        .tree()
        .and_then(|t| t.get_path(&path))
        .map_err(|_| at("does not exist".into()))?;
    let blob = entry
        .to_object(&checkout.repo)
        .and_then(|o| o.peel_to_blob())
        .map_err(|_| at("is not a file".into()))?;
    let text = std::str::from_utf8(blob.content()).map_err(|_| at("is not UTF-8 text".into()))?;
    crate::model::read::read(text).map_err(|e| {
        at(match e {
            ReadError::Yaml { line, .. } => format!("is not valid YAML (line {line})"),
            ReadError::Empty => "is empty".into(),
            ReadError::Shape(why) => format!("cannot be read: {why}"),
        })
    })
}

/// The access repository as it is at revision `rev`, read from git and
/// validated for `today` like the working tree (links and oversized files
/// refused, as on disk). `None` when it does not validate there.
pub fn repo_at(
    access_dir: &Path,
    rev: &str,
    today: NaiveDate,
) -> Result<Option<AccessRepo>, GitError> {
    let checkout = Checkout::open(access_dir)?;
    let repo = &checkout.repo;
    let tree = checkout
        .commit(rev)?
        .tree()
        .map_err(GitError::failed(format!("read `{rev}`")))?;
    let tree = if checkout.relative.as_os_str().is_empty() {
        tree
    } else {
        match tree
            .get_path(&checkout.relative)
            .and_then(|e| e.to_object(repo))
            .and_then(|o| o.peel_to_tree())
        {
            Ok(t) => t,
            Err(_) => return Ok(None),
        }
    };
    let mut raw = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let rel = format!("{dir}{}", entry.name().unwrap_or_default());
        let Some(kind) = FileKind::classify(&rel) else {
            return git2::TreeWalkResult::Ok;
        };
        // Only plain blobs: a link (mode 120000) is never read as content.
        let blob = (entry.filemode() & 0o170000 == 0o100000)
            .then(|| repo.find_blob(entry.id()).ok())
            .flatten()
            .filter(|b| (b.size() as u64) <= load::MAX_FILE_BYTES);
        if let Some(blob) = blob {
            raw.push(RawFile {
                display: rel,
                kind,
                bytes: Ok(blob.content().to_vec()),
            });
        }
        git2::TreeWalkResult::Ok
    })
    .map_err(GitError::failed(format!("read `{rev}`")))?;
    let loaded = load::parse_files(raw);
    Ok(crate::validate::validate(&loaded, today).repo)
}
