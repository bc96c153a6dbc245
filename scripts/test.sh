#!/usr/bin/env bash
# `make test`: everything, in this order, reporting every stage even after a failure:
#   1. unit tests (go test -race ./..., TF_ACC unset);
#   2. acceptance tests (TF_ACC=1) once per CLI: the pinned Terraform, Terraform 1.13.3 (the
#      newest, with resource identity), Terraform 1.5.7 (the oldest we support) and OpenTofu, plus
#      any terraform or tofu on PATH whose version differs from the pinned ones;
#   3. every example directory validated with each of those CLIs, and `terraform fmt -check`;
#   4. the example modules' tests (`terraform test` / `tofu test`, scripts/test-modules.sh) with
#      each of those CLIs that has what a test file needs.
#
# Knobs: TESTARGS (extra go test flags, e.g. "-run TestAccNotificationPolicy"),
#        ACC_RACE=0 (acceptance tests without -race), SKIP_PATH_CLIS=1 (pinned CLIs only),
#        CLIS="BIN..." (exactly these terraform/tofu binaries instead of the pinned and PATH ones;
#        the hosted CI passes the release it installed), SKIP_UNIT=1 (no unit-test stage).
# Like every script here it runs on bash 3.2 (macOS) too: no mapfile, empty arrays guarded.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/dev-override.sh
source "$root/scripts/dev-override.sh"
cd "$root"

# shellcheck disable=SC2206 # TESTARGS is a list of flags.
testargs=(${TESTARGS:-})
race=(-race)
[[ "${ACC_RACE:-1}" == 1 ]] || race=()

# The CLIs to test with: name|binary|provider host.
clis=()
if [[ -n "${CLIS:-}" ]]; then
	for bin in $CLIS; do
		if [[ "$(TF_CLI_CONFIG_FILE=/dev/null "$bin" version 2>/dev/null || true)" == OpenTofu* ]]; then
			clis+=("tofu|$bin|registry.opentofu.org")
		else
			clis+=("terraform|$bin|registry.terraform.io")
		fi
	done
else
	# The first one also checks the examples' formatting: the current Terraform.
	clis=("terraform|$(scripts/tools.sh terraform)|registry.terraform.io"
		"terraform|$(scripts/tools.sh terraform-1.13)|registry.terraform.io"
		"terraform|$(scripts/tools.sh terraform-1.5)|registry.terraform.io"
		"tofu|$(scripts/tools.sh tofu)|registry.opentofu.org")
fi
if [[ -z "${CLIS:-}" && "${SKIP_PATH_CLIS:-0}" != 1 ]]; then
	# Versions already covered, as name-version words.
	covered=" "
	for cli in "${clis[@]}"; do
		IFS='|' read -r name bin _ <<<"$cli"
		covered+="$name-$(cli_version "$bin" | sed 's/-.*//') "
	done
	for name in terraform tofu; do
		found="$(command -v "$name" || true)"
		[[ -n "$found" ]] || continue
		host=registry.terraform.io
		[[ "$name" != tofu ]] || host=registry.opentofu.org
		found_version="$(cli_version "$found")"
		if [[ -n "$found_version" && "$covered" != *" $name-${found_version%%-*} "* ]]; then
			clis+=("$name|$found|$host")
		fi
	done
fi

# An empty CLI configuration of our own: TF_CLI_CONFIG_FILE may point at a missing file, and a
# user's ~/.terraformrc may hold dev_overrides that would shadow the provider under test.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
: >"$work/empty.tfrc"

declare -a summary=()
failed=0
# stage NAME COMMAND...: runs one stage, timing it and recording the outcome.
stage() {
	local name="$1" start=$SECONDS
	shift
	section "$name"
	if "$@"; then
		summary+=("$(printf 'PASS  %-60s %4ds' "$name" $((SECONDS - start)))")
	else
		summary+=("$(printf 'FAIL  %-60s %4ds' "$name" $((SECONDS - start)))")
		failed=$((failed + 1))
	fi
}

unit_tests() {
	env -u TF_ACC TF_CLI_CONFIG_FILE="$work/empty.tfrc" \
		go test -race -count=1 -timeout 30m ${testargs[@]+"${testargs[@]}"} ./... &&
		# The profiling that only benchmark builds carry (-tags benchprofile), with its own test.
		go test -race -count=1 -tags benchprofile ./internal/pluginprofile/
}

# Packages whose tests use terraform-plugin-testing: only these are worth running with TF_ACC.
acc_pkgs=()
while IFS= read -r pkg; do
	acc_pkgs+=("$pkg")
done < <(go list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... |
	awk '/github.com\/hashicorp\/terraform-plugin-testing\/helper\/resource/ { print $1 }')

acceptance_tests() {
	local bin="$1" host="$2"
	echo "acceptance tests with $bin ($(cli_version "$bin")), TF_ACC_PROVIDER_HOST=$host"
	echo "packages: ${acc_pkgs[*]}"
	TF_ACC=1 TF_ACC_TERRAFORM_PATH="$bin" TF_ACC_PROVIDER_HOST="$host" \
		TF_CLI_CONFIG_FILE="$work/empty.tfrc" CHECKPOINT_DISABLE=1 \
		go test ${race[@]+"${race[@]}"} -count=1 -timeout 90m ${testargs[@]+"${testargs[@]}"} "${acc_pkgs[@]}"
}

if [[ "${SKIP_UNIT:-0}" != 1 ]]; then
	stage "unit tests (go test -race ./...)" unit_tests
fi

if [[ ${#acc_pkgs[@]} -eq 0 ]]; then
	summary+=("FAIL  acceptance tests: no package imports terraform-plugin-testing")
	failed=$((failed + 1))
else
	for cli in "${clis[@]}"; do
		IFS='|' read -r name bin host <<<"$cli"
		stage "acceptance tests on $name $(cli_version "$bin")" acceptance_tests "$bin" "$host"
	done
fi

cli_bins=()
for cli in "${clis[@]}"; do
	IFS='|' read -r _ bin _ <<<"$cli"
	cli_bins+=("$bin")
done
stage "examples: validate with each CLI, fmt -check" scripts/validate-examples.sh "${cli_bins[@]}"
stage "example modules: terraform test / tofu test" scripts/test-modules.sh "${cli_bins[@]}"

section "summary"
printf '%s\n' "${summary[@]}"
if [[ "$failed" -gt 0 ]]; then
	echo "make test: $failed stage(s) failed"
	exit 1
fi
echo "make test: all stages passed"
