//! Integration tests of plan and apply: the reconciler in process on
//! fixture trees, the command line against an emulator process, and the
//! proofs under faults on a synthetic institution of 1,000 logins.

#[path = "../common/alma_process.rs"]
mod alma_process;
mod cli;
#[path = "../common/files.rs"]
mod files;
#[path = "../common/fixture.rs"]
mod fixture;
mod proof_faults;
mod reconcile;
