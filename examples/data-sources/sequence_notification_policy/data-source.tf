# Look a policy up by id...
data "sequence_notification_policy" "by_id" {
  id = "3f0a1b2c-4d5e-4f60-8a7b-9c0d1e2f3a4b"
}

# ...or by its exact name (an error if no policy or several policies have it).
data "sequence_notification_policy" "by_name" {
  name = "Invoices to finance"
}

output "finance_recipients" {
  value = data.sequence_notification_policy.by_name.recipients
}
