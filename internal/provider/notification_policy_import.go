package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// importByNamePrefix marks an import id that names the policy instead of giving its id:
// `name=Invoices to finance`.
const importByNamePrefix = "name="

// importedNotificationPolicyID resolves the id given to terraform import or an import block: a
// policy id as it is, or `name=<exact name>` through a listing, which must find exactly one policy.
func (r *notificationPolicyResource) importedNotificationPolicyID(ctx context.Context, importID string) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	name, byName := strings.CutPrefix(importID, importByNamePrefix)
	if !byName {
		return importID, diags
	}
	if name == "" {
		diags.AddError("Invalid import id", "`name=` must be followed by the exact name of the notification policy, "+
			"such as `name=Invoices to finance`; or import by the policy's id.")
		return "", diags
	}
	client, clientDiags := r.data.apiClient()
	diags.Append(clientDiags...)
	if diags.HasError() {
		return "", diags
	}
	policy, lookupDiags := notificationPolicyByName(ctx, client, name,
		"import one of them by its id instead (terraform import ADDRESS ID, or id = \"...\" in the import block).")
	diags.Append(lookupDiags...)
	if diags.HasError() {
		return "", diags
	}
	return policy.ID, diags
}
