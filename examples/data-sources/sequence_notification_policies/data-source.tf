# Every webhook policy that receives INVOICE_ISSUED (policies for all types included), whose name
# starts with "billing-".
data "sequence_notification_policies" "billing_webhooks" {
  channel           = "WEBHOOK"
  notification_type = "INVOICE_ISSUED"
  name_regex        = "^billing-"
}

output "billing_webhook_ids" {
  value = data.sequence_notification_policies.billing_webhooks.ids
}

output "billing_webhook_urls" {
  value = flatten([for p in data.sequence_notification_policies.billing_webhooks.policies : p.recipients])
}
