package provider

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
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
	_ resource.ResourceWithModifyPlan     = &notificationPolicyResource{}
)

// Minimum CLI versions for write-only attributes, named in the error an older CLI gets.
const writeOnlyMinimumVersions = "Terraform 1.11 or OpenTofu 1.11"

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
			"(a new `id`).\n\n" +
			"A webhook secret can be set three ways: leave `webhook_secret` unset and Sequence generates one, or set " +
			"`webhook_secret` (both stored in state as sensitive values), or set the write-only `webhook_secret_wo` " +
			"(" + writeOnlyMinimumVersions + " and later), which is sent to Sequence and never stored in plan or state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier (UUID) of the policy, assigned by Sequence. Stable across in-place updates; " +
					"a replacement gets a new one. Use it to import an existing policy.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Human-readable name of the policy. Must not be empty or blank (only spaces, tabs or line " +
					"breaks); Sequence does not require it to be unique. Changing it **replaces** the policy (the API has no update).",
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1), notBlankValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"channel": schema.StringAttribute{
				MarkdownDescription: "How notifications are delivered: `" + sequence.ChannelEmail + "` or `" +
					sequence.ChannelWebhook + "`. Changing it **replaces** the policy.",
				Required:      true,
				Validators:    []validator.String{channelValidator{}},
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
				Validators:  []validator.Set{recipientsValidator{}},
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
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), notBlankValidator{}},
				PlanModifiers: []planmodifier.String{
					webhookSecretPlanModifier{},
					stringplanmodifier.RequiresReplaceIf(suppliedSecretChanged,
						"Changing a supplied webhook secret replaces the policy.",
						"Changing a supplied webhook secret replaces the policy."),
				},
			},
			"webhook_secret_wo": schema.StringAttribute{
				MarkdownDescription: "Write-only alternative to `webhook_secret`: the secret Sequence uses to sign webhook " +
					"deliveries, sent when the policy is created and **never stored** in the plan or state (`webhook_secret` " +
					"stays null). **Sensitive.** Needs " + writeOnlyMinimumVersions + " or later. `WEBHOOK` policies only; " +
					"conflicts with `webhook_secret`. Sequence cannot change a secret, so a new secret **replaces** the " +
					"policy, planned in either of two ways: bump `webhook_secret_wo_version`, or just change the value: the " +
					"provider keeps a salted hash (HMAC-SHA256) of the value it sent in the resource's private state, " +
					"notices the difference at plan time and plans the replacement with a warning. A value that is only known " +
					"during apply (e.g. another resource's attribute that changes in the same run) also plans a replacement, " +
					"since the provider cannot tell at plan time whether it is the current secret. Removing the attribute " +
					"keeps the current secret. Setting it to the current secret of a policy created with `webhook_secret` " +
					"moves the secret out of state without a replacement. Moving back from `webhook_secret_wo` to " +
					"`webhook_secret` is refused, since it would put the secret into state.",
				Optional:  true,
				WriteOnly: true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					notBlankValidator{},
					stringvalidator.ConflictsWith(path.MatchRoot("webhook_secret")),
				},
			},
			"webhook_secret_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Any number you choose, kept in state as the version of `webhook_secret_wo`. " +
					"Changing it **replaces** the policy, so the current value of `webhook_secret_wo` goes to Sequence with " +
					"the new policy: the explicit way to rotate a write-only secret. Setting it for the first time or " +
					"removing it changes nothing in Sequence. Requires `webhook_secret_wo`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("webhook_secret_wo"))},
				PlanModifiers: []planmodifier.Int64{
					int64planmodifier.RequiresReplaceIf(writeOnlySecretVersionChanged,
						"Changing the version of the write-only webhook secret replaces the policy.",
						"Changing the version of the write-only webhook secret replaces the policy."),
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

// notBlankValidator refuses a value made only of spaces, tabs and line breaks, which Sequence
// refuses as blank; the empty string is left to LengthAtLeast(1), so it gets one error, not two.
type notBlankValidator struct{}

var _ validator.String = notBlankValidator{}

func (notBlankValidator) Description(context.Context) string {
	return "must not be blank (only spaces, tabs or line breaks)"
}

func (v notBlankValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (notBlankValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	// The same characters as Sequence's blank check: ASCII space, tab, line feed, carriage return.
	if v := req.ConfigValue.ValueString(); v != "" && strings.Trim(v, " \t\n\r") == "" {
		// The value is not echoed: this validator also guards secrets.
		resp.Diagnostics.AddAttributeError(req.Path, "Blank "+req.Path.String(),
			fmt.Sprintf("%s must contain a character other than spaces, tabs and line breaks, because Sequence refuses blank values.",
				req.Path))
	}
}

// webhookSecretPlanModifier plans webhook_secret when the configuration leaves it unset. With the
// write-only input in use the secret stays out of state: null (unknown while the input itself is
// unknown, since it may turn out null). Otherwise an existing policy keeps
// the secret it has (even none, e.g. after an import that could not read it), because the API
// cannot change a secret in place; a replacement is planned by Terraform as a new policy, with no
// prior state. A new EMAIL policy never has a secret; a new WEBHOOK policy gets one from
// Sequence, known after apply.
type webhookSecretPlanModifier struct{}

var _ planmodifier.String = webhookSecretPlanModifier{}

func (webhookSecretPlanModifier) Description(context.Context) string {
	return "keeps the secret of an existing policy when the configuration does not set one; null when webhook_secret_wo is used"
}

func (m webhookSecretPlanModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (webhookSecretPlanModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var writeOnly types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("webhook_secret_wo"), &writeOnly)...)
	if writeOnly.IsUnknown() {
		// Known only at apply: a value there means null here, null means the current secret or,
		// for a new policy, a generated one. Unknown covers both, unless both are null.
		if req.State.Raw.IsNull() || !req.StateValue.IsNull() {
			resp.PlanValue = types.StringUnknown()
		} else {
			resp.PlanValue = types.StringNull()
		}
		return
	}
	if !writeOnly.IsNull() {
		resp.PlanValue = types.StringNull()
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

// writeOnlySecretVersionChanged asks for replacement when webhook_secret_wo_version changes from
// one version to another (or to a value not known yet). Setting a first version, or removing it,
// sends nothing to Sequence.
func writeOnlySecretVersionChanged(_ context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = writeOnlySecretVersionBumped(req.StateValue, req.ConfigValue)
}

func writeOnlySecretVersionBumped(prior, config types.Int64) bool {
	return !prior.IsNull() && !config.IsNull() && !config.Equal(prior)
}

func (r *notificationPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

// ValidateConfig holds the rules that span attributes: recipient format depends on channel, and
// webhook_secret only exists for webhooks. It also tells a CLI without write-only attributes that
// webhook_secret_wo needs a newer one, rather than leaving the user with a framework error alone.
func (r *notificationPolicyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var channel, secret, writeOnlySecret types.String
	var recipients types.Set
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("channel"), &channel)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("recipients"), &recipients)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("webhook_secret"), &secret)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("webhook_secret_wo"), &writeOnlySecret)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if !writeOnlySecret.IsNull() && !req.ClientCapabilities.WriteOnlyAttributesAllowed {
		resp.Diagnostics.AddAttributeError(path.Root("webhook_secret_wo"), "webhook_secret_wo needs "+writeOnlyMinimumVersions+" or later",
			"webhook_secret_wo is a write-only argument: its value is sent to Sequence but never stored in plan or state. "+
				"Write-only arguments need "+writeOnlyMinimumVersions+" or later, and the CLI running this configuration "+
				"does not support them. Upgrade the CLI, or set webhook_secret instead (the secret is then kept in state "+
				"as a sensitive value).")
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
	if channelName == sequence.ChannelEmail && !writeOnlySecret.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("webhook_secret_wo"), "webhook_secret_wo on an EMAIL policy",
			"webhook_secret_wo signs webhook deliveries and only applies to channel = \"WEBHOOK\"; remove it from this EMAIL policy.")
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
	var plan notificationPolicyResourceModel
	var writeOnlySecret types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	// The plan holds write-only attributes as null; only the configuration has the value.
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("webhook_secret_wo"), &writeOnlySecret)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.apiClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	request := createRequestFromModel(plan.notificationPolicyModel)
	writeOnly := !writeOnlySecret.IsNull()
	if writeOnly {
		request.WebhookSecret = writeOnlySecret.ValueString()
	}
	created, err := client.CreateNotificationPolicy(ctx, request)
	if sequence.PolicyMayExist(err) {
		resp.Diagnostics.AddError("Notification policy may exist in Sequence", fmt.Sprintf(
			"%s\n\nThe request to create the policy %q reached Sequence, but neither its answer nor the check for "+
				"what it did could be completed, so Sequence may hold the policy although Terraform did not record it. "+
				"Before the next apply, look for a policy named %q (the sequence_notification_policies data source or "+
				"the Sequence dashboard) and either import it (terraform import <resource address> <id>, or an import "+
				"block) or delete it in Sequence; otherwise the next apply creates another one.",
			err, request.Name, request.Name))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot create notification policy", createErrorDetail(err))
		return
	}
	tflog.Debug(ctx, "created notification policy", map[string]any{"id": created.ID, "write_only_secret": writeOnly})

	state := stateAfterWrite(created, plan, writeOnly)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setNotificationPolicyIdentity(ctx, resp.Identity, state.ID)...)
	if writeOnly {
		resp.Diagnostics.Append(storeWriteOnlySecretFingerprint(ctx, resp.Private, writeOnlySecret.ValueString())...)
	}
}

