#!/usr/bin/env bash
# `make test-platforms`: builds the release archives (the platform-test profile: release
# code without the long fat-LTO link) and proves them with real Terraform:
#
#   - the archives, SHA256SUMS, the macOS Mach-O checks and the Windows PE check
#     (tests/platforms_binaries.rs);
#   - linux_arm64: the acceptance subset, Terraform launching the arm64 binary under qemu-aarch64
#     through a launcher in the dev_overrides folder;
#   - windows_amd64: go-plugin over TCP with mutual TLS and Shutdown under Wine
#     (tests/platforms_windows.rs), then the acceptance subset with Terraform launching the .exe
#     under Wine;
#   - terraform init from a filesystem mirror and an HTTPS network mirror, and a multi-platform
#     lock file accepted on linux_amd64 (tests/platforms_mirror.rs).
#
# Tools (rust targets, cross compilers, qemu-user, wine, zig) come from scripts/cross-tools.sh;
# the Wine prefix is kept under .tools/wine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

say() { echo "test-platforms: $*" >&2; }
started=$SECONDS

tools_bin=$(bash scripts/cross-tools.sh)
export PATH=$tools_bin:$PATH
version=$(awk '/^\[/ { p = ($0 == "[package]") } p && /^version *=/ { gsub(/^version *= *"|".*$/, ""); print; exit }' Cargo.toml)
dist=$root/target/platforms-dist
name=terraform-provider-acronis

say "building the release archives (scripts/release.sh's default platforms)"
RELEASE_PROFILE=platform-test RELEASE_PGO=0 DIST_DIR=$dist bash scripts/release.sh "$version" >/dev/null
say "built in $((SECONDS - started))s"
export PLATFORM_DIST=$dist

work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${WINEPREFIX:-}" ] && wineserver -k 2>/dev/null || true' EXIT
# Unpacks the zip of platform $1 into $work/$1, executable (Python's zipfile drops the mode).
unpack() {
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$dist/${name}_${version}_$1.zip" "$work/$1"
  chmod +x "$work/$1"/*
}

# The acceptance subset: create and disable, the empty plan after it, drift, import, the data
# sources.
subset() {
  cargo test -q --test acceptance_skeleton --test acceptance_data_source
  cargo test -q --test acceptance_user_status -- \
    refresh_only_plans_report_drift_with_exit_code_2 a_revision_moved_out_of_band_is_refreshed_silently \
    import_by_identity
}
cargo test --no-run -q --test acceptance_skeleton --test acceptance_data_source --test acceptance_user_status \
  --test platforms_binaries --test platforms_windows --test platforms_mirror >&2

say "archives, Mach-O and PE checks"
cargo test -q --test platforms_binaries

say "linux_arm64 under qemu-aarch64"
unpack linux_arm64
mkdir -p "$work/arm64-launcher"
cat >"$work/arm64-launcher/$name" <<EOF
#!/bin/sh
exec qemu-aarch64 -L /usr/aarch64-linux-gnu "$work/linux_arm64/${name}_v$version" "\$@"
EOF
chmod +x "$work/arm64-launcher/$name"
TF_ACC_PROVIDER_DIR=$work/arm64-launcher subset

say "windows_amd64 under Wine"
export WINEPREFIX=$root/.tools/wine WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
mkdir -p "$WINEPREFIX"
wineboot --init >/dev/null 2>&1 || say "wineboot reported an error; going on"
# Wine 8.0 has no bcryptprimitives.dll, whose ProcessPrng Rust's std imports on Windows (every
# Windows since 8 has it): a stand-in built from tests/platforms/bcryptprimitives.c goes into
# this Wine prefix only.
system32=$WINEPREFIX/drive_c/windows/system32
if [ ! -f "$system32/bcryptprimitives.dll" ] && [ ! -f /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/bcryptprimitives.dll ]; then
  x86_64-w64-mingw32-gcc -O2 -shared -o "$system32/bcryptprimitives.dll" \
    tests/platforms/bcryptprimitives.c -ladvapi32
fi
# A persistent wineserver started here, not by a plugin launch: otherwise the first launch's
# server would hold Terraform's pipes open after the plugin exits.
wineserver -p 2>/dev/null || say "a wineserver already runs for $WINEPREFIX; using it"
cargo test -q --test platforms_windows
unpack windows_amd64
mkdir -p "$work/windows-launcher"
cat >"$work/windows-launcher/$name" <<EOF
#!/bin/sh
# Terraform runs in a cleared environment in the tests: the launcher carries Wine's settings.
export WINEPREFIX="$WINEPREFIX" WINEDEBUG=-all WINEDLLOVERRIDES="$WINEDLLOVERRIDES"
exec wine "$work/windows_amd64/${name}_v$version.exe" "\$@"
EOF
chmod +x "$work/windows-launcher/$name"
# The Windows build has only the TCP listener; tests/platforms_windows.rs above read its
# handshake line (`tcp`, 127.0.0.1, a port in the range).
TF_ACC_PROVIDER_DIR=$work/windows-launcher subset

say "terraform init from filesystem and network mirrors"
cargo test -q --test platforms_mirror

say "passed in $((SECONDS - started))s"
