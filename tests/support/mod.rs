//! Drives real Terraform against the simulator, in the style of terraform-plugin-testing: a
//! throwaway working directory per test, a CLI config whose `dev_overrides` point at the
//! provider binary cargo just built, and helpers to run commands and read state.
#![allow(dead_code)]

pub mod packages;
pub mod platforms;
pub mod plugin_client;
pub mod tfjson;
pub mod wait;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

#[allow(unused_imports)]
pub use acronis_sim::{CallCounts, Fault, SeedUser, SimConfig, Simulator};
use serde_json::Value as Json;

/// Messages that mean the provider broke one of Terraform's rules, or crashed.
const PROVIDER_FAULTS: &[&str] = &[
    "Provider produced inconsistent",
    "Provider produced invalid",
    "produced an invalid new value",
    "invalid plan",
    "inconsistent final plan",
    "Plugin did not respond",
    "panicked",
    "The plugin encountered an error",
];

/// The Terraform binary: `TF_ACC_TERRAFORM_PATH`, else whatever `scripts/terraform.sh` finds or
/// installs.
pub fn terraform_path() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        if let Some(p) = std::env::var_os("TF_ACC_TERRAFORM_PATH") {
            return PathBuf::from(p);
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/terraform.sh");
        let out = Command::new("bash")
            .arg(&script)
            .output()
            .expect("run scripts/terraform.sh");
        assert!(
            out.status.success(),
            "scripts/terraform.sh could not provide Terraform:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
    })
}

/// The version of [`terraform_path`]'s Terraform as (major, minor, patch), from `version -json`.
pub fn terraform_version() -> (u32, u32, u32) {
    static VERSION: OnceLock<(u32, u32, u32)> = OnceLock::new();
    *VERSION.get_or_init(|| {
        let out = Command::new(terraform_path())
            .args(["version", "-json"])
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .expect("run terraform version");
        assert!(out.status.success(), "terraform version -json failed");
        let json: Json = serde_json::from_slice(&out.stdout).expect("version -json is JSON");
        let text = json["terraform_version"]
            .as_str()
            .expect("terraform_version");
        let mut parts = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .map(|p| p.parse::<u32>().expect("a version number"));
        let mut next = || parts.next().expect("major.minor.patch");
        (next(), next(), next())
    })
}

/// True when Terraform is at least `major.minor`; otherwise prints why `test` is skipped (past
/// the test harness's output capture, so every run shows it) and returns false.
pub fn terraform_at_least(major: u32, minor: u32, test: &str, reason: &str) -> bool {
    use std::io::Write as _;
    let (ma, mi, pa) = terraform_version();
    if (ma, mi) >= (major, minor) {
        return true;
    }
    let line = format!(
        "SKIPPED {test}: {reason} needs Terraform {major}.{minor} or later, this is {ma}.{mi}.{pa}\n"
    );
    // Written to the file descriptor itself: libtest captures only the print macros.
    let _ = std::io::stderr().write_all(line.as_bytes());
    false
}

/// True unless Terraform is 1.10 to 1.14, whose `plan -refresh-only -detailed-exitcode` exits 2
/// with no drift at all (hashicorp/terraform#36403); there it prints why `check` in `test` is
/// skipped, past the output capture, and returns false.
pub fn refresh_only_exit_code_is_reliable(test: &str, check: &str) -> bool {
    use std::io::Write as _;
    let (ma, mi, pa) = terraform_version();
    if !(ma == 1 && (10..=14).contains(&mi)) {
        return true;
    }
    let line = format!(
        "SKIPPED {test} ({check}): Terraform {ma}.{mi}.{pa}'s `plan -refresh-only -detailed-exitcode` exits 2 without drift (hashicorp/terraform#36403)\n"
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
    false
}

/// The directory `dev_overrides` points Terraform at: `TF_ACC_PROVIDER_DIR` when set (e.g. a
/// launcher that runs a cross-built binary under QEMU or Wine, as `make test-platforms` does),
/// else the one holding the provider binary cargo built for these tests.
pub fn provider_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TF_ACC_PROVIDER_DIR") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_BIN_EXE_terraform-provider-acronis"))
        .parent()
        .expect("binary has a directory")
        .to_path_buf()
}