func (r *notificationPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var prior notificationPolicyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	fingerprint, diags := writeOnlySecretFingerprintFrom(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.apiClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	// The id never changes. Set even when the policy is gone: the framework requires an identity
	// after every Read, and a CLI without identity support sends none to start from.
	resp.Diagnostics.Append(setNotificationPolicyIdentity(ctx, resp.Identity, prior.ID)...)

	importing, diags := req.Private.GetKey(ctx, importingKey)
	resp.Diagnostics.Append(diags...)
	policy, err := client.GetNotificationPolicy(ctx, prior.ID.ValueString())
	if sequence.NotFound(err) && len(importing) > 0 {
		// Without this the CLI only says "Cannot import non-existent remote object".
		resp.Diagnostics.AddError("Cannot import notification policy: no policy with this id",
			missingImportIDDetail(prior.ID.ValueString(), err))
		return
	}
	if sequence.NotFound(err) {
		tflog.Info(ctx, "notification policy no longer exists; removing it from state", map[string]any{"id": prior.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read notification policy", err.Error())
		return
	}

	state := notificationPolicyResourceModelFromAPI(policy, &prior, fingerprint != nil)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if len(importing) > 0 {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importingKey, nil)...) // imported: later reads are refreshes
	}
}

// Update changes recipients and notification types in place, in two waves of concurrent requests
// (see updateWaves): the additions, one request per collection, then the removals, one request
// per member as the API requires.
func (r *notificationPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior notificationPolicyResourceModel
	var writeOnlySecret types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("webhook_secret_wo"), &writeOnlySecret)...)
	fingerprint, diags := writeOnlySecretFingerprintFrom(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.apiClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	resp.Diagnostics.Append(setNotificationPolicyIdentity(ctx, resp.Identity, prior.ID)...)

	// ModifyPlan cannot compare a value unknown at plan time; one that turns out different from
	// the policy's secret needs the replacement the next plan will show.
	if !writeOnlySecret.IsNull() && writeOnlySecretDiffers(writeOnlySecret.ValueString(), fingerprint, prior.WebhookSecret) {
		resp.Diagnostics.AddAttributeError(path.Root("webhook_secret_wo"), "webhook_secret_wo differs from the policy's secret",
			"webhook_secret_wo was not known when the plan was made, and its value is not the secret this policy has. "+
				"Sequence cannot change a secret, so the policy must be replaced: nothing was changed; run plan and apply "+
				"again to replace it.")
		return
	}

	writeOnly := fingerprint != nil || !writeOnlySecret.IsNull()
	if fingerprint == nil && !writeOnlySecret.IsNull() {
		// webhook_secret_wo set to the secret the policy already has (ModifyPlan planned a
		// replacement for any other value): from now on the secret lives outside state.
		resp.Diagnostics.Append(storeWriteOnlySecretFingerprint(ctx, resp.Private, writeOnlySecret.ValueString())...)
	}

	// State is the plan (see stateAfterWrite); without any request (e.g. only the write-only
	// secret's version changed) there is nothing to take from the API.
	state := plan
	outcome := sendWaves(ctx, updateWaves(client, prior.ID.ValueString(), changesBetween(prior.notificationPolicyModel, plan.notificationPolicyModel)),
		maxConcurrentRequestsPerPolicy)
	known := prior
	if confirmed, ok := outcome.closestToPlan(plan, writeOnly); ok {
		known = confirmed
	}
	if len(outcome.interrupted) > 0 {
		resp.Diagnostics.Append(resp.State.Set(ctx, &known)...)
		resp.Diagnostics.AddError(fmt.Sprintf("Update of notification policy %q interrupted", prior.ID.ValueString()), fmt.Sprintf(
			"The update was interrupted before the request to %s was sent. Terraform state records the policy as "+
				"Sequence last confirmed it. Changes not made: %s. Run apply again to finish them.",
			outcome.interrupted[0].what, changesBetween(known.notificationPolicyModel, plan.notificationPolicyModel).describe()))
		return
	}
	if len(outcome.failures) > 0 {
		what, cause := outcome.failedStep()
		recordFailedUpdate(ctx, client, known, plan, writeOnly, what, cause, resp)
		return
	}
	if n := len(outcome.responses); n > 0 {
		// Only what the plan left unknown comes from the answer, so any answer will do.
		state = stateAfterWrite(outcome.responses[n-1], plan, writeOnly)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// recordFailedUpdate runs after a request of an update failed: it reads the policy back so state
// records what really happened, and says which changes are left for the next apply. If the read
// shows every change made after all (e.g. a retried removal that had already succeeded), the
// update counts as done. known is the policy as last confirmed (the prior state, or the response
// of a successful request closest to the plan).
func recordFailedUpdate(ctx context.Context, client *sequence.Client, known, plan notificationPolicyResourceModel,
	writeOnlySecret bool, failedStep string, cause error, resp *resource.UpdateResponse,
) {
	id := known.ID.ValueString()
	summary := fmt.Sprintf("Cannot update notification policy %q", id)
	current, readErr := client.GetNotificationPolicy(ctx, id)
	switch {
	case readErr == nil:
		state := notificationPolicyResourceModelFromAPI(current, &plan, writeOnlySecret)
		left := changesBetween(state.notificationPolicyModel, plan.notificationPolicyModel)
		if left.empty() {
			// A success after all, so state is the plan like after any other successful write.
			success := stateAfterWrite(current, plan, writeOnlySecret)
			resp.Diagnostics.Append(resp.State.Set(ctx, &success)...)
			resp.Diagnostics.AddWarning("Notification policy updated after an error",
				fmt.Sprintf("The request to %s failed (%s), but reading the policy back shows every planned change in place.", failedStep, cause))
			return
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		resp.Diagnostics.AddError(summary, fmt.Sprintf(
			"The request to %s failed: %s\n\nTerraform state now records the policy as Sequence reports it. "+
				"Changes not made: %s. Run apply again to finish them.", failedStep, cause, left.describe()))
	case sequence.NotFound(readErr):
		// Terraform and OpenTofu keep the prior state of a resource whose apply failed (a removal
		// from state is ignored), so the state stays as last confirmed; the next refresh drops it.
		resp.Diagnostics.Append(resp.State.Set(ctx, &known)...)
		resp.Diagnostics.AddError(summary, fmt.Sprintf(
			"The request to %s failed: %s\n\nThe policy no longer exists in Sequence (deleted outside Terraform?). "+
				"The next plan refreshes the state, finds it gone and plans to create it again.", failedStep, cause))
	default:
		// Whether the failed request took effect is unknown: record what was last confirmed; the
		// next refresh corrects the rest.
		resp.Diagnostics.Append(resp.State.Set(ctx, &known)...)
		resp.Diagnostics.AddError(summary, fmt.Sprintf(
			"The request to %s failed: %s\n\nReading the policy back also failed (%s), so it is not known whether "+
				"that request took effect. Changes possibly not made: %s. The next plan refreshes the policy and "+
				"plans whatever is still missing.", failedStep, cause, readErr,
			changesBetween(known.notificationPolicyModel, plan.notificationPolicyModel).describe()))
	}
}

func (r *notificationPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var prior notificationPolicyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.apiClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := prior.ID.ValueString()
	_, err := client.DeleteNotificationPolicy(ctx, id)
	if err == nil || sequence.NotFound(err) {
		return
	}
	// The failed request may have deleted the policy (an answer lost after the server committed
	// it): ask Sequence, so state is not left holding a policy that no longer exists.
	if _, readErr := client.GetNotificationPolicy(ctx, id); sequence.NotFound(readErr) {
		tflog.Debug(ctx, "notification policy is gone after a failed delete request", map[string]any{"id": id, "cause": err.Error()})
		return
	}
	resp.Diagnostics.AddError("Cannot delete notification policy", err.Error())
}

// importingKey marks, in private state, a policy that ImportState has only named: the Read that
// follows is the import's, where a 404 means a wrong id rather than a policy deleted outside
// Terraform. Read removes the mark.
const importingKey = "importing"

// ImportState takes a policy id, or `name=<exact name>` (see importedNotificationPolicyID), or an
// identity (import blocks with `identity`, Terraform 1.12+).
func (r *notificationPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := r.importedNotificationPolicyID(ctx, req.ID)
	if req.ID == "" && req.Identity != nil {
		id, diags = notificationPolicyIDFromIdentity(ctx, req.Identity)
	}
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(setNotificationPolicyIdentity(ctx, resp.Identity, types.StringValue(id))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importingKey, []byte("true"))...)
}

// ModifyPlan handles what a write-only secret hides from Terraform. Terraform sees neither the
// secret sent at creation nor the configured one in state, so it cannot plan a change of
// webhook_secret_wo by itself; the provider compares the configured value with the fingerprint
// it kept in private state and plans the replacement (Sequence cannot change a secret). It also
// refuses to move a write-only secret back into state through webhook_secret.
func (r *notificationPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	defer func() {
		if !resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(planWarnings(ctx, req, resp)...)
		}
	}()
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return // a creation (nothing to compare with) or a destroy
	}
	keepPriorRecipientsWhenSame(ctx, req, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	var configSecret, configWriteOnly, priorSecret types.String
	var configVersion, priorVersion types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("webhook_secret"), &configSecret)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("webhook_secret_wo"), &configWriteOnly)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("webhook_secret_wo_version"), &configVersion)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("webhook_secret"), &priorSecret)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("webhook_secret_wo_version"), &priorVersion)...)
	fingerprint, diags := writeOnlySecretFingerprintFrom(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	if fingerprint != nil && !configSecret.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("webhook_secret"), "Cannot move a write-only webhook secret into state",
			"This policy's webhook secret was set through webhook_secret_wo, which keeps it out of Terraform state and plan "+
				"files. Setting webhook_secret instead would write a secret into state, so the provider refuses it. Keep "+
				"webhook_secret_wo (bump webhook_secret_wo_version to rotate the secret). If you do want the secret in "+
				"state, create the policy under a new resource address, or remove this one from state (terraform state rm, "+
				"or a removed block) and import it again.")
		return
	}
	if configWriteOnly.IsNull() {
		return // nothing configured to compare (removing the input keeps the current secret)
	}
	if writeOnlySecretVersionBumped(priorVersion, configVersion) {
		return // the version's plan modifier already replaces the policy, which sends the new value
	}
	if configWriteOnly.IsUnknown() {
		// The value is learned during apply, when the planned action can no longer change: an
		// update planned now could not become the replacement a different secret needs. So the
		// policy is replaced, which is right whatever the value turns out to be.
		resp.Diagnostics.AddAttributeWarning(path.Root("webhook_secret_wo"), "webhook_secret_wo is not known until apply: the policy will be replaced",
			"webhook_secret_wo depends on a value that is only known during apply, so the provider cannot tell now "+
				"whether it is the secret this policy already has. Sequence cannot change a webhook secret, and the "+
				"planned action cannot change during apply, so the policy is replaced (a new id) to make sure it signs "+
				"with the configured secret. To avoid the replacement, use a value known at plan time (a variable, a "+
				"data source or an ephemeral resource), or apply the change that produces it first.")
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), types.StringUnknown())...)
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("id"))
		return
	}

	secret := configWriteOnly.ValueString()
	switch {
	case fingerprint != nil && fingerprint.matches(secret):
		return
	case fingerprint != nil:
		resp.Diagnostics.AddAttributeWarning(path.Root("webhook_secret_wo"), "webhook_secret_wo changed: the policy will be replaced",
			"The value of webhook_secret_wo differs from the one this policy was created with, although "+
				"webhook_secret_wo_version did not change. (The provider compares it with a salted hash kept in the "+
				"resource's private state; the secret itself is never stored.) Sequence cannot change a webhook secret, so "+
				"the policy is replaced: it gets a new id, and receivers must verify signatures with the new secret. "+
				"To make a rotation explicit, bump webhook_secret_wo_version together with the secret.")
	case !priorSecret.IsNull() && !priorSecret.IsUnknown() && priorSecret.ValueString() == secret:
		return // the current secret moves out of state in place (Update records the fingerprint)
	case !priorSecret.IsNull() && !priorSecret.IsUnknown():
		resp.Diagnostics.AddAttributeWarning(path.Root("webhook_secret_wo"), "webhook_secret_wo replaces the policy",
			"webhook_secret_wo is not the secret this policy has, and Sequence cannot change a webhook secret, so the "+
				"policy is replaced (a new id). To take the current secret out of state without a replacement, set "+
				"webhook_secret_wo to the current secret first.")
	default:
		resp.Diagnostics.AddAttributeWarning(path.Root("webhook_secret_wo"), "webhook_secret_wo replaces the policy",
			"Terraform does not know this policy's current secret (Sequence did not return it when the policy was "+
				"imported or read), so it cannot tell whether webhook_secret_wo matches it. Sequence cannot change a "+
				"webhook secret, so the policy is replaced (a new id) to make sure it signs with the configured secret.")
	}
	// Terraform only honours a replacement for an attribute whose planned value differs from the
	// prior one, and a write-only attribute is null in both; the new policy's id is unknown.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), types.StringUnknown())...)
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("id"))
}

