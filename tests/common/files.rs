//! Throwaway checkouts for tests: a folder copied as it is, and git
//! commits of what a folder holds.
// Shared by several test binaries; each uses only part of it.
#![allow(dead_code)]

use std::fs;
use std::path::Path;

/// Copies the folder `src` to `dst` (made), files and folders alike.
pub fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for entry in fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            fs::copy(entry.path(), to).unwrap();
        }
    }
}

/// Commits what `dir` holds under `pathspec` (`*` for everything,
/// deletions included) on top of HEAD, making `dir` a git repository when
/// it is not one yet; returns the commit.
pub fn commit(dir: &Path, pathspec: &str, message: &str) -> git2::Oid {
    commit_as(dir, pathspec, message, ("Liaison", "liaison@example.edu"))
}

/// As [`commit`], by `who` (name, email).
pub fn commit_as(dir: &Path, pathspec: &str, message: &str, who: (&str, &str)) -> git2::Oid {
    let repo = git2::Repository::open(dir)
        .or_else(|_| git2::Repository::init(dir))
        .unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all([pathspec], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all([pathspec], None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now(who.0, who.1).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap()
}
