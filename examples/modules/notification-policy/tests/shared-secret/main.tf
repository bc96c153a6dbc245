# Test helper for emulator.tftest.hcl: a second policy for the same receiver that reuses the first
# policy's signing secret, read with the ephemeral resource and sent write-only, so the secret
# passes from one policy to the other without entering plan or state.
terraform {
  required_version = ">= 1.11"
  required_providers {
    sequence = {
      source = "sequencehq/sequence"
    }
  }
}

variable "first_policy_id" {
  type = string
}

ephemeral "sequence_notification_policy_secret" "first" {
  id = var.first_policy_id
}

resource "sequence_notification_policy" "second" {
  name               = "Credit notes to the ledger"
  channel            = "WEBHOOK"
  recipients         = ["https://ledger.example.com/hooks/sequence"]
  notification_types = ["CREDIT_NOTE_ISSUED"]
  webhook_secret_wo  = ephemeral.sequence_notification_policy_secret.first.webhook_secret
}

# Both policies as Sequence holds them, secrets included (the emulator returns them on reads).
data "sequence_notification_policy" "first" {
  id = var.first_policy_id
}

data "sequence_notification_policy" "second" {
  id = sequence_notification_policy.second.id
}
