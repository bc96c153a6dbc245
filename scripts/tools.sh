#!/usr/bin/env bash
# Prints the path of a pinned CLI, building it from its module under tools/ the first time.
#
#   scripts/tools.sh [--version] terraform|terraform-1.5|terraform-1.13|tofu|tfplugindocs|golangci-lint|goreleaser|actionlint
#
# With --version it prints the pinned version (e.g. v2.14.3) instead, building nothing: the release
# workflow uses it to install the same goreleaser.
#
# Each CLI is pinned in tools/<name>/go.mod and built with the local Go toolchain into
# ${SEQUENCE_TOOLS_CACHE:-$HOME/.cache/terraform-provider-sequence}/bin/<binary>-<version>,
# outside the repository, and reused from there. <binary> is <name>, except for terraform-1.5 (the
# oldest Terraform we test) and terraform-1.13 (the newest), pinned apart from the current one,
# whose binaries are terraform-1.5.7 and terraform-1.13.3.
# Nothing is downloaded but Go modules: release sites are not needed (and are unreachable on some
# build machines).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bindir="${SEQUENCE_TOOLS_CACHE:-$HOME/.cache/terraform-provider-sequence}/bin"

usage() {
	echo "usage: $0 [--version] terraform|terraform-1.5|terraform-1.13|tofu|tfplugindocs|golangci-lint|goreleaser|actionlint" >&2
	exit 2
}

print_version=0
if [[ $# -eq 2 && "$1" == --version ]]; then
	print_version=1
	shift
fi
[[ $# -eq 1 ]] || usage
name="$1"

# module: whose version in tools/<name>/go.mod is the pin; package: what to build; binary: the
# cached binary's name before its version.
ldflags=""
binary="$name"
case "$name" in
terraform) module=github.com/hashicorp/terraform package=$module ;;
terraform-1.5 | terraform-1.13) module=github.com/hashicorp/terraform package=$module binary=terraform ;;
tofu) module=github.com/opentofu/opentofu package=$module/cmd/tofu ;;
tfplugindocs) module=github.com/hashicorp/terraform-plugin-docs package=$module/cmd/tfplugindocs ;;
golangci-lint) module=github.com/golangci/golangci-lint/v2 package=$module/cmd/golangci-lint ;;
goreleaser) module=github.com/goreleaser/goreleaser/v2 package=$module ;;
actionlint) module=github.com/rhysd/actionlint package=$module/cmd/actionlint ;;
*) usage ;;
esac
# Release builds of both CLIs link with version.dev=no; without it they call themselves "1.8.5-dev".
# (Terraform 1.5 has no such variable: its module source already says "1.5.7", no suffix.)
case "$name" in
terraform | terraform-1.13 | tofu) ldflags="-X $module/version.dev=no" ;;
esac

moddir="$root/tools/$name"
version="$(awk -v m="$module" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$moddir/go.mod")"
if [[ -z "$version" ]]; then
	echo "tools.sh: $module is not required by $moddir/go.mod" >&2
	exit 1
fi
if [[ "$print_version" == 1 ]]; then
	echo "$version"
	exit 0
fi
bin="$bindir/$binary-${version#v}"
# actionlint reports the version it was linked with, else "(devel)" when built as a dependency.
[[ "$name" != actionlint ]] || ldflags="-X $module.version=$version"

if [[ ! -x "$bin" ]]; then
	mkdir -p "$bindir"
	echo "tools.sh: building $name ${version} from tools/$name into $bindir (first use only; large CLIs take several minutes)" >&2
	start=$SECONDS
	# Build under a temporary name so an interrupted build never leaves a broken binary behind.
	tmp="$bin.tmp.$$"
	trap 'rm -f "$tmp"' EXIT
	go build -C "$moddir" -trimpath -ldflags "$ldflags" -o "$tmp" "$package"
	mv -f "$tmp" "$bin"
	trap - EXIT
	echo "tools.sh: built $bin in $((SECONDS - start))s" >&2
fi

echo "$bin"
