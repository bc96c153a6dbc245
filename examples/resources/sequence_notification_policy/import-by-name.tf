# The name form works in import blocks too; the state holds the policy's id.
import {
  to = sequence_notification_policy.customer_webhook
  id = "name=Customer changes to the CRM"
}
