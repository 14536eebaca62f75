//! Release packaging, end to end: `scripts/release.sh` packages the provider binary these tests
//! built, and real Terraform installs that package from a `filesystem_mirror` (as users without
//! the public registry do), records it in the lock file by hash, and applies with it against
//! the simulator. Also the binary's `--version`, the version check, the archiver fallback, and
//! the GPG signature of `SHA256SUMS` (made with a throwaway key, checked by `gpg --verify`).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::packages::*;
use support::*;

const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn provider_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_terraform-provider-acronis"))
}

/// Terraform's name for this machine's platform, as the release script derives it from uname.
fn platform() -> String {
    let os = std::env::consts::OS;
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}_{arch}")
}

/// The zip of this machine's platform.
fn host_zip() -> String {
    zip_name(&platform())
}

/// Runs `scripts/release.sh version` packaging `binary` into `dist`, with `env` added.
fn release(version: &str, binary: &Path, dist: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("scripts/release.sh"))
        .arg(version)
        .env("RELEASE_BINARY", binary)
        .env("DIST_DIR", dist)
        .env_remove("RELEASE_ZIP")
        .env_remove("GPG_FINGERPRINT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run scripts/release.sh")
}

fn assert_ran(out: &Output) {
    assert!(
        out.status.success(),
        "release.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The names of the files in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dist")
        .map(|e| {
            e.expect("dist entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn version_flag_prints_the_crate_version() {
    let out = Command::new(provider_binary())
        .arg("--version")
        .output()
        .expect("run the provider binary");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{NAME} {VERSION}\n")
    );
}

#[test]
fn packaged_provider_installs_from_a_filesystem_mirror_and_applies() {
    // Package the binary these tests built.
    let dist = tempfile::tempdir().expect("tempdir");
    let out = release(VERSION, provider_binary(), dist.path(), &[]);
    assert_ran(&out);
    let mut expected = vec![host_zip(), manifest_name(), sums_name()];
    expected.sort();
    assert_eq!(listing(dist.path()), expected);
    let printed: Vec<PathBuf> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(PathBuf::from)
        .collect();
    assert_eq!(printed.len(), 3, "the script prints the path of each asset");
    assert!(
        printed
            .iter()
            .all(|p| p.starts_with(dist.path()) && p.is_file()),
        "{printed:?}"
    );

    // The zip holds exactly the versioned binary, executable, byte for byte.
    let zip = dist.path().join(host_zip());
    let binary = std::fs::read(provider_binary()).expect("read the provider binary");
    let binary_name = binary_name(&platform());
    let entries = zip_entries(&zip);
    assert_eq!(entries.len(), 1, "{} entries", entries.len());
    let (entry_name, mode, content) = &entries[0];
    assert_eq!(entry_name, &binary_name);
    assert_eq!(mode & 0o777, 0o755, "mode {mode:o}");
    assert!(content == &binary, "the zipped binary is the built one");

    // The manifest is the registry manifest at the top of the repository.
    let manifest = std::fs::read(dist.path().join(manifest_name())).expect("read manifest");
    assert_eq!(
        manifest,
        std::fs::read(root().join("terraform-registry-manifest.json"))
            .expect("read the registry manifest")
    );
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).expect("manifest is JSON");
    assert_eq!(
        manifest,
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );

    // SHA256SUMS lists the zip and the manifest, with digests `sha256sum --check` accepts.
    let mut wanted = vec![host_zip(), manifest_name()];
    wanted.sort();
    assert_eq!(checked_sums(dist.path()), wanted);

    // A filesystem mirror in the packed layout, and a CLI config that installs from it only.
    let mirror = FilesystemMirror::of([&zip]);
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.set_cli_config(&mirror.cli_config());
    ws.write(
        "main.tf",
        &requiring_the_release(&user_status("john", JOHN, false)),
    );

    let init = ws.terraform(&["init", "-no-color"]);
    assert_installed(&init);
    assert!(
        !init.output().contains("development overrides"),
        "{}",
        init.output()
    );

    // The lock file pins the version and the package's hash, which matches the binary.
    let lock = std::fs::read_to_string(ws.path().join(".terraform.lock.hcl"))
        .expect("init writes the lock file");
    assert!(
        lock.contains("provider \"registry.terraform.io/acronis/acronis\" {"),
        "{lock}"
    );
    assert!(
        lock.contains(&format!("version     = \"{VERSION}\"")),
        "{lock}"
    );
    assert!(
        lock.contains(&format!("constraints = \"{VERSION}\"")),
        "{lock}"
    );
    let h1 = h1_of_zip(&zip);
    assert!(
        lock.contains(&format!("\"{h1}\"")),
        "expected {h1} in:\n{lock}"
    );

    let installed = ws
        .path()
        .join(".terraform/providers/registry.terraform.io/acronis/acronis")
        .join(VERSION)
        .join(platform())
        .join(&binary_name);
    assert!(
        std::fs::read(&installed).expect("read the installed binary") == binary,
        "Terraform unpacked the released binary"
    );

    // The installed provider works: apply disables the account, and a second plan is empty.
    ws.apply().assert_success();
    assert!(
        !truth(&sim, JOHN).0,
        "the simulator shows the account disabled"
    );
    let plan = ws.plan(&[]);
    plan.assert_no_provider_fault();
    assert_eq!(plan.code, 0, "{}", plan.output());

    // A tampered package no longer matches the lock file.
    let other = tempfile::tempdir().expect("tempdir");
    let tampered = Workspace::new(&sim);
    let stub = write_stub(other.path(), VERSION);
    let redo = release(VERSION, &stub, other.path(), &[]);
    assert_ran(&redo);
    mirror.put(&other.path().join(host_zip()));
    tampered.set_cli_config(&mirror.cli_config());
    tampered.write(
        "main.tf",
        &std::fs::read_to_string(ws.path().join("main.tf")).expect("read main.tf"),
    );
    tampered.write(".terraform.lock.hcl", &lock);
    tampered
        .terraform(&["init", "-no-color"])
        .assert_failure_containing(
            "doesn't match any of the checksums previously recorded in the dependency lock file",
        );
}

/// A stand-in provider binary that only answers `--version`, for packaging tests.
fn write_stub(dir: &Path, reports: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let path = dir.join("stub-provider");
    std::fs::write(&path, format!("#!/bin/sh\necho \"{NAME} {reports}\"\n")).expect("write stub");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod stub");
    path
}

#[test]
fn the_python_archiver_keeps_the_binary_executable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stub = write_stub(dir.path(), VERSION);
    let dist = dir.path().join("dist");
    let out = release(VERSION, &stub, &dist, &[("RELEASE_ZIP", "python3")]);
    assert_ran(&out);
    let entries = zip_entries(&dist.join(host_zip()));
    assert!(
        entries
            == [(
                format!("{NAME}_v{VERSION}"),
                0o100755,
                std::fs::read(&stub).expect("read the stub")
            )],
        "one executable entry holding the binary: {:?}",
        entries.iter().map(|(n, m, _)| (n, m)).collect::<Vec<_>>()
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is NOT signed (no GPG_FINGERPRINT)"),
        "an unsigned release says so: {stderr}"
    );
    let mut wanted = vec![host_zip(), manifest_name()];
    wanted.sort();
    assert_eq!(checked_sums(&dist), wanted);
}

