#!/usr/bin/env bash
# `make release-check`: `goreleaser check` with the pinned goreleaser.
#
# goreleaser wants a git repository with a remote it can parse. Rather than touch this clone's
# remotes, check in a throwaway clone (given a placeholder origin) that carries the working-tree
# versions of the release files.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
goreleaser="$("$root/scripts/tools.sh" goreleaser)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet "$root" "$work/repo"
cp "$root/.goreleaser.yml" "$root/terraform-registry-manifest.json" "$work/repo/"
git -C "$work/repo" remote set-url origin https://github.com/sequencehq/terraform-provider-sequence.git

cd "$work/repo"
"$goreleaser" check
