//! An emulator run as its own process (`alma-access emulator`), standing
//! in for Alma in command-level tests: started on 127.0.0.1 port 0, driven
//! through its admin endpoints, stopped when dropped.
// Shared by several test binaries; each uses only part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use alma_access::emulator::{State, Stats};

/// An emulator run as its own process, standing in for Alma.
pub struct Alma {
    child: Child,
    pub addr: String,
}

impl Drop for Alma {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Alma {
    pub fn serve(state: &Path) -> Alma {
        let mut child = Command::new(env!("CARGO_BIN_EXE_alma-access"))
            .args([
                "emulator",
                "--state",
                state.to_str().unwrap(),
                "--listen",
                "127.0.0.1:0",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line.trim().trim_start_matches("http://").to_string();
        assert!(addr.starts_with("127.0.0.1:"), "{line}");
        Alma { child, addr }
    }

    /// An admin request (`/_emulator/...`); returns the body of a 2xx answer.
    pub fn admin(&self, method: &str, path: &str, body: &str) -> String {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        let answer = String::from_utf8(answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 2"), "{head}");
        body.to_string()
    }

    pub fn stats(&self) -> Stats {
        serde_json::from_str(&self.admin("GET", "/_emulator/stats", "")).unwrap()
    }

    pub fn state(&self) -> State {
        serde_json::from_str(&self.admin("GET", "/_emulator/state", "")).unwrap()
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/almaws/v1", self.addr)
    }
}
