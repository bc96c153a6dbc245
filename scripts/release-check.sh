#!/usr/bin/env bash
# `make release-check`: `goreleaser check` with the pinned goreleaser, and a check that the
# licence is in place for the archives. With RELEASE_SNAPSHOT=1 it also builds every release
# artifact (`goreleaser release --snapshot --skip=sign,publish`, 13 cross-compiles: minutes) and
# checks each zip holds the binary and LICENSE, and the checksums cover the registry manifest.
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
cp "$root/.goreleaser.yml" "$root/terraform-registry-manifest.json" "$root/LICENSE" "$work/repo/"
git -C "$work/repo" remote set-url origin https://github.com/sequencehq/terraform-provider-sequence.git

cd "$work/repo"
"$goreleaser" check

# The archives name LICENSE explicitly; it must be the MPL-2.0 text.
if ! head -n1 LICENSE | grep -q '^Mozilla Public License, version 2.0$'; then
	echo "release-check: LICENSE is not the MPL-2.0 text" >&2
	exit 1
fi

[[ "${RELEASE_SNAPSHOT:-0}" == 1 ]] || exit 0

# A snapshot needs a clean tree: commit the working-tree release files in the scratch clone.
git add -A && git -c user.name=release-check -c user.email=release-check@localhost \
	commit --quiet --allow-empty -m "release-check: working-tree release files"
"$goreleaser" release --snapshot --clean --skip=sign,publish

shopt -s nullglob
zips=(dist/*.zip)
if [[ ${#zips[@]} -eq 0 ]]; then
	echo "release-check: the snapshot produced no zip" >&2
	exit 1
fi
failed=0
for zip in "${zips[@]}"; do
	entries="$(unzip -Z1 "$zip")"
	if ! grep -qx LICENSE <<<"$entries" || ! grep -q '^terraform-provider-sequence_v' <<<"$entries"; then
		echo "release-check: $zip lacks LICENSE or the binary: $(tr '\n' ' ' <<<"$entries")" >&2
		failed=1
	fi
done
sums=(dist/*_SHA256SUMS)
if [[ ${#sums[@]} -ne 1 ]] || ! grep -q '_manifest\.json$' "${sums[0]}"; then
	echo "release-check: no SHA256SUMS covering the registry manifest" >&2
	failed=1
fi
[[ "$failed" == 0 ]] || exit 1
echo "release-check: ${#zips[@]} zips, each with the binary and LICENSE; SHA256SUMS covers the manifest"
