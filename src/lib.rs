//! alma-access: access-as-code for Ex Libris Alma staff logins.
//!
//! A library keeps one YAML file per staff login under `access/`. This crate
//! turns that tree into Alma role grants and keeps Alma in step with it.
//! The modules follow the pipeline, one stage each, in layers: a module uses
//! the modules of its own layer's lower rows and of the layers below it,
//! never one above (the `layers` test below checks every `crate::` path).
//!
//! ```text
//! cli                          one file per subcommand: parses arguments and prints
//! ───────────────────────────  what people read and act on
//! report  review  import       the auditors' report; approvals (A1-A5); adopting Alma's users
//! ───────────────────────────  keeping Alma in step
//! reconcile                    desired state, the pure diff, plans, safety, apply, audit
//! lifecycle                    where a login stands on a day; calendar, sweeps, proposals
//! git                          revisions, changes since one, evidence, proposal branches
//! ───────────────────────────  the access repository
//! editor_schemas               the institution's own schemas for editors
//! validate                     the policy rules V1-V14 over the loaded tree
//! schema  load                 the embedded JSON Schemas; reading access/ from disk
//! model                        the validated types (Institution, Catalog, Units, Login)
//! diag                         diagnostics as data, rendered as text, JSON or annotations
//! yaml                         the strict reader: every value keeps its place in the file
//! ───────────────────────────  Alma
//! emulator                     a fake Alma, in process and over HTTP, with faults
//! alma                         wire types, AlmaRead / AlmaWrite, the rate-limited client
//! ───────────────────────────  shared by all
//! retry  text                  the backoff schedule; text made safe to show
//! ```
//!
//! [`synth`] sits beside the top layer: synthetic institutions and their
//! fake Alma, for benchmarks and tests, and the built-in emulator's Alma
//! when no API key is set.

pub mod alma;
pub mod cli;
pub mod diag;
pub mod editor_schemas;
pub mod emulator;
pub mod git;
pub mod import;
pub mod lifecycle;
pub mod load;
pub mod model;
pub mod reconcile;
pub mod report;
pub mod retry;
pub mod review;
pub mod schema;
pub mod synth;
pub mod text;
pub mod validate;
pub mod yaml;

#[cfg(test)]
mod layers;
