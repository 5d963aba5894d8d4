//! The API key never leaves the client except in the Authorization header:
//! not in Debug output, not in error messages, not in any log line, across
//! successful calls, retries, refusals (401, 400, 403, daily threshold) and
//! transport failures.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use alma_access::alma::{AlmaClient, AlmaRead, AlmaWrite, ApiKey, ClientConfig, wire};
use alma_access::emulator::fixtures;
use alma_access::emulator::{Access, Emulator, Fault, Faults, KeyEntry, Limits, serve};
use serde_json::json;

const KEY: &str = "l8xxSECRET7f3a9cDoNotLeak01";
const UNKNOWN_KEY: &str = "l8xxUNKNOWN55e1bDoNotLeak02";

/// Log output, shared with the subscriber.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn config(base_url: String, key: &str) -> ClientConfig {
    let mut config = ClientConfig::new(base_url, ApiKey::new(key));
    config.requests_per_second = 0.0;
    config.max_retries = 3;
    config.retry_base_delay = Duration::from_millis(2);
    config.timeout = Duration::from_secs(5);
    config
}

#[tokio::test]
async fn the_key_appears_in_no_log_line_error_or_debug_output() {
    let logs = Buffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let mut state = fixtures::institution_with_users(2);
    state.api_keys.push(KeyEntry {
        key: KEY.into(),
        access: Access::ReadWrite,
    });
    let emulator = Emulator::new(state);
    let server = serve(emulator.clone(), "127.0.0.1:0").await.unwrap();
    let alma = AlmaClient::new(config(server.base_url(), KEY)).unwrap();
    let mut seen: Vec<String> = Vec::new();

    seen.push(format!("{:?}", config(server.base_url(), KEY)));
    seen.push(format!("{:?}", ApiKey::new(KEY)));
    seen.push(format!("{}", ApiKey::new(KEY)));

    // Success, with retries on the way.
    emulator.set_faults(Faults {
        next: vec![Fault::PerSecond, Fault::Status(503), Fault::Drop],
        ..Faults::none()
    });
    let mut user = alma.get_user("user0000000").await.unwrap().unwrap();
    seen.push(format!("{alma:?}"));
    alma.libraries().await.unwrap();

    // 400 from an invalid role.
    user.user_role = Some(vec![serde_json::from_value::<wire::UserRole>(json!({
        "status": {"value": "ACTIVE"}, "scope": {"value": "MAIN"}, "role_type": {"value": "nope"}
    }))
    .unwrap()]);
    let mut errors = vec![alma.update_user(&user).await.unwrap_err()];

    // 401 from an unknown key (XML body), and 403 from a read-only one.
    let stranger = AlmaClient::new(config(server.base_url(), UNKNOWN_KEY)).unwrap();
    errors.push(stranger.get_user("user0000000").await.unwrap_err());
    seen.push(format!("{stranger:?}"));
    let reader = AlmaClient::new(config(server.base_url(), fixtures::READ_ONLY_KEY)).unwrap();
    errors.push(reader.update_user(&user).await.unwrap_err());

    // Retries exhausted, a server error, the daily threshold.
    emulator.set_faults(Faults::fail_next(5, 502));
    errors.push(alma.get_user("user0000001").await.unwrap_err());
    emulator.set_faults(Faults::none());
    emulator.set_limits(Limits {
        per_second: 0,
        daily: 0,
    });
    errors.push(alma.get_user("user0000001").await.unwrap_err());

    // No answer at all.
    drop(server);
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let nowhere = AlmaClient::new(config(format!("http://{addr}/almaws/v1"), KEY)).unwrap();
    errors.push(nowhere.get_user("user0000001").await.unwrap_err());

    assert_eq!(errors.len(), 6);
    for error in &errors {
        seen.push(error.to_string());
        seen.push(format!("{error:?}"));
    }
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("Alma response"),
        "the client logged its requests:\n{logs}"
    );
    assert!(logs.contains("retrying"), "and its retries:\n{logs}");
    for (i, text) in seen.iter().enumerate() {
        assert!(
            !text.contains(KEY) && !text.contains(UNKNOWN_KEY),
            "output {i} leaks the key: {text}"
        );
    }
    for line in logs.lines() {
        assert!(
            !line.contains(KEY) && !line.contains(UNKNOWN_KEY),
            "log line leaks the key: {line}"
        );
        assert!(
            !line.contains("apikey"),
            "log line shows the auth scheme: {line}"
        );
    }
}
