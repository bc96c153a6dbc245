# In the payments team's own configuration: add the team's webhook to the "Invoices issued"
# policy, which the finance platform team owns and manages in another configuration.
data "sequence_notification_policy" "invoices_issued" {
  name = "Invoices issued"
}

resource "sequence_notification_policy_recipient" "payments_webhook" {
  policy_id = data.sequence_notification_policy.invoices_issued.id
  recipient = "https://payments.example.com/hooks/sequence"
}

# A mailbox goes on an EMAIL policy: a recipient must fit its policy's channel.
data "sequence_notification_policy" "invoices_issued_email" {
  name = "Invoices issued (e-mail)"
}

resource "sequence_notification_policy_recipient" "payments_mailbox" {
  policy_id = data.sequence_notification_policy.invoices_issued_email.id
  recipient = "payments@example.com"
}
