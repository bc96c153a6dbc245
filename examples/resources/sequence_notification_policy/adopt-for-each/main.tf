# Adopting every existing policy under one resource with for_each (Terraform 1.7+, OpenTofu 1.7+):
# the import blocks iterate over the policies the data source lists, and the resource takes each
# policy's configuration from the same list. `terraform apply` imports them all, changing nothing.
terraform {
  required_version = ">= 1.7"
}

data "sequence_notification_policies" "all" {}

locals {
  existing = { for p in data.sequence_notification_policies.all.policies : p.id => p }
}

import {
  for_each = local.existing
  to       = sequence_notification_policy.adopted[each.key]
  id       = each.key
}

resource "sequence_notification_policy" "adopted" {
  for_each           = local.existing
  name               = each.value.name
  channel            = each.value.channel
  recipients         = each.value.recipients
  notification_types = each.value.notification_types
}
