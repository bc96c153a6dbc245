# Renaming a webhook policy (or changing anything else that replaces it) without a gap in
# deliveries: create_before_destroy makes Terraform create the new policy before it deletes the
# old one, so for a moment both exist (Sequence allows two policies with one name) and the
# receiver gets every event. A secret you supply, here or through webhook_secret_wo, stays the
# same across the replacement, so the receiver's signature checks keep passing; a secret generated
# by Sequence would change with the new policy.
variable "billing_webhook_secret" {
  type      = string
  sensitive = true
}

resource "sequence_notification_policy" "billing_webhook" {
  name               = "Billing events to the ledger service"
  channel            = "WEBHOOK"
  recipients         = ["https://ledger.example.com/hooks/sequence"]
  notification_types = ["INVOICE_ISSUED", "CREDIT_NOTE_ISSUED"]
  webhook_secret     = var.billing_webhook_secret

  lifecycle {
    create_before_destroy = true
  }
}
