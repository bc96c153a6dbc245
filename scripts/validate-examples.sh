#!/usr/bin/env bash
# Validates every directory under examples/ on its own, with each CLI given, through a development
# override of a freshly built provider (no init, no network), and checks `fmt` on all of them.
#
#   scripts/validate-examples.sh CLI_BINARY...
#
# An example whose `terraform { required_version = ">= X" }` the CLI does not meet is skipped for
# that CLI (write-only attributes and ephemeral resources need newer CLIs than the oldest we test).
# An example of an object the provider does not serve yet (a directory named after a type that
# the CLI reports as invalid) is reported as PENDING: it is validated as soon as the type exists.
# Set EXAMPLES_STRICT=1 to count PENDING as a failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/dev-override.sh
source "$root/scripts/dev-override.sh"

[[ $# -ge 1 ]] || {
	echo "usage: $0 CLI_BINARY..." >&2
	exit 2
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
build_provider "$work"
use_dev_override "$work"

# A resource or data source example does not repeat the provider requirement; add it so the CLI
# resolves "sequence" to this provider rather than to hashicorp/sequence.
required_providers='terraform {
  required_providers {
    sequence = {
      source = "sequencehq/sequence"
    }
  }
}'

# version_at_least HAVE WANT
version_at_least() {
	[[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

failed=0
pending=0
dirs=()
while IFS= read -r dir; do
	dirs+=("$dir")
done < <(find "$root/examples" -name '*.tf' -exec dirname {} \; | sort -u)

for cli in "$@"; do
	have="$(cli_version "$cli")"
	echo "examples: validating ${#dirs[@]} directories with $cli ($have)"
	for dir in "${dirs[@]}"; do
		rel="${dir#"$root"/}"
		want="$(sed -n 's/^[[:space:]]*required_version[[:space:]]*=[[:space:]]*">=[[:space:]]*\([0-9.]*\)".*/\1/p' "$dir"/*.tf | head -n1)"
		if [[ -n "$want" ]] && ! version_at_least "${have%%-*}" "$want"; then
			printf '  SKIP     %s (needs >= %s)\n' "$rel" "$want"
			continue
		fi

		case_dir="$work/case"
		rm -rf "$case_dir" && mkdir "$case_dir"
		cp "$dir"/*.tf "$case_dir"/
		if ! grep -q required_providers "$case_dir"/*.tf; then
			printf '%s\n' "$required_providers" >"$case_dir/zz_required_providers.tf"
		fi

		if out="$(cd "$case_dir" && "$cli" validate -no-color 2>&1)"; then
			printf '  ok       %s\n' "$rel"
			continue
		fi

		# PENDING only when every error is an unknown type and that type is this directory's own.
		type="$(basename "$dir")"
		errors="$(grep -c '^Error: ' <<<"$out" || true)"
		unknown="$(grep -cE '^Error: Invalid (data source|resource type|ephemeral resource)$' <<<"$out" || true)"
		others="$(grep -oE ' in (data|resource|ephemeral) "[^"]+"' <<<"$out" | grep -vc "\"$type\"" || true)"
		if [[ "$errors" -gt 0 && "$errors" == "$unknown" && "$others" == 0 ]]; then
			printf '  PENDING  %s (the provider does not serve %s yet)\n' "$rel" "$type"
			pending=$((pending + 1))
			continue
		fi
		printf '  FAIL     %s\n' "$rel"
		sed 's/^/           /' <<<"$out"
		failed=$((failed + 1))
	done
done

fmt_cli="$1"
echo "examples: $fmt_cli fmt -check -recursive examples"
if ! (cd "$root" && "$fmt_cli" fmt -check -recursive -diff -no-color examples); then
	echo "  FAIL     examples are not formatted: run 'make fmt'"
	failed=$((failed + 1))
fi

if [[ "${EXAMPLES_STRICT:-0}" == 1 && "$pending" -gt 0 ]]; then
	failed=$((failed + pending))
fi
if [[ "$failed" -gt 0 ]]; then
	echo "examples: $failed failure(s)"
	exit 1
fi
if [[ "$pending" -gt 0 ]]; then
	echo "examples: all valid except $pending PENDING"
else
	echo "examples: all valid"
fi
