#!/usr/bin/env bash
# drift-check.sh: reports resources changed outside Terraform, correctly on every Terraform
# version (1.10 to 1.14 make `plan -refresh-only -detailed-exitcode` exit 2 with no drift at
# all, hashicorp/terraform#36403, so this reads the saved plan's `resource_drift` instead).
#
# Usage: run it in an initialised Terraform working directory:
#   drift-check.sh [PLAN OPTION...]     e.g. drift-check.sh -var-file=prod.tfvars
#
# Exit status: 0 nothing drifted; 2 something drifted (each drifted resource's address on
# standard output, one per line); 1 any error (Terraform's message on standard error).
# Needs bash, python3, and Terraform: $TERRAFORM if set, else `terraform` on PATH.
set -uo pipefail

terraform=${TERRAFORM:-terraform}
fail() { echo "drift-check: $*" >&2; exit 1; }

command -v "$terraform" >/dev/null 2>&1 || fail "Terraform not found: set TERRAFORM or put terraform on PATH"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to read the plan's JSON"

work=$(mktemp -d) || fail "cannot create a temporary directory"
trap 'rm -rf "$work"' EXIT
plan=$work/drift.tfplan

# Refresh only: compares the real objects with state and proposes no other change. Its normal
# output is not the report, so it goes nowhere; errors go to standard error as they are.
"$terraform" plan -refresh-only -input=false -no-color -out="$plan" "$@" >/dev/null ||
  fail "terraform plan -refresh-only failed"
"$terraform" show -json "$plan" >"$work/plan.json" || fail "terraform show -json failed"

# Each entry of resource_drift whose change is more than a no-op, by address.
python3 - "$work/plan.json" >"$work/drifted" <<'PY' || fail "cannot read the plan's JSON"
import json, sys
with open(sys.argv[1]) as f:
    plan = json.load(f)
for entry in plan.get("resource_drift") or []:
    if entry.get("change", {}).get("actions") != ["no-op"]:
        print(entry["address"])
PY

[ -s "$work/drifted" ] || exit 0
cat "$work/drifted"
exit 2
