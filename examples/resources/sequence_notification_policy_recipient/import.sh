# A recipient is imported by the policy id, a slash, then the recipient exactly as written
# (the id is split at the first slash, so the slashes of a URL are fine).
terraform import sequence_notification_policy_recipient.payments_webhook \
  '3f0a1b2c-4d5e-4f60-8a7b-9c0d1e2f3a4b/https://payments.example.com/hooks/sequence'
