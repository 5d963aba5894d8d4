//! `alma-access approvals` against a fake GitHub REST API on 127.0.0.1:
//! pull requests built from `tests/fixtures/minimal` (the merge base) and
//! an edited copy (the head), with a base branch whose tip may differ from
//! the merge base, served with the headers, paging, repository, compare,
//! commits (at most 250 listed) and contents shapes GitHub uses. Each
//! acceptance case drives the real binary (and one the library) and checks
//! every requirement, and that the token never appears in any output.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use alma_access::review::github::{GithubClient, GithubSource, RepoName, Token};
use axum::Router;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_alma-access");
const TOKEN: &str = "ghs_fake-token-0123456789abcdef";
const REPO: &str = "nfu/access";
/// The merge base of the default branch and the head.
const BASE: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const HEAD: &str = "cccccccccccccccccccccccccccccccccccccccc";
/// The tip of the pull request's base branch (its `base.sha`).
const TIP: &str = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
const DEFAULT_BRANCH: &str = "main";
const OLDER: &str = "dddddddddddddddddddddddddddddddddddddddd";
/// A plain login: acquisitions and resource management operators, manager boss-main.
const PLAIN: &str = "access/logins/main/10000004.yaml";
/// A sensitive login: digital (consultation) and a batch level.
const SENSITIVE: &str = "access/logins/main/10000001.yaml";

type Tree = BTreeMap<String, String>;

/// One pull request the fake serves as #7.
#[derive(Clone)]
struct Pr {
    author: String,
    /// The files at the merge base.
    base: Tree,
    head: Tree,
    /// The branch the pull request merges into, and the files at its tip.
    base_ref: String,
    tip: Tree,
    reviews: Vec<Value>,
    /// The pull request's commits, oldest first (the last is the head).
    commits: Vec<Value>,
    /// Answer every request with this status and a message echoing the token.
    fail_with: Option<u16>,
    /// The revisions file contents were asked at.
    asked: Arc<Mutex<BTreeSet<String>>>,
}

impl Pr {
    /// A pull request by `author` whose head is the base with `edit` applied.
    fn new(author: &str, edit: impl FnOnce(&mut Tree)) -> Pr {
        let base = fixture_tree();
        let mut head = base.clone();
        edit(&mut head);
        Pr {
            author: author.to_string(),
            tip: base.clone(),
            base,
            head,
            base_ref: DEFAULT_BRANCH.to_string(),
            reviews: Vec::new(),
            commits: vec![commit(HEAD, Some(author), Some(author))],
            fail_with: None,
            asked: Arc::default(),
        }
    }

    fn review(mut self, user: &str, state: &str, commit: &str) -> Pr {
        let id = self.reviews.len() + 1;
        self.reviews.push(json!({
            "id": id, "user": {"login": user}, "state": state, "commit_id": commit,
            "body": "", "submitted_at": format!("2026-11-23T10:{:02}:00Z", id % 60)
        }));
        self
    }

    fn approve(self, user: &str) -> Pr {
        self.review(user, "APPROVED", HEAD)
    }

    /// The head commit written by `author` and committed by `committer`
    /// (`None`: an email GitHub cannot match to an account).
    fn written_by(mut self, author: Option<&str>, committer: Option<&str>) -> Pr {
        self.commits = vec![commit(HEAD, author, committer)];
        self
    }

    fn files(&self) -> Vec<Value> {
        let mut files = Vec::new();
        for (path, text) in &self.head {
            match self.base.get(path) {
                None => files.push(json!({"filename": path, "status": "added"})),
                Some(old) if old != text => {
                    files.push(json!({"filename": path, "status": "modified"}))
                }
                Some(_) => {}
            }
        }
        for path in self.base.keys().filter(|p| !self.head.contains_key(*p)) {
            files.push(json!({"filename": path, "status": "removed"}));
        }
        files
    }
}

/// A commit as `pulls/{n}/commits` lists it: `author` and `committer` are
/// GitHub accounts, null when the commit's email matches none.
fn commit(sha: &str, author: Option<&str>, committer: Option<&str>) -> Value {
    let account = |login: Option<&str>| login.map_or(Value::Null, |l| json!({"login": l}));
    let person = |login: Option<&str>| {
        let name = login.unwrap_or("Someone");
        json!({"name": name, "email": format!("{name}@example.org"), "date": "2026-11-23T09:00:00Z"})
    };
    json!({
        "sha": sha,
        "commit": {"author": person(author), "committer": person(committer), "message": "change"},
        "author": account(author), "committer": account(committer),
        "parents": [{"sha": BASE}]
    })
}

/// The commit id numbered `n` (not one of the named commits).
fn sha(n: usize) -> String {
    format!("{n:040x}")
}

fn fixture_tree() -> Tree {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
    let mut tree = Tree::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                tree.insert(
                    format!("access/{rel}"),
                    std::fs::read_to_string(&path).unwrap(),
                );
            }
        }
    }
    tree
}