pub const CLIENT_ID: &str = "sim-client";
pub const CLIENT_SECRET: &str = "sim-secret-Kq9vXz";

/// A simulator with the standard test credentials and `users`.
pub fn simulator(users: Vec<SeedUser>) -> Simulator {
    Simulator::start(SimConfig {
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        users,
        ..SimConfig::default()
    })
    .expect("start simulator")
}

/// A simulator holding one enabled user per id (logins `u0`, `u1`, ...).
pub fn simulator_with_enabled(ids: &[String]) -> Simulator {
    simulator(
        ids.iter()
            .enumerate()
            .map(|(i, id)| user(id, &format!("u{i}"), true))
            .collect(),
    )
}

/// A user seed with a fixed id.
pub fn user(id: &str, login: &str, enabled: bool) -> SeedUser {
    SeedUser {
        id: Some(id.into()),
        login: login.into(),
        enabled,
        ..SeedUser::default()
    }
}

/// What one Terraform command did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(out: std::process::Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Fails the test if the output shows the provider breaking a Terraform rule.
    pub fn assert_no_provider_fault(&self) -> &Self {
        let all = self.output();
        for fault in PROVIDER_FAULTS {
            assert!(!all.contains(fault), "Terraform reported {fault:?}:\n{all}");
        }
        self
    }

    pub fn assert_success(&self) -> &Self {
        self.assert_no_provider_fault();
        assert_eq!(self.code, 0, "command failed:\n{}", self.output());
        self
    }

    pub fn assert_failure_containing(&self, needle: &str) -> &Self {
        self.assert_no_provider_fault();
        assert_ne!(
            self.code,
            0,
            "command should have failed:\n{}",
            self.output()
        );
        let flat = flatten(&self.output());
        assert!(
            flat.contains(&flatten(needle)),
            "expected {needle:?} in:\n{}",
            self.output()
        );
        self
    }
}

