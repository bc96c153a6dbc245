# Write-only secret: sent to Sequence at creation, never stored in plan or state.
terraform {
  required_version = ">= 1.11" # write-only arguments; tested on Terraform 1.11.4 and OpenTofu 1.12.6
  required_providers {
    sequence = {
      source = "sequencehq/sequence"
    }
  }
}

# An ephemeral variable is never persisted either (e.g. TF_VAR_quote_webhook_secret).
variable "quote_webhook_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "sequence_notification_policy" "quotes_webhook" {
  name               = "Signed quotes to the sales service"
  channel            = "WEBHOOK"
  recipients         = ["https://sales.example.com/hooks/quotes"]
  notification_types = ["QUOTE_ACCEPTED", "QUOTE_SIGNED"]

  webhook_secret_wo = var.quote_webhook_secret
  # Sequence cannot change a secret: bump the version together with the secret to rotate it,
  # which replaces the policy. (A changed secret without a bump is noticed too, and also
  # replaces the policy, with a warning.)
  webhook_secret_wo_version = 1
}
