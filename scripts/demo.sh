#!/usr/bin/env bash
# `make demo`: a user's first five minutes with the provider, narrated. Starts the simulator of
# the Acronis API with three users, disables two of them with Terraform, edits one "in the
# console", catches the drift, and puts it right. Then a customer leaves: `terraform query`
# finds its accounts (and its unit's, and no other customer's), writes their configuration, and
# one apply imports and disables them. Leaves nothing running and no files behind.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}/debug
terraform=$(bash "$root/scripts/terraform.sh")
work=$(mktemp -d "${TMPDIR:-/tmp}/acronis-demo.XXXXXX")
sim_pid=""

cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

bold=""; plain=""
if [ -t 1 ]; then bold=$(tput bold 2>/dev/null || true); plain=$(tput sgr0 2>/dev/null || true); fi
say() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
show() { printf '%s$ %s%s\n' "$bold" "$*" "$plain"; }
tf() { show "terraform $*"; (cd "$work" && "$terraform" "$@"); }
# Terraform in the off-boarding folder.
tf_acme() { show "terraform $*"; (cd "$work/acme" && "$terraform" "$@"); }

JOHN=1c234e69-5469-424a-a6d1-ff5658b387a6
MARY=5d1f3b7a-8c2e-4f6a-9b0d-1e2f3a4b5c6d
ADA=9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d
ACME=7e4a0700-0000-4000-8000-0000000000ac
ACME_EU=7e4a0700-0000-4000-8000-0000000000ae
GLOBEX=7e4a0700-0000-4000-8000-0000000000b0

say "Starting the Acronis API simulator with three enabled users (john, mary, ada), and two customers: Acme (3 users, and a unit with 2) and Globex (3 users)"
cat > "$work/seed.json" <<JSON
{"client_id": "demo-client", "client_secret": "demo-secret",
 "users": [{"id": "$JOHN", "login": "john", "enabled": true, "email": "john@example.com"},
           {"id": "$MARY", "login": "mary", "enabled": true, "email": "mary@example.com"},
           {"id": "$ADA",  "login": "ada",  "enabled": true, "email": "ada@example.com"}],
 "tenants": [{"id": "$ACME", "users": 3, "kind": "customer", "name": "Acme"},
             {"id": "$ACME_EU", "users": 2, "kind": "unit", "parent_id": "$ACME", "name": "Acme EU"},
             {"id": "$GLOBEX", "users": 3, "kind": "customer", "name": "Globex"}]}
JSON
"$target/acronis-sim" --seed "$work/seed.json" > "$work/sim.out" 2> "$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/sim.out" 2>/dev/null && break; sleep 0.05; done
base_url=$(sed -n 's/.*listening on //p' "$work/sim.out")
[ -n "$base_url" ] || { echo "the simulator did not start:"; cat "$work/sim.err"; exit 1; }
echo "simulator at $base_url"

# The console, as an administrator would use it: the simulator's admin API.
console() {
  python3 - "$base_url" "$@" <<'PY'
import json, sys, urllib.request
base, method, path = sys.argv[1], sys.argv[2], sys.argv[3]
body = sys.argv[4].encode() if len(sys.argv) > 4 else None
req = urllib.request.Request(base + path, data=body, method=method, headers={"content-type": "application/json"})
print(json.dumps(json.load(urllib.request.urlopen(req))))
PY
}

say "Pointing Terraform at the provider we just built (dev_overrides) and at the simulator"
cat > "$work/cli.tfrc" <<HCL
provider_installation {
  dev_overrides { "acronis/acronis" = "$target" }
  direct {}
}
HCL
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export ACRONIS_BASE_URL="$base_url" ACRONIS_CLIENT_ID=demo-client ACRONIS_CLIENT_SECRET=demo-secret
echo "ACRONIS_BASE_URL=$base_url ACRONIS_CLIENT_ID=demo-client ACRONIS_CLIENT_SECRET=(hidden)"

cat > "$work/main.tf" <<HCL
terraform {
  required_providers {
    acronis = { source = "acronis/acronis" }
  }
}

provider "acronis" {}

# Off-boarding: john and mary leave the company.
resource "acronis_user_status" "leavers" {
  for_each = toset(["$JOHN", "$MARY"])
  user_id  = each.value
  enabled  = false
}

data "acronis_user" "john" {
  id = "$JOHN"
}

output "revisions" {
  value = { for id, s in acronis_user_status.leavers : id => s.version }
}

output "john_email" {
  value = data.acronis_user.john.email
}
HCL
show "cat main.tf"; cat "$work/main.tf"

say "Planning: two accounts will be disabled"
tf plan -no-color

say "Applying"
tf apply -auto-approve -no-color

say "The accounts' new revisions, from state"
tf output -no-color

say "Someone re-enables john in the web console"
show "PATCH /admin/users/$JOHN {\"enabled\": true}"
console PATCH "/admin/users/$JOHN" '{"enabled": true}' | python3 -c 'import json,sys; u=json.load(sys.stdin); print("john: enabled=%s version=%s" % (u["enabled"], u["version"]))'

say "The scheduled drift check notices (exit code 2 means drift)"
set +e
tf plan -refresh-only -detailed-exitcode -no-color
code=$?
set -e
echo "exit code: $code"
[ "$code" -eq 2 ] || { echo "expected exit code 2 for drift"; exit 1; }

say "Re-applying puts john back as the configuration says"
tf apply -auto-approve -no-color

say "And now nothing is left to do (exit code 0)"
set +e
tf plan -detailed-exitcode -no-color
code=$?
set -e
echo "exit code: $code"

say "Acme is leaving. In a new folder, a list block asks for every account of Acme and its units"
mkdir "$work/acme"
cat > "$work/acme/providers.tf" <<HCL
terraform {
  required_providers {
    acronis = { source = "acronis/acronis" }
  }
}

provider "acronis" {}
HCL
cat > "$work/acme/acme.tfquery.hcl" <<HCL
list "acronis_user_status" "acme" {
  provider = acronis

  config {
    tenant_id             = "$ACME"
    include_child_tenants = true
  }
}
HCL
show "cat acme.tfquery.hcl"; cat "$work/acme/acme.tfquery.hcl"

say "terraform query lists Acme's five accounts (three of its own, two of its unit) and none of Globex's"
tf_acme query -no-color

say "Writing their configuration and import blocks, then switching each to enabled = false"
tf_acme query -generate-config-out=accounts.tf -no-color > /dev/null
sed -i 's/enabled  = true/enabled  = false/' "$work/acme/accounts.tf"
show "grep -c 'import {' accounts.tf"; grep -c 'import {' "$work/acme/accounts.tf"
sed -n '/^resource/,/^}/p' "$work/acme/accounts.tf" | head -6

say "One apply imports the five accounts and disables them"
tf_acme apply -auto-approve -no-color

say "Globex's accounts are untouched"
console GET /admin/users | python3 -c '
import json, sys
users = json.load(sys.stdin)
for tenant, name in (("'"$ACME"'", "Acme"), ("'"$ACME_EU"'", "Acme EU"), ("'"$GLOBEX"'", "Globex")):
    mine = [u for u in users if u.get("tenant_id") == tenant]
    print("%-8s %d accounts, %d enabled" % (name, len(mine), sum(1 for u in mine if u["enabled"])))'

say "API calls the provider made, by endpoint"
console GET /admin/calls

say "Done. The simulator is stopped and $work is removed."
