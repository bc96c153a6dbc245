package provider

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func policyResourceSchemas(t *testing.T) (fwresource.SchemaResponse, fwresource.IdentitySchemaResponse) {
	t.Helper()
	ctx := context.Background()
	r := &notificationPolicyResource{}
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	var identityResp fwresource.IdentitySchemaResponse
	r.IdentitySchema(ctx, fwresource.IdentitySchemaRequest{}, &identityResp)
	if schemaResp.Diagnostics.HasError() || identityResp.Diagnostics.HasError() {
		t.Fatal(schemaResp.Diagnostics, identityResp.Diagnostics)
	}
	return schemaResp, identityResp
}

// randomString is null, unknown or one of a few values, the empty string included.
func randomString(r *rand.Rand) types.String {
	switch r.IntN(5) {
	case 0:
		return types.StringNull()
	case 1:
		return types.StringUnknown()
	case 2:
		return types.StringValue("")
	default:
		return types.StringValue(fmt.Sprintf("value-%d", r.IntN(1000)))
	}
}

// randomSet is null, unknown, empty, or known with elements of which some may be unknown (a plan
// with values known only at apply).
func randomSet(r *rand.Rand) types.Set {
	switch r.IntN(5) {
	case 0:
		return types.SetNull(types.StringType)
	case 1:
		return types.SetUnknown(types.StringType)
	}
	var elems []attr.Value
	seen := map[string]bool{}
	for range r.IntN(6) {
		if r.IntN(6) == 0 {
			elems = append(elems, types.StringUnknown())
			continue
		}
		s := fmt.Sprintf("x%d@example.com", r.IntN(20))
		if !seen[s] {
			seen[s] = true
			elems = append(elems, types.StringValue(s))
		}
	}
	return types.SetValueMust(types.StringType, elems)
}

func randomInt64(r *rand.Rand) types.Int64 {
	switch r.IntN(4) {
	case 0:
		return types.Int64Null()
	case 1:
		return types.Int64Unknown()
	default:
		return types.Int64Value(r.Int64N(1<<40) - 1<<39)
	}
}

func randomPolicyModel(r *rand.Rand) notificationPolicyResourceModel {
	var m notificationPolicyResourceModel
	m.ID, m.Name, m.Channel = randomString(r), randomString(r), randomString(r)
	m.Recipients, m.NotificationTypes = randomSet(r), randomSet(r)
	m.WebhookSecret, m.WebhookSecretWO = randomString(r), randomString(r)
	m.WebhookSecretWOVersion = randomInt64(r)
	m.CreatedAt, m.SequenceAccountID = randomString(r), randomString(r)
	return m
}

