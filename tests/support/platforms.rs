//! The release folder `make test-platforms` builds (`PLATFORM_DIST`), and what the platform
//! tests read from it: the five platforms and the binary each zip holds.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use super::packages::{binary_name, zip_entries, zip_name};

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

/// The one binary in the zip of `platform`, checked to be named as Terraform expects.
pub fn binary_of(dist: &Path, platform: &str) -> Vec<u8> {
    let entries = zip_entries(&dist.join(zip_name(platform)));
    assert_eq!(entries.len(), 1, "{platform}: one file in the zip");
    let (name, mode, bytes) = entries.into_iter().next().expect("one entry");
    assert_eq!(name, binary_name(platform));
    assert_eq!(mode & 0o777, 0o755, "{platform}: mode {mode:o}");
    bytes
}

/// `-platform=` arguments for `platforms`.
pub fn platform_args(platforms: &[&str]) -> Vec<String> {
    platforms.iter().map(|p| format!("-platform={p}")).collect()
}
