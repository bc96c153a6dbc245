# E-mail the finance team when invoices are created or issued.
resource "sequence_notification_policy" "finance_email" {
  name    = "Invoices to finance"
  channel = "EMAIL"
  recipients = [
    "finance@example.com",
    "billing-alerts@example.com",
  ]
  notification_types = ["INVOICE_CREATED", "INVOICE_ISSUED"]
}
