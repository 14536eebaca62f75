#!/usr/bin/env bash
# drift-check.sh: reports resources changed outside Terraform, correctly on every Terraform
# version (1.10 to 1.14 make `plan -refresh-only -detailed-exitcode` exit 2 with no drift at
# all, hashicorp/terraform#36403, so this reads the saved plan's `resource_drift` instead),
# and, with --unmanaged, the accounts of a tenant that no resource in the state manages.
#
# Usage: run it in an initialised Terraform working directory:
#   drift-check.sh [--unmanaged TENANT_ID]... [PLAN OPTION...]
#   e.g. drift-check.sh -var-file=prod.tfvars
#        drift-check.sh --unmanaged 7e4a0700-0000-4000-8000-000000000005
#
# --unmanaged TENANT_ID (repeatable; Terraform 1.14 and later) also lists the tenant's accounts
# with `terraform query` and reports each one whose id no acronis_user_status in the state
# names. It writes a temporary drift-check-unmanaged-PID.tfquery.hcl into the working directory
# (Terraform reads list blocks only there) and removes it when done; the -var and -var-file
# options among the plan options are passed on to the query.
#
# Exit status: 0 nothing drifted and no account is unmanaged; 2 something drifted (each drifted
# resource's address on standard output, one per line); 3 nothing drifted but some accounts are
# unmanaged (each as a line "unmanaged USER_ID LOGIN"); 1 any error (Terraform's message on
# standard error). When both, 2: the drifted addresses come first, then the unmanaged lines.
# Needs bash, python3, and Terraform: $TERRAFORM if set, else `terraform` on PATH.
set -uo pipefail

terraform=${TERRAFORM:-terraform}
fail() { echo "drift-check: $*" >&2; exit 1; }

tenants=()
plan_args=()
query_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --unmanaged) [ $# -ge 2 ] || fail "--unmanaged needs a tenant id"; tenants+=("$2"); shift 2; continue ;;
    --unmanaged=*) tenants+=("${1#--unmanaged=}") ;;
    -var | -var-file) [ $# -ge 2 ] || fail "$1 needs a value"; plan_args+=("$1" "$2"); query_args+=("$1" "$2"); shift 2; continue ;;
    -var=* | -var-file=*) plan_args+=("$1"); query_args+=("$1") ;;
    *) plan_args+=("$1") ;;
  esac
  shift
done

command -v "$terraform" >/dev/null 2>&1 || fail "Terraform not found: set TERRAFORM or put terraform on PATH"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to read the plan's JSON"

uuid='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
for tenant in ${tenants[@]+"${tenants[@]}"}; do
  [[ $tenant =~ $uuid ]] || fail "--unmanaged: \"$tenant\" is not a tenant id (a lowercase UUID)"
done
if [ ${#tenants[@]} -gt 0 ]; then
  version=$("$terraform" version -json | python3 -c 'import json, sys; print(json.load(sys.stdin)["terraform_version"])') ||
    fail "cannot tell Terraform's version"
  [ "$(printf '%s\n' 1.14.0 "$version" | sort -V | head -n1)" = 1.14.0 ] ||
    fail "--unmanaged lists accounts with terraform query, which needs Terraform 1.14 or later; this is Terraform $version"
fi

work=$(mktemp -d) || fail "cannot create a temporary directory"
query_file=$PWD/drift-check-unmanaged-$$.tfquery.hcl
trap 'rm -rf "$work" "$query_file"' EXIT
plan=$work/drift.tfplan

# Refresh only: compares the real objects with state and proposes no other change. Its normal
# output is not the report, so it goes nowhere; errors go to standard error as they are.
"$terraform" plan -refresh-only -input=false -no-color -out="$plan" ${plan_args[@]+"${plan_args[@]}"} >/dev/null ||
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

: >"$work/unmanaged"
if [ ${#tenants[@]} -gt 0 ]; then
  # One list block per tenant, asking for every account (Terraform's default limit is 100).
  for i in "${!tenants[@]}"; do
    printf 'list "acronis_user_status" "drift_check_unmanaged_%s" {\n  provider = acronis\n  limit    = 1000000\n  config {\n    tenant_id = "%s"\n  }\n}\n' \
      "$i" "${tenants[$i]}"
  done >"$query_file" || fail "cannot write $query_file"
  if ! "$terraform" query -json -no-color ${query_args[@]+"${query_args[@]}"} >"$work/query.json"; then
    python3 - "$work/query.json" >&2 <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try:
        event = json.loads(line)
    except ValueError:
        continue
    d = event.get("diagnostic")
    if d and d.get("severity") == "error":
        print("Error: %s\n%s\n" % (d.get("summary", ""), d.get("detail", "")))
PY
    fail "terraform query failed"
  fi
  # The listed accounts whose id no acronis_user_status in the (refreshed) state names.
  python3 - "$work/plan.json" "$work/query.json" >"$work/unmanaged" <<'PY' || fail "cannot read the query's JSON"
import json, sys
with open(sys.argv[1]) as f:
    plan = json.load(f)
managed = set()
modules = [(plan.get("prior_state") or {}).get("values", {}).get("root_module", {})]
while modules:
    module = modules.pop()
    modules.extend(module.get("child_modules") or [])
    for resource in module.get("resources") or []:
        if resource.get("type") == "acronis_user_status" and resource.get("mode") == "managed":
            identity = resource.get("identity") or resource.get("values") or {}
            managed.add(identity.get("user_id"))
seen = set()
for line in open(sys.argv[2]):
    try:
        event = json.loads(line)
    except ValueError:
        continue
    if event.get("type") != "list_resource_found":
        continue
    found = event["list_resource_found"]
    if not found.get("address", "").startswith("list.acronis_user_status.drift_check_unmanaged_"):
        continue
    user_id = (found.get("identity") or {}).get("user_id")
    if user_id and user_id not in managed and user_id not in seen:
        seen.add(user_id)
        print("unmanaged %s %s" % (user_id, found.get("display_name", "")))
PY
fi

cat "$work/drifted" "$work/unmanaged"
[ -s "$work/drifted" ] && exit 2
[ -s "$work/unmanaged" ] && exit 3
exit 0
