//! alma-access: access-as-code for Ex Libris Alma staff logins.
//!
//! A library keeps one YAML file per staff login under `access/`. This crate
//! turns that tree into Alma role grants and keeps Alma in step with it.
//! The modules follow the pipeline, one stage each:
//!
//! - [`yaml`]: a span-aware YAML reader, so every value knows its file, line and column.
//! - [`diag`]: diagnostics as data (stable codes, severities, spans) and their rendering.
//! - [`load`]: reads `access/` from disk into spanned documents, reporting unreadable files.
//! - [`schema`]: the embedded JSON Schemas and the mapping of schema errors back to YAML positions.
//! - [`editor_schemas`]: the institution's own JSON Schemas for editors (role types, levels,
//!   trainings, units and their codes as completion values), generated from the tables.
//! - [`model`]: the validated types (`Institution`, `Catalog`, `Units`, `Profile`, `Login`).
//! - [`validate`]: the institution's policy rules V1-V14 over the loaded tree.
//! - [`lifecycle`]: where a login stands on a day (start, training, leave, suspension, end),
//!   the calendar of coming changes, inactivity sweeps and re-certification.
//! - [`alma`]: Alma wire types, the `AlmaRead` / `AlmaWrite` traits and the HTTP client.
//! - [`emulator`]: an in-process and HTTP emulator of the Alma Users API.
//! - [`reconcile`]: desired state, the pure `diff`, typed plans, safety gates, apply and audit.
//! - [`history`]: what changed in git since a revision (incremental plans, deleted logins).
//! - [`review`]: who must approve a pull request and whether they have (A1-A5); CODEOWNERS.
//! - [`import`]: login files for the staff users an Alma environment already has.
//! - [`report`]: a self-contained HTML report of who holds what, for auditors.
//! - [`synth`]: synthetic institutions of any size, for benchmarks and load tests.
//! - [`text`]: text from files and from Alma made safe to show (one line, code fences, HTML).
//! - [`cli`]: one file per subcommand; the binary is a thin wrapper over it.

pub mod alma;
pub mod cli;
pub mod diag;
pub mod editor_schemas;
pub mod emulator;
pub mod history;
pub mod import;
pub mod lifecycle;
pub mod load;
pub mod model;
pub mod reconcile;
pub mod report;
pub mod review;
pub mod schema;
pub mod synth;
pub mod text;
pub mod validate;
pub mod yaml;
