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

# start_emulator DIR [FLAG...]: builds the Sequence emulator into DIR and starts it on a free
# loopback port, accepting the credentials in SEQUENCE_CLIENT_ID and SEQUENCE_CLIENT_SECRET, with
# any extra FLAGs; its request log goes to DIR/emulator.log. Once it listens, exports
# SEQUENCE_ENDPOINT and sets emulator_pid; fails if it exits or does not listen within 10s.
start_emulator() {
	local dir="$1"
	shift
	go build -C "$root" -trimpath -o "$dir/sequence-emulator" ./internal/sequencetest/cmd/sequence-emulator
	"$dir/sequence-emulator" -listen 127.0.0.1:0 -url-file "$dir/emulator.url" \
		-client-id "$SEQUENCE_CLIENT_ID" -client-secret "$SEQUENCE_CLIENT_SECRET" "$@" \
		>"$dir/emulator.out" 2>"$dir/emulator.log" &
	emulator_pid=$!
	for _ in $(seq 1 100); do
		[[ -s "$dir/emulator.url" ]] && break
		kill -0 "$emulator_pid" 2>/dev/null || {
			cat "$dir/emulator.log" >&2
			echo "the emulator exited before it was ready" >&2
			return 1
		}
		sleep 0.1
	done
	[[ -s "$dir/emulator.url" ]] || {
		echo "the emulator did not start within 10s" >&2
		return 1
	}
	SEQUENCE_ENDPOINT="$(head -n1 "$dir/emulator.url")"
	export SEQUENCE_ENDPOINT
}

# stop_emulator: stops the emulator start_emulator started, if it still runs, and returns its exit
# status (0 after a clean shutdown on SIGTERM).
stop_emulator() {
	local pid="${emulator_pid:-}" status=0
	emulator_pid=""
	if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" || status=$?
	fi
	return "$status"
}