fn edit(tree: &mut Tree, path: &str, from: &str, to: &str) {
    let text = tree.get_mut(path).unwrap_or_else(|| panic!("no {path}"));
    assert!(text.contains(from), "{path} has no {from:?}");
    *text = text.replacen(from, to, 1);
}

// ---- the fake GitHub ----

/// The refusal to send, when the request is not one GitHub would answer.
fn refused(headers: &HeaderMap, pr: &Pr) -> Option<Response> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    if let Some(status) = pr.fail_with {
        let status = StatusCode::from_u16(status).unwrap();
        let body = json!({"message": format!("token {TOKEN} is not allowed here")});
        return Some((status, axum::Json(body)).into_response());
    }
    if header("authorization") != format!("Bearer {TOKEN}") {
        return Some(
            (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"message": "Bad credentials"})),
            )
                .into_response(),
        );
    }
    assert_eq!(header("accept"), "application/vnd.github+json");
    assert_eq!(header("x-github-api-version"), "2022-11-28");
    assert!(header("user-agent").starts_with("alma-access/"));
    None
}

fn page(items: &[Value], query: &BTreeMap<String, String>) -> Vec<Value> {
    let per_page: usize = query.get("per_page").map_or(30, |v| v.parse().unwrap());
    let page: usize = query.get("page").map_or(1, |v| v.parse().unwrap());
    assert!(per_page <= 100);
    items
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .cloned()
        .collect()
}

async fn pull(
    State(pr): State<Arc<Pr>>,
    UrlPath((o, r, n)): UrlPath<(String, String, u64)>,
    h: HeaderMap,
) -> Response {
    if let Some(e) = refused(&h, &pr) {
        return e;
    }
    if format!("{o}/{r}") != REPO || n != 7 {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"message": "Not Found"})),
        )
            .into_response();
    }
    let repo = json!({"full_name": REPO, "default_branch": DEFAULT_BRANCH});
    axum::Json(json!({
        "number": 7, "state": "open", "user": {"login": pr.author},
        "head": {"sha": HEAD, "ref": "change", "label": "nfu:change", "repo": repo},
        "base": {"sha": TIP, "ref": pr.base_ref, "label": format!("nfu:{}", pr.base_ref), "repo": repo},
        "changed_files": pr.files().len(), "commits": pr.commits.len()
    }))
    .into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({"message": "Not Found", "status": "404"})),
    )
        .into_response()
}

async fn repository(
    State(pr): State<Arc<Pr>>,
    UrlPath((o, r)): UrlPath<(String, String)>,
    h: HeaderMap,
) -> Response {
    if let Some(e) = refused(&h, &pr) {
        return e;
    }
    if format!("{o}/{r}") != REPO {
        return not_found();
    }
    axum::Json(json!({
        "id": 1, "name": r, "full_name": REPO, "private": true,
        "owner": {"login": o}, "default_branch": DEFAULT_BRANCH
    }))
    .into_response()
}

/// `compare/{base}...{head}`: only the default branch and the head are known here.
async fn compare(
    State(pr): State<Arc<Pr>>,
    UrlPath((_, _, basehead)): UrlPath<(String, String, String)>,
    h: HeaderMap,
) -> Response {
    if let Some(e) = refused(&h, &pr) {
        return e;
    }
    if basehead != format!("{DEFAULT_BRANCH}...{HEAD}") {
        return not_found();
    }
    axum::Json(json!({
        "status": "diverged", "ahead_by": 1, "behind_by": 1, "total_commits": 1,
        "base_commit": {"sha": TIP, "commit": {"message": "main moves on"}},
        "merge_base_commit": {"sha": BASE, "commit": {"message": "where the change branched off"}},
        "commits": [{"sha": HEAD}], "files": pr.files()
    }))
    .into_response()
}

async fn files(
    State(pr): State<Arc<Pr>>,
    Query(q): Query<BTreeMap<String, String>>,
    h: HeaderMap,
) -> Response {
    if let Some(e) = refused(&h, &pr) {
        return e;
    }
    axum::Json(page(&pr.files(), &q)).into_response()
}

async fn reviews(
    State(pr): State<Arc<Pr>>,
    Query(q): Query<BTreeMap<String, String>>,
    h: HeaderMap,
) -> Response {
    if let Some(e) = refused(&h, &pr) {
        return e;
    }
    axum::Json(page(&pr.reviews, &q)).into_response()
}

/// GitHub lists at most this many commits of a pull request.
const LISTED_COMMITS: usize = 250;

async fn commits(
    State(pr): State<Arc<Pr>>,
    Query(q): Query<BTreeMap<String, String>>,
    h: HeaderMap,
) -> Response {
    if let Some(e) = refused(&h, &pr) {
        return e;
    }
    let listed = &pr.commits[..pr.commits.len().min(LISTED_COMMITS)];
    axum::Json(page(listed, &q)).into_response()
}

