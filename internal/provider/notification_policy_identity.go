package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Resource identity (Terraform 1.12+, OpenTofu 1.12+): sequence_notification_policy is identified by its id, so
// `import { to = ...; identity = { id = "..." } }` works, and list results carry it. CLIs without
// identity support never ask for it and see no difference.

// identityMinimumVersions names the CLIs that use resource identity and list resources.
const (
	identityMinimumVersions     = "Terraform 1.12 and OpenTofu 1.12"
	listResourceMinimumVersions = "Terraform 1.14"
)

var _ resource.ResourceWithIdentity = &notificationPolicyResource{}

func (r *notificationPolicyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Identifier (UUID) of the notification policy, assigned by Sequence.",
			},
		},
	}
}

// notificationPolicyIdentityModel is the identity's data.
type notificationPolicyIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

// setNotificationPolicyIdentity records the policy id as the resource's identity. identity is nil
// when the framework has no identity to fill.
func setNotificationPolicyIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id types.String) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	// As identity.Set(ctx, notificationPolicyIdentityModel{ID: id}) would, without its reflection
	// (see notification_policy_object.go): every Read and Update sets the identity.
	raw, err := id.ToTerraformValue(ctx)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record the notification policy's identity", "This is a bug in the provider: "+err.Error())
		return diags
	}
	identity.Raw = tftypes.NewValue(notificationPolicyIdentityType(), map[string]tftypes.Value{"id": raw})
	return nil
}

// notificationPolicyIdentityType is the identity schema's type, derived from IdentitySchema once.
var notificationPolicyIdentityType = sync.OnceValue(func() tftypes.Type {
	ctx := context.Background()
	var resp resource.IdentitySchemaResponse
	(&notificationPolicyResource{}).IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &resp)
	return resp.IdentitySchema.Type().TerraformType(ctx)
})

// notificationPolicyIDFromIdentity reads the id from an import by identity. An empty one is refused
// before any request: it would name no policy (GET /notifications/policies/ is no route of the API).
func notificationPolicyIDFromIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity) (string, diag.Diagnostics) {
	var id types.String
	diags := identity.GetAttribute(ctx, path.Root("id"), &id)
	if !diags.HasError() && id.ValueString() == "" {
		diags.AddError("Invalid import identity",
			"The identity's id is empty. It must be the id (a UUID) Sequence assigned to the policy, as in "+
				"`identity = { id = \"3f0a1b2c-4d5e-4f60-8a7b-9c0d1e2f3a4b\" }`. "+listPolicyIDsHint)
	}
	return id.ValueString(), diags
}
