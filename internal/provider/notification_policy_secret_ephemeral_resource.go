package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

var (
	_ ephemeral.EphemeralResource              = &notificationPolicySecretEphemeralResource{}
	_ ephemeral.EphemeralResourceWithConfigure = &notificationPolicySecretEphemeralResource{}
)

// NewNotificationPolicySecretEphemeralResource returns the sequence_notification_policy_secret
// ephemeral resource, which reads a policy's webhook secret without it ever reaching plan or state.
func NewNotificationPolicySecretEphemeralResource() ephemeral.EphemeralResource {
	return &notificationPolicySecretEphemeralResource{}
}

type notificationPolicySecretEphemeralResource struct {
	data *providerData
}

type notificationPolicySecretModel struct {
	ID            types.String `tfsdk:"id"`
	WebhookSecret types.String `tfsdk:"webhook_secret"`
}

func (e *notificationPolicySecretEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_notification_policy_secret"
}

func (e *notificationPolicySecretEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the webhook signing secret of a `WEBHOOK` notification policy as an ephemeral value: " +
			"it is never written to plan or state, so it can be handed to a write-only argument of another provider " +
			"(a secret store, for example). Needs a CLI with ephemeral resources; tested on " + writeOnlyTestedVersions + ".\n\n" +
			"Sequence must return the secret when a policy is read. If it does not, the read fails: the secret is then " +
			"only available at creation, in the response to the create request, which the " +
			"`sequence_notification_policy` resource keeps in `webhook_secret`; or supply your own secret with " +
			"`webhook_secret_wo` and keep it in your secret store.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "ID of the `WEBHOOK` notification policy whose secret to read.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"webhook_secret": schema.StringAttribute{
				MarkdownDescription: "The secret Sequence signs the policy's webhook deliveries with (`Sequence-Signature` " +
					"header). **Sensitive** and ephemeral.",
				Computed:  true,
				Sensitive: true,
			},
		},
	}
}

func (e *notificationPolicySecretEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	e.data = data
}

func (e *notificationPolicySecretEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var config notificationPolicySecretModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := e.data.apiClient(&resp.Diagnostics)
	if client == nil {
		return
	}

	id := config.ID.ValueString()
	policy, err := client.ReadNotificationPolicy(ctx, id, sequence.ReadNotificationPolicyOptions{WantSecret: true})
	switch {
	case sequence.NotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Notification policy not found",
			fmt.Sprintf("Sequence has no notification policy with id %q.", id))
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot read notification policy", err.Error())
		return
	case policy.Channel != sequence.ChannelWebhook:
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Not a webhook policy",
			fmt.Sprintf("Notification policy %q uses channel %s; only %s policies have a webhook secret.",
				id, policy.Channel, sequence.ChannelWebhook))
		return
	case policy.WebhookSecret == "": // omitted or masked
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Sequence did not return the webhook secret",
			fmt.Sprintf("Sequence did not return the webhook secret of notification policy %q when it was read. "+
				"The secret is only available at creation, in the response to the create request: the "+
				"sequence_notification_policy resource keeps it in webhook_secret, or supply your own secret with "+
				"webhook_secret_wo and keep it in your secret store.", id))
		return
	}

	config.WebhookSecret = types.StringValue(policy.WebhookSecret)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &config)...)
}
