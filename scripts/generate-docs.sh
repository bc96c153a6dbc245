#!/usr/bin/env bash
# `make generate`: regenerates docs/ with tfplugindocs from the provider's schema, examples/ and
# templates/, then checks the result with `tfplugindocs validate`.
#
# The schema comes from `tofu providers schema -json` (the pinned OpenTofu) against a freshly
# built provider through a development override, passed to tfplugindocs with --providers-schema.
# Why not let tfplugindocs run Terraform itself: the only Terraform we can pin and build from
# source is 1.8.5, whose schema JSON predates write-only attributes (1.11) and ephemeral
# resources (1.10), so their pages would be missing or wrong; and tfplugindocs would otherwise
# download a Terraform release, which needs network. Output is identical on every machine.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/dev-override.sh
source "$root/scripts/dev-override.sh"
cd "$root"

tofu="$(scripts/tools.sh tofu)"
tfplugindocs="$(scripts/tools.sh tfplugindocs)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
build_provider "$work"
use_dev_override "$work"

mkdir "$work/schema"
cat >"$work/schema/main.tf" <<'EOF'
terraform {
  required_providers {
    sequence = {
      source = "sequencehq/sequence"
    }
  }
}
EOF
"$tofu" -chdir="$work/schema" providers schema -json >"$work/raw-schema.json"
# tfplugindocs looks the provider up by its short name.
sed 's#"registry\.opentofu\.org/sequencehq/sequence":#"sequence":#' "$work/raw-schema.json" >"$work/schema.json"
grep -q '"provider_schemas":{"sequence":' "$work/schema.json" || {
	echo "generate-docs: unexpected schema JSON from $tofu" >&2
	exit 1
}

"$tfplugindocs" generate --provider-name sequence --rendered-provider-name Sequence \
	--providers-schema "$work/schema.json"
# validate logs every file it looks at; show that only when it finds a problem.
if ! "$tfplugindocs" validate --provider-name sequence --providers-schema "$work/schema.json" >"$work/validate.log" 2>&1; then
	cat "$work/validate.log" >&2
	exit 1
fi
echo "generate-docs: docs/ regenerated and validated"
