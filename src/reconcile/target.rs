//! Where a run talks to: the real Alma of each environment when its API
//! key variable (named in institution.yaml) is set, or, when none is, the
//! built-in emulated Alma, served on 127.0.0.1 and reached through the same
//! HTTP client. The caller says what the emulator holds when it starts
//! (the command line: `synth::built_in`). Its state lives in
//! `.alma-access/emulator/<environment>.json` beside the access folder, so
//! a plan after an apply sees what the apply wrote; a state folder reached
//! through a link is refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::alma::{AlmaClient, AlmaError, ApiKey, ClientConfig};
use crate::emulator::{self, Emulator, Server, State};
use crate::model::{AccessRepo, Connection};
use crate::validate::Valid;

/// What the built-in emulator holds for an environment when it starts.
pub type Seed<'a> = &'a dyn Fn(&AccessRepo, &str, NaiveDate) -> State;

/// Why a run cannot talk to Alma.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("environment `{0}` is not in institution.yaml")]
    UnknownEnvironment(String),
    #[error(
        "the API key variable{} {} {} not set; set {} or choose environments with --env",
        if .0.len() == 1 { "" } else { "s" },
        .0.join(", "),
        if .0.len() == 1 { "is" } else { "are" },
        if .0.len() == 1 { "it" } else { "them" }
    )]
    MissingKeys(Vec<String>),
    #[error("cannot connect to Alma for environment `{environment}`: {source}")]
    Client {
        environment: String,
        source: AlmaError,
    },
    #[error(
        "{} is a symbolic link; the built-in emulator keeps its state only in a real folder: remove the link",
        .0.display()
    )]
    LinkedState(PathBuf),
    #[error("the built-in emulator: {0}")]
    Emulator(String),
}

/// The Alma connections of one run.
pub struct Targets {
    pub clients: BTreeMap<String, AlmaClient>,
    /// Said once when the built-in emulator stands in for Alma.
    pub note: Option<String>,
    /// The emulators being served (kept alive for the run); empty for real Alma.
    servers: Vec<Server>,
}

impl Targets {
    /// Stops the emulators.
    pub async fn close(self) {
        for server in self.servers {
            let _ = server.shutdown().await;
        }
    }
}

/// Whether a run may write (apply) or only read (plan).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// Connects to every environment in `environments`, as `connection` says
/// (the checkout's institution.yaml, or the reviewed one when planning a
/// change). With no key set, the built-in emulator stands in, started from
/// `seed` of `repo` when it has no state yet.
pub async fn connect(
    repo: &AccessRepo,
    connection: &Connection,
    environments: &[String],
    repo_root: &Path,
    access: Access,
    today: NaiveDate,
    seed: Seed<'_>,
) -> Result<Targets, TargetError> {
    let mut keys = BTreeMap::new();
    let mut missing = Vec::new();
    for env in environments {
        let config = connection
            .environments
            .get(env)
            .ok_or_else(|| TargetError::UnknownEnvironment(env.clone()))?;
        match std::env::var(&config.api_key_env) {
            Ok(key) if !key.trim().is_empty() => {
                keys.insert(env.clone(), key);
            }
            _ => missing.push(config.api_key_env.clone()),
        }
    }
    if keys.is_empty() {
        let day = Day { repo, today, seed };
        return emulated(&day, environments, repo_root, access, &missing).await;
    }
    if !missing.is_empty() {
        return Err(TargetError::MissingKeys(missing));
    }
    let mut clients = BTreeMap::new();
    for (env, key) in keys {
        let config = &connection.environments[&env];
        let mut client = ClientConfig::new(base_url(&config.api_url), ApiKey::new(key));
        client.requests_per_second = connection.api.requests_per_second;
        if let Some(n) = connection.api.max_concurrency {
            client.max_concurrency = n as usize;
        }
        client.expected_environment = Some(
            config
                .environment_type
                .clone()
                .unwrap_or_else(|| env.clone()),
        );
        let client = AlmaClient::new(client).map_err(|source| TargetError::Client {
            environment: env.clone(),
            source,
        })?;
        clients.insert(env, client);
    }
    Ok(Targets {
        clients,
        note: None,
        servers: Vec::new(),
    })
}

