# Supply the signing secret yourself. It is kept in state as a sensitive value; changing it
# replaces the policy, because Sequence cannot change a secret in place.
variable "customer_webhook_secret" {
  type      = string
  sensitive = true
}

resource "sequence_notification_policy" "customer_webhook" {
  name               = "Customer changes to the CRM"
  channel            = "WEBHOOK"
  recipients         = ["https://crm.example.com/sequence/events"]
  notification_types = ["CUSTOMER_CREATED", "CUSTOMER_UPDATED", "CUSTOMER_ARCHIVED"]
  webhook_secret     = var.customer_webhook_secret
}
