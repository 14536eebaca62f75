#!/usr/bin/env bash
# `make test-matrix`: the acceptance subset that proves the supported Terraform versions, run
# once per version of scripts/terraform.sh's MATRIX (each installed under .tools/ on first use).
#
# The subset: create and disable, the empty plan after apply, drift, saved plans, import by CLI,
# by `import` block and by identity, destroy policies, the data sources, batched refreshes
# (tests/acceptance_batch.rs), `terraform query` with list resources and generated configuration
# (tests/acceptance_query.rs, Terraform 1.14 and later) and the drift check (tests/drift_check.rs). Tests a version cannot run print "SKIPPED ..." with the reason.
# Usage: scripts/test-matrix.sh [VERSION...]   (default: every version of the matrix)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

versions=("$@")
if [ ${#versions[@]} -eq 0 ]; then
  read -r -a versions <<<"$(sed -n 's/^MATRIX="\(.*\)"/\1/p' scripts/terraform.sh)"
fi
# The test binaries and what to leave out (a load test: the default `make test` runs it).
tests=(--test acceptance_skeleton --test acceptance_user_status --test acceptance_data_source --test acceptance_users --test acceptance_batch --test acceptance_query --test drift_check)
skip=(--skip two_hundred_resources)

cargo test --no-run "${tests[@]}" >&2
failed=()
for v in "${versions[@]}"; do
  terraform=$(bash scripts/terraform.sh "$v")
  echo "=== Terraform $v ($terraform)" >&2
  start=$SECONDS
  if TF_ACC_TERRAFORM_PATH=$terraform cargo test -q "${tests[@]}" -- "${skip[@]}"; then
    echo "=== Terraform $v: passed in $((SECONDS - start))s" >&2
  else
    echo "=== Terraform $v: FAILED after $((SECONDS - start))s" >&2
    failed+=("$v")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "test-matrix: failed on Terraform ${failed[*]}" >&2
  exit 1
fi
echo "test-matrix: passed on Terraform ${versions[*]}" >&2
