//! The release folder `make test-platforms` builds (`PLATFORM_DIST`), and what the platform
//! tests read from it: the five platforms, their zips and what each zip holds.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub const NAME: &str = "terraform-provider-acronis";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const PLATFORMS: [&str; 5] = [
    "linux_amd64",
    "linux_arm64",
    "darwin_amd64",
    "darwin_arm64",
    "windows_amd64",
];

/// The folder of five archives, or `None` (and a SKIPPED line naming `test`) when the tests run
/// outside `make test-platforms`.
pub fn dist(test: &str) -> Option<PathBuf> {
    use std::io::Write as _;
    match std::env::var_os("PLATFORM_DIST") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            let line = format!(
                "SKIPPED {test}: needs the five release archives; run `make test-platforms`\n"
            );
            let _ = std::io::stderr().write_all(line.as_bytes());
            None
        }
    }
}

/// The platforms of [`PLATFORMS`] whose zip `dist` holds; a SKIPPED line names each missing one
/// (scripts/release.sh leaves the macOS ones out while they do not link).
pub fn present(dist: &Path, test: &str) -> Vec<&'static str> {
    use std::io::Write as _;
    PLATFORMS
        .into_iter()
        .filter(|p| {
            let there = dist.join(zip_name(p)).is_file();
            if !there {
                let line =
                    format!("SKIPPED {test} for {p}: the release folder has no {p} archive\n");
                let _ = std::io::stderr().write_all(line.as_bytes());
            }
            there
        })
        .collect()
}

pub fn zip_name(platform: &str) -> String {
    format!("{NAME}_{VERSION}_{platform}.zip")
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

/// Each entry of a zip archive: (name, Unix mode, content), read by Python's zipfile.
pub fn zip_entries(zip: &Path) -> Vec<(String, u32, Vec<u8>)> {
    let script = "import base64, sys, zipfile\n\
                  with zipfile.ZipFile(sys.argv[1]) as z:\n\
                  \x20   for i in z.infolist():\n\
                  \x20       print(i.filename, i.external_attr >> 16, base64.b64encode(z.read(i)).decode())\n";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(zip)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    use base64::Engine as _;
    String::from_utf8_lossy(&out.stdout)
        .lines()
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

/// The one binary in the zip of `platform`, checked to be named as Terraform expects.
pub fn binary_of(dist: &Path, platform: &str) -> Vec<u8> {
    let entries = zip_entries(&dist.join(zip_name(platform)));
    assert_eq!(entries.len(), 1, "{platform}: one file in the zip");
    let (name, mode, bytes) = entries.into_iter().next().expect("one entry");
    assert_eq!(name, binary_name(platform));
    assert_eq!(mode & 0o777, 0o755, "{platform}: mode {mode:o}");
    bytes
}

/// Terraform's `h1:` hash of the package in `zip`: Go's dirhash Hash1, the SHA-256 of the lines
/// "<hex sha256>  <name>\n" (one per file, sorted), base64.
pub fn h1_of_zip(zip: &Path) -> String {
    let script = "import base64, hashlib, sys, zipfile\n\
                  z = zipfile.ZipFile(sys.argv[1])\n\
                  lines = ''.join('%s  %s\\n' % (hashlib.sha256(z.read(n)).hexdigest(), n) for n in sorted(z.namelist()))\n\
                  print('h1:' + base64.b64encode(hashlib.sha256(lines.encode()).digest()).decode())\n";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(zip)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// `-platform=` arguments for `platforms`.
pub fn platform_args(platforms: &[&str]) -> Vec<String> {
    platforms.iter().map(|p| format!("-platform={p}")).collect()
}
