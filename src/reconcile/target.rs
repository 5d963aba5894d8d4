//! Where plan and apply talk to: the real Alma of each environment when its
//! API key variable (named in institution.yaml) is set, or, when none is,
//! the built-in emulated Alma, seeded from the access repository, served on
//! 127.0.0.1 and reached through the same HTTP client. The emulator's state
//! lives in `.alma-access/emulator/<environment>.json` beside the access
//! folder, so a plan after an apply sees what the apply wrote.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::alma::{AlmaClient, ApiKey, ClientConfig};
use crate::emulator::{self, Emulator, Server, State};
use crate::model::{AccessRepo, Connection};

/// The Alma connections of one run.
pub struct Targets {
    pub clients: BTreeMap<String, AlmaClient>,
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
/// change). `repo` seeds the built-in emulator when no key is set.
pub async fn connect(
    repo: &AccessRepo,
    connection: &Connection,
    environments: &[String],
    repo_root: &Path,
    access: Access,
    today: NaiveDate,
) -> Result<Targets, String> {
    let mut keys = BTreeMap::new();
    let mut missing = Vec::new();
    for env in environments {
        let config = connection
            .environments
            .get(env)
            .ok_or_else(|| format!("environment `{env}` is not in institution.yaml"))?;
        match std::env::var(&config.api_key_env) {
            Ok(key) if !key.trim().is_empty() => {
                keys.insert(env.clone(), key);
            }
            _ => missing.push(config.api_key_env.clone()),
        }
    }
    if keys.is_empty() {
        return emulated(repo, environments, repo_root, access, today, &missing).await;
    }
    if !missing.is_empty() {
        return Err(format!(
            "the API key variable{} {} {} not set; set {} or choose environments with --env",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
            if missing.len() == 1 { "it" } else { "them" }
        ));
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
        let client = AlmaClient::new(client)
            .map_err(|e| format!("cannot connect to Alma for environment `{env}`: {e}"))?;
        clients.insert(env, client);
    }
    Ok(Targets {
        clients,
        servers: Vec::new(),
    })
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
fn no_links(repo_root: &Path, dir: &Path) -> Result<(), String> {
    let state = repo_root.join(".alma-access");
    for path in [state.as_path(), dir] {
        let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if linked {
            return Err(format!(
                "{} is a symbolic link; the built-in emulator keeps its state only in a real folder: remove the link",
                path.display()
            ));
        }
    }
    Ok(())
}

/// The folder holding the built-in emulator's state.
pub fn emulator_dir(repo_root: &Path) -> PathBuf {
    repo_root.join(".alma-access").join("emulator")
}

async fn emulated(
    repo: &AccessRepo,
    environments: &[String],
    repo_root: &Path,
    access: Access,
    today: NaiveDate,
    missing: &[String],
) -> Result<Targets, String> {
    let dir = emulator_dir(repo_root);
    no_links(repo_root, &dir)?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    eprintln!(
        "note: no Alma API key is set ({}): using the built-in emulated Alma, seeded from the access repository \
         (state in {}; delete it to start over)",
        missing.join(", "),
        dir.display()
    );
    let mut clients = BTreeMap::new();
    let mut servers = Vec::new();
    for env in environments {
        let path = dir.join(format!("{env}.json"));
        if !path.exists() {
            emulator::seed::from_repo(repo, env, today)
                .save(&path)
                .map_err(|e| e.to_string())?;
        }
        let state = State::load(&path).map_err(|e| e.to_string())?;
        let rate = f64::from(state.limits.per_second.max(1));
        let environment_type = state.environment_type.clone();
        let emulator = Emulator::open(&path).map_err(|e| e.to_string())?;
        let server = emulator::serve(emulator, "127.0.0.1:0")
            .await
            .map_err(|e| format!("cannot start the emulator: {e}"))?;
        let key = match access {
            Access::Read => emulator::fixtures::READ_ONLY_KEY,
            Access::Write => emulator::fixtures::READ_WRITE_KEY,
        };
        let mut config = ClientConfig::new(server.base_url(), ApiKey::new(key));
        config.requests_per_second = rate;
        config.expected_environment = Some(environment_type);
        clients.insert(
            env.clone(),
            AlmaClient::new(config).map_err(|e| e.to_string())?,
        );
        servers.push(server);
    }
    Ok(Targets { clients, servers })
}