/// Connects to `environments` of the repository `valid` holds as
/// [`connect`] does, does `work` with the clients, and closes the
/// connections whatever `work` returns. `note` hears that the built-in
/// emulator stands in, when it does.
pub async fn with_alma<T, E: From<TargetError>>(
    valid: &Valid,
    connection: &Connection,
    environments: &[String],
    access: Access,
    seed: Seed<'_>,
    note: &mut dyn FnMut(&str),
    work: impl AsyncFnOnce(&BTreeMap<String, AlmaClient>) -> Result<T, E>,
) -> Result<T, E> {
    let root = valid.repo_root();
    let targets = connect(
        &valid.repo,
        connection,
        environments,
        root,
        access,
        valid.today,
        seed,
    )
    .await?;
    if let Some(text) = &targets.note {
        note(text);
    }
    let done = work(&targets.clients).await;
    targets.close().await;
    done
}

/// `https://api-na.hosted.exlibrisgroup.com` -> `.../almaws/v1`; a full base URL is kept.
fn base_url(api_url: &str) -> String {
    let trimmed = api_url.trim_end_matches('/');
    if trimmed.ends_with("/almaws/v1") {
        trimmed.to_string()
    } else {
        format!("{trimmed}/almaws/v1")
    }
}

/// Refuses a state folder reached through a link (`.alma-access` or its
/// `emulator` folder committed as a link in a checkout): the emulator's
/// state is read and written there, so it is never followed elsewhere.
fn no_links(repo_root: &Path, dir: &Path) -> Result<(), TargetError> {
    let state = repo_root.join(".alma-access");
    for path in [state.as_path(), dir] {
        let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if linked {
            return Err(TargetError::LinkedState(path.to_path_buf()));
        }
    }
    Ok(())
}

/// The folder holding the built-in emulator's state.
pub fn emulator_dir(repo_root: &Path) -> PathBuf {
    repo_root.join(".alma-access").join("emulator")
}

/// What the emulator starts from: the repository, the day, and the seed.
struct Day<'a> {
    repo: &'a AccessRepo,
    today: NaiveDate,
    seed: Seed<'a>,
}

async fn emulated(
    day: &Day<'_>,
    environments: &[String],
    repo_root: &Path,
    access: Access,
    missing: &[String],
) -> Result<Targets, TargetError> {
    let dir = emulator_dir(repo_root);
    no_links(repo_root, &dir)?;
    let failed = |e: &dyn std::fmt::Display| TargetError::Emulator(e.to_string());
    std::fs::create_dir_all(&dir)
        .map_err(|e| failed(&format!("cannot create {}: {e}", dir.display())))?;
    let note = format!(
        "no Alma API key is set ({}): using the built-in emulated Alma \
         (state in {}; delete it to start over)",
        missing.join(", "),
        dir.display()
    );
    let mut clients = BTreeMap::new();
    let mut servers = Vec::new();
    for env in environments {
        let path = dir.join(format!("{env}.json"));
        if !path.exists() {
            (day.seed)(day.repo, env, day.today)
                .save(&path)
                .map_err(|e| failed(&e))?;
        }
        let state = State::load(&path).map_err(|e| failed(&e))?;
        let rate = f64::from(state.limits.per_second.max(1));
        let environment_type = state.environment_type.clone();
        let emulator = Emulator::open(&path).map_err(|e| failed(&e))?;
        let server = emulator::serve(emulator, "127.0.0.1:0")
            .await
            .map_err(|e| failed(&format!("cannot start it: {e}")))?;
        let key = match access {
            Access::Read => emulator::fixtures::READ_ONLY_KEY,
            Access::Write => emulator::fixtures::READ_WRITE_KEY,
        };
        let mut config = ClientConfig::new(server.base_url(), ApiKey::new(key));
        config.requests_per_second = rate;
        config.expected_environment = Some(environment_type);
        clients.insert(
            env.clone(),
            AlmaClient::new(config).map_err(|e| failed(&e))?,
        );
        servers.push(server);
    }
    Ok(Targets {
        clients,
        note: Some(note),
        servers,
    })
}
