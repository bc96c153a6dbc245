// Command floorprovider is the benchmark's plugin floor: a terraform-plugin-framework provider
// with the same type names and schema as the Sequence provider's sequence_notification_policy,
// which answers every call from memory and never makes a network request. The time Terraform
// spends with it is what a perfect provider could reach; the gap between it and the real
// provider is the provider's own cost.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sequencehq/terraform-provider-sequence/internal/pluginlog"
	"github.com/sequencehq/terraform-provider-sequence/internal/pluginprofile"
	sequenceprovider "github.com/sequencehq/terraform-provider-sequence/internal/provider"
)

func main() {
	// The provider's logging defaults (plugin logs off unless a TF_LOG* variable is set), so the
	// floor does not lose or gain time the provider does not.
	if err := pluginlog.ApplyQuietDefaults(); err != nil {
		log.Fatal(err)
	}
	// The address only matters in debug mode; the benchmark reaches this binary through a
	// dev_overrides entry for the Sequence provider's own address.
	stopProfile := pluginprofile.Start() // as the provider does (-cpuprofile)
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &floorProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/sequencehq/sequence"})
	stopProfile()
	if err != nil {
		log.Fatal(err)
	}
}

type floorProvider struct{}

var _ provider.Provider = &floorProvider{}

func (p *floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "sequence"
	resp.Version = "floor"
}

// Schema is the Sequence provider's, so the same HCL drives both; the values are ignored.
func (p *floorProvider) Schema(ctx context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = sequenceprovider.ProviderSchema(ctx)
}

func (p *floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &floorPolicy{} }}
}

func (p *floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type floorPolicy struct{}

var _ resource.ResourceWithIdentity = &floorPolicy{}

type floorPolicyModel struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	Channel           types.String `tfsdk:"channel"`
	Recipients        types.Set    `tfsdk:"recipients"`
	NotificationTypes types.Set    `tfsdk:"notification_types"`
	WebhookSecret     types.String `tfsdk:"webhook_secret"`
	WebhookSecretWO   types.String `tfsdk:"webhook_secret_wo"`
	WebhookSecretWOV  types.Int64  `tfsdk:"webhook_secret_wo_version"`
	CreatedAt         types.String `tfsdk:"created_at"`
	SequenceAccountID types.String `tfsdk:"sequence_account_id"`
}

func (r *floorPolicy) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_notification_policy"
}

// Schema is sequence_notification_policy's own: the same attributes, validators and plan
// modifiers, so Terraform and the framework do the same work per instance. The floor leaves out
// only what the provider's resource adds beyond its schema (ValidateConfig, ModifyPlan) and the API.
func (r *floorPolicy) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = sequenceprovider.NotificationPolicyResourceSchema(ctx)
}

// IdentitySchema is the provider's resource identity: the id. A CLI with identity support
// (OpenTofu 1.12, Terraform 1.12+) stores and checks it for every instance, so the floor declares
// it too, or it would skip CLI work the provider's schema causes.
func (r *floorPolicy) IdentitySchema(ctx context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = sequenceprovider.NotificationPolicyIdentitySchema(ctx)
}

var identityType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}

// setIdentity records id as the identity unless the CLI already sent it (the framework copies it
// into the response); a CLI without identity support sends none.
func setIdentity(identity *tfsdk.ResourceIdentity, id tftypes.Value) {
	if identity != nil && identity.Raw.IsNull() {
		identity.Raw = tftypes.NewValue(identityType, map[string]tftypes.Value{"id": id})
	}
}

func (r *floorPolicy) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m floorPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = types.StringValue(randomID())
	m.CreatedAt = types.StringValue(time.Now().UTC().Format("2006-01-02T15:04:05.000Z"))
	m.SequenceAccountID = types.StringValue("floor-account")
	if m.WebhookSecret.IsUnknown() {
		m.WebhookSecret = types.StringValue("whsec_" + randomHex(16))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(resp.Identity, tftypes.NewValue(tftypes.String, m.ID.ValueString()))
}

// Read returns the prior state unchanged: the framework pre-fills resp.State with it (and
// resp.Identity with the identity the CLI sent, if any).
func (r *floorPolicy) Read(_ context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if resp.Identity != nil && resp.Identity.Raw.IsNull() {
		var attrs map[string]tftypes.Value
		if err := req.State.Raw.As(&attrs); err != nil {
			resp.Diagnostics.AddError("floor: cannot read state", err.Error())
			return
		}
		setIdentity(resp.Identity, attrs["id"])
	}
}

func (r *floorPolicy) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m floorPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(resp.Identity, tftypes.NewValue(tftypes.String, m.ID.ValueString()))
}

func (r *floorPolicy) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randomID() string {
	h := randomHex(16)
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}
