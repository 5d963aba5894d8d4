//! The report as one job: built from the validated repository, stamped
//! with the commit checked out and, when git knows it, each file's last
//! change; with `--alma` also what Alma holds (a full plan of every
//! environment, its drift marked); written as one page.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Report, build, html};
use crate::alma::{AlmaError, AlmaRead};
use crate::git;
use crate::lifecycle::recert;
use crate::reconcile::render::Legend;
use crate::reconcile::select::{self, SelectError, Selection};
use crate::reconcile::{self, Progress, Request};
use crate::validate::Valid;

/// Why a report was not written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the environments cannot be planned: {0}")]
    Select(#[source] SelectError),
    #[error("reading Alma failed: {0}")]
    Alma(#[from] AlmaError),
    #[error("cannot create {}: {source}", dir.display())]
    CreateDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", file.display())]
    Write {
        file: PathBuf,
        source: std::io::Error,
    },
}

/// The report of the repository `valid` holds, on its day, stamped with
/// the commit checked out, with when each file last changed when git knows.
pub fn of(valid: &Valid) -> Report {
    let commit = select::commit_of(&valid.root);
    let report = build(&valid.repo, valid.today, commit);
    match git::last_changes(&valid.root) {
        Ok(changes) => {
            let interval = recert::interval_days(&valid.repo.institution);
            report.with_history(&changes, interval)
        }
        Err(_) => report,
    }
}

/// What reading Alma covers: every login in every environment.
pub fn alma_request(valid: &Valid, progress: Progress) -> Result<Request<'_>, ReportError> {
    let (repo, root, everything) = (&valid.repo, &valid.root, Selection::default());
    select::request(repo, root, valid.today, &everything, progress).map_err(ReportError::Select)
}

/// `report` with what Alma holds (a plan of `request` read from `alma`),
/// the drift marked.
pub async fn with_alma<R: AlmaRead>(
    report: Report,
    alma: &BTreeMap<String, R>,
    request: &Request<'_>,
) -> Result<Report, ReportError> {
    let plan = reconcile::plan(alma, request).await?;
    let legend = Legend::for_plan(&request.repo.catalog, &plan);
    Ok(report.with_alma(&plan, &legend))
}

/// Writes the page of `report` to `file`, making its folder.
pub fn write(report: &Report, file: &Path) -> Result<(), ReportError> {
    let page = html::render(report);
    if let Some(dir) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| ReportError::CreateDir {
            dir: dir.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(file, page).map_err(|source| ReportError::Write {
        file: file.to_path_buf(),
        source,
    })
}

/// What was written to `file`, in one line.
pub fn written(report: &Report, file: &Path) -> String {
    format!(
        "wrote {}: {} logins, {} privileged grants, {} due or overdue, as of {}",
        file.display(),
        report.logins.len(),
        report.privileged.len(),
        report.calendar.len(),
        report.today
    )
}
