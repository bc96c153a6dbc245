# cli: tofu (Terraform's mock_provider cannot mock ephemeral resources yet: hashicorp/terraform#38608)
#
# The mocked provider with its ephemeral resource and write-only attribute together: the helper
# module reads a policy's secret with sequence_notification_policy_secret and sends it write-only
# to a second policy. OpenTofu's mock_provider generates the ephemeral resource's result; nothing
# reaches Sequence or the emulator.
mock_provider "sequence" {
  mock_resource "sequence_notification_policy" {
    defaults = {
      id = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    }
  }
}

run "secret_shared_through_the_ephemeral_resource" {
  command = apply

  module {
    source = "./tests/shared-secret"
  }

  variables {
    first_policy_id = "3f0a1b2c-4d5e-4f60-8a7b-9c0d1e2f3a4b"
  }

  assert {
    condition     = sequence_notification_policy.second.id == "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    error_message = "the policy is created by the mock"
  }
  # Only what the CLI guarantees: a mock generates computed attributes such as webhook_secret, so
  # what the provider stores there is checked against the emulator (emulator.tftest.hcl).
  assert {
    condition     = sequence_notification_policy.second.webhook_secret_wo == null
    error_message = "the secret read ephemerally and sent write-only is not in state"
  }
}
