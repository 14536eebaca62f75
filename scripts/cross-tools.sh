#!/usr/bin/env bash
# Installs what building and proving the five release platforms needs, and prints nothing else
# than progress on stderr. Safe to run again: what is there already is kept.
#
#   rust targets   x86_64/aarch64-unknown-linux-gnu, x86_64/aarch64-apple-darwin,
#                  x86_64-pc-windows-gnu (rustup target add)
#   Debian         gcc-aarch64-linux-gnu and libc6-dev-arm64-cross (compiler, C library and
#                  linker for linux_arm64), gcc-mingw-w64-x86-64 (linker
#                  for windows_amd64), qemu-user (runs the arm64 binary), wine and wine64 (run the .exe),
#                  zip
#   .tools/cross   a Python venv with ziglang (zig as the macOS linker: no Apple SDK is needed)
#                  and cargo-zigbuild
#
# Usage: scripts/cross-tools.sh [--no-apt]   (--no-apt: only the rust targets and the venv)
# Prints the venv's bin directory on stdout (put it on PATH for cargo zigbuild).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/.tools/cross
# Pinned so that every machine links the macOS binaries with the same zig.
ZIGLANG_VERSION=0.14.1
CARGO_ZIGBUILD_VERSION=0.24.1

say() { echo "cross-tools: $*" >&2; }

targets=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-gnu)
missing=()
installed=$(rustup target list --installed)
for t in "${targets[@]}"; do
  grep -qx "$t" <<<"$installed" || missing+=("$t")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "rustup target add ${missing[*]}"
  rustup target add "${missing[@]}" >&2
fi

if [ "${1:-}" != --no-apt ]; then
  need=()
  command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
  # The arm64 C library's headers (to build aws-lc) and its loader (to run under QEMU).
  [ -f /usr/aarch64-linux-gnu/include/stdio.h ] || need+=(libc6-dev-arm64-cross)
  command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
  command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
  command -v wine >/dev/null || need+=(wine wine64)
  command -v zip >/dev/null || need+=(zip)
  if [ ${#need[@]} -gt 0 ]; then
    say "apt-get install ${need[*]}"
    if [ "$(id -u)" = 0 ]; then sudo=(); else sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
  fi
fi

if [ ! -x "$venv/bin/cargo-zigbuild" ] || [ ! -x "$venv/bin/zig" ]; then
  say "ziglang $ZIGLANG_VERSION and cargo-zigbuild $CARGO_ZIGBUILD_VERSION into $venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "ziglang==$ZIGLANG_VERSION" "cargo-zigbuild==$CARGO_ZIGBUILD_VERSION" >&2
  # `zig` on PATH for cargo-zigbuild: the ziglang package's compiler run by the venv's Python.
  printf '#!/bin/sh\nexec "%s/bin/python3" -m ziglang "$@"\n' "$venv" >"$venv/bin/zig"
  chmod +x "$venv/bin/zig"
fi
echo "$venv/bin"