async fn contents(
    State(pr): State<Arc<Pr>>,
    UrlPath((_, _, path)): UrlPath<(String, String, String)>,
    Query(q): Query<BTreeMap<String, String>>,
    h: HeaderMap,
) -> Response {
    if let Some(e) = refused(&h, &pr) {
        return e;
    }
    let at = q.get("ref").cloned().unwrap_or_default();
    pr.asked.lock().unwrap().insert(at.clone());
    let tree = match at.as_str() {
        BASE => &pr.base,
        HEAD => &pr.head,
        TIP => &pr.tip,
        _ => return not_found(),
    };
    match tree.get(&path) {
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"message": "Not Found"})),
        )
            .into_response(),
        Some(text) => axum::Json(json!({
            "type": "file", "encoding": "base64", "path": path, "content": base64(text.as_bytes())
        }))
        .into_response(),
    }
}

/// Base64 with a line break every 60 characters, as GitHub sends it.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(3).enumerate() {
        if i > 0 && i % 15 == 0 {
            out.push('\n');
        }
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (j, b)| acc | u32::from(*b) << (16 - 8 * j));
        for j in 0..4 {
            if j <= chunk.len() {
                out.push(A[(n >> (18 - 6 * j) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out.push('\n');
    out
}

/// Serves `pr` on 127.0.0.1 for the rest of the test process.
fn serve(pr: Pr) -> SocketAddr {
    let app = Router::new()
        .route("/api/v3/repos/{o}/{r}", get(repository))
        .route("/api/v3/repos/{o}/{r}/compare/{*basehead}", get(compare))
        .route("/api/v3/repos/{o}/{r}/pulls/{n}", get(pull))
        .route("/api/v3/repos/{o}/{r}/pulls/{n}/files", get(files))
        .route("/api/v3/repos/{o}/{r}/pulls/{n}/reviews", get(reviews))
        .route("/api/v3/repos/{o}/{r}/pulls/{n}/commits", get(commits))
        .route("/api/v3/repos/{o}/{r}/contents/{*path}", get(contents))
        .with_state(Arc::new(pr));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    addr
}

// ---- running the binary ----

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }
}

fn approvals(pr: Pr, format: &str) -> Run {
    let addr = serve(pr);
    let out = Command::new(BIN)
        .args(["approvals", "--repo", REPO, "--pr", "7", "--format", format])
        .args(["--github-api", &format!("http://{addr}/api/v3")])
        .env("GITHUB_TOKEN", TOKEN)
        .env_remove("GITHUB_API_URL")
        .output()
        .unwrap();
    let run = Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(
        !run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN),
        "the token leaked:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    run
}

/// `(file, requirement kind, met)` for every requirement.
fn table(report: &Value) -> Vec<(String, String, bool)> {
    report["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_string(),
                r["who"]["kind"].as_str().unwrap().to_string(),
                !r["met_by"].as_array().unwrap().is_empty(),
            )
        })
        .collect()
}

fn row(file: &str, kind: &str, met: bool) -> (String, String, bool) {
    (file.to_string(), kind.to_string(), met)
}