#[test]
fn release_refuses_a_version_that_is_not_the_crates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dist = dir.path().join("dist");

    let stub = write_stub(dir.path(), VERSION);
    let out = release("99.0.0", &stub, &dist, &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "VERSION 99.0.0 differs from the crate version {VERSION} in Cargo.toml"
        )),
        "{stderr}"
    );
    assert!(!dist.exists(), "nothing is written");

    let out = release(&format!("v{VERSION}"), &stub, &dist, &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no leading v"));

    // A binary built from another version is refused too.
    let old_dir = dir.path().join("old");
    std::fs::create_dir(&old_dir).expect("mkdir");
    let old = write_stub(&old_dir, "0.0.1");
    let out = release(VERSION, &old, &dist, &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "reports '{NAME} 0.0.1', expected '{NAME} {VERSION}'"
        )),
        "{stderr}"
    );
    assert!(!dist.exists(), "nothing is written");
}

/// A throwaway GPG home holding one RSA signing key without a passphrase, as the registry wants
/// (RSA); the agent it starts is stopped on drop.
struct Keyring {
    home: tempfile::TempDir,
    fingerprint: String,
}

impl Keyring {
    fn new() -> Keyring {
        let home = tempfile::Builder::new()
            .prefix("gpg")
            .tempdir()
            .expect("tempdir");
        let mut keyring = Keyring {
            home,
            fingerprint: String::new(),
        };
        let made = keyring.gpg(&[
            "--passphrase",
            "",
            "--quick-generate-key",
            "Release Test <release-test@example.invalid>",
            "rsa3072",
            "sign",
            "never",
        ]);
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
        let listed = keyring.gpg(&["--with-colons", "--list-secret-keys"]);
        keyring.fingerprint = String::from_utf8_lossy(&listed.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("fpr:"))
            .map(|rest| rest.trim_matches(':').to_owned())
            .expect("the new key's fingerprint");
        keyring
    }

