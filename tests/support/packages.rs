//! Release packages as Terraform installs them: the file names `scripts/release.sh` writes, what
//! a zip holds, the digests SHA256SUMS and lock files record, and a filesystem mirror serving
//! zips to a working directory that requires the released version.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};

use super::Run;

pub const NAME: &str = "terraform-provider-acronis";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn zip_name(platform: &str) -> String {
    format!("{NAME}_{VERSION}_{platform}.zip")
}

pub fn manifest_name() -> String {
    format!("{NAME}_{VERSION}_manifest.json")
}

pub fn sums_name() -> String {
    format!("{NAME}_{VERSION}_SHA256SUMS")
}

/// The binary's name inside the zip of `platform`.
pub fn binary_name(platform: &str) -> String {
    let exe = if platform.starts_with("windows") {
        ".exe"
    } else {
        ""
    };
    format!("{NAME}_v{VERSION}{exe}")
}

/// Each entry of a zip archive: (name, Unix mode, content), read by Python's zipfile (python3
/// is on every machine the project runs on; `unzip` may not be).
pub fn zip_entries(zip: &Path) -> Vec<(String, u32, Vec<u8>)> {
    let script = "import base64, sys, zipfile\n\
                  with zipfile.ZipFile(sys.argv[1]) as z:\n\
                  \x20   for i in z.infolist():\n\
                  \x20       print(i.filename, i.external_attr >> 16, base64.b64encode(z.read(i)).decode())\n";
    let out = python(script, zip);
    use base64::Engine as _;
    out.lines()
        .map(|line| {
            let parts: Vec<&str> = line.split(' ').collect();
            assert_eq!(parts.len(), 3, "{line}");
            (
                parts[0].to_owned(),
                parts[1].parse().expect("a mode"),
                base64::engine::general_purpose::STANDARD
                    .decode(parts[2])
                    .expect("base64"),
            )
        })
        .collect()
}

/// Terraform's `h1:` hash of the package in `zip`: Go's dirhash Hash1, the SHA-256 of the lines
/// "<hex sha256>  <name>\n" (one per file, sorted), base64.
pub fn h1_of_zip(zip: &Path) -> String {
    let script = "import base64, hashlib, sys, zipfile\n\
                  z = zipfile.ZipFile(sys.argv[1])\n\
                  lines = ''.join('%s  %s\\n' % (hashlib.sha256(z.read(n)).hexdigest(), n) for n in sorted(z.namelist()))\n\
                  print('h1:' + base64.b64encode(hashlib.sha256(lines.encode()).digest()).decode())\n";
    python(script, zip).trim().to_owned()
}

/// Runs a Python `script` over `arg` and returns what it printed.
fn python(script: &str, arg: &Path) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(arg)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The hex SHA-256 of `bytes`, by `sha256sum` (the tool the SHA256SUMS format comes from).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::io::Write as _;
    let mut child = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run sha256sum");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(bytes)
        .expect("feed sha256sum");
    let out = child.wait_with_output().expect("sha256sum output");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("a digest")
        .to_owned()
}

pub fn sha256_of_file(path: &Path) -> String {
    sha256_hex(&std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display())))
}

/// The file names SHA256SUMS in `dist` lists, sorted, after `sha256sum --check --strict` has
/// confirmed every digest.
pub fn checked_sums(dist: &Path) -> Vec<String> {
    let check = Command::new("sha256sum")
        .args(["--check", "--strict", &sums_name()])
        .current_dir(dist)
        .output()
        .expect("run sha256sum --check");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let sums = std::fs::read_to_string(dist.join(sums_name())).expect("read SHA256SUMS");
    let mut listed: Vec<String> = sums
        .lines()
        .map(|l| l.split_once("  ").expect("`<digest>  <file>`").1.to_owned())
        .collect();
    listed.sort();
    listed
}

/// A filesystem mirror in the packed layout holding `zips`, and a CLI configuration that
/// installs acronis/acronis from it only.
pub struct FilesystemMirror {
    root: tempfile::TempDir,
}

impl FilesystemMirror {
    pub fn of<P: AsRef<Path>>(zips: impl IntoIterator<Item = P>) -> FilesystemMirror {
        let root = tempfile::tempdir().expect("tempdir");
        let mirror = FilesystemMirror { root };
        for zip in zips {
            mirror.put(zip.as_ref());
        }
        mirror
    }

    pub fn path(&self) -> &Path {
        self.root.path()
    }

    /// Places `zip` in the mirror, replacing one of the same name.
    pub fn put(&self, zip: &Path) {
        let here = self.path().join("registry.terraform.io/acronis/acronis");
        std::fs::create_dir_all(&here).expect("mkdir");
        let name = zip.file_name().expect("a zip file name");
        std::fs::copy(zip, here.join(name)).expect("copy a zip into the mirror");
    }

    pub fn cli_config(&self) -> String {
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/acronis/*\"]\n  }}\n}}\n",
            self.path().display()
        )
    }
}

/// A root module that requires exactly the released version of acronis/acronis, then `body`.
pub fn requiring_the_release(body: &str) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    acronis = {{\n      source  = \"acronis/acronis\"\n      version = \"{VERSION}\"\n    }}\n  }}\n}}\n\n{body}"
    )
}

/// `terraform init` installed the released package (not a development override).
pub fn assert_installed(init: &Run) {
    init.assert_success();
    assert!(
        init.stdout
            .contains(&format!("Installed acronis/acronis v{VERSION}")),
        "{}",
        init.output()
    );
}
