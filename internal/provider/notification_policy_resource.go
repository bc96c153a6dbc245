package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

var (
	_ resource.Resource                   = &notificationPolicyResource{}
	_ resource.ResourceWithConfigure      = &notificationPolicyResource{}
	_ resource.ResourceWithImportState    = &notificationPolicyResource{}
	_ resource.ResourceWithValidateConfig = &notificationPolicyResource{}
)

// NewNotificationPolicyResource returns the sequence_notification_policy resource.
func NewNotificationPolicyResource() resource.Resource {
	return &notificationPolicyResource{}
}

type notificationPolicyResource struct {
	data *providerData
}

func (r *notificationPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_notification_policy"
}

func (r *notificationPolicyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Sequence notification policy: sends Sequence events (invoice issued, customer created, ...) " +
			"to a set of recipients over one channel, either e-mail or signed webhooks.\n\n" +
			"Recipients and notification types change in place, one API call per addition batch and per removal. " +
			"The API cannot change `name`, `channel` or `webhook_secret`, so changing any of them replaces the policy " +
			"(a new `id`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier (UUID) of the policy, assigned by Sequence. Stable across in-place updates; " +
					"a replacement gets a new one. Use it to import an existing policy.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Human-readable name of the policy. Must not be empty; Sequence does not require it to be " +
					"unique. Changing it **replaces** the policy (the API has no update).",
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"channel": schema.StringAttribute{
				MarkdownDescription: "How notifications are delivered: `" + sequence.ChannelEmail + "` or `" +
					sequence.ChannelWebhook + "`. Changing it **replaces** the policy.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf(sequence.ChannelEmail, sequence.ChannelWebhook)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"recipients": schema.SetAttribute{
				MarkdownDescription: "Where notifications go: bare e-mail addresses (such as `ops@example.com`) for `EMAIL`, " +
					"absolute `https` URLs for `WEBHOOK`. At least one; no empty strings; e-mail addresses that differ " +
					"only in letter case count as the same recipient (and a case-only change is not sent to Sequence). " +
					"Changes are made **in place**: one request adds all new recipients, then one request removes each " +
					"old one.",
				Required:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{setvalidator.SizeAtLeast(1)},
			},
			"notification_types": schema.SetAttribute{
				MarkdownDescription: "Which events the policy sends, e.g. `INVOICE_ISSUED`, `CUSTOMER_CREATED`. Leave unset " +
					"(null) to receive **all** types, including ones Sequence adds later; an empty set is an error. " +
					"Known types: " + "`" + strings.Join(sequence.KnownNotificationTypes, "`, `") + "`. A name not in " +
					"this list is a warning, not an error, and is sent as written, because Sequence adds types within " +
					"an API version. Changes are made **in place**.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{notificationTypesValidator{}},
			},
			"webhook_secret": schema.StringAttribute{
				MarkdownDescription: "Secret Sequence uses to sign webhook deliveries (the `Sequence-Signature` header). " +
					"**Sensitive.** `WEBHOOK` policies only (an error on `EMAIL`). Set it to choose the secret, or leave " +
					"it unset and Sequence generates one (`whsec_...`), which is stored here. Changing a value you " +
					"set **replaces** the policy, since the API cannot rotate a secret; so does setting one on an imported " +
					"policy whose secret Terraform could not read. Removing the attribute keeps the current secret. The " +
					"value learned at creation is kept even if Sequence omits the secret on later reads; an imported " +
					"policy has it only if Sequence returns it on reads, otherwise it stays null.",
				Optional:   true,
				Computed:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{
					webhookSecretPlanModifier{},
					stringplanmodifier.RequiresReplaceIf(suppliedSecretChanged,
						"Changing a supplied webhook secret replaces the policy.",
						"Changing a supplied webhook secret replaces the policy."),
				},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the policy was created, as Sequence reports it (ISO-8601, UTC).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"sequence_account_id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the Sequence account that owns the policy.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// webhookSecretPlanModifier plans webhook_secret when the configuration leaves it unset. An
// existing policy keeps the secret it has (even none, e.g. after an import that could not read
// it), because the API cannot change a secret in place; a replacement is planned by Terraform as a
// new policy, with no prior state. A new EMAIL policy never has a secret; a new WEBHOOK policy
// gets one from Sequence, known after apply.
type webhookSecretPlanModifier struct{}

var _ planmodifier.String = webhookSecretPlanModifier{}

func (webhookSecretPlanModifier) Description(context.Context) string {
	return "keeps the secret of an existing policy when the configuration does not set one"
}

func (m webhookSecretPlanModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (webhookSecretPlanModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	if !req.State.Raw.IsNull() {
		resp.PlanValue = req.StateValue
		return
	}
	var channel types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("channel"), &channel)...)
	if channel.ValueString() == sequence.ChannelEmail {
		resp.PlanValue = types.StringNull()
	}
}

// suppliedSecretChanged asks for replacement when the configuration sets a secret other than the
// one in state (it only runs when the planned value differs from state).
func suppliedSecretChanged(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.ConfigValue.IsNull()
}

func (r *notificationPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

// ValidateConfig holds the rules that span attributes: recipient format depends on channel, and
// webhook_secret only exists for webhooks.
func (r *notificationPolicyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var channel, secret types.String
	var recipients types.Set
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("channel"), &channel)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("recipients"), &recipients)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("webhook_secret"), &secret)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// An unknown channel still lets the non-empty check run; the format checks wait for it.
	channelName := ""
	if !channel.IsUnknown() {
		channelName = channel.ValueString()
	}

	if channelName == sequence.ChannelEmail && !secret.IsNull() && !secret.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("webhook_secret"), "webhook_secret on an EMAIL policy",
			"webhook_secret signs webhook deliveries and only applies to channel = \"WEBHOOK\"; remove it from this EMAIL policy.")
	}

	if recipients.IsNull() || recipients.IsUnknown() {
		return
	}
	var emails []string
	for _, e := range recipients.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		if problem := recipientProblem(channelName, s.ValueString()); problem != "" {
			resp.Diagnostics.AddAttributeError(path.Root("recipients").AtSetValue(s), "Invalid recipient", problem+".")
			continue
		}
		emails = append(emails, s.ValueString())
	}
	if channelName == sequence.ChannelEmail {
		for _, group := range caseInsensitiveDuplicates(emails) {
			resp.Diagnostics.AddAttributeError(path.Root("recipients"), "Duplicate recipient",
				fmt.Sprintf("The addresses %s differ only in letter case; Sequence treats them as one recipient. Keep one of them.",
					quoteAll(group)))
		}
	}
}

