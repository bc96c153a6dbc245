# shellcheck shell=bash
# Sourced by the other scripts (which set $root): run Terraform or OpenTofu against a locally
# built provider.
#
# A development override makes the CLI load the provider binary from a directory instead of a
# registry, so plan, apply and validate work with no `terraform init` and no network. The CLI
# configuration is written here rather than taken from TF_CLI_CONFIG_FILE or ~/.terraformrc,
# which may be missing or carry overrides of their own.

# build_provider DIR: builds the provider into DIR/terraform-provider-sequence.
build_provider() {
	# shellcheck disable=SC2154 # root is set by the sourcing script.
	go build -C "$root" -trimpath -o "$1/terraform-provider-sequence" .
}

# use_dev_override DIR: writes DIR/cli.tfrc pointing both registries' address of the provider at
# DIR and exports the CLI environment that goes with it.
use_dev_override() {
	cat >"$1/cli.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/sequencehq/sequence" = "$1"
    "registry.opentofu.org/sequencehq/sequence" = "$1"
  }
  direct {}
}
EOF
	export TF_CLI_CONFIG_FILE="$1/cli.tfrc"
	export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
	unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR
}

# cli_version BIN: prints the version of a terraform or tofu binary, e.g. 1.8.5.
cli_version() {
	TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null | sed -n '1s/^[A-Za-z]* v\([^ ]*\).*/\1/p'
}

# section TITLE: a header that stands out in long CI logs.
section() {
	printf '\n==== %s ====\n' "$*"
}
