//! Integration tests of the reconciler: plan, apply and plan again against
//! the in-process emulator, in the style of an acceptance suite.

mod expiring;
mod scenarios;
mod snapshots;
mod trust;
mod world;