func (r *notificationPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan notificationPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.apiClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	created, err := client.CreateNotificationPolicy(ctx, createRequestFromModel(plan))
	if err != nil {
		resp.Diagnostics.AddError("Cannot create notification policy", err.Error())
		return
	}
	tflog.Debug(ctx, "created notification policy", map[string]any{"id": created.ID})

	state := notificationPolicyModelFromAPI(created, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *notificationPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var prior notificationPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.apiClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	policy, err := client.GetNotificationPolicy(ctx, prior.ID.ValueString())
	if sequence.NotFound(err) {
		tflog.Info(ctx, "notification policy no longer exists; removing it from state", map[string]any{"id": prior.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read notification policy", err.Error())
		return
	}

	state := notificationPolicyModelFromAPI(policy, &prior)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes recipients and notification types in place. Additions go first, in one request
// per collection, so the policy never passes through zero recipients or silently widens to all
// types; then each removal is its own request, as the API requires.
func (r *notificationPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior notificationPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.apiClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	// Without any request (e.g. only the letter case of an address changed) the plan is the truth.
	state := plan
	known := prior
	for _, step := range updateSteps(client, prior.ID.ValueString(), changesBetween(prior, plan)) {
		policy, err := step.call(ctx)
		if err != nil {
			recordFailedUpdate(ctx, client, known, plan, step.what, err, resp)
			return
		}
		state = notificationPolicyModelFromAPI(policy, &plan)
		known = state
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// updateStep is one API request of an in-place update.
type updateStep struct {
	what string
	call func(context.Context) (*sequence.NotificationPolicy, error)
}

// updateSteps orders the requests of an update: additions (one per collection), then removals
// (one per member).
func updateSteps(client *sequence.Client, id string, c policyChanges) []updateStep {
	var steps []updateStep
	if len(c.recipients.add) > 0 {
		steps = append(steps, updateStep{"add recipient(s) " + quoteAll(c.recipients.add), func(ctx context.Context) (*sequence.NotificationPolicy, error) {
			return client.AddRecipients(ctx, id, c.recipients.add)
		}})
	}
	if len(c.types.add) > 0 {
		steps = append(steps, updateStep{"add notification type(s) " + quoteAll(c.types.add), func(ctx context.Context) (*sequence.NotificationPolicy, error) {
			return client.AddNotificationTypes(ctx, id, c.types.add)
		}})
	}
	for _, recipient := range c.recipients.remove {
		steps = append(steps, updateStep{fmt.Sprintf("remove recipient %q", recipient), func(ctx context.Context) (*sequence.NotificationPolicy, error) {
			return client.RemoveRecipient(ctx, id, recipient)
		}})
	}
	for _, t := range c.types.remove {
		steps = append(steps, updateStep{fmt.Sprintf("remove notification type %q", t), func(ctx context.Context) (*sequence.NotificationPolicy, error) {
			return client.RemoveNotificationType(ctx, id, t)
		}})
	}
	return steps
}

// recordFailedUpdate runs after a request of an update failed: it reads the policy back so state
// records what really happened, and says which changes are left for the next apply. If the read
// shows every change made after all (e.g. a retried removal that had already succeeded), the
// update counts as done. known is the policy as last confirmed (the prior state, or the response
// to the last successful request).
func recordFailedUpdate(ctx context.Context, client *sequence.Client, known, plan notificationPolicyModel,
	failedStep string, cause error, resp *resource.UpdateResponse,
) {
	id := known.ID.ValueString()
	summary := fmt.Sprintf("Cannot update notification policy %q", id)
	current, readErr := client.GetNotificationPolicy(ctx, id)
	switch {
	case readErr == nil:
		state := notificationPolicyModelFromAPI(current, &plan)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		left := changesBetween(state, plan)
		if left.empty() {
			resp.Diagnostics.AddWarning("Notification policy updated after an error",
				fmt.Sprintf("The request to %s failed (%s), but reading the policy back shows every planned change in place.", failedStep, cause))
			return
		}
		resp.Diagnostics.AddError(summary, fmt.Sprintf(
			"The request to %s failed: %s\n\nTerraform state now records the policy as Sequence reports it. "+
				"Changes not made: %s. Run apply again to finish them.", failedStep, cause, left.describe()))
	case sequence.NotFound(readErr):
		resp.State.RemoveResource(ctx)
		resp.Diagnostics.AddError(summary, fmt.Sprintf(
			"The request to %s failed: %s\n\nThe policy no longer exists in Sequence (deleted outside Terraform?), "+
				"so it was removed from state; the next plan re-creates it.", failedStep, cause))
	default:
		// Whether the failed request took effect is unknown: record what was last confirmed; the
		// next refresh corrects the rest.
		resp.Diagnostics.Append(resp.State.Set(ctx, &known)...)
		resp.Diagnostics.AddError(summary, fmt.Sprintf(
			"The request to %s failed: %s\n\nReading the policy back also failed (%s), so it is not known whether "+
				"that request took effect. Changes possibly not made: %s. The next plan refreshes the policy and "+
				"plans whatever is still missing.", failedStep, cause, readErr, changesBetween(known, plan).describe()))
	}
}

func (r *notificationPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var prior notificationPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.apiClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	_, err := client.DeleteNotificationPolicy(ctx, prior.ID.ValueString())
	if err != nil && !sequence.NotFound(err) {
		resp.Diagnostics.AddError("Cannot delete notification policy", err.Error())
	}
}

func (r *notificationPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
