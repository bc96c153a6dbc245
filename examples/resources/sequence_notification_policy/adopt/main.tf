# Adopting existing policies, step 1: list them and render one import block for each.
#   terraform apply && terraform output -raw import_blocks > imports.tf
# Step 2: remove this file (keep the provider configuration), then
#   terraform plan -generate-config-out=generated.tf && terraform apply
# imports every policy with the configuration Terraform wrote for it, changing nothing.
data "sequence_notification_policies" "all" {}

output "import_blocks" {
  value = join("", [for id in data.sequence_notification_policies.all.ids : <<-EOT
    import {
      to = sequence_notification_policy.policy_${id}
      id = "${id}"
    }
  EOT
  ])
}
