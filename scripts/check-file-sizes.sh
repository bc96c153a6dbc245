#!/usr/bin/env bash
# `make lint`: no non-test Go file above MAX_LINES lines (default 450), tools/ included, so a
# file stays small enough to read whole and is split by what its pieces do. Files marked
# "Code generated ... DO NOT EDIT." are left out. Every file over the limit is named.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
max="${MAX_LINES:-450}"
over=0
# Tracked and new (not ignored) files, so a file not yet committed is checked too.
while IFS= read -r file; do
	[[ -f "$file" ]] || continue
	if head -n 5 "$file" | grep -q '^// Code generated .* DO NOT EDIT\.$'; then
		continue
	fi
	lines="$(wc -l <"$file")"
	if ((lines > max)); then
		echo "$file: $lines lines, more than $max: split it by what its parts do" >&2
		over=$((over + 1))
	fi
done < <(git ls-files --cached --others --exclude-standard -- '*.go' ':!:*_test.go')
if ((over > 0)); then
	echo "$over non-test Go file(s) over $max lines" >&2
	exit 1
fi
echo "every non-test Go file has at most $max lines"
