package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// keepPriorEmailSpelling keeps the prior spelling only for the same e-mail address on the same
// policy; anything else is planned as configured (and replaces the resource).
func TestKeepPriorEmailSpelling(t *testing.T) {
	ctx := context.Background()
	var schemaResp fwresource.SchemaResponse
	NewNotificationPolicyRecipientResource().Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	objectType := schemaResp.Schema.Type().TerraformType(ctx)
	object := func(policyID, recipient any) tftypes.Value {
		return tftypes.NewValue(objectType, map[string]tftypes.Value{
			"id":        tftypes.NewValue(tftypes.String, nil),
			"policy_id": tftypes.NewValue(tftypes.String, policyID),
			"recipient": tftypes.NewValue(tftypes.String, recipient),
		})
	}
	for _, tc := range []struct {
		name               string
		priorPolicy, prior string
		plannedPolicy      any // string, or tftypes.UnknownValue
		configured         string
		wantPrior          bool
	}{
		{"case-only e-mail change", "p1", "Team-A@Example.com", "p1", "team-a@example.com", true},
		{"Unicode case folding", "p1", "straße@example.com", "p1", "STRASSE@example.com", false},
		{"another address", "p1", "a@example.com", "p1", "b@example.com", false},
		{"webhook URL case change", "p1", "https://hooks.example.com/A", "p1", "https://hooks.example.com/a", false},
		{"webhook URL host case change", "p1", "https://Hooks.example.com/a", "p1", "https://hooks.example.com/a", false},
		{"another policy", "p1", "Ops@example.com", "p2", "ops@example.com", false},
		{"policy not known yet", "p1", "Ops@example.com", tftypes.UnknownValue, "ops@example.com", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state := tfsdk.State{Schema: schemaResp.Schema, Raw: object(tc.priorPolicy, tc.prior)}
			plan := tfsdk.Plan{Schema: schemaResp.Schema, Raw: object(tc.plannedPolicy, tc.configured)}
			req := planmodifier.StringRequest{
				Path:        path.Root("recipient"),
				State:       state,
				Plan:        plan,
				Config:      tfsdk.Config{Schema: schemaResp.Schema, Raw: plan.Raw},
				StateValue:  types.StringValue(tc.prior),
				PlanValue:   types.StringValue(tc.configured),
				ConfigValue: types.StringValue(tc.configured),
			}
			resp := planmodifier.StringResponse{PlanValue: req.PlanValue}
			keepPriorEmailSpelling{}.PlanModifyString(ctx, req, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatalf("diagnostics: %v", resp.Diagnostics)
			}
			want := tc.configured
			if tc.wantPrior {
				want = tc.prior
			}
			if got := resp.PlanValue.ValueString(); got != want {
				t.Errorf("planned %q, want %q", got, want)
			}
		})
	}
}
