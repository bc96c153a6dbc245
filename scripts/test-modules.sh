#!/usr/bin/env bash
# Runs `terraform test` / `tofu test` on every example module under examples/modules (a directory
# with *.tftest.hcl files, beside its .tf files or under tests/), with each CLI given, against a
# freshly built provider (development override: no registry, no network) and a Sequence emulator
# started here (SEQUENCE_ENDPOINT, SEQUENCE_CLIENT_ID, SEQUENCE_CLIENT_SECRET), then proves the
# tests can fail: with the first CLI that ran them, every `condition` negated must fail each file.
#
#   scripts/test-modules.sh CLI_BINARY...
#
# A test file runs on a CLI that has the test framework (Terraform 1.6+, OpenTofu 1.6+), its
# mock_provider if it uses one (Terraform 1.7+, OpenTofu 1.8+), and the module's
# `required_version = ">= X"`; otherwise it is reported as SKIP with the reason. A file whose
# first line is `# cli: terraform` or `# cli: tofu (why)` runs on that CLI only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/dev-override.sh
source "$root/scripts/dev-override.sh"

[[ $# -ge 1 ]] || {
	echo "usage: $0 CLI_BINARY..." >&2
	exit 2
}

work="$(mktemp -d)"
emulator_pid=""
cleanup() {
	stop_emulator 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/bin"
build_provider "$work/bin"
use_dev_override "$work/bin"

SEQUENCE_CLIENT_ID="module-tests-$$"
SEQUENCE_CLIENT_SECRET="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export SEQUENCE_CLIENT_ID SEQUENCE_CLIENT_SECRET
start_emulator "$work" -quiet
echo "modules: emulator at $SEQUENCE_ENDPOINT"

# version_at_least HAVE WANT
version_at_least() {
	[[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

# needs CLI_KIND FILE MODULE_DIR: prints the minimum version FILE needs on that CLI.
needs() {
	local kind="$1" file="$2" dir="$3" want=1.6 module_want
	if grep -q '^[[:space:]]*mock_provider[[:space:]]' "$file"; then
		want=1.7
		[[ "$kind" != tofu ]] || want=1.8
	fi
	module_want="$(sed -n 's/^[[:space:]]*required_version[[:space:]]*=[[:space:]]*">=[[:space:]]*\([0-9.]*\)".*/\1/p' "$dir"/*.tf | head -n1)"
	if [[ -n "$module_want" ]] && version_at_least "$module_want" "$want"; then
		want="$module_want"
	fi
	echo "$want"
}

# prepare MODULE_DIR DEST: a scratch copy with its test modules installed (`get` needs no network).
prepare() {
	rm -rf "$2"
	cp -R "$1" "$2"
	(cd "$2" && "$cli" get -no-color >/dev/null)
}

modules=()
while IFS= read -r dir; do
	modules+=("$dir")
done < <(find "$root/examples/modules" -name '*.tftest.hcl' 2>/dev/null | sed 's#/tests/[^/]*$##; s#/[^/]*\.tftest\.hcl$##' | sort -u)
if [[ ${#modules[@]} -eq 0 ]]; then
	echo "modules: no *.tftest.hcl under examples/modules" >&2
	exit 1
fi

failed=0
ran=0
self_checked=""
for cli in "$@"; do
	have="$(cli_version "$cli")"
	kind=terraform
	[[ "$(TF_CLI_CONFIG_FILE=/dev/null "$cli" version 2>/dev/null)" != OpenTofu* ]] || kind=tofu
	echo "modules: testing ${#modules[@]} module(s) with $cli ($have)"
	for dir in "${modules[@]}"; do
		rel="${dir#"$root"/}"
		case_dir="$work/case"
		prepared=0
		files=()
		while IFS= read -r file; do
			files+=("$file")
		done < <(cd "$dir" && find . -maxdepth 2 -name '*.tftest.hcl' | sed 's#^\./##' | sort)
		for file in "${files[@]}"; do
			only="$(sed -n '1s/^# cli: \(terraform\|tofu\)\b.*/\1/p' "$dir/$file")"
			if [[ -n "$only" && "$only" != "$kind" ]]; then
				printf '  SKIP     %s/%s (%s only%s)\n' "$rel" "$file" "$only" "$(sed -n '1s/^# cli: [a-z]* *(\(.*\))[[:space:]]*$/: \1/p' "$dir/$file")"
				continue
			fi
			want="$(needs "$kind" "$dir/$file" "$dir")"
			if ! version_at_least "${have%%-*}" "$want"; then
				printf '  SKIP     %s/%s (needs %s >= %s)\n' "$rel" "$file" "$kind" "$want"
				continue
			fi
			[[ "$prepared" == 1 ]] || {
				prepare "$dir" "$case_dir"
				prepared=1
			}
			if out="$(cd "$case_dir" && "$cli" test -no-color -filter="$file" 2>&1)"; then
				printf '  ok       %s/%s (%s)\n' "$rel" "$file" "$(grep -E '^(Success|Failure)!' <<<"$out" | tail -n1)"
				ran=$((ran + 1))
			else
				printf '  FAIL     %s/%s\n' "$rel" "$file"
				sed 's/^/           /' <<<"$out"
				failed=$((failed + 1))
				continue
			fi

			# The same file with every assertion negated must fail, on an assertion: a test that
			# cannot fail proves nothing. Once per file, with the first CLI that runs it.
			[[ " $self_checked " != *" $rel/$file "* ]] || continue
			self_checked="$self_checked $rel/$file"
			broken="$work/broken"
			prepare "$dir" "$broken"
			sed -E 's/^([[:space:]]*condition[[:space:]]*=[[:space:]]*)(.*)$/\1!(\2)/' "$dir/$file" >"$broken/$file"
			if grep -q '^[[:space:]]*condition[[:space:]]*=' "$dir/$file"; then
				if out="$(cd "$broken" && "$cli" test -no-color -filter="$file" 2>&1)" ||
					! grep -q 'Test assertion failed' <<<"$out"; then
					printf '  FAIL     %s/%s still passes, or fails for another reason, with its assertions negated\n' "$rel" "$file"
					sed 's/^/           /' <<<"$out"
					failed=$((failed + 1))
				else
					printf '  ok       %s/%s fails with its assertions negated\n' "$rel" "$file"
				fi
			fi
		done
	done
done

if [[ "$failed" -gt 0 ]]; then
	echo "modules: $failed failure(s)"
	exit 1
fi
if [[ "$ran" -eq 0 ]]; then
	echo "modules: every module test skipped: no CLI given is new enough"
	exit 0
fi
echo "modules: all module tests passed ($ran file run(s))"
