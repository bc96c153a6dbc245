# Read a policy's webhook signing secret without persisting it anywhere, to pass it on to a
# write-only argument of another provider (a secret store, for example).
terraform {
  required_version = ">= 1.10" # ephemeral resources; tested on Terraform 1.11.4 and OpenTofu 1.12.6
  required_providers {
    sequence = {
      source = "sequencehq/sequence"
    }
  }
}

ephemeral "sequence_notification_policy_secret" "billing_webhook" {
  id = "3f0a1b2c-4d5e-4f60-8a7b-9c0d1e2f3a4b"
}

# For example, with the AWS provider:
#
# resource "aws_secretsmanager_secret_version" "sequence_webhook" {
#   secret_id                = aws_secretsmanager_secret.sequence_webhook.id
#   secret_string_wo         = ephemeral.sequence_notification_policy_secret.billing_webhook.webhook_secret
#   secret_string_wo_version = 1
# }
