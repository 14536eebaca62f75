#!/usr/bin/env bash
# `make bench`: builds the release binaries, then runs the harness (scripts/bench.py), which
# prints one table and writes target/bench/results.json. BENCH_QUICK=1 runs a reduced matrix.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
${CARGO:-cargo} build --release -p terraform-provider-acronis -p acronis-sim
TERRAFORM=${TERRAFORM:-$(bash "$root/scripts/terraform.sh")} exec python3 "$root/scripts/bench.py" "$@"
