import {
  to = sequence_notification_policy_recipient.payments_mailbox
  id = "3f0a1b2c-4d5e-4f60-8a7b-9c0d1e2f3a4b/payments@example.com"
}
