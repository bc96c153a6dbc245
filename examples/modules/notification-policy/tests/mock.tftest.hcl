# Unit tests of the module's own logic with a mocked provider: nothing is sent anywhere, so they
# need neither Sequence nor the emulator. mock_provider needs Terraform 1.7+ or OpenTofu 1.8+
# (this module needs 1.11+ anyway, for the write-only secret). The mocked provider still has the
# real schema, ephemeral resource and write-only attribute included.
mock_provider "sequence" {
  mock_resource "sequence_notification_policy" {
    defaults = {
      id = "3f0a1b2c-4d5e-4f60-8a7b-9c0d1e2f3a4b"
    }
  }
}

# A plan: Terraform's test framework cannot apply a run that leaves an optional ephemeral
# variable such as webhook_secret unset (hashicorp/terraform#38974).
run "email_addresses_make_an_email_policy" {
  command = plan

  variables {
    name       = "Invoices to finance"
    recipients = ["finance@example.com", "controller@example.com"]
  }

  assert {
    condition     = sequence_notification_policy.this.channel == "EMAIL"
    error_message = "e-mail recipients make an EMAIL policy"
  }
  assert {
    condition     = sequence_notification_policy.this.notification_types == null
    error_message = "no notification_types means every type"
  }
}

run "webhook_with_write_only_secret" {
  command = apply

  variables {
    name                   = "Invoices to the ledger"
    recipients             = ["https://ledger.example.com/hooks/sequence"]
    notification_types     = ["INVOICE_ISSUED"]
    webhook_secret         = "whsec_0123456789abcdef"
    webhook_secret_version = 1
  }

  assert {
    condition     = output.channel == "WEBHOOK"
    error_message = "https recipients make a WEBHOOK policy"
  }
  assert {
    condition     = output.id == "3f0a1b2c-4d5e-4f60-8a7b-9c0d1e2f3a4b"
    error_message = "the id comes from the mock"
  }
  assert {
    condition     = sequence_notification_policy.this.webhook_secret_wo == null && sequence_notification_policy.this.webhook_secret_wo_version == 1
    error_message = "the write-only secret is not in state, its version is"
  }
}

run "mixed_recipients_are_refused" {
  command = plan

  variables {
    name       = "Mixed"
    recipients = ["finance@example.com", "https://ledger.example.com/hooks/sequence"]
  }

  expect_failures = [var.recipients]
}

run "no_recipients_are_refused" {
  command = plan

  variables {
    name       = "Nobody"
    recipients = []
  }

  expect_failures = [var.recipients]
}
