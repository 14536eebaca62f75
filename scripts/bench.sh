#!/usr/bin/env bash
# `make bench`: builds the release binaries, then runs the harness (scripts/bench.py), which
# prints one table and writes target/bench/results.json. BENCH_QUICK=1 runs a reduced matrix.
#
# The provider measured is the one a release ships: built with profile-guided optimisation by
# scripts/pgo.sh when an llvm-profdata is at hand, else the plain release build (the report says
# which). BENCH_PGO=0 measures the plain build; BENCH_PROVIDER measures any other build.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
${CARGO:-cargo} build --release -p terraform-provider-acronis -p acronis-sim
export TERRAFORM=${TERRAFORM:-$(bash "$root/scripts/terraform.sh")}

# Only the full benchmark and the instruction counts measure "the" provider; comparisons and
# re-rendered reports name their builds themselves.
case "${1:-}" in
  "" | --instructions)
    if [ -z "${BENCH_PROVIDER:-}" ] && [ "${BENCH_PGO:-1}" != 0 ]; then
      status=0
      pgo_build=$(bash "$root/scripts/pgo.sh") || status=$?
      case $status in
        0)
          export BENCH_PROVIDER=$pgo_build BENCH_BUILD="release, PGO (scripts/pgo.sh)" ;;
        3)
          echo "bench: measuring the release build without PGO" >&2
          export BENCH_BUILD="release, no PGO (scripts/pgo.sh could not make one; see above)" ;;
        *) exit "$status" ;;
      esac
    fi
    ;;
esac
exec python3 "$root/scripts/bench.py" "$@"
