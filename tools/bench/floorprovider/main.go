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

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sequencehq/terraform-provider-sequence/internal/pluginlog"
	"github.com/sequencehq/terraform-provider-sequence/internal/pluginprofile"
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

// Schema accepts the Sequence provider's configuration so the same HCL drives both; the values
// are ignored.
func (p *floorProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerschema.Schema{
		Attributes: map[string]providerschema.Attribute{
			"endpoint":            providerschema.StringAttribute{Optional: true},
			"client_id":           providerschema.StringAttribute{Optional: true},
			"client_secret":       providerschema.StringAttribute{Optional: true, Sensitive: true},
			"max_retries":         providerschema.Int64Attribute{Optional: true},
			"requests_per_minute": providerschema.Int64Attribute{Optional: true},
		},
	}
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

// Schema mirrors sequence_notification_policy: the same attributes, kinds, validators of the same
// cost class and the same plan modifiers, so Terraform does the same work per instance.
func (r *floorPolicy) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: keep},
			"name": schema.StringAttribute{
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"channel": schema.StringAttribute{
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf("EMAIL", "WEBHOOK")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"recipients": schema.SetAttribute{
				Required:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{setvalidator.SizeAtLeast(1)},
			},
			"notification_types": schema.SetAttribute{
				Optional:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{setvalidator.SizeAtLeast(1)},
			},
			"webhook_secret": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				Sensitive:     true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{secretPlanModifier{}},
			},
			"webhook_secret_wo": schema.StringAttribute{
				Optional:  true,
				WriteOnly: true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("webhook_secret")),
				},
			},
			"webhook_secret_wo_version": schema.Int64Attribute{
				Optional:      true,
				Validators:    []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("webhook_secret_wo"))},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"created_at":          schema.StringAttribute{Computed: true, PlanModifiers: keep},
			"sequence_account_id": schema.StringAttribute{Computed: true, PlanModifiers: keep},
		},
	}
}

// secretPlanModifier keeps an existing secret and plans none for a new EMAIL policy, as the
// Sequence provider does.
type secretPlanModifier struct{}

func (secretPlanModifier) Description(context.Context) string { return "keeps the secret in state" }

func (m secretPlanModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (secretPlanModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	if !req.State.Raw.IsNull() {
		resp.PlanValue = req.StateValue
		return
	}
	var channel types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("channel"), &channel)...)
	if channel.ValueString() == "EMAIL" {
		resp.PlanValue = types.StringNull()
	}
}

// IdentitySchema is the provider's resource identity: the id. A CLI with identity support
// (OpenTofu 1.12, Terraform 1.12+) stores and checks it for every instance, so the floor declares
// it too, or it would skip CLI work the provider's schema causes.
func (r *floorPolicy) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{"id": identityschema.StringAttribute{RequiredForImport: true}},
	}
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
