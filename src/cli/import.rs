//! `alma-access import`: writes a login file for each STAFF user of one
//! Alma environment (the built-in emulated Alma when no API key is set, as
//! for plan), so an institution can start from what Alma holds. Reads only.
//! Existing files are kept unless `--force`; a user already described in
//! another unit's folder is never written twice. Each file written is
//! listed with what needs a person: the placeholder manager, additional
//! roles, inactive or expiring roles, and what a plan would still change.
//! Exit codes: 0 success, 1 a user could not be read or a file written,
//! 2 wrong usage.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::scope::{self, ScopeArgs};
use super::target::{self, Access};
use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::import::{self, Imported, Options, Skipped};

/// How import maps Alma to login files, for `import --help`.
const RULES: &str = "\
How users become login files:
  - STAFF users only; Patron and other preserve_roles are never written; protected users are skipped.
  - The unit is the one whose library, desks, departments and PO line owners the roles point at
    (ties: the unit the Alma record names, then --unit, then the first unit, with a warning).
  - Roles equal to a bundle give type view, view-analytics or systems; otherwise type custom with,
    per role type, the largest level whose every grant the user holds (limits from scopes and
    parameters). Levels needing a batch attestation, or a business need for students
    and temps, are not claimed.
  - Roles left over become additional_roles with `consultation: imported` (a warning each).
  - All managed roles INACTIVE: `suspended: {since: <today>, reason: other, note: imported inactive}`;
    some inactive: imported as granted, and the plan activates them.
  - The expiry date most roles share becomes end_date.
  - manager is the placeholder `set--manager` (a warning per file: replace it with the manager's
    GitHub handle before the pull request, as rule A1 asks the manager to approve); liaison is the
    unit's first liaison.
  - Training dates are written (as today) only with --assume-trained; otherwise roles stay
    inactive until training is recorded (R4).
  - Each file's warnings say what a plan would still change (duplicates Alma holds, one inactive
    role among active ones, roles expiring on different days: things a login file cannot say).";

#[derive(Debug, clap::Args)]
#[command(after_long_help = RULES)]
pub struct Args {
    /// The access folder (or a repository holding `access/`).
    #[arg(default_value = "access")]
    pub path: PathBuf,
    /// The environment to read (default: the first of default_environments).
    #[arg(long = "env", value_name = "ENV")]
    pub environment: Option<String>,
    /// Only users whose roles place them in this unit.
    #[arg(long, value_name = "UNIT")]
    pub unit: Option<String>,
    /// Only this user (repeatable).
    #[arg(long = "user", value_name = "ID")]
    pub users: Vec<String>,
    /// Only the users listed in this file, one primary id a line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub users_from: Option<PathBuf>,
    /// The day written into the files (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<NaiveDate>,
    /// Overwrite login files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Record today as the completion date of every required training
    /// (otherwise imported roles stay inactive until training is recorded, R4).
    #[arg(long)]
    pub assume_trained: bool,
}

pub fn run(args: Args) -> u8 {
    let scope_args = ScopeArgs {
        path: args.path.clone(),
        environments: Vec::new(),
        only: Vec::new(),
        changed_since: None,
        today: args.today,
    };
    let start = match scope::start(&scope_args) {
        Ok(start) => start,
        Err(code) => return code,
    };
    let (options, ids) = match options(&args, &start) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let env = options.environment.clone();
    let fetched = scope::runtime().block_on(async {
        let targets = target::connect(
            &start.repo,
            &start.repo.institution.connection(),
            std::slice::from_ref(&env),
            start.repo_root(),
            Access::Read,
            start.today,
        )
        .await?;
        let client = &targets.clients[&env];
        let fetched = import::fetch(client, ids.as_deref(), &super::terminal_progress())
            .await
            .map_err(|e| e.to_string());
        targets.close().await;
        fetched
    });
    let fetched = match fetched {
        Ok(f) => f,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_FAILURE;
        }
    };
    let named = ids.is_some();
    let mut skipped: Vec<Skipped> = fetched.missing;
    let mut other_units = 0;
    let mut imported = Vec::new();
    for user in &fetched.users {
        match import::describe(&start.repo, user, &options) {
            Ok(i) => imported.push(i),
            Err(s) if options.unit.is_some() && s.reason.starts_with("belongs to unit") => {
                other_units += 1;
            }
            // Listing returns every user; patrons are only worth a line when named.
            Err(s) if !named && s.reason.starts_with("not a staff user") => {}
            Err(s) => skipped.push(s),
        }
    }
    let mut written = 0;
    let mut kept = Vec::new();
    let mut write_failed = false;
    for item in &imported {
        match place(&start.root, &start.repo, item, args.force) {
            Ok(()) => {
                written += 1;
                print_imported(item);
            }
            Err(Placement::Kept(reason)) => kept.push((item.path.clone(), reason)),
            Err(Placement::Failed(message)) => {
                eprintln!("error: {message}");
                write_failed = true;
            }
        }
    }
    for (path, reason) in &kept {
        println!("kept {}: {reason}", path.display());
    }
    for s in &skipped {
        println!("skipped {}: {}", s.primary_id, s.reason);
    }
    for s in &fetched.failed {
        eprintln!("error: {}: {}", s.primary_id, s.reason);
    }
    summary(
        &start.repo,
        &options,
        &imported,
        written,
        kept.len(),
        other_units,
    );
    if write_failed || !fetched.failed.is_empty() {
        EXIT_FAILURE
    } else {
        EXIT_OK
    }
}

