#!/usr/bin/env bash
# Packages a release of the provider for this machine's platform, as the Terraform registry and
# `filesystem_mirror` installs expect it:
#
#   dist/terraform-provider-acronis_VERSION_OS_ARCH.zip     the binary terraform-provider-acronis_vVERSION
#   dist/terraform-provider-acronis_VERSION_manifest.json   terraform-registry-manifest.json
#   dist/terraform-provider-acronis_VERSION_SHA256SUMS      sha256 of the two above
#   dist/terraform-provider-acronis_VERSION_SHA256SUMS.sig  its detached GPG signature (binary),
#                                                           when GPG_FINGERPRINT names a key
#
# Usage: scripts/release.sh VERSION   (or `make release VERSION=x.y.z`)
#
# VERSION must be the crate version in Cargo.toml (change it there first, then release).
# Environment:
#   RELEASE_BINARY  package this already-built binary instead of building one
#   RELEASE_PGO     0: build without profile-guided optimisation (default: with it when
#                   scripts/pgo.sh finds an llvm-profdata, else without)
#   DIST_DIR        write the assets here instead of dist/
#   RELEASE_ZIP     `zip` or `python3`: the archiver to use (default: zip if installed)
#   GPG_FINGERPRINT the fingerprint of the secret key to sign SHA256SUMS with (from the gpg
#                   keyring, GNUPGHOME if set). The public registry requires the signature;
#                   without a key the sums are left unsigned, and the script says so.
set -euo pipefail

name=terraform-provider-acronis
root=$(cd "$(dirname "$0")/.." && pwd)

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

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) die "unsupported OS $(uname -s)" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "unsupported architecture $(uname -m)" ;;
esac

if [ -n "${RELEASE_BINARY:-}" ]; then
  binary=$RELEASE_BINARY
  [ -x "$binary" ] || die "RELEASE_BINARY=$binary is not an executable file"
else
  echo "release: building $name $version for ${os}_$arch" >&2
  # With profile-guided optimisation where an llvm-profdata is at hand (scripts/pgo.sh), as
  # `make bench` measures it; RELEASE_PGO=0 builds without.
  status=3
  if [ "${RELEASE_PGO:-1}" != 0 ]; then
    status=0
    binary=$(bash "$root/scripts/pgo.sh") || status=$?
  fi
  case $status in
    0) echo "release: built with PGO" >&2 ;;
    3)
      [ "${RELEASE_PGO:-1}" = 0 ] || echo "release: building without PGO" >&2
      (cd "$root" && cargo build --release --locked -p "$name") >&2
      target_dir=${CARGO_TARGET_DIR:-target}
      case "$target_dir" in /*) ;; *) target_dir=$root/$target_dir ;; esac
      binary=$target_dir/release/$name
      ;;
    *) die "the PGO build failed (RELEASE_PGO=0 builds without it)" ;;
  esac
fi

# The binary must report the version it is released as.
reported=$("$binary" --version) || die "$binary --version failed"
[ "$reported" = "$name $version" ] ||
  die "$binary reports '$reported', expected '$name $version'"

dist=${DIST_DIR:-$root/dist}
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)
zip_name=${name}_${version}_${os}_${arch}.zip
manifest_name=${name}_${version}_manifest.json
sums_name=${name}_${version}_SHA256SUMS
rm -f "$dist/$zip_name" "$dist/$manifest_name" "$dist/$sums_name" "$dist/$sums_name.sig"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$binary" "$stage/${name}_v$version"
chmod 0755 "$stage/${name}_v$version"

archiver=${RELEASE_ZIP:-}
if [ -z "$archiver" ]; then
  if command -v zip >/dev/null 2>&1; then archiver=zip; else archiver=python3; fi
fi
case "$archiver" in
  zip)
    (cd "$stage" && zip -q -X "$dist/$zip_name" "${name}_v$version")
    ;;
  python3)
    # Keeps the executable bit in the entry's Unix mode: Terraform restores it on unpacking.
    python3 - "$stage/${name}_v$version" "$dist/$zip_name" <<'PY'
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
  *) die "RELEASE_ZIP must be zip or python3, not '$archiver'" ;;
esac

cp "$root/terraform-registry-manifest.json" "$dist/$manifest_name"

if command -v sha256sum >/dev/null 2>&1; then
  sha256=(sha256sum)
else
  sha256=(shasum -a 256)
fi
(cd "$dist" && "${sha256[@]}" "$zip_name" "$manifest_name" >"$sums_name")

assets=("$zip_name" "$manifest_name" "$sums_name")
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

echo "release: $name $version for ${os}_$arch in $dist:" >&2
for f in "${assets[@]}"; do echo "$dist/$f"; done