    /// `gpg --batch` with `args` in this keyring.
    fn gpg(&self, args: &[&str]) -> Output {
        Command::new("gpg")
            .arg("--batch")
            .args(["--pinentry-mode", "loopback"])
            .args(args)
            .env("GNUPGHOME", self.home.path())
            .output()
            .expect("run gpg (Debian package gnupg)")
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .args(["--kill", "all"])
            .env("GNUPGHOME", self.home.path())
            .status();
    }
}

#[test]
fn sha256sums_is_signed_with_the_named_key_and_verifies() {
    let keyring = Keyring::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let stub = write_stub(dir.path(), VERSION);
    let dist = dir.path().join("dist");
    let home = keyring.home.path().to_string_lossy().into_owned();
    let out = release(
        VERSION,
        &stub,
        &dist,
        &[
            ("GNUPGHOME", &home),
            ("GPG_FINGERPRINT", &keyring.fingerprint),
        ],
    );
    assert_ran(&out);
    let sig = format!("{}.sig", sums_name());
    let mut expected = vec![host_zip(), manifest_name(), sums_name(), sig.clone()];
    expected.sort();
    assert_eq!(listing(&dist), expected);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&sig),
        "the signature is listed among the assets"
    );

    let sig_path = dist.join(&sig);
    let sums_path = dist.join(sums_name());
    let verify = |sums: &Path| {
        keyring.gpg(&[
            "--status-fd",
            "1",
            "--verify",
            &sig_path.to_string_lossy(),
            &sums.to_string_lossy(),
        ])
    };
    let good = verify(&sums_path);
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let status = String::from_utf8_lossy(&good.stdout);
    assert!(
        status.contains(&format!("VALIDSIG {}", keyring.fingerprint)),
        "signed by the named key: {status}"
    );

    // The signature covers the sums: a changed SHA256SUMS no longer verifies.
    let tampered = dir.path().join("tampered-SHA256SUMS");
    let mut sums = std::fs::read(&sums_path).expect("read SHA256SUMS");
    sums[0] ^= 1;
    std::fs::write(&tampered, sums).expect("write tampered sums");
    assert!(!verify(&tampered).status.success());
}

#[test]
fn a_key_gpg_cannot_find_fails_the_release() {
    let keyring = Keyring::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let stub = write_stub(dir.path(), VERSION);
    let home = keyring.home.path().to_string_lossy().into_owned();
    let out = release(
        VERSION,
        &stub,
        &dir.path().join("dist"),
        &[
            ("GNUPGHOME", &home),
            (
                "GPG_FINGERPRINT",
                "0000000000000000000000000000000000000000",
            ),
        ],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("gpg could not sign"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