/// Terraform wraps diagnostics in box-drawing borders; compare text with those folded away.
pub fn flatten(s: &str) -> String {
    s.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Terraform working directory bound to one simulator.
pub struct Workspace {
    pub dir: tempfile::TempDir,
    pub base_url: String,
    extra_env: Vec<(String, String)>,
}

impl Workspace {
    pub fn new(sim: &Simulator) -> Workspace {
        Self::with_base_url(&sim.base_url())
    }

    pub fn with_base_url(base_url: &str) -> Workspace {
        let dir = tempfile::tempdir().expect("tempdir");
        let cli = format!(
            "provider_installation {{\n  dev_overrides {{\n    \"acronis/acronis\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
            provider_dir().display()
        );
        std::fs::write(dir.path().join("cli.tfrc"), cli).expect("write CLI config");
        Workspace {
            dir,
            base_url: base_url.to_owned(),
            extra_env: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Replaces the CLI config (`dev_overrides` by default) for every later command, e.g. with
    /// a `filesystem_mirror` to install the provider as users do.
    pub fn set_cli_config(&self, content: &str) {
        self.write("cli.tfrc", content);
    }

    /// Adds or overrides an environment variable for every later command.
    pub fn env(&mut self, key: &str, value: &str) -> &mut Self {
        self.extra_env.retain(|(k, _)| k != key);
        self.extra_env.push((key.into(), value.into()));
        self
    }

    /// Writes `main.tf`: the provider requirement, an empty provider block and `body`.
    pub fn config(&self, body: &str) {
        self.config_with_provider("", body);
    }

    /// Writes `main.tf` with `provider_args` inside the provider block.
    pub fn config_with_provider(&self, provider_args: &str, body: &str) {
        let hcl = format!(
            "terraform {{\n  required_providers {{\n    acronis = {{ source = \"acronis/acronis\" }}\n  }}\n}}\n\nprovider \"acronis\" {{\n{provider_args}\n}}\n\n{body}\n"
        );
        self.write("main.tf", &hcl);
    }

    pub fn write(&self, name: &str, content: &str) {
        std::fs::write(self.path().join(name), content).expect("write file");
    }

    pub fn terraform(&self, args: &[&str]) -> Run {
        Run::of(self.command(args).output().expect("run terraform"))
    }

    /// The Terraform command for `args`, with this workspace's directory and environment.
    pub fn command(&self, args: &[&str]) -> Command {
        self.command_of(terraform_path(), args)
    }

    /// Runs the bash script at `script` with `args` in this workspace, with its environment.
    pub fn script(&self, script: &Path, args: &[&str]) -> Run {
        let mut cmd = self.command_of(Path::new("bash"), &[]);
        cmd.arg(script).args(args);
        Run::of(cmd.output().expect("run bash"))
    }

    /// `program` with `args`, in this workspace's directory and environment.
    fn command_of(&self, program: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .current_dir(self.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path())
            .env("TF_CLI_CONFIG_FILE", self.path().join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TERRAFORM", terraform_path())
            .env("ACRONIS_BASE_URL", &self.base_url)
            .env("ACRONIS_CLIENT_ID", CLIENT_ID)
            .env("ACRONIS_CLIENT_SECRET", CLIENT_SECRET);
        // A run can be logged as a whole (make test-platforms reads the plugin addresses).
        for key in ["TF_LOG", "TF_LOG_PATH"] {
            if let Some(value) = std::env::var_os(key) {
                cmd.env(key, value);
            }
        }
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn apply(&self) -> Run {
        self.terraform(&["apply", "-auto-approve", "-no-color"])
    }

    pub fn destroy(&self) -> Run {
        self.terraform(&["destroy", "-auto-approve", "-no-color"])
    }

    /// `plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error.
    pub fn plan(&self, extra: &[&str]) -> Run {
        let mut args = vec!["plan", "-detailed-exitcode", "-no-color"];
        args.extend_from_slice(extra);
        self.terraform(&args)
    }

    /// `terraform show -json` of the state, parsed.
    pub fn state(&self) -> Json {
        let run = self.terraform(&["show", "-json"]);
        run.assert_success();
        serde_json::from_str(&run.stdout).expect("show -json is JSON")
    }

    /// The attribute values of the resource at `address`, or `None` if state lacks it.
    pub fn resource(&self, address: &str) -> Option<Json> {
        let state = self.state();
        state["values"]["root_module"]["resources"]
            .as_array()?
            .iter()
            .find(|r| r["address"] == address)
            .map(|r| r["values"].clone())
    }

    /// Every resource in state, by address.
    pub fn resources(&self) -> Vec<Json> {
        self.state()["values"]["root_module"]["resources"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn output(&self, name: &str) -> Json {
        let run = self.terraform(&["output", "-json", name]);
        run.assert_success();
        serde_json::from_str(&run.stdout).expect("output -json is JSON")
    }
}

/// A resource block for `acronis_user_status`.
pub fn user_status(name: &str, user_id: &str, enabled: bool) -> String {
    format!("resource \"acronis_user_status\" \"{name}\" {{\n  user_id = \"{user_id}\"\n  enabled = {enabled}\n}}\n")
}

/// `n` distinct lowercase UUIDs.
pub fn uuids(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("00000000-0000-4000-8000-{i:012x}"))
        .collect()
}

/// One `acronis_user_status` per id, through `for_each`, all with the same `enabled`.
pub fn user_statuses(name: &str, ids: &[String], enabled: bool) -> String {
    let list = ids
        .iter()
        .map(|id| format!("\"{id}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "resource \"acronis_user_status\" \"{name}\" {{\n  for_each = toset([{list}])\n  user_id = each.value\n  enabled = {enabled}\n}}\n"
    )
}

/// The simulator's view of a user: (enabled, version).
pub fn truth(sim: &Simulator, id: &str) -> (bool, i64) {
    let user = sim.user(id).expect("user exists in the simulator");
    (
        user["enabled"].as_bool().expect("enabled"),
        user["version"].as_i64().expect("version"),
    )
}

/// `PATCH /admin/users/{id}` on the simulator's HTTP admin API with the JSON `body`: an edit
/// "in the console", made over the wire as an operator's tooling would. Returns the status code.
pub fn admin_patch_user(sim: &Simulator, id: &str, body: &str) -> u16 {
    use std::io::{Read as _, Write as _};
    let addr = sim
        .base_url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).expect("connect to the simulator");
    let request = format!(
        "PATCH /admin/users/{id} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .expect("send the admin request");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .expect("read the admin answer");
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"))
}