// keepPriorRecipientsWhenSame plans the recipients in state when the configured ones are the same
// recipients as Sequence compares them (e-mail addresses ignoring letter case, webhook URLs
// exactly): after importing "Controller@Example.com" into a configuration that says
// "controller@example.com", or after a case-only change in the dashboard or in the
// configuration, the plan is empty rather than an update that would send nothing. Terraform
// accepts a planned value equal to the prior state in place of the configured one.
func keepPriorRecipientsWhenSame(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var planned, prior types.Set
	var channel, priorChannel types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("recipients"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("recipients"), &prior)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("channel"), &channel)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("channel"), &priorChannel)...)
	if resp.Diagnostics.HasError() || planned.IsNull() || planned.IsUnknown() || prior.IsNull() || prior.IsUnknown() ||
		channel.IsUnknown() || !channel.Equal(priorChannel) || planned.Equal(prior) {
		return
	}
	plannedRecipients := knownStrings(planned)
	if len(plannedRecipients) != len(planned.Elements()) {
		return // an element not known yet may be anything
	}
	if recipientChanges(channel.ValueString(), knownStrings(prior), plannedRecipients).empty() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("recipients"), prior)...)
	}
}

// writeOnlySecretDiffers reports whether secret is known not to be the policy's current secret,
// judged by the fingerprint or, before the secret became write-only, by the secret in state.
func writeOnlySecretDiffers(secret string, fingerprint *writeOnlySecretFingerprint, stateSecret types.String) bool {
	switch {
	case fingerprint != nil:
		return !fingerprint.matches(secret)
	case stateSecret.IsNull() || stateSecret.IsUnknown():
		return true // nothing known to compare with (e.g. an import that could not read the secret)
	default:
		return stateSecret.ValueString() != secret
	}
}

