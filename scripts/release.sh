#!/usr/bin/env bash
# Packages a release of the provider for every platform Terraform users run, as the Terraform
# registry and mirror installs expect it:
#
#   dist/terraform-provider-acronis_VERSION_OS_ARCH.zip     the binary terraform-provider-acronis_vVERSION
#                                                           (.exe on Windows), one zip per platform
#   dist/terraform-provider-acronis_VERSION_manifest.json   terraform-registry-manifest.json
#   dist/terraform-provider-acronis_VERSION_SHA256SUMS      sha256 of the zips and the manifest
#   dist/terraform-provider-acronis_VERSION_SHA256SUMS.sig  its detached GPG signature (binary),
#                                                           when GPG_FINGERPRINT names a key
#
# Platforms: linux_amd64, linux_arm64, windows_amd64 (and darwin_amd64, darwin_arm64 once their
# link works, see DEFAULT_PLATFORMS), built on a linux/amd64 machine: linux_arm64 and windows_amd64 with Debian's cross compilers, the macOS
# ones linked by zig (cargo-zigbuild), all installed by scripts/cross-tools.sh.
#
# Usage: scripts/release.sh VERSION   (or `make release VERSION=x.y.z`)
#
# VERSION must be the crate version in Cargo.toml (change it there first, then release).
# Environment:
#   RELEASE_PLATFORMS  the platforms to build (default: $DEFAULT_PLATFORMS below; the macOS ones
#                      do not link yet), e.g. "linux_amd64 linux_arm64"
#   RELEASE_PROFILE    the cargo profile (default: release; `make test-platforms` uses the faster
#                      platform-test)
#   RELEASE_BINARY     package this already-built binary, for this machine's platform only,
#                      instead of building
#   RELEASE_PGO        0: build linux_amd64 without profile-guided optimisation (default: with it
#                      when scripts/pgo.sh finds an llvm-profdata, else without); PGO applies to
#                      the release profile on the machine's own platform only
#   DIST_DIR           write the assets here instead of dist/
#   RELEASE_ZIP        `zip` or `python3`: the archiver to use (default: zip if installed)
#   GPG_FINGERPRINT    the fingerprint of the secret key to sign SHA256SUMS with (from the gpg
#                      keyring, GNUPGHOME if set). The public registry requires the signature;
#                      without a key the sums are left unsigned, and the script says so.
set -euo pipefail

name=terraform-provider-acronis
root=$(cd "$(dirname "$0")/.." && pwd)
ALL_PLATFORMS="linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64"
# What a release builds unless RELEASE_PLATFORMS says otherwise. The macOS targets compile, but
# zig's Mach-O linker (0.13, 0.14.1 and 0.15.2 tried) crashes with a segmentation fault linking
# the provider without Apple's SDK, so they are left out until that link works:
# RELEASE_PLATFORMS="darwin_arm64" reproduces it.
DEFAULT_PLATFORMS="linux_amd64 linux_arm64 windows_amd64"
# No release binary (release profile) may be larger than this.
MAX_BINARY_BYTES=$((8 * 1024 * 1024))

die() { echo "release: $*" >&2; exit 1; }

[ $# -eq 1 ] || { echo "usage: scripts/release.sh VERSION" >&2; exit 2; }
version=$1
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
  die "VERSION must look like 1.2.3 or 1.2.3-rc.1 (no leading v), got '$version'"

# The version in the [package] section of Cargo.toml: the one the binary reports.
crate_version=$(awk '
  /^\[/ { in_package = ($0 == "[package]") }
  in_package && /^version *=/ { gsub(/^version *= *"|".*$/, ""); print; exit }
' "$root/Cargo.toml")
[ -n "$crate_version" ] || die "could not read the package version from $root/Cargo.toml"
[ "$version" = "$crate_version" ] ||
  die "VERSION $version differs from the crate version $crate_version in Cargo.toml; set version = \"$version\" there (and commit it) first, so the binary reports the version it is released as"

# This machine's platform, in Terraform's words.
case "$(uname -s)" in
  Linux) host_os=linux ;;
  Darwin) host_os=darwin ;;
  *) die "unsupported OS $(uname -s)" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) host_arch=amd64 ;;
  aarch64 | arm64) host_arch=arm64 ;;
  *) die "unsupported architecture $(uname -m)" ;;
