# A notification policy is imported by its id,
terraform import sequence_notification_policy.finance_email 3f0a1b2c-4d5e-4f60-8a7b-9c0d1e2f3a4b

# or by its exact name (letter case and spaces included), if no other policy has that name.
terraform import sequence_notification_policy.finance_email 'name=Invoices to finance'