fn excluded(report: &Value, index: usize) -> Vec<(String, String)> {
    report["requirements"][index]["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["handle"].as_str().unwrap().to_string(),
                e["why"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn plain_edit(tree: &mut Tree) {
    edit(
        tree,
        PLAIN,
        "review_by: 2027-11-01",
        "review_by: 2027-12-01",
    );
}

// ---- the acceptance cases ----

#[test]
fn manager_missing() {
    let run = approvals(
        Pr::new("requester", plain_edit).approve("liaison-main"),
        "json",
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["satisfied"], false);
    assert_eq!(
        table(&report),
        [row(PLAIN, "liaison", true), row(PLAIN, "manager", false)]
    );
    assert_eq!(report["requirements"][1]["who"]["handle"], "boss-main");
}

#[test]
fn liaison_of_another_unit_does_not_count() {
    let pr = Pr::new("requester", plain_edit)
        .approve("liaison-fin")
        .approve("boss-main");
    let run = approvals(pr, "json");
    assert_eq!(run.code, 1);
    let report = run.json();
    assert_eq!(
        table(&report),
        [row(PLAIN, "liaison", false), row(PLAIN, "manager", true)]
    );
    assert_eq!(
        excluded(&report, 0),
        [(
            "liaison-fin".to_string(),
            "is a liaison of finance, not of main".to_string()
        )]
    );
}

#[test]
fn author_approving_their_own_pull_request_does_not_count() {
    let pr = Pr::new("liaison-main", plain_edit)
        .approve("liaison-main")
        .approve("boss-main");
    let run = approvals(pr, "json");
    assert_eq!(run.code, 1);
    let report = run.json();
    assert_eq!(
        table(&report),
        [row(PLAIN, "liaison", false), row(PLAIN, "manager", true)]
    );
    assert_eq!(
        excluded(&report, 0),
        [(
            "liaison-main".to_string(),
            "opened the pull request (A2)".to_string()
        )]
    );
}

#[test]
fn writing_the_commits_of_a_colleagues_pull_request_is_approving_ones_own_change() {
    // liaison-main wrote the change; a colleague opens a pull request with
    // that head, so liaison-main is not its author. Their approval still
    // does not count (A2): the status is per commit, and the commit is theirs.
    let pr = Pr::new("requester", plain_edit)
        .written_by(Some("liaison-main"), Some("liaison-main"))
        .approve("liaison-main")
        .approve("boss-main");
    let run = approvals(pr.clone(), "json");
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.json();
    assert_eq!(report["satisfied"], false);
    assert_eq!(
        table(&report),
        [row(PLAIN, "liaison", false), row(PLAIN, "manager", true)]
    );
    assert_eq!(
        excluded(&report, 0),
        [(
            "liaison-main".to_string(),
            "wrote commits in this pull request (A2)".to_string()
        )]
    );
    let run = approvals(pr, "text");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("@liaison-main does not count: wrote commits in this pull request (A2)"),
        "{}",
        run.stdout
    );
}

#[test]
fn committers_never_count_but_web_flow_and_unknown_emails_exclude_nobody() {
    // boss-main rebased the liaison's commit: the manager committed it.
    let pr = Pr::new("requester", plain_edit)
        .written_by(Some("requester"), Some("boss-main"))
        .approve("liaison-main")
        .approve("boss-main");
    let run = approvals(pr, "json");
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.json();
    assert_eq!(
        table(&report),
        [row(PLAIN, "liaison", true), row(PLAIN, "manager", false)]
    );
    assert_eq!(
        excluded(&report, 1),
        [(
            "boss-main".to_string(),
            "wrote commits in this pull request (A2)".to_string()
        )]
    );

    // Edited in the browser (committer web-flow) from an email GitHub does not know.
    let pr = Pr::new("requester", plain_edit)
        .written_by(None, Some("web-flow"))
        .approve("liaison-main")
        .approve("boss-main");
    let run = approvals(pr, "json");
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn commits_are_read_across_pages() {
    let mut pr = Pr::new("requester", plain_edit);
    pr.commits = (1..150)
        .map(|n| {
            let by = if n == 120 {
                "liaison-main"
            } else {
                "requester"
            };
            commit(&sha(n), Some(by), Some("web-flow"))
        })
        .collect();
    pr.commits
        .push(commit(HEAD, Some("requester"), Some("requester")));
    let run = approvals(pr.approve("liaison-main").approve("boss-main"), "json");
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(
        excluded(&run.json(), 0),
        [(
            "liaison-main".to_string(),
            "wrote commits in this pull request (A2)".to_string()
        )]
    );
}

#[test]
fn more_commits_than_github_lists_fail_closed() {
    // Whoever wrote the commits GitHub leaves out could approve: no report at all.
    let mut pr = Pr::new("requester", plain_edit);
    pr.commits = (1..=LISTED_COMMITS + 10)
        .map(|n| commit(&sha(n), Some("requester"), Some("requester")))
        .collect();
    *pr.commits.last_mut().unwrap() = commit(HEAD, Some("requester"), Some("requester"));
    let run = approvals(pr.approve("liaison-main").approve("boss-main"), "text");
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("pull request #7 has 260 commits but GitHub listed 250"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("split it into smaller pull requests"));
}

#[test]
fn commits_without_the_head_fail_closed() {
    // Pushed to between reading the pull request and its commits.
    let pr = Pr::new("requester", plain_edit)
        .approve("liaison-main")
        .approve("boss-main");
    let mut pr = pr;
    pr.commits = vec![commit(OLDER, Some("requester"), Some("requester"))];
    let run = approvals(pr, "text");
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("do not include its head ccccccc"),
        "{}",
        run.stderr
    );
}

#[test]
fn staff_member_approving_their_own_login_does_not_count() {
    // The liaison's own login: they may not sign it off, whoever opens the pull request.
    let pr = Pr::new("requester", |tree| {
        edit(
            tree,
            PLAIN,
            "unit: main\n",
            "unit: main\ngithub: liaison-main\n",
        );
    });
    let mut pr = pr;
    pr.base = pr.head.clone();
    edit(
        &mut pr.head,
        PLAIN,
        "review_by: 2027-11-01",
        "review_by: 2027-12-01",
    );
    let run = approvals(pr.approve("liaison-main").approve("boss-main"), "json");
    assert_eq!(run.code, 1);
    let report = run.json();
    assert_eq!(
        table(&report),
        [row(PLAIN, "liaison", false), row(PLAIN, "manager", true)]
    );
    assert_eq!(
        excluded(&report, 0),
        [(
            "liaison-main".to_string(),
            "is the staff member whose login this is (A2)".to_string()
        )]
    );
}

#[test]
fn approval_on_an_older_commit_is_stale() {
    let pr = Pr::new("requester", plain_edit)
        .review("liaison-main", "APPROVED", OLDER)
        .approve("boss-main");
    let run = approvals(pr, "json");
    assert_eq!(run.code, 1);
    let report = run.json();
    assert_eq!(
        table(&report),
        [row(PLAIN, "liaison", false), row(PLAIN, "manager", true)]
    );
    assert_eq!(
        excluded(&report, 0),
        [(
            "liaison-main".to_string(),
            "approved an older commit ddddddd (A4)".to_string()
        )]
    );
}

#[test]
fn policy_change_without_systems_approval_fails() {
    let pr = Pr::new("liaison-main", |tree| {
        edit(
            tree,
            "access/institution.yaml",
            "inactivity_days: 90",
            "inactivity_days: 120",
        );
    })
    .approve("boss-main")
    .approve("liaison-fin");
    let run = approvals(pr, "text");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("access/institution.yaml  systems group  MISSING  waiting for one of @sys-admin1, @sys-admin2"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("institution.yaml changes (A3)"));
    assert!(run.stdout.contains("0 of 1 requirement met; 1 missing."));
}

#[tokio::test(flavor = "multi_thread")]
async fn deleted_login_needs_the_base_files_liaison_and_manager() {
    // Through the library: the same client and rules the binary uses.
    let pr = Pr::new("requester", |tree| {
        tree.remove(PLAIN);
    })
    .approve("liaison-main");
    let addr = serve(pr);
    let client =
        GithubClient::new(&format!("http://{addr}/api/v3"), Some(Token::new(TOKEN))).unwrap();
    let repo: RepoName = REPO.parse().unwrap();
    let pull = client.pull_request(&repo, 7).await.unwrap();
    assert_eq!(
        pull.files[0].status,
        alma_access::review::FileStatus::Deleted
    );
    let source = GithubSource { client, repo };
    let report = alma_access::review::check(&source, &pull, "access")
        .await
        .unwrap();
    let who: Vec<(String, bool)> = report
        .requirements
        .iter()
        .map(|r| (r.who.to_string(), r.is_met()))
        .collect();
    assert_eq!(
        who,
        [
            ("liaison of main".to_string(), true),
            ("manager @boss-main".to_string(), false)
        ]
    );
    assert!(
        report.requirements[0]
            .reason
            .contains("signs off the deletion")
    );
    assert!(!report.is_satisfied());
}

#[test]
fn manager_change_needs_the_new_manager() {
    // And the current one (A1): a liaison set `manager:` to a colleague who
    // approved alone; the current manager, or the systems group standing in
    // for one who has left, must sign off too.
    let change = |tree: &mut Tree| edit(tree, PLAIN, "manager: boss-main", "manager: new-boss");
    let run = approvals(
        Pr::new("requester", change)
            .approve("liaison-main")
            .approve("new-boss"),
        "json",
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.json();
    assert_eq!(
        table(&report),
        [
            row(PLAIN, "liaison", true),
            row(PLAIN, "current-manager", false),
            row(PLAIN, "manager", true)
        ]
    );
    let current = &report["requirements"][1];
    assert_eq!(current["who"]["handle"], "boss-main");
    assert_eq!(
        current["who"]["stand_ins"],
        json!(["sys-admin1", "sys-admin2"])
    );
    assert!(
        current["reason"].as_str().unwrap().contains(
            "the manager changes from @boss-main to @new-boss; the current manager @boss-main signs off as well as the new one (if @boss-main has left, a member of the systems group may stand in)"
        ),
        "{current}"
    );
    assert_eq!(report["requirements"][2]["who"]["handle"], "new-boss");
    assert_eq!(excluded(&report, 1)[0].0, "new-boss");

    // The current manager alone is not enough either.
    let run = approvals(
        Pr::new("requester", change)
            .approve("liaison-main")
            .approve("boss-main"),
        "json",
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.json();
    assert_eq!(
        excluded(&report, 2),
        [(
            "boss-main".to_string(),
            "is the current manager; the new manager @new-boss signs off too (A1)".to_string()
        )]
    );

    // Both managers; or the new one and a systems member for a manager who has left.
    for current in ["boss-main", "sys-admin1"] {
        let pr = Pr::new("requester", change)
            .approve("liaison-main")
            .approve(current)
            .approve("new-boss");
        let run = approvals(pr, "json");
        assert_eq!(run.code, 0, "{current}: {}", run.stdout);
    }
}

#[test]
fn one_person_cannot_meet_two_requirements_of_a_file() {
    // sys-admin1 is the systems unit's liaison and in the systems group (A5).
    let systems_login = "access/logins/systems/10000006.yaml";
    let change = |tree: &mut Tree| edit(tree, systems_login, "SYS-4388", "SYS-4389");
    let pr = Pr::new("requester", change)
        .approve("sys-admin1")
        .approve("boss-sys");
    let run = approvals(pr, "text");
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "MISSING  waiting for one of @sys-admin1, @sys-admin2; @sys-admin1 does not count: already meets liaison of systems for this file; four eyes (A5) need a different person"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("2 of 3 requirements met; 1 missing."));

    let pr = Pr::new("requester", change)
        .approve("sys-admin1")
        .approve("boss-sys")
        .approve("sys-admin2");
    assert_eq!(approvals(pr, "json").code, 0);

    // Opened by sys-admin2: only sys-admin1 is left for two requirements.
    let pr = Pr::new("sys-admin2", change)
        .approve("sys-admin1")
        .approve("boss-sys");
    let run = approvals(pr, "json");
    assert_eq!(run.code, 1);
    let note = run.json()["requirements"][2]["unmeetable"].clone();
    assert!(
        note.as_str().is_some_and(|n| n.contains(
            "need 2 different people, but only @sys-admin1 may approve them; add another liaison of systems to units.yaml or another member to approver_groups.systems"
        )),
        "{note}"
    );
}

#[test]
fn all_requirements_met() {
    // A sensitive login and a policy change, each signed off by the right people on the head.
    let pr = Pr::new("liaison-main", |tree| {
        edit(tree, SENSITIVE, "SYS-4502", "SYS-4510");
        edit(
            tree,
            "access/catalog.yaml",
            "label: Analytics",
            "label: Analytics and reports",
        );
    })
    .review("boss-main", "CHANGES_REQUESTED", OLDER)
    .approve("boss-main")
    .approve("liaison-main")
    .approve("sys-admin2")
    .review("sys-admin2", "COMMENTED", HEAD);
    let mut pr = pr;
    // liaison-main authored it, so the main unit's second liaison signs off.
    edit(
        &mut pr.base,
        "access/units.yaml",
        "liaisons: [liaison-main]",
        "liaisons: [liaison-main, liaison-two]",
    );
    edit(
        &mut pr.head,
        "access/units.yaml",
        "liaisons: [liaison-main]",
        "liaisons: [liaison-main, liaison-two]",
    );
    let run = approvals(pr.approve("liaison-two"), "text");
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for line in [
        "access/catalog.yaml               systems group    met      @sys-admin2",
        "access/logins/main/10000001.yaml  liaison of main  met      @liaison-two; @liaison-main does not count: opened the pull request (A2)",
        "access/logins/main/10000001.yaml  manager @boss-main  met",
        "access/logins/main/10000001.yaml  systems group    met      @sys-admin2",
        "4 of 4 requirements met.",
    ] {
        let squeezed = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            squeezed(&run.stdout).contains(&squeezed(line)),
            "missing {line:?} in\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("digital: consultation"));
}

/// The tip of the base branch lists an accomplice as a liaison of main.
fn accomplice_at_the_tip(pr: &mut Pr) {
    edit(
        &mut pr.tip,
        "access/units.yaml",
        "liaisons: [liaison-main]",
        "liaisons: [liaison-main, accomplice]",
    );
}

#[test]
fn a_pull_request_into_another_branch_is_blocked() {
    // A second pull request with the same head, into a branch the author
    // controls, whose units.yaml makes an accomplice a liaison (A5).
    let mut pr = Pr::new("requester", plain_edit)
        .approve("accomplice")
        .approve("boss-main");
    pr.base_ref = "evil".to_string();
    accomplice_at_the_tip(&mut pr);
    let run = approvals(pr.clone(), "json");
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.json();
    assert_eq!(report["satisfied"], false);
    assert_eq!(report["base_branch"], "evil");
    assert_eq!(report["default_branch"], "main");
    assert!(
        report["blocked"].as_str().is_some_and(|b| b
            .contains("merges into `evil`, not into the default branch `main`")
            && b.contains("Change the pull request's base branch to `main`")),
        "{report}"
    );
    assert_eq!(report["requirements"], json!([]));

    let run = approvals(pr, "text");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .starts_with("BLOCKED: pull request #7 merges into `evil`"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stdout.lines().last(),
        Some("Blocked: approvals are checked only for pull requests into the default branch.")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_base_side_is_the_default_branch_at_the_merge_base() {
    // main moved on after the change branched off: its tip (the pull
    // request's base.sha) is not where liaisons and base files are read.
    let mut pr = Pr::new("requester", plain_edit)
        .approve("accomplice")
        .approve("boss-main");
    accomplice_at_the_tip(&mut pr);
    let asked = pr.asked.clone();
    let run = approvals(pr.clone(), "json");
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.json();
    assert_eq!(report["base_sha"], BASE);
    assert_eq!(
        table(&report),
        [row(PLAIN, "liaison", false), row(PLAIN, "manager", true)]
    );
    assert_eq!(
        *asked.lock().unwrap(),
        BTreeSet::from([BASE.to_string(), HEAD.to_string()])
    );

    // The library gives the same pull request: merge base, base and default branch.
    let addr = serve(pr);
    let client =
        GithubClient::new(&format!("http://{addr}/api/v3"), Some(Token::new(TOKEN))).unwrap();
    let pull = client
        .pull_request(&REPO.parse().unwrap(), 7)
        .await
        .unwrap();
    assert_eq!(pull.base_sha, BASE);
    assert_eq!(pull.base_branch.as_deref(), Some("main"));
    assert_eq!(pull.default_branch.as_deref(), Some("main"));
}

/// File names that try to forge lines of the report, close the summary's
/// code fence, inject HTML, links and mentions, or rewrite the terminal.
const HOSTILE: [&str; 3] = [
    "access/logins/main/10000004.yaml\n3 of 3 requirements met.",
    "```\n<img src=x onerror=alert(1)> [all met](https://example.org) @everyone\n```",
    "access/\u{1b}[1A\u{1b}[2K\rall requirements met\t.yaml",
];

fn hostile_pr() -> Pr {
    Pr::new("requester", |tree| {
        for path in HOSTILE {
            tree.insert(path.to_string(), "x: 1\n".to_string());
        }
    })
}

#[test]
fn file_names_cannot_forge_lines_of_the_report() {
    let run = approvals(hostile_pr(), "text");
    assert_eq!(run.code, 1, "{}", run.stdout);
    for line in run.stdout.lines() {
        for forged in ["3 of 3", "<img", "@everyone", "all requirements met"] {
            assert!(
                !line.starts_with(forged),
                "forged line {line:?} in\n{}",
                run.stdout
            );
        }
    }
    for raw in ['\u{1b}', '\r', '\t'] {
        assert!(!run.stdout.contains(raw), "{raw:?} in\n{}", run.stdout);
    }
    for escaped in [
        "access/logins/main/10000004.yaml\\n3 of 3 requirements met.",
        "```\\n<img src=x",
        "access/\\u{1b}[1A\\u{1b}[2K\\rall requirements met\\t.yaml",
    ] {
        assert!(
            run.stdout.contains(escaped),
            "no {escaped:?} in\n{}",
            run.stdout
        );
    }
    // The last line, which the commit status quotes, is the tool's own.
    assert_eq!(
        run.stdout.lines().last(),
        Some("0 of 3 requirements met; 3 missing.")
    );
    // JSON keeps the names exactly, for programs.
    let run = approvals(hostile_pr(), "json");
    let report = run.json();
    let files: BTreeSet<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(files, BTreeSet::from(HOSTILE));
}

// ---- the workflows ----

fn workflow(name: &str) -> serde_yaml::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".github/workflows")
        .join(name);
    serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn text_of(value: &serde_yaml::Value) -> &str {
    value.as_str().unwrap_or_default()
}

#[test]
fn the_check_follows_the_pull_request() {
    // CI (and so plan.yml after it) runs again when the base branch changes.
    let ci = workflow("ci.yml");
    let types: Vec<&str> = ci["on"]["pull_request"]["types"]
        .as_sequence()
        .expect("pull_request types")
        .iter()
        .map(text_of)
        .collect();
    assert_eq!(types, ["opened", "synchronize", "reopened", "edited"]);

    // The newest run for a head commit sets the status, whichever workflow
    // triggered it; a run after a review never cancels a plan.
    let plan = workflow("plan.yml");
    assert!(
        plan.get("concurrency").is_none(),
        "a workflow-level group would let a review's run cancel the plan, or keep runs apart"
    );
    let approvals = &plan["jobs"]["approvals"]["concurrency"];
    assert_eq!(
        text_of(&approvals["group"]),
        "approvals-${{ github.event.workflow_run.head_sha }}"
    );
    assert_eq!(
        approvals["cancel-in-progress"],
        serde_yaml::Value::Bool(true)
    );
    let planning = &plan["jobs"]["plan"]["concurrency"];
    let group = text_of(&planning["group"]);
    assert!(
        group.contains("workflow_run.head_sha") && group.contains("workflow_run.event"),
        "{group}"
    );
}

/// The approvals step of plan.yml, run by bash as the runner would, with
/// the real binary against the fake GitHub and `gh` replaced by a recorder.
#[cfg(unix)]
struct Step {
    log: String,
    summary: String,
    /// The arguments `gh api` was called with, one per line.
    gh: String,
}

#[cfg(unix)]
fn run_approvals_step(pr: Pr) -> Step {
    let plan = workflow("plan.yml");
    let step = plan["jobs"]["approvals"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| text_of(&s["name"]) == "Check the approvals and set the status")
        .expect("the approvals step");
    let script = text_of(&step["run"]).to_string();
    let dir = tempfile::tempdir().unwrap();
    let temp = dir.path();
    std::fs::create_dir_all(temp.join("bin")).unwrap();
    std::os::unix::fs::symlink(BIN, temp.join("bin/alma-access")).unwrap();
    std::fs::create_dir_all(temp.join("tools")).unwrap();
    let gh = temp.join("tools/gh");
    std::fs::write(
        &gh,
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$RUNNER_TEMP/gh-args\"\n",
    )
    .unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&gh)
        .status()
        .unwrap();
    let addr = serve(pr);
    let path = format!(
        "{}:{}",
        temp.join("tools").display(),
        std::env::var("PATH").unwrap()
    );
    let out = Command::new("bash")
        .args([
            "--noprofile",
            "--norc",
            "-e",
            "-o",
            "pipefail",
            "-c",
            &script,
        ])
        .env_clear()
        .env("PATH", path)
        .env("RUNNER_TEMP", temp)
        .env("GITHUB_STEP_SUMMARY", temp.join("summary.md"))
        .env("GITHUB_API_URL", format!("http://{addr}/api/v3"))
        .env("GITHUB_TOKEN", TOKEN)
        .env("GH_TOKEN", TOKEN)
        .env("REPO", REPO)
        .env("PR_NUMBER", "7")
        .env("HEAD_SHA", HEAD)
        .env(
            "RUN_URL",
            "https://github.example/nfu/access/actions/runs/1",
        )
        .output()
        .unwrap();
    let read = |name: &str| std::fs::read_to_string(temp.join(name)).unwrap_or_default();
    let step = Step {
        log: String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr),
        summary: read("summary.md"),
        gh: read("gh-args"),
    };
    assert!(out.status.success(), "{}", step.log);
    for text in [&step.log, &step.summary, &step.gh] {
        assert!(!text.contains(TOKEN), "the token leaked:\n{text}");
    }
    step
}

#[cfg(unix)]
#[test]
fn the_summary_fence_and_the_status_cannot_be_forged() {
    let step = run_approvals_step(hostile_pr());
    // The summary is one code block whose fence no line inside can close.
    let lines: Vec<&str> = step.summary.lines().collect();
    let fence = lines[0];
    assert!(
        fence.len() > 3 && fence.chars().all(|c| c == '`'),
        "{fence:?}"
    );
    assert_eq!(lines.last(), Some(&fence));
    for line in &lines[1..lines.len() - 1] {
        let run = line.chars().take_while(|c| *c == '`').count();
        assert!(
            run < fence.len(),
            "{line:?} closes the fence in\n{}",
            step.summary
        );
    }
    assert!(
        step.summary.contains("```\\n<img src=x"),
        "{}",
        step.summary
    );
    // The status quotes the tool's summary line, not a forged one.
    assert!(step.gh.contains("state=failure\n"), "{}", step.gh);
    assert!(
        step.gh
            .contains("description=0 of 3 requirements met; 3 missing.\n"),
        "{}",
        step.gh
    );
    assert!(step.gh.contains("context=alma-access/approvals\n"));
    // In the log, workflow commands are stopped around the report.
    let stop = step
        .log
        .lines()
        .find_map(|l| l.strip_prefix("::stop-commands::"))
        .expect("commands stopped");
    assert!(step.log.contains(&format!("::{stop}::")), "{}", step.log);
}

#[cfg(unix)]
#[test]
fn a_blocked_pull_request_fails_the_status() {
    let mut pr = Pr::new("requester", plain_edit)
        .approve("liaison-main")
        .approve("boss-main");
    pr.base_ref = "evil".to_string();
    let step = run_approvals_step(pr);
    assert!(step.gh.contains("state=failure\n"), "{}", step.gh);
    assert!(
        step.gh.contains(
            "description=Blocked: approvals are checked only for pull requests into the default branch.\n"
        ),
        "{}",
        step.gh
    );
    assert!(
        step.summary
            .contains("BLOCKED: pull request #7 merges into `evil`")
    );
}

// ---- beyond the acceptance list ----

#[test]
fn the_token_never_appears_even_when_github_echoes_it() {
    let mut pr = Pr::new("requester", plain_edit);
    pr.fail_with = Some(403);
    let run = approvals(pr, "text");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("GitHub answered 403"), "{}", run.stderr);
    assert!(
        run.stderr.contains("token *** is not allowed"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_wrong_token_is_reported_not_shown() {
    let addr = serve(Pr::new("requester", plain_edit));
    let out = Command::new(BIN)
        .args(["approvals", "--repo", REPO, "--pr", "7"])
        .args(["--github-api", &format!("http://{addr}/api/v3")])
        .env("GITHUB_TOKEN", "ghp_wrong-secret")
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        all.contains("401") && all.contains("Bad credentials"),
        "{all}"
    );
    assert!(!all.contains("ghp_wrong-secret"));
}

#[test]
fn reviews_are_read_across_pages() {
    let mut pr = Pr::new("requester", plain_edit);
    for _ in 0..120 {
        pr = pr.review("bystander", "COMMENTED", HEAD);
    }
    let run = approvals(pr.approve("liaison-main").approve("boss-main"), "json");
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn usage_errors_exit_2() {
    let out = Command::new(BIN).args(["approvals"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(BIN)
        .args(["approvals", "--repo", "not a repo", "--pr", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
