//! The `acronis-sim` binary: flags and seed file, the "listening on" line, and a clean exit on
//! SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::client::{admin_url, token_with_basic};

#[test]
fn binary_seeds_users_prints_its_url_and_stops_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("acronis-sim-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let seed = dir.join("seed.json");
    std::fs::write(
        &seed,
        r#"{"client_id": "file-client", "client_secret": "file-secret",
            "users": [{"id": "5eed0000-0000-4000-8000-000000000001", "login": "seeded",
                       "enabled": false, "email": "s@x.example"}]}"#,
    )
    .expect("seed file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_acronis-sim"))
        .args(["--listen", "127.0.0.1:0", "--seed"])
        .arg(&seed)
        .args([
            "--client-secret",
            "flag-secret",
            "--user",
            "alice",
            "--user",
            "bob:disabled",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("a line");
    let base = line
        .trim()
        .strip_prefix("acronis-sim listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(
        base.starts_with("http://127.0.0.1:") && !base.ends_with(":0"),
        "{base}"
    );

    assert_eq!(
        token_with_basic(&base, "file-client", "file-secret").status,
        401
    );
    assert_eq!(
        token_with_basic(&base, "file-client", "flag-secret").status,
        200
    );
    let users = admin_url(&base, "GET", "/admin/users").json();
    let mut logins: Vec<(String, bool)> = users
        .as_array()
        .expect("array")
        .iter()
        .map(|u| {
            let login = u["login"].as_str().expect("login").to_owned();
            (login, u["enabled"].as_bool().expect("enabled"))
        })
        .collect();
    logins.sort();
    assert_eq!(
        logins,
        vec![
            ("alice".to_owned(), true),
            ("bob".to_owned(), false),
            ("seeded".to_owned(), false)
        ]
    );

    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(terminated.success());
    let status = child.wait().expect("binary exits");
    assert!(status.success(), "{status:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn binary_rejects_a_bad_seed_file() {
    let output = Command::new(env!("CARGO_BIN_EXE_acronis-sim"))
        .args(["--seed", "/nonexistent/seed.json"])
        .output()
        .expect("binary runs");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("seed"));
}
