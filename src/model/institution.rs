//! `institution.yaml`: institution-wide settings and policy switches.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Institution-wide settings.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Institution {
    /// The Alma institution code, e.g. `01EXAMPLE_INST`.
    pub institution: String,
    #[serde(default)]
    pub name: Option<String>,
    pub environments: BTreeMap<String, Environment>,
    pub default_environments: Vec<String>,
    pub required_training: Vec<String>,
    pub leave_deactivation_days: u32,
    pub reactivation: Reactivation,
    pub inactivity_days: u32,
    pub preserve_roles: BTreeSet<String>,
    /// Scopes beyond the institution and its libraries (a network zone,
    /// another institution) whose roles the tool manages; roles at any other
    /// such scope pass through untouched.
    #[serde(default)]
    pub managed_scopes: BTreeSet<String>,
    pub approver_groups: BTreeMap<String, BTreeSet<String>>,
    pub safety: Safety,
    #[serde(default)]
    pub api: Api,
    #[serde(default)]
    pub review_interval_days: Option<u32>,
    /// What a full scan does with access no login file grants (R11).
    #[serde(default)]
    pub unmanaged_access: UnmanagedAccess,
}

/// What a full scan does with roles held by staff users without a login file (R11).
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum UnmanagedAccess {
    /// List them in the plan.
    #[default]
    Report,
    /// Plan their removal (deactivation for a user's last roles).
    Remove,
}

/// An environment asked for that institution.yaml does not define.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnvironmentError {
    #[error("unknown environment `{asked}`; institution.yaml defines: {}", known.join(", "))]
    Unknown { asked: String, known: Vec<String> },
    #[error("institution.yaml defines no environment")]
    None,
}

impl Institution {
    /// The environment a command works on: the one asked for, which must
    /// be defined, or else the first default one (or the first defined).
    pub fn environment(&self, asked: Option<&str>) -> Result<String, EnvironmentError> {
        match asked {
            Some(env) if self.environments.contains_key(env) => Ok(env.to_string()),
            Some(env) => Err(EnvironmentError::Unknown {
                asked: env.to_string(),
                known: self.environments.keys().cloned().collect(),
            }),
            None => self
                .default_environments
                .first()
                .or_else(|| self.environments.keys().next())
                .cloned()
                .ok_or(EnvironmentError::None),
        }
    }

    /// The members of the central systems team (`approver_groups.systems`).
    pub fn systems_group(&self) -> impl Iterator<Item = &str> {
        self.approver_groups
            .get("systems")
            .into_iter()
            .flatten()
            .map(String::as_str)
    }
}

/// Everything about reaching Alma: each environment's host, the variable
/// holding its key and what `conf/general` must report, and how hard to
/// push the API. When a change is planned, these come from the reviewed
/// revision, never from the change itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Connection {
    pub environments: BTreeMap<String, Environment>,
    pub api: Api,
}

impl Institution {
    /// How this institution.yaml says to reach Alma.
    pub fn connection(&self) -> Connection {
        Connection {
            environments: self.environments.clone(),
            api: self.api,
        }
    }
}

impl Connection {
    /// What `proposed` would change about reaching Alma, one line each, in
    /// words a reviewer can check (none when the two agree).
    pub fn differences(&self, proposed: &Connection) -> Vec<String> {
        let mut out = Vec::new();
        for (name, env) in &proposed.environments {
            let Some(now) = self.environments.get(name) else {
                out.push(format!(
                    "environment `{name}` is added (api_url {})",
                    env.api_url
                ));
                continue;
            };
            let mut field = |what: &str, from: String, to: String| {
                if from != to {
                    out.push(format!(
                        "environment `{name}`: {what} changes from {from} to {to}"
                    ));
                }
            };
            field("api_url", now.api_url.clone(), env.api_url.clone());
            field(
                "api_key_env",
                now.api_key_env.clone(),
                env.api_key_env.clone(),
            );
            let shown = |t: &Option<String>| t.clone().unwrap_or_else(|| "(unset)".into());
            field(
                "environment_type",
                shown(&now.environment_type),
                shown(&env.environment_type),
            );
        }
        for name in self.environments.keys() {
            if !proposed.environments.contains_key(name) {
                out.push(format!("environment `{name}` is removed"));
            }
        }
        if self.api != proposed.api {
            let show = |a: &Api| {
                let cap = a
                    .max_concurrency
                    .map_or("default".to_string(), |n| n.to_string());
                format!("{} requests/s, {cap} at once", a.requests_per_second)
            };
            out.push(format!(
                "api: the rate changes from {} to {}",
                show(&self.api),
                show(&proposed.api)
            ));
        }
        out
    }
}

/// One Alma environment (production, sandbox) and where its API key comes from.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    pub api_url: String,
    /// The name of the environment variable holding the API key (never the key itself).
    pub api_key_env: String,
    /// What Alma's `conf/general` must report before anything is written.
    #[serde(default)]
    pub environment_type: Option<String>,
}

/// What happens when a leave or suspension ends.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Reactivation {
    /// Roles stay inactive until a reviewed change removes the leave or suspension.
    ByRequest,
    /// Roles return after `leave.until`.
    Automatic,
}

/// Gates that stop a plan before it is applied.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Safety {
    #[serde(default)]
    pub max_removals: Option<MaxRemovals>,
    #[serde(default)]
    pub min_holders: BTreeMap<String, u32>,
    #[serde(default)]
    pub protected_users: BTreeSet<String>,
}

/// The most roles one apply may remove: a count and a share of all managed roles.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MaxRemovals {
    pub count: u32,
    #[serde(default)]
    pub ratio: Option<f64>,
}

/// How hard the tool may use the Alma API.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Api {
    #[serde(default = "Api::default_rate")]
    pub requests_per_second: f64,
    #[serde(default)]
    pub max_concurrency: Option<u32>,
}

impl Api {
    fn default_rate() -> f64 {
        10.0
    }
}

impl Default for Api {
    fn default() -> Self {
        Api {
            requests_per_second: Api::default_rate(),
            max_concurrency: None,
        }
    }
}
