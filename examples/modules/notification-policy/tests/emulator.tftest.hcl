# Runs against a Sequence emulator (no account): the provider takes SEQUENCE_ENDPOINT,
# SEQUENCE_CLIENT_ID and SEQUENCE_CLIENT_SECRET from the environment, which
# scripts/test-modules.sh sets after starting internal/sequencetest/cmd/sequence-emulator.
provider "sequence" {}

run "webhook_with_write_only_secret" {
  command = apply

  variables {
    name                   = "Invoices to the ledger"
    recipients             = ["https://ledger.example.com/hooks/sequence"]
    notification_types     = ["INVOICE_ISSUED", "CREDIT_NOTE_ISSUED"]
    webhook_secret         = "whsec_module-test-0123456789"
    webhook_secret_version = 1
  }

  assert {
    condition     = can(regex("^[0-9a-f-]{36}$", output.id))
    error_message = "Sequence assigns the policy a UUID"
  }
  assert {
    condition     = sequence_notification_policy.this.channel == "WEBHOOK"
    error_message = "https recipients make a WEBHOOK policy"
  }
  assert {
    condition     = sequence_notification_policy.this.name == "Invoices to the ledger"
    error_message = "the policy has the name given"
  }
  assert {
    condition     = sequence_notification_policy.this.recipients == toset(["https://ledger.example.com/hooks/sequence"])
    error_message = "the policy has exactly the recipients given"
  }
  assert {
    condition     = sequence_notification_policy.this.notification_types == toset(["INVOICE_ISSUED", "CREDIT_NOTE_ISSUED"])
    error_message = "the policy has exactly the notification types given"
  }
  assert {
    condition     = sequence_notification_policy.this.webhook_secret == null && sequence_notification_policy.this.webhook_secret_wo == null
    error_message = "a write-only secret is in neither attribute of the state"
  }
  assert {
    condition     = sequence_notification_policy.this.created_at != null && sequence_notification_policy.this.sequence_account_id != null
    error_message = "the computed attributes come from Sequence"
  }
}

run "secret_shared_through_the_ephemeral_resource" {
  command = apply

  module {
    source = "./tests/shared-secret"
  }

  variables {
    first_policy_id = run.webhook_with_write_only_secret.id
  }

  assert {
    condition     = data.sequence_notification_policy.first.webhook_secret == "whsec_module-test-0123456789"
    error_message = "Sequence holds the write-only secret the module sent"
  }
  assert {
    condition     = data.sequence_notification_policy.second.webhook_secret == data.sequence_notification_policy.first.webhook_secret
    error_message = "the second policy signs with the first policy's secret"
  }
  assert {
    condition     = sequence_notification_policy.second.webhook_secret == null
    error_message = "the shared secret never entered the state"
  }
}
