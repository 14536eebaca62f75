//! `terraform init` from the release as users without the public registry install it: the
//! archives as a filesystem mirror, and served as a network mirror over HTTPS on loopback (the
//! provider network mirror protocol, a local CA passed through SSL_CERT_FILE); then
//! `terraform providers lock` for every released platform writes a lock file that a later
//! `terraform init` on linux_amd64 accepts. Run by `make test-platforms`; skipped elsewhere.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use support::packages::*;
use support::platforms::*;
use support::*;

const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";

fn main_tf() -> String {
    requiring_the_release(&user_status("john", JOHN, false))
}

/// The lock file's hashes for acronis/acronis.
fn locked_hashes(ws: &Workspace) -> Vec<String> {
    let lock = std::fs::read_to_string(ws.path().join(".terraform.lock.hcl"))
        .expect("the lock file is written");
    lock.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("\"h1:") || l.starts_with("\"zh:"))
        .map(|l| l.trim_end_matches(',').trim_matches('"').to_owned())
        .collect()
}

/// Locks every released platform with `lock_args`, checks every platform's h1: is recorded, then
/// proves a fresh working directory with only that lock file initialises and applies.
fn lock_all_platforms_then_init(
    sim: &Simulator,
    dist: &Path,
    cli: &str,
    env: &[(&str, &str)],
    lock_args: &[&str],
) {
    let mut locker = Workspace::new(sim);
    for (k, v) in env {
        locker.env(k, v);
    }
    locker.set_cli_config(cli);
    locker.write("main.tf", &main_tf());
    let mut args = vec!["providers", "lock", "-no-color"];
    args.extend_from_slice(lock_args);
    let platforms = present(dist, "lock_all_platforms_then_init");
    let platform_flags = platform_args(&platforms);
    args.extend(platform_flags.iter().map(String::as_str));
    locker.terraform(&args).assert_success();
    let hashes = locked_hashes(&locker);
    for platform in &platforms {
        let h1 = h1_of_zip(&dist.join(zip_name(platform)));
        assert!(hashes.contains(&h1), "{platform}: {h1} not in {hashes:?}");
    }
    let lock = std::fs::read_to_string(locker.path().join(".terraform.lock.hcl")).expect("lock");

    let mut user = Workspace::new(sim);
    for (k, v) in env {
        user.env(k, v);
    }
    user.set_cli_config(cli);
    user.write("main.tf", &main_tf());
    user.write(".terraform.lock.hcl", &lock);
    assert_installed(&user.terraform(&["init", "-no-color"]));
    assert_eq!(
        std::fs::read_to_string(user.path().join(".terraform.lock.hcl")).expect("lock"),
        lock,
        "init on linux_amd64 accepts the multi-platform lock file as it is"
    );
    user.apply().assert_success();
    assert!(
        !truth(sim, JOHN).0,
        "the installed provider disabled the account"
    );
}

#[test]
fn a_filesystem_mirror_of_the_archives_installs_and_locks_every_platform() {
    let Some(dist) = dist("a_filesystem_mirror_of_the_archives") else {
        return;
    };
    let mirror = FilesystemMirror::of(
        present(&dist, "a_filesystem_mirror")
            .into_iter()
            .map(|platform| dist.join(zip_name(platform))),
    );
    let cli = mirror.cli_config();
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let fs_mirror = format!("-fs-mirror={}", mirror.path().display());
    lock_all_platforms_then_init(&sim, &dist, &cli, &[], &[&fs_mirror]);
}

/// The network mirror server (tests/platforms/network_mirror.py); stopped when dropped.
struct NetworkMirror {
    child: Child,
    port: u16,
    _root: tempfile::TempDir,
}

impl Drop for NetworkMirror {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A local CA, and a certificate it signs for 127.0.0.1 and localhost; (CA PEM path, chain
/// PEM path, key PEM path) in `dir`.
fn local_ca(dir: &Path) -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SanType};
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "mirror test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.clone().self_signed(&ca_key).expect("CA");
    let issuer = Issuer::new(ca_params, &ca_key);
    let key = KeyPair::generate().expect("server key");
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    params
        .subject_alt_names
        .push(SanType::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()));
    let cert = params.signed_by(&key, &issuer).expect("server certificate");
    let write = |name: &str, pem: String| {
        let path = dir.join(name);
        std::fs::write(&path, pem).expect("write PEM");
        path.to_string_lossy().into_owned()
    };
    (
        write("ca.pem", ca.pem()),
        write("chain.pem", format!("{}{}", cert.pem(), ca.pem())),
        write("key.pem", key.serialize_pem()),
    )
}

fn start_network_mirror(dist: &Path, certs: &Path) -> (NetworkMirror, String) {
    let (ca, chain, key) = local_ca(certs);
    let root = tempfile::tempdir().expect("tempdir");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/platforms/network_mirror.py");
    let mut child = Command::new("python3")
        .arg(script)
        .arg(dist)
        .arg(root.path())
        .arg(&chain)
        .arg(&key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the network mirror");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the mirror's port");
    let port = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("a port, got {line:?}"));
    (
        NetworkMirror {
            child,
            port,
            _root: root,
        },
        ca,
    )
}

#[test]
fn a_network_mirror_over_https_installs_and_locks_every_platform() {
    let Some(dist) = dist("a_network_mirror_over_https") else {
        return;
    };
    let certs = tempfile::tempdir().expect("tempdir");
    let (mirror, ca) = start_network_mirror(&dist, certs.path());
    let url = format!("https://127.0.0.1:{}/", mirror.port);
    let cli = format!(
        "provider_installation {{\n  network_mirror {{\n    url     = \"{url}\"\n    include = [\"registry.terraform.io/acronis/*\"]\n  }}\n}}\n"
    );
    let sim = simulator(vec![user(JOHN, "john", true)]);

    // Without the local CA, Terraform refuses the mirror's certificate.
    let mut untrusted = Workspace::new(&sim);
    untrusted.env(
        "SSL_CERT_FILE",
        &certs.path().join("none.pem").to_string_lossy(),
    );
    untrusted.set_cli_config(&cli);
    untrusted.write("main.tf", &main_tf());
    let refused = untrusted.terraform(&["init", "-no-color"]);
    assert_ne!(refused.code, 0, "{}", refused.output());

    // With it, init installs from the mirror, and the lock file keeps the mirror's hashes.
    let mut first = Workspace::new(&sim);
    first.env("SSL_CERT_FILE", &ca);
    first.set_cli_config(&cli);
    first.write("main.tf", &main_tf());
    assert_installed(&first.terraform(&["init", "-no-color"]));
    let hashes = locked_hashes(&first);
    assert!(
        hashes.contains(&h1_of_zip(&dist.join(zip_name("linux_amd64")))),
        "{hashes:?}"
    );

    let net_mirror = format!("-net-mirror={url}");
    lock_all_platforms_then_init(&sim, &dist, &cli, &[("SSL_CERT_FILE", &ca)], &[&net_mirror]);
    drop(mirror);
}
