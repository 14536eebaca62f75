# The project's commands. `make demo` and `make test` are the two that matter; see README.md.
SHELL := /bin/bash
CARGO ?= cargo
VERSION ?=

.PHONY: all build terraform test test-matrix test-platforms lint unit demo bench bench-instructions bench-compare pgo docs release clean

all: build

build:
	$(CARGO) build --workspace

# Finds or installs the pinned Terraform (scripts/terraform.sh) before tests need it.
terraform:
	@bash scripts/terraform.sh >/dev/null

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Every test: unit, protocol, and acceptance with real Terraform against the simulator.
test: terraform lint
	@test -n "$$ACRONIS_OPENAPI_DOCUMENT" || echo "SKIPPED contract test (tests/contract): set ACRONIS_OPENAPI_DOCUMENT to the vendor's OpenAPI document, https://developer.acronis.com/doc/account-management/v2/reference/openapi.json"
	$(CARGO) test --workspace --no-fail-fast

# The acceptance subset on every supported Terraform version (scripts/terraform.sh's MATRIX),
# each installed side by side under .tools/; VERSIONS="1.6.6 1.12.2" picks some.
test-matrix:
	bash scripts/test-matrix.sh $(VERSIONS)

# The release platforms built and proven: linux_arm64 under QEMU and windows_amd64 under
# Wine with real Terraform, the macOS binaries read as Mach-O, terraform init from mirrors.
# Installs its tools (scripts/cross-tools.sh: apt packages, rust targets, zig under .tools/).
test-platforms: terraform
	bash scripts/test-platforms.sh

demo: terraform
	$(CARGO) build -p terraform-provider-acronis -p acronis-sim
	bash scripts/demo.sh

bench: terraform
	bash scripts/bench.sh

# Instructions per provider process of a `terraform plan` over 1 and N resources, and per resource (callgrind).
bench-instructions: terraform
	bash scripts/bench.sh --instructions $(or $(N),100)

# Provider CPU of `terraform plan` over N resources, two (or more) builds alternating:
# make bench-compare BUILDS="old/terraform-provider-acronis new/terraform-provider-acronis" N=1000
bench-compare: terraform
	bash scripts/bench.sh --compare $(or $(N),1000) $(BUILDS)

# The release provider built with profile-guided optimisation (needs llvm-profdata, LLVM >= 19).
pgo: terraform
	bash scripts/pgo.sh

# Regenerates docs/ from the provider's schema and examples/.
docs:
	UPDATE_DOCS=1 $(CARGO) test --test docs

# The release platforms' archives, SHA256SUMS (signed with GPG_FINGERPRINT) and the manifest in dist/.
release:
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=x.y.z" >&2; exit 2; }
	bash scripts/release.sh "$(VERSION)"

clean:
	$(CARGO) clean
	rm -rf .tools dist
