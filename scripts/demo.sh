#!/usr/bin/env bash
# `make demo`: the provider doing its main job, end to end, on a machine with only Go.
#
# Builds the provider and the Sequence emulator, starts the emulator on a free loopback port,
# and drives a real Terraform (the pinned 1.8.5, built on first use; DEMO_TERRAFORM=<binary>
# picks another) through a development override: plan and apply the resource examples, plan
# and apply an in-place recipient addition, check that the next plan is empty, destroy. No
# credentials, no network, no `terraform init`. Any failed step stops the demo with a non-zero
# exit, and the emulator is stopped whatever happens.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/dev-override.sh
source "$root/scripts/dev-override.sh"
cd "$root"

example_dir=examples/resources/sequence_notification_policy
# The e-mail policy of the example gets the extra recipient.
policy=sequence_notification_policy.finance_email
new_recipient=cfo@example.com

terraform_bin="${DEMO_TERRAFORM:-$(scripts/tools.sh terraform)}"

work="$(mktemp -d)"
emulator_pid=""
cleanup() {
	stop_emulator 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

color=()
[[ -t 1 ]] || color=(-no-color)
tf() {
	printf '\n$ terraform %s\n' "$*"
	"$terraform_bin" -chdir="$work/config" "$@" ${color[@]+"${color[@]}"}
}

random_hex() {
	od -An -N "$1" -tx1 /dev/urandom | tr -d ' \n'
}

section "Building the provider and the Sequence emulator"
mkdir -p "$work/bin" "$work/config"
build_provider "$work/bin"
echo "provider: $work/bin/terraform-provider-sequence"
echo "terraform: $terraform_bin ($(cli_version "$terraform_bin"))"

section "Starting the Sequence emulator"
# Throwaway credentials that only this emulator accepts, handed to the provider through the
# same environment variables a real setup uses.
SEQUENCE_CLIENT_ID="demo-$(random_hex 4)"
SEQUENCE_CLIENT_SECRET="$(random_hex 16)"
export SEQUENCE_CLIENT_ID SEQUENCE_CLIENT_SECRET
start_emulator "$work"
echo "emulator: $SEQUENCE_ENDPOINT (SEQUENCE_ENDPOINT, SEQUENCE_CLIENT_ID and SEQUENCE_CLIENT_SECRET set)"

use_dev_override "$work/bin"
cp "$example_dir"/resource*.tf "$work/config/"
cat >"$work/config/providers.tf" <<'EOF'
terraform {
  required_providers {
    sequence = {
      source = "sequencehq/sequence"
    }
  }
}
EOF
# The example with a supplied webhook secret reads it from a variable.
TF_VAR_customer_webhook_secret="whsec_$(random_hex 16)"
export TF_VAR_customer_webhook_secret
echo "configuration: $(cd "$work/config" && echo ./*.tf)  (from $example_dir)"

section "Plan and apply the examples"
tf plan -input=false
tf apply -input=false -auto-approve

section "Add a recipient to $policy: an in-place update"
# An override file changes only that policy's recipients: the current set plus one.
recipients="$(echo "concat(tolist($policy.recipients), [\"$new_recipient\"])" | "$terraform_bin" -chdir="$work/config" console)"
cat >"$work/config/demo_override.tf" <<EOF
resource "${policy%%.*}" "${policy#*.}" {
  recipients = $recipients
}
EOF
echo "demo_override.tf:"
sed 's/^/  /' "$work/config/demo_override.tf"
tf plan -input=false -out="$work/add-recipient.tfplan" | tee "$work/add-recipient.plan.txt"
grep -q "$policy will be updated in-place" "$work/add-recipient.plan.txt" ||
	{ echo "demo: expected an in-place update of $policy" >&2; exit 1; }
grep -q "0 to add, 1 to change, 0 to destroy" "$work/add-recipient.plan.txt" ||
	{ echo "demo: expected exactly one change and no replacement" >&2; exit 1; }
requests_before="$(wc -l <"$work/emulator.log")"
tf apply -input=false "$work/add-recipient.tfplan"
echo
echo "API requests made by that apply (from the emulator's log):"
tail -n +"$((requests_before + 1))" "$work/emulator.log" | sed 's/^/  /'

section "The next plan is empty"
if ! tf plan -input=false -detailed-exitcode; then
	echo "demo: the plan after apply is not empty" >&2
	exit 1
fi

section "Destroy"
tf destroy -input=false -auto-approve

section "Stopping the emulator"
stop_emulator
echo "demo: all steps succeeded"
