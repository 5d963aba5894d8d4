//! GitHub's wire shapes, read with serde (only the fields the check uses),
//! and the two encodings the contents API needs: percent-encoded paths in
//! the URL and base64 file content with line breaks.

use serde::Deserialize;

use crate::review::input::{ChangedFile, FileStatus, ReviewState};

/// Percent-encodes a repository path for a URL, keeping `/` between segments.
pub(super) fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes standard base64, ignoring the line breaks GitHub puts in.
pub(super) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\n' | b'\r' | b' ' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[derive(Deserialize)]
pub(super) struct WireUser {
    pub(super) login: String,
}

#[derive(Deserialize)]
pub(super) struct WireRef {
    pub(super) sha: String,
    /// The branch name (on the base: the branch the pull request merges into).
    #[serde(default, rename = "ref")]
    pub(super) branch: Option<String>,
}

/// `GET /repos/{owner}/{repo}`.
#[derive(Deserialize)]
pub(super) struct WireRepo {
    pub(super) default_branch: String,
}

#[derive(Deserialize)]
pub(super) struct WireCommit {
    pub(super) sha: String,
}

/// `GET /repos/{owner}/{repo}/compare/{base}...{head}`.
#[derive(Deserialize)]
pub(super) struct WireCompare {
    pub(super) merge_base_commit: WireCommit,
}

/// A full commit id (SHA-1 or SHA-256), as GitHub gives them.
pub(super) fn is_commit_id(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[derive(Deserialize)]
pub(super) struct WirePull {
    pub(super) user: WireUser,
    pub(super) head: WireRef,
    pub(super) base: WireRef,
    #[serde(default)]
    pub(super) changed_files: Option<usize>,
    /// How many commits the pull request has (GitHub lists at most 250).
    #[serde(default)]
    pub(super) commits: Option<usize>,
}

/// A GitHub account as a commit names it: null, or (seen on some
/// commits) an object without a `login`, when the email matches none.
#[derive(Deserialize)]
pub(super) struct WireAccount {
    #[serde(default)]
    pub(super) login: Option<String>,
}

/// One entry of `GET /repos/{owner}/{repo}/pulls/{n}/commits`.
#[derive(Deserialize)]
pub(super) struct WirePullCommit {
    pub(super) sha: String,
    #[serde(default)]
    pub(super) author: Option<WireAccount>,
    #[serde(default)]
    pub(super) committer: Option<WireAccount>,
}

impl WirePullCommit {
    /// The logins of its author and committer, where GitHub knows them.
    pub(super) fn logins(&self) -> impl Iterator<Item = &str> {
        [&self.author, &self.committer]
            .into_iter()
            .filter_map(|a| a.as_ref()?.login.as_deref())
    }
}

#[derive(Deserialize)]
pub(super) struct WireFile {
    pub(super) filename: String,
    pub(super) status: String,
    #[serde(default)]
    pub(super) previous_filename: Option<String>,
}

impl WireFile {
    pub(super) fn into_changed(self) -> ChangedFile {
        let status = match (self.status.as_str(), self.previous_filename) {
            ("added" | "copied", _) => FileStatus::Added,
            ("removed", _) => FileStatus::Deleted,
            ("renamed", Some(from)) => FileStatus::Renamed { from },
            _ => FileStatus::Modified,
        };
        ChangedFile {
            path: self.filename,
            status,
        }
    }
}

#[derive(Deserialize)]
pub(super) struct WireReview {
    #[serde(default)]
    pub(super) user: Option<WireUser>,
    pub(super) state: ReviewState,
    #[serde(default)]
    pub(super) commit_id: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WireContent {
    #[serde(rename = "type")]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) encoding: Option<String>,
    #[serde(default)]
    pub(super) content: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WireError {
    pub(super) message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_github_content() {
        assert_eq!(
            decode_base64("aGVsbG8gd29y\nbGQ=\n").unwrap(),
            b"hello world"
        );
        assert_eq!(decode_base64("").unwrap(), b"");
        assert!(decode_base64("a*b").is_none());
    }

    #[test]
    fn paths_are_encoded_per_segment() {
        assert_eq!(
            encode_path("access/logins/main/1.yaml"),
            "access/logins/main/1.yaml"
        );
        assert_eq!(encode_path("a b/c#d?e"), "a%20b/c%23d%3Fe");
    }

    #[test]
    fn commit_accounts_may_be_null_empty_or_a_login() {
        let commits: Vec<WirePullCommit> = serde_json::from_str(
            r#"[{"sha": "a", "author": {"login": "x"}, "committer": null},
                {"sha": "b", "author": {}, "committer": {"login": "web-flow"}},
                {"sha": "c"}]"#,
        )
        .unwrap();
        let logins: Vec<Vec<&str>> = commits.iter().map(|c| c.logins().collect()).collect();
        assert_eq!(logins, [vec!["x"], vec!["web-flow"], vec![]]);
    }

    #[test]
    fn commit_ids_are_full_hex() {
        assert!(is_commit_id(&"a".repeat(40)));
        assert!(is_commit_id(&"0".repeat(64)));
        assert!(!is_commit_id("abc1234"));
        assert!(!is_commit_id(&format!("{}/", "a".repeat(39))));
    }
}
