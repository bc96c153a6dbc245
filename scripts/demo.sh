#!/usr/bin/env bash
# `make demo`: the provider doing its main job, end to end, on a machine with only Go.
#
# Builds the provider and the Sequence emulator, starts the emulator on a free loopback port,
# and drives a real Terraform (the pinned 1.8.5, built on first use; DEMO_TERRAFORM=<binary>
# picks another) through a development override: plan and apply the resource examples, plan
# and apply an in-place recipient addition, point the generated-secret webhook at a local
# receiver and have the emulator deliver a signed event to it, which the receiver verifies with
# the secret Terraform holds, check that the next plan is empty, destroy. No credentials, no
# network, no `terraform init`, no openssl (the receiver's certificate is generated in Go). Any
# failed step stops the demo with a non-zero exit, and the emulator and the receiver are
# stopped whatever happens.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/dev-override.sh
source "$root/scripts/dev-override.sh"
cd "$root"

example_dir=examples/resources/sequence_notification_policy
# The e-mail policy of the example gets the extra recipient.
policy=sequence_notification_policy.finance_email
new_recipient=cfo@example.com
# The webhook policy whose generated secret the receiver verifies deliveries with.
webhook_policy=sequence_notification_policy.all_events_webhook
webhook_secret_output=all_events_webhook_secret

terraform_bin="${DEMO_TERRAFORM:-$(scripts/tools.sh terraform)}"

work="$(mktemp -d)"
emulator_pid=""
receiver_pid=""
stop() {
	if [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; then
		kill -TERM "$1" 2>/dev/null || true
		wait "$1" 2>/dev/null || true
	fi
}
cleanup() {
	stop "$receiver_pid"
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

# wait_for_file FILE PID NAME LOG: wait up to 10s for the receiver to write its URL to FILE.
wait_for_file() {
	for _ in $(seq 1 100); do
		[[ -s "$1" ]] && return 0
		kill -0 "$2" 2>/dev/null || {
			cat "$4" >&2
			echo "demo: the $3 exited before it was ready" >&2
			exit 1
		}
		sleep 0.1
	done
	echo "demo: the $3 did not start within 10s" >&2
	exit 1
}

section "Building the provider and the Sequence emulator"
mkdir -p "$work/bin" "$work/config"
build_provider "$work/bin"
go build -trimpath -o "$work/webhook-receiver" ./internal/sequencetest/cmd/webhook-receiver
echo "provider: $work/bin/terraform-provider-sequence"
echo "terraform: $terraform_bin ($(cli_version "$terraform_bin"))"

section "Starting the Sequence emulator"
# Throwaway credentials that only this emulator accepts, handed to the provider through the
# same environment variables a real setup uses.
SEQUENCE_CLIENT_ID="demo-$(random_hex 4)"
SEQUENCE_CLIENT_SECRET="$(random_hex 16)"
export SEQUENCE_CLIENT_ID SEQUENCE_CLIENT_SECRET
# Webhook recipients are https URLs: the local receiver gets a self-signed certificate, which
# the emulator trusts through -webhook-ca.
"$work/webhook-receiver" generate-cert -cert "$work/receiver.pem" -key "$work/receiver-key.pem"
start_emulator "$work" -webhook-ca "$work/receiver.pem"
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

section "Deliver a signed webhook to a local receiver"
# The receiver verifies Sequence-Signature with the secret Sequence generated for the policy,
# as Terraform holds it in state; the secret goes through the environment, never printed.
SEQUENCE_WEBHOOK_SECRET="$("$terraform_bin" -chdir="$work/config" output -raw "$webhook_secret_output")" \
	"$work/webhook-receiver" -listen 127.0.0.1:0 -cert "$work/receiver.pem" -key "$work/receiver-key.pem" \
	-url-file "$work/receiver.url" >"$work/receiver.log" 2>&1 &
receiver_pid=$!
wait_for_file "$work/receiver.url" "$receiver_pid" "webhook receiver" "$work/receiver.log"
receiver_url="$(head -n1 "$work/receiver.url")hooks/sequence"
echo "receiver: $receiver_url (SEQUENCE_WEBHOOK_SECRET from: terraform output -raw $webhook_secret_output)"
# Point the policy at the receiver: its recipients change in place, its secret stays.
cat >"$work/config/receiver_override.tf" <<EOF
resource "${webhook_policy%%.*}" "${webhook_policy#*.}" {
  recipients = ["$receiver_url"]
}
EOF
echo "receiver_override.tf:"
sed 's/^/  /' "$work/config/receiver_override.tf"
tf apply -input=false -auto-approve | tee "$work/receiver.apply.txt"
grep -q "Resources: 0 added, 1 changed, 0 destroyed" "$work/receiver.apply.txt" ||
	{ echo "demo: expected $webhook_policy to be updated in place" >&2; exit 1; }
requests_before="$(wc -l <"$work/emulator.log")"
printf '\n$ sequence-emulator send-event -endpoint %s -type INVOICE_ISSUED -resource-type INVOICE -resource-id inv_demo\n' "$SEQUENCE_ENDPOINT"
if ! "$work/sequence-emulator" send-event -endpoint "$SEQUENCE_ENDPOINT" \
	-client-id "$SEQUENCE_CLIENT_ID" -client-secret "$SEQUENCE_CLIENT_SECRET" \
	-type INVOICE_ISSUED -resource-type INVOICE -resource-id inv_demo; then
	echo "demo: the delivery failed; the receiver's log:" >&2
	cat "$work/receiver.log" >&2
	exit 1
fi
echo
echo "The emulator's log of the delivery:"
tail -n +"$((requests_before + 1))" "$work/emulator.log" | sed 's/^/  /'
echo "The receiver's log:"
sed 's/^/  /' "$work/receiver.log"
grep -q "verified INVOICE_ISSUED delivery to /hooks/sequence" "$work/receiver.log" ||
	{ echo "demo: the receiver did not verify the delivery" >&2; exit 1; }
echo "demo: the receiver verified the delivery's signature with the secret from Terraform's state"
stop "$receiver_pid"
receiver_pid=""

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