esac
host=${host_os}_$host_arch

# The Rust target of a Terraform platform.
rust_target() {
  case $1 in
    linux_amd64) echo x86_64-unknown-linux-gnu ;;
    linux_arm64) echo aarch64-unknown-linux-gnu ;;
    darwin_amd64) echo x86_64-apple-darwin ;;
    darwin_arm64) echo aarch64-apple-darwin ;;
    windows_amd64) echo x86_64-pc-windows-gnu ;;
    *) return 1 ;;
  esac
}
exe_suffix() { case $1 in windows_*) echo .exe ;; *) echo "" ;; esac; }

profile=${RELEASE_PROFILE:-release}
target_dir=${CARGO_TARGET_DIR:-$root/target}
case "$target_dir" in /*) ;; *) target_dir=$root/$target_dir ;; esac

declare -A binary_of
if [ -n "${RELEASE_BINARY:-}" ]; then
  [ -x "$RELEASE_BINARY" ] || die "RELEASE_BINARY=$RELEASE_BINARY is not an executable file"
  # Built elsewhere, with whatever profile: the size limit below is the release build's.
  profile=given
  platforms=("$host")
  binary_of[$host]=$RELEASE_BINARY
else
  read -r -a platforms <<<"${RELEASE_PLATFORMS:-$DEFAULT_PLATFORMS}"
  [ ${#platforms[@]} -gt 0 ] || die "RELEASE_PLATFORMS names no platform"
  cross=() mac=()
  for p in "${platforms[@]}"; do
    t=$(rust_target "$p") || die "unknown platform $p (known: $ALL_PLATFORMS)"
    binary_of[$p]=$target_dir/$t/$profile/$name$(exe_suffix "$p")
    if [ "$p" = "$host" ]; then
      continue
    elif [[ $p == darwin_* ]]; then
      mac+=(--target "$t")
    else
      cross+=(--target "$t")
    fi
  done
  if [ ${#cross[@]} -gt 0 ] || [ ${#mac[@]} -gt 0 ]; then
    tools_bin=$(bash "$root/scripts/cross-tools.sh") || die "could not install the cross-build tools (scripts/cross-tools.sh)"
    export PATH=$tools_bin:$PATH
  fi

  # This machine's platform: with profile-guided optimisation where an llvm-profdata is at hand
  # (scripts/pgo.sh), as `make bench` measures it; RELEASE_PGO=0 builds without.
  if [ -n "${binary_of[$host]:-}" ]; then
    echo "release: building $name $version for $host ($profile)" >&2
    status=3
    if [ "$profile" = release ] && [ "${RELEASE_PGO:-1}" != 0 ]; then
      status=0
      binary_of[$host]=$(bash "$root/scripts/pgo.sh") || status=$?
    fi
    case $status in
      0) echo "release: $host built with PGO" >&2 ;;
      3)
        [ "$profile" != release ] || [ "${RELEASE_PGO:-1}" = 0 ] || echo "release: building $host without PGO" >&2
        (cd "$root" && cargo build --profile "$profile" --locked --target "$(rust_target "$host")" -p "$name") >&2
        ;;
      *) die "the PGO build failed (RELEASE_PGO=0 builds without it)" ;;
    esac
  fi
  if [ ${#cross[@]} -gt 0 ]; then
    echo "release: building ${cross[*]} ($profile)" >&2
    (cd "$root" && cargo build --profile "$profile" --locked "${cross[@]}" -p "$name") >&2 ||
      die "the cross build failed"
  fi
  if [ ${#mac[@]} -gt 0 ]; then
    echo "release: building ${mac[*]} ($profile, linked by zig)" >&2
    (cd "$root" && cargo zigbuild --profile "$profile" --locked "${mac[@]}" -p "$name") >&2 ||
      die "the macOS build failed"
  fi
fi

for p in "${platforms[@]}"; do
  binary=${binary_of[$p]}
  [ -f "$binary" ] || die "no binary for $p at $binary"
  size=$(wc -c <"$binary")
  if [ "$size" -gt "$MAX_BINARY_BYTES" ]; then
    # The limit is the release profile's; the faster test profile's binaries are larger.
    [ "$profile" != release ] || die "the $p binary is $size bytes, over the $MAX_BINARY_BYTES-byte limit"
    echo "release: note: the $p binary is $size bytes ($profile profile; the release profile must stay under $MAX_BINARY_BYTES)" >&2
  fi
  # This machine's binary must report the version it is released as; the others are built
  # from the same Cargo.toml in this same run.
  if [ "$p" = "$host" ]; then
    reported=$("$binary" --version) || die "$binary --version failed"
    [ "$reported" = "$name $version" ] ||
      die "$binary reports '$reported', expected '$name $version'"
  fi
done

dist=${DIST_DIR:-$root/dist}
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)
manifest_name=${name}_${version}_manifest.json
sums_name=${name}_${version}_SHA256SUMS
rm -f "$dist/${name}_${version}_"*.zip "$dist/$manifest_name" "$dist/$sums_name" "$dist/$sums_name.sig"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

archiver=${RELEASE_ZIP:-}
if [ -z "$archiver" ]; then
  if command -v zip >/dev/null 2>&1; then archiver=zip; else archiver=python3; fi
fi
[ "$archiver" = zip ] || [ "$archiver" = python3 ] || die "RELEASE_ZIP must be zip or python3, not '$archiver'"

# Zips $1 (a file in $stage) into $2.
pack() {
  case "$archiver" in
    zip) (cd "$stage" && zip -q -X "$2" "$1") ;;
    python3)
      # Keeps the executable bit in the entry's Unix mode: Terraform restores it on unpacking.
      python3 - "$stage/$1" "$2" <<'PY'
import os, sys, zipfile
source, target = sys.argv[1], sys.argv[2]
info = zipfile.ZipInfo(os.path.basename(source), date_time=(1980, 1, 1, 0, 0, 0))
info.external_attr = (0o100755 << 16)
info.create_system = 3  # Unix, so the mode above is honoured
info.compress_type = zipfile.ZIP_DEFLATED
with open(source, "rb") as f, zipfile.ZipFile(target, "w") as z:
    z.writestr(info, f.read())
PY
      ;;
  esac
}

assets=()
for p in "${platforms[@]}"; do
  inner=${name}_v$version$(exe_suffix "$p")
  zip_name=${name}_${version}_$p.zip
  rm -f "$stage/$inner"
  cp "${binary_of[$p]}" "$stage/$inner"
  chmod 0755 "$stage/$inner"
  pack "$inner" "$dist/$zip_name"
  assets+=("$zip_name")
done

cp "$root/terraform-registry-manifest.json" "$dist/$manifest_name"
assets+=("$manifest_name")

if command -v sha256sum >/dev/null 2>&1; then
  sha256=(sha256sum)
else
  sha256=(shasum -a 256)
fi
(cd "$dist" && "${sha256[@]}" "${assets[@]}" >"$sums_name")
assets+=("$sums_name")

if [ -n "${GPG_FINGERPRINT:-}" ]; then
  command -v gpg >/dev/null 2>&1 || die "GPG_FINGERPRINT is set but gpg is not installed"
  gpg --batch --yes --local-user "$GPG_FINGERPRINT" --detach-sign \
    --output "$dist/$sums_name.sig" "$dist/$sums_name" >&2 ||
    die "gpg could not sign $sums_name with key $GPG_FINGERPRINT"
  assets+=("$sums_name.sig")
  echo "release: signed $sums_name with key $GPG_FINGERPRINT" >&2
else
  echo "release: $sums_name is NOT signed (no GPG_FINGERPRINT); the public registry requires $sums_name.sig" >&2
fi

echo "release: $name $version for ${platforms[*]} in $dist:" >&2
for f in "${assets[@]}"; do echo "$dist/$f"; done
