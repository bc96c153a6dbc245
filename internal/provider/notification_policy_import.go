package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// importByNamePrefix marks an import id that names the policy instead of giving its id:
// `name=Invoices to finance`.
const importByNamePrefix = "name="

// importingKey marks, in private state, an object that ImportState has only named: the Read that
// follows is the import's, where a 404 means a wrong id rather than an object deleted outside
// Terraform. Read removes the mark. Its value says how the import named the object, so that the
// error speaks of the form the user wrote.
const importingKey = "importing"

var (
	importedByID       = []byte(`"id"`)       // terraform import, or id = "..." in an import block
	importedByIdentity = []byte(`"identity"`) // identity = { id = "..." } in an import block
)

// ImportState takes a policy id, or `name=<exact name>` (see importedNotificationPolicyID), or an
// identity (import blocks with `identity`, Terraform 1.12+ and OpenTofu 1.12+).
func (r *notificationPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var id string
	var diags diag.Diagnostics
	mark := importedByID
	// The framework passes a null identity when the import gave an id (or nothing) instead.
	if req.ID == "" && req.Identity != nil && !req.Identity.Raw.IsNull() {
		id, diags = notificationPolicyIDFromIdentity(ctx, req.Identity)
		mark = importedByIdentity
	} else {
		id, diags = r.importedNotificationPolicyID(ctx, req.ID)
	}
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(setNotificationPolicyIdentity(ctx, resp.Identity, types.StringValue(id))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importingKey, mark)...)
}

// importedNotificationPolicyID resolves the id given to terraform import or an import block: a
// policy id as it is, or `name=<exact name>` through a listing, which must find exactly one policy.
func (r *notificationPolicyResource) importedNotificationPolicyID(ctx context.Context, importID string) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if importID == "" {
		// Terraform refuses an empty id itself; this keeps GET /notifications/policies/ from
		// being sent should a CLI not.
		diags.AddError("Invalid import id", "The import id is empty. Import takes the policy's id (a UUID), or "+
			"`name=<exact name>` for the policy of that name.")
		return "", diags
	}
	name, byName := strings.CutPrefix(importID, importByNamePrefix)
	if !byName {
		return importID, diags
	}
	if name == "" {
		diags.AddError("Invalid import id", "`name=` must be followed by the exact name of the notification policy, "+
			"such as `name=Invoices to finance`; or import by the policy's id.")
		return "", diags
	}
	client := r.data.apiClient(&diags)
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

// listPolicyIDsHint ends every error about an id Sequence does not have.
const listPolicyIDsHint = "To list the ids of existing policies, use the sequence_notification_policies data source " +
	"(its ids and policies attributes), or the sequence_notification_policy data source to look one up by name."

// missingImportIDDetail explains an import of an id Sequence does not have (cause is its answer),
// in the terms of the form the import used. An import id may also be `name=<exact name>`, which
// the detail says once, naming the exact import id when the id given looks like a name. An
// identity has no such form: its id can only be the policy's id.
func missingImportIDDetail(id string, byIdentity bool, cause error) string {
	missing := fmt.Sprintf("Sequence has no notification policy with id %q (%s).", id, cause)
	if byIdentity {
		detail := missing + " The identity's id is the id (a UUID) Sequence assigned to the policy."
		if hasFoldPrefix(strings.TrimSpace(id), importByNamePrefix) {
			detail += " An identity cannot name a policy: `" + importByNamePrefix + "` belongs to an import block's " +
				"`id` argument, not to `identity`."
		}
		return detail + " " + listPolicyIDsHint
	}
	detail := missing + " Import takes the policy's id (a UUID), or `" + importByNamePrefix + "<exact name>` for the " +
		"policy of that name."
	if trimmed := strings.TrimSpace(id); hasFoldPrefix(trimmed, importByNamePrefix) {
		// Only a prefix that is not exactly `name=` gets here (an exact one is looked up by name).
		detail += fmt.Sprintf(" %q is not read as a name: the prefix is exactly `%s`, in lower case and with "+
			"nothing before it, as in `%s%s`.", id, importByNamePrefix, importByNamePrefix, trimmed[len(importByNamePrefix):])
	} else if !uuidPattern.MatchString(id) {
		detail += fmt.Sprintf(" %q does not look like a policy id; if it is the policy's name, import it by name "+
			"with the import id `%s%s`.", id, importByNamePrefix, id)
	}
	return detail + " " + listPolicyIDsHint
}

// hasFoldPrefix reports whether s starts with prefix, ignoring letter case.
func hasFoldPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