/// Options from the flags, and the users named (if any).
fn options(args: &Args, start: &scope::Start) -> Result<(Options, Option<Vec<String>>), String> {
    let inst = &start.repo.institution;
    let environment = match &args.environment {
        Some(env) if inst.environments.contains_key(env) => env.clone(),
        Some(env) => {
            return Err(format!(
                "unknown environment `{env}`; institution.yaml defines: {}",
                inst.environments
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        None => inst
            .default_environments
            .first()
            .or_else(|| inst.environments.keys().next())
            .cloned()
            .ok_or("institution.yaml defines no environment")?,
    };
    if let Some(unit) = &args.unit
        && start.repo.units.get(unit).is_none()
    {
        return Err(format!(
            "unknown unit `{unit}`; units.yaml defines: {}",
            start.repo.units.ids().collect::<Vec<_>>().join(", ")
        ));
    }
    let mut ids = args.users.clone();
    if let Some(file) = &args.users_from {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        ids.extend(
            text.lines()
                .map(|l| l.split('#').next().unwrap_or_default().trim())
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        );
        if ids.is_empty() {
            return Err(format!("{} lists no primary ids", file.display()));
        }
    }
    let named = (!ids.is_empty() || args.users_from.is_some()).then_some(ids);
    let options = Options {
        environment,
        today: start.today,
        unit: args.unit.clone(),
        assume_trained: args.assume_trained,
    };
    Ok((options, named))
}

enum Placement {
    Kept(String),
    Failed(String),
}

/// Writes one file unless it exists (without --force) or the login lives elsewhere.
fn place(
    root: &Path,
    repo: &crate::model::AccessRepo,
    item: &Imported,
    force: bool,
) -> Result<(), Placement> {
    if let Some(existing) = repo.login(&item.primary_id)
        && existing.unit != item.unit
    {
        return Err(Placement::Kept(format!(
            "user {} is already described in unit `{}` ({}); move or delete that file first",
            item.primary_id, existing.unit, existing.file
        )));
    }
    let path = root.join(&item.path);
    if path.exists() && !force {
        return Err(Placement::Kept(
            "the file exists; --force overwrites it".into(),
        ));
    }
    let failed =
        |e: std::io::Error| Placement::Failed(format!("cannot write {}: {e}", path.display()));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    std::fs::write(&path, &item.text).map_err(failed)
}

fn print_imported(item: &Imported) {
    println!("wrote {} ({})", item.path.display(), item.summary);
    for note in &item.notes {
        let tag = if note.warning { "warning" } else { "note" };
        println!("  {tag}: {}", note.text);
    }
}

fn summary(
    repo: &crate::model::AccessRepo,
    options: &Options,
    imported: &[Imported],
    written: usize,
    kept: usize,
    other_units: usize,
) {
    let mut line = format!(
        "\nimported {written} login file(s) from Alma ({})",
        options.environment
    );
    if kept > 0 {
        line.push_str(&format!("; kept {kept} existing file(s)"));
    }
    if other_units > 0 {
        line.push_str(&format!(
            "; {other_units} user(s) belong to other units than `{}`",
            options.unit.as_deref().unwrap_or_default()
        ));
    }
    println!("{line}");
    if imported.is_empty() {
        println!(
            "no STAFF user with managed roles was found (the built-in emulated Alma is seeded from this repository's own logins)"
        );
    }
    let extra = imported
        .iter()
        .filter(|i| i.text.contains("\nadditional_roles:"))
        .count();
    let changing = imported.iter().filter(|i| !i.plan.is_empty()).count();
    if written > 0 {
        println!(
            "warning: every file has `manager: {}`: set each manager's GitHub handle before the pull request",
            import::MANAGER_PLACEHOLDER
        );
    }
    if extra > 0 {
        println!(
            "warning: {extra} login(s) carry additional_roles (consultation: {}): review them with the systems team (rule A3)",
            import::CONSULTATION_IMPORTED
        );
    }
    if !options.assume_trained && !repo.institution.required_training.is_empty() {
        println!(
            "warning: Alma does not know training dates ({}): none were written, so the imported roles stay inactive until training is recorded (R4); record the dates, or re-run with --assume-trained",
            repo.institution.required_training.join(", ")
        );
    }
    if changing > 0 {
        println!("warning: a plan will still change {changing} user(s): see the warnings above");
    } else if written > 0 {
        println!("a plan against this Alma now shows no changes for the imported users");
    }
}
