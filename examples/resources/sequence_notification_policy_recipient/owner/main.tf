# In the finance platform team's configuration: the policy itself. Its recipients are managed by
# sequence_notification_policy_recipient resources in other teams' configurations, so this one
# sets the first recipient at creation and then ignores changes to the list.
resource "sequence_notification_policy" "invoices_issued" {
  name               = "Invoices issued"
  channel            = "WEBHOOK"
  recipients         = ["https://finance.example.com/hooks/sequence"]
  notification_types = ["INVOICE_ISSUED"]

  lifecycle {
    ignore_changes = [recipients]
  }
}
