# An example module of the kind teams write around this provider: one notification policy whose
# channel follows from its recipients, and whose webhook secret never reaches plan or state
# (write-only), supplied by the caller or shared with another policy so that one receiver
# verifies every policy with one secret. Its tests (tests/*.tftest.hcl) need no Sequence
# account: see the "Testing locally" guide.
terraform {
  required_version = ">= 1.11" # write-only arguments
  required_providers {
    sequence = {
      source = "sequencehq/sequence"
    }
  }
}

variable "name" {
  description = "Name of the policy, as the dashboard shows it."
  type        = string
}

variable "recipients" {
  description = "E-mail addresses, or https:// webhook URLs (not both)."
  type        = set(string)

  validation {
    condition     = length(var.recipients) > 0
    error_message = "A policy needs at least one recipient."
  }
  validation {
    condition = (alltrue([for r in var.recipients : startswith(r, "https://")]) ||
    alltrue([for r in var.recipients : !startswith(r, "https://")]))
    error_message = "Recipients are either all e-mail addresses or all https:// webhook URLs."
  }
}

variable "notification_types" {
  description = "Events to send; null sends every type, including types Sequence adds later."
  type        = set(string)
  default     = null
}

variable "webhook_secret" {
  description = "Signing secret of a webhook policy; null lets Sequence generate one (or share_secret_with)."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "webhook_secret_version" {
  description = "Bump together with webhook_secret to rotate it (which replaces the policy)."
  type        = number
  default     = null
}

locals {
  channel = alltrue([for r in var.recipients : startswith(r, "https://")]) ? "WEBHOOK" : "EMAIL"
}

resource "sequence_notification_policy" "this" {
  name               = var.name
  channel            = local.channel
  recipients         = var.recipients
  notification_types = var.notification_types

  webhook_secret_wo         = var.webhook_secret
  webhook_secret_wo_version = var.webhook_secret_version
}

output "id" {
  description = "ID of the policy."
  value       = sequence_notification_policy.this.id
}

output "channel" {
  description = "EMAIL or WEBHOOK, from the recipients."
  value       = sequence_notification_policy.this.channel
}
