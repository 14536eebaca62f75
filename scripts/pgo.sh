#!/usr/bin/env bash
# Builds the release provider with profile-guided optimisation (PGO) and prints the binary's path.
#
#   1. an instrumented release build (target/pgo-instrumented) counts what runs;
#   2. `scripts/bench.py --train` runs real Terraform commands with it against the simulator:
#      apply (create, update), plan, plan -refresh-only, plan -parallelism=1;
#   3. llvm-profdata merges the counts into target/pgo-data/provider.profdata;
#   4. the release build (target/pgo) is optimised with them: hot paths laid out together and
#      inlined, cold ones moved aside (docs/PERFORMANCE.md has what it saves).
#
# The profile is made from the sources being built, every time; nothing is stored in the repo.
# Needs llvm-profdata from LLVM 19 or newer: LLVM_PROFDATA, `rustup component add llvm-tools`,
# or Debian's llvm-19 package, and a toolchain with the profiler runtime (rustup's has it).
# Without them it exits 3 and prints why (callers fall back to the plain release build); any
# other failure exits 1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo=${CARGO:-cargo}
target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in /*) ;; *) target=$root/$target ;; esac
host=$(rustc -vV | sed -n 's/^host: //p')
data=$target/pgo-data

say() { echo "pgo: $*" >&2; }

# Every llvm-profdata that might read this rustc's profiles, best first; the merge decides.
candidates() {
  [ -n "${LLVM_PROFDATA:-}" ] && echo "$LLVM_PROFDATA"
  echo "$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
  local major
  major=$(rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
  for v in $(seq "${major:-22}" -1 19); do
    echo "/usr/lib/llvm-$v/bin/llvm-profdata"
    command -v "llvm-profdata-$v" || true
  done
  command -v llvm-profdata || true
}

first_found() { candidates | while read -r tool; do if [ -x "$tool" ]; then echo "$tool"; break; fi; done; }
if [ -z "$(first_found)" ]; then
  say "no llvm-profdata found (LLVM_PROFDATA, rustup component add llvm-tools, or apt-get install llvm-19)"
  exit 3
fi

# --target: only the provider and its libraries are instrumented, not build scripts or macros.
say "instrumented build"
rm -rf "$data/raw"
mkdir -p "$data/raw"
if ! RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-generate=$data/raw" CARGO_TARGET_DIR=$target/pgo-instrumented \
  $cargo build --release --locked --target "$host" -p terraform-provider-acronis >&2; then
  # Most likely the toolchain, not the sources: the plain build needs no profiler runtime.
  say "the instrumented build failed: this toolchain may lack the profiler runtime (profiler_builtins)"
  exit 3
fi
$cargo build --release --locked -p acronis-sim >&2
instrumented=$target/pgo-instrumented/$host/release/terraform-provider-acronis

say "training: real Terraform commands against the simulator"
TERRAFORM=${TERRAFORM:-$(bash "$root/scripts/terraform.sh")} \
  python3 "$root/scripts/bench.py" --train "$instrumented" >&2

merged=
while read -r tool; do
  [ -x "$tool" ] || continue
  if "$tool" merge -o "$data/provider.profdata" "$data/raw" 2>/dev/null; then
    merged=$tool
    break
  fi
  say "$tool cannot read these profiles (an LLVM older than rustc's?); trying the next"
done < <(candidates)
if [ -z "$merged" ]; then
  say "no llvm-profdata could merge the profiles; rustc $(rustc -vV | sed -n 's/^LLVM version: //p') needs LLVM 19 or newer"
  exit 3
fi
say "profile merged with $merged"

say "optimised build"
RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-use=$data/provider.profdata" CARGO_TARGET_DIR=$target/pgo \
  $cargo build --release --locked --target "$host" -p terraform-provider-acronis >&2
echo "$target/pgo/$host/release/terraform-provider-acronis"
