//! `alma-access emulator` as a user runs it: it prints the bound address,
//! serves the API, saves accepted updates to the state file, and refuses a
//! missing state file with the usage exit code.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};

use alma_access::alma::{AlmaClient, AlmaRead, AlmaWrite, ApiKey, ClientConfig};
use alma_access::emulator::State;
use alma_access::emulator::fixtures::{self, READ_WRITE_KEY};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_alma-access");

/// Kills the child when the test ends, however it ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serves_the_state_file_and_saves_updates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alma.json");
    fixtures::institution_with_users(3).save(&path).unwrap();
    let mut child = Command::new(BIN)
        .args(["emulator", "--state"])
        .arg(&path)
        .args(["--listen", "127.0.0.1:0", "--per-second", "50"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _running = Running(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let addr: SocketAddr = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("an address on stdout, got {line:?}"));

    let config = ClientConfig::new(
        format!("http://{addr}/almaws/v1"),
        ApiKey::new(READ_WRITE_KEY),
    );
    let alma = AlmaClient::new(config).unwrap();
    let mut user = alma.get_user("user0000001").await.unwrap().unwrap();
    user.rest.insert("last_name".into(), json!("Persisted"));
    alma.update_user(&user).await.unwrap();
    let saved = State::load(&path).unwrap();
    assert_eq!(saved.users[1].rest["last_name"], "Persisted");
    assert_eq!(saved.limits.per_second, 50, "--per-second applies");
}

#[test]
fn a_missing_state_file_is_a_usage_error() {
    let status = Command::new(BIN)
        .args(["emulator", "--state", "/nonexistent/alma.json"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}
