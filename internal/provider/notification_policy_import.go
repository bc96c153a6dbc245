package provider

import (
	"context"
	"fmt"
	"regexp"
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

// uuidPattern is the form of the ids Sequence assigns to policies.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// missingImportIDDetail explains an import of an id Sequence does not have (cause is its answer):
// how to import by name instead, naming the exact form when the id looks like a name rather than
// a UUID, and how to list the ids.
func missingImportIDDetail(id string, cause error) string {
	byName := "To import by name, use `" + importByNamePrefix + "<exact name>` as the import id."
	if !uuidPattern.MatchString(id) {
		byName = fmt.Sprintf("%q does not look like a policy id; if it is the policy's name, import it by name with "+
			"the import id `%s%s`.", id, importByNamePrefix, id)
	}
	return fmt.Sprintf("Sequence has no notification policy with id %q (%s). Import takes the policy's id (a UUID), "+
		"or `%s<exact name>` for the policy of that name. %s To list the ids of existing policies, use the "+
		"sequence_notification_policies data source (its ids and policies attributes), or the "+
		"sequence_notification_policy data source to look one up by name.", id, cause, importByNamePrefix, byName)
}
