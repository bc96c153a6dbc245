package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The resource's state, plan and identity are converted to and from its model by hand on the
// paths every refresh, plan and apply takes (Read, Update, Delete, ModifyPlan), instead of through
// the framework's Get and Set. Those convert by reflection and, in terraform-plugin-framework
// v1.19, compile a regular expression for every struct field on every call: profiling the plugin
// through a benchmark run (BENCHMARKS.md) put that reflection at about a third of the CPU the
// provider spends beyond a plugin answering from memory. The conversion below goes through the
// framework's own attribute types (ObjectType.ValueFromTerraform, ObjectValue), so it checks types
// as Set does; TestPolicyObjectMatchesFrameworkReflection holds it to Get and Set's results.

// notificationPolicyResourceObjectType is the resource schema's object type, derived from Schema
// once, so the conversion cannot drift from the schema.
var notificationPolicyResourceObjectType = sync.OnceValue(func() types.ObjectType {
	var resp resource.SchemaResponse
	(&notificationPolicyResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	attrTypes := make(map[string]attr.Type, len(resp.Schema.Attributes))
	for name, a := range resp.Schema.Attributes {
		attrTypes[name] = a.GetType() // as Schema.Type() builds it, without a type assertion
	}
	return types.ObjectType{AttrTypes: attrTypes}
})

// policyFromTerraform reads a resource object (the Raw of a state, plan or configuration).
func policyFromTerraform(ctx context.Context, raw tftypes.Value) (notificationPolicyResourceModel, diag.Diagnostics) {
	var m notificationPolicyResourceModel
	var diags diag.Diagnostics
	value, err := notificationPolicyResourceObjectType().ValueFromTerraform(ctx, raw)
	if err != nil {
		diags.AddError("Cannot read notification policy data",
			fmt.Sprintf("Terraform sent data that does not match the resource's schema. This is a bug in the provider: %s", err))
		return m, diags
	}
	object, ok := value.(types.Object)
	if !ok || object.IsNull() || object.IsUnknown() {
		diags.AddError("Cannot read notification policy data",
			"Terraform sent no known object for the resource. This is a bug in the provider, please report it.")
		return m, diags
	}
	a := object.Attributes()
	m.ID = objectString(a, "id", &diags)
	m.Name = objectString(a, "name", &diags)
	m.Channel = objectString(a, "channel", &diags)
	m.Recipients = objectSet(a, "recipients", &diags)
	m.NotificationTypes = objectSet(a, "notification_types", &diags)
	m.WebhookSecret = objectString(a, "webhook_secret", &diags)
	m.WebhookSecretWO = objectString(a, "webhook_secret_wo", &diags)
	m.WebhookSecretWOVersion = objectInt64(a, "webhook_secret_wo_version", &diags)
	m.CreatedAt = objectString(a, "created_at", &diags)
	m.SequenceAccountID = objectString(a, "sequence_account_id", &diags)
	return m, diags
}

// terraformValue is m as the resource object, for a state's or plan's Raw.
func (m notificationPolicyResourceModel) terraformValue(ctx context.Context) (tftypes.Value, diag.Diagnostics) {
	object, diags := types.ObjectValue(notificationPolicyResourceObjectType().AttrTypes, map[string]attr.Value{
		"id":                        m.ID,
		"name":                      m.Name,
		"channel":                   m.Channel,
		"recipients":                m.Recipients,
		"notification_types":        m.NotificationTypes,
		"webhook_secret":            m.WebhookSecret,
		"webhook_secret_wo":         m.WebhookSecretWO,
		"webhook_secret_wo_version": m.WebhookSecretWOVersion,
		"created_at":                m.CreatedAt,
		"sequence_account_id":       m.SequenceAccountID,
	})
	if diags.HasError() {
		return tftypes.Value{}, diags
	}
	raw, err := object.ToTerraformValue(ctx)
	if err != nil {
		diags.AddError("Cannot record notification policy data", "This is a bug in the provider: "+err.Error())
	}
	return raw, diags
}

// getPolicyState reads the model from a state (the framework's state.Get, without reflection).
func getPolicyState(ctx context.Context, state tfsdk.State) (notificationPolicyResourceModel, diag.Diagnostics) {
	return policyFromTerraform(ctx, state.Raw)
}

// getPolicyPlan reads the model from a plan (plan.Get, without reflection).
func getPolicyPlan(ctx context.Context, plan tfsdk.Plan) (notificationPolicyResourceModel, diag.Diagnostics) {
	return policyFromTerraform(ctx, plan.Raw)
}

// setPolicyState writes m as state (state.Set, without reflection).
func setPolicyState(ctx context.Context, state *tfsdk.State, m notificationPolicyResourceModel) diag.Diagnostics {
	raw, diags := m.terraformValue(ctx)
	if !diags.HasError() {
		state.Raw = raw
	}
	return diags
}

// objectAttr is attribute name of a, as the value type T the schema gives it; a mismatch (a bug)
// is an error diagnostic and the null value of the attribute.
func objectAttr[T attr.Value](a map[string]attr.Value, name string, null T, diags *diag.Diagnostics) T {
	v, ok := a[name].(T)
	if !ok {
		diags.AddError("Cannot read notification policy data",
			fmt.Sprintf("Attribute %s is a %T, not a %T. This is a bug in the provider.", name, a[name], null))
		return null
	}
	return v
}

func objectString(a map[string]attr.Value, name string, diags *diag.Diagnostics) types.String {
	return objectAttr(a, name, types.StringNull(), diags)
}

func objectSet(a map[string]attr.Value, name string, diags *diag.Diagnostics) types.Set {
	return objectAttr(a, name, types.SetNull(types.StringType), diags)
}

func objectInt64(a map[string]attr.Value, name string, diags *diag.Diagnostics) types.Int64 {
	return objectAttr(a, name, types.Int64Null(), diags)
}