// writeOnlySecretKey is the private state key of the fingerprint of the secret sent through
// webhook_secret_wo. Its presence also marks the policy's secret as write-only.
const writeOnlySecretKey = "webhook_secret_wo"

// writeOnlySecretFingerprint recognises the value sent through webhook_secret_wo without storing
// it: an HMAC-SHA256 of the secret keyed with a random salt of its own, so two policies with one
// secret do not look alike and precomputed hashes are no help to a reader of the state.
type writeOnlySecretFingerprint struct {
	Salt []byte `json:"salt"`
	MAC  []byte `json:"hmac_sha256"`
}

func newWriteOnlySecretFingerprint(secret string) (writeOnlySecretFingerprint, error) {
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return writeOnlySecretFingerprint{}, err
	}
	return writeOnlySecretFingerprint{Salt: salt, MAC: secretMAC(salt, secret)}, nil
}

func secretMAC(salt []byte, secret string) []byte {
	mac := hmac.New(sha256.New, salt)
	mac.Write([]byte(secret))
	return mac.Sum(nil)
}

func (f writeOnlySecretFingerprint) matches(secret string) bool {
	return hmac.Equal(f.MAC, secretMAC(f.Salt, secret))
}

// privateStateReader and privateStateWriter are the parts of the framework's private state data
// (whose type is internal to the framework) that the fingerprint needs.
type privateStateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateStateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// writeOnlySecretFingerprintFrom returns the fingerprint kept in private state, or nil when the
// policy's secret was not set through webhook_secret_wo.
func writeOnlySecretFingerprintFrom(ctx context.Context, private privateStateReader) (*writeOnlySecretFingerprint, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, writeOnlySecretKey)
	if diags.HasError() || len(raw) == 0 {
		return nil, diags
	}
	var f writeOnlySecretFingerprint
	if err := json.Unmarshal(raw, &f); err != nil || len(f.Salt) == 0 || len(f.MAC) == 0 {
		diags.AddError("Unreadable private state of a notification policy",
			"The fingerprint of webhook_secret_wo kept in the resource's private state cannot be read. This is a bug in "+
				"the Sequence provider; please report it. Bumping webhook_secret_wo_version re-creates the policy and "+
				"its fingerprint.")
		return nil, diags
	}
	return &f, diags
}

func storeWriteOnlySecretFingerprint(ctx context.Context, private privateStateWriter, secret string) diag.Diagnostics {
	var diags diag.Diagnostics
	f, err := newWriteOnlySecretFingerprint(secret)
	if err == nil {
		var raw []byte
		if raw, err = json.Marshal(f); err == nil {
			return private.SetKey(ctx, writeOnlySecretKey, raw)
		}
	}
	// Without the fingerprint later reads would not know the secret is write-only and could copy
	// it into state, so this is an error.
	diags.AddError("Cannot record the write-only webhook secret",
		"The provider could not keep a fingerprint of webhook_secret_wo in private state ("+err.Error()+"). This is a "+
			"bug in the Sequence provider; please report it.")
	return diags
}
