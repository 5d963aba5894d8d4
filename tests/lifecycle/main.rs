//! Integration tests of the lifecycle commands: the calendar of coming
//! changes, re-certification, and the inactivity sweep from a report file
//! or from Alma, with the branches they write.

mod calendar;
#[path = "../common/files.rs"]
mod files;
#[path = "../common/fixture.rs"]
mod fixture;
mod review;
mod support;
mod sweep;