// TestPolicyObjectMatchesFrameworkReflection holds the hand-written conversion to what the
// framework's reflection (state.Set, state.Get, plan.Get, identity.Set) produces, over random
// models with null, unknown and empty values and sets holding unknown elements.
func TestPolicyObjectMatchesFrameworkReflection(t *testing.T) {
	ctx := context.Background()
	schemaResp, identityResp := policyResourceSchemas(t)
	seed := uint64(20261201)
	r := rand.New(rand.NewPCG(seed, seed))
	for i := range 500 {
		m := randomPolicyModel(r)

		viaFramework := tfsdk.State{Schema: schemaResp.Schema}
		if diags := viaFramework.Set(ctx, &m); diags.HasError() {
			t.Fatalf("case %d: framework Set: %v", i, diags)
		}
		byHand := tfsdk.State{Schema: schemaResp.Schema}
		if diags := setPolicyState(ctx, &byHand, m); diags.HasError() {
			t.Fatalf("case %d: setPolicyState: %v", i, diags)
		}
		if !byHand.Raw.Equal(viaFramework.Raw) {
			t.Fatalf("case %d (seed %d): setPolicyState wrote\n%s\nthe framework's Set writes\n%s", i, seed, byHand.Raw, viaFramework.Raw)
		}

		var wantModel notificationPolicyResourceModel
		if diags := viaFramework.Get(ctx, &wantModel); diags.HasError() {
			t.Fatalf("case %d: framework Get: %v", i, diags)
		}
		fromState, diags := getPolicyState(ctx, viaFramework)
		if diags.HasError() {
			t.Fatalf("case %d: getPolicyState: %v", i, diags)
		}
		fromPlan, diags := getPolicyPlan(ctx, tfsdk.Plan{Schema: schemaResp.Schema, Raw: viaFramework.Raw})
		if diags.HasError() {
			t.Fatalf("case %d: getPolicyPlan: %v", i, diags)
		}
		for name, got := range map[string]notificationPolicyResourceModel{"getPolicyState": fromState, "getPolicyPlan": fromPlan} {
			if !policyModelsEqual(got, wantModel) || !policyModelsEqual(got, m) {
				t.Fatalf("case %d (seed %d): %s read\n%+v\nthe framework's Get reads\n%+v", i, seed, name, got, wantModel)
			}
		}

		identityViaFramework := tfsdk.ResourceIdentity{Schema: identityResp.IdentitySchema}
		if diags := identityViaFramework.Set(ctx, notificationPolicyIdentityModel{ID: m.ID}); diags.HasError() {
			t.Fatalf("case %d: framework identity Set: %v", i, diags)
		}
		identityByHand := tfsdk.ResourceIdentity{Schema: identityResp.IdentitySchema}
		if diags := setNotificationPolicyIdentity(ctx, &identityByHand, m.ID); diags.HasError() {
			t.Fatalf("case %d: setNotificationPolicyIdentity: %v", i, diags)
		}
		if !identityByHand.Raw.Equal(identityViaFramework.Raw) {
			t.Fatalf("case %d: identity\n got %s\nwant %s", i, identityByHand.Raw, identityViaFramework.Raw)
		}
	}
}

func policyModelsEqual(a, b notificationPolicyResourceModel) bool {
	return a.ID.Equal(b.ID) && a.Name.Equal(b.Name) && a.Channel.Equal(b.Channel) &&
		a.Recipients.Equal(b.Recipients) && a.NotificationTypes.Equal(b.NotificationTypes) &&
		a.WebhookSecret.Equal(b.WebhookSecret) && a.WebhookSecretWO.Equal(b.WebhookSecretWO) &&
		a.WebhookSecretWOVersion.Equal(b.WebhookSecretWOVersion) &&
		a.CreatedAt.Equal(b.CreatedAt) && a.SequenceAccountID.Equal(b.SequenceAccountID)
}

// TestPolicyObjectRefusesWhatIsNotThePolicy: data that does not match the schema is an error
// diagnostic naming the bug, never a panic, and nothing is written.
func TestPolicyObjectRefusesWhatIsNotThePolicy(t *testing.T) {
	ctx := context.Background()
	schemaResp, _ := policyResourceSchemas(t)
	objectType := notificationPolicyResourceObjectType().TerraformType(ctx)
	for name, raw := range map[string]tftypes.Value{
		"null object":    tftypes.NewValue(objectType, nil),
		"unknown object": tftypes.NewValue(objectType, tftypes.UnknownValue),
		"another type":   tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, "x")}),
		"not an object":  tftypes.NewValue(tftypes.String, "x"),
	} {
		t.Run(name, func(t *testing.T) {
			if _, diags := getPolicyState(ctx, tfsdk.State{Schema: schemaResp.Schema, Raw: raw}); !diags.HasError() {
				t.Error("no error diagnostic")
			}
		})
	}

	// A set of the wrong element type cannot become the policy object.
	m := randomPolicyModel(rand.New(rand.NewPCG(1, 1)))
	m.Recipients = types.SetValueMust(types.Int64Type, []attr.Value{types.Int64Value(1)})
	state := tfsdk.State{Schema: schemaResp.Schema}
	diags := setPolicyState(ctx, &state, m)
	if !diags.HasError() {
		t.Fatal("no error diagnostic for recipients of the wrong type")
	}
	if !state.Raw.IsNull() {
		t.Errorf("state written despite the error: %s", state.Raw)
	}
}
