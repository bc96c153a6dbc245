# Send every notification type (notification_types left unset) to a webhook. Sequence generates
# the signing secret; it is stored in state as a sensitive value.
resource "sequence_notification_policy" "all_events_webhook" {
  name       = "All events to the billing service"
  channel    = "WEBHOOK"
  recipients = ["https://billing.example.com/hooks/sequence"]
}

# Hand the generated secret to the service that verifies the signatures.
output "all_events_webhook_secret" {
  value     = sequence_notification_policy.all_events_webhook.webhook_secret
  sensitive = true
}
