package provider

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
			"(tested on " + writeOnlyTestedVersions + "), which is sent to Sequence and never stored in plan or state.",
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
					"stays null). **Sensitive.** Needs a CLI with write-only arguments; tested on " + writeOnlyTestedVersions + ". `WEBHOOK` policies only; " +
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
				MarkdownDescription: createdAtDescription,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"sequence_account_id": schema.StringAttribute{
				MarkdownDescription: sequenceAccountIDDescription,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *notificationPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

func (r *notificationPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var secret writeOnlySecret // a new policy has no fingerprint yet
	plan, diags := getPolicyPlan(ctx, req.Plan)
	resp.Diagnostics.Append(diags...)
	// The plan holds write-only attributes as null; only the configuration has the value.
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("webhook_secret_wo"), &secret.configured)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.data.apiClient(&resp.Diagnostics)
	if client == nil {
		return
	}

	request := createRequestFromModel(plan.notificationPolicyModel)
	if secret.keptOutOfState() {
		request.WebhookSecret = secret.configured.ValueString()
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
	tflog.Debug(ctx, "created notification policy", map[string]any{"id": created.ID, "write_only_secret": secret.keptOutOfState()})

	state := stateAfterWrite(created, plan, secret)
	resp.Diagnostics.Append(setPolicyState(ctx, &resp.State, state)...)
	resp.Diagnostics.Append(setNotificationPolicyIdentity(ctx, resp.Identity, state.ID)...)
	if secret.needsFingerprint() {
		resp.Diagnostics.Append(storeWriteOnlySecretFingerprint(ctx, resp.Private, secret.configured.ValueString())...)
	}
}

func (r *notificationPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	prior, diags := getPolicyState(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	secret, diags := writeOnlySecretFrom(ctx, req.Private, types.StringNull())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.data.apiClient(&resp.Diagnostics)
	if client == nil {
		return
	}

	// The id never changes. Set even when the policy is gone: the framework requires an identity
	// after every Read, and a CLI without identity support sends none to start from.
	resp.Diagnostics.Append(setNotificationPolicyIdentity(ctx, resp.Identity, prior.ID)...)

	importing, diags := req.Private.GetKey(ctx, importingKey)
	resp.Diagnostics.Append(diags...)
	// An import has no secret to keep, so it wants the one Sequence may return.
	policy, err := client.ReadNotificationPolicy(ctx, prior.ID.ValueString(), sequence.ReadNotificationPolicyOptions{WantSecret: len(importing) > 0})
	if sequence.NotFound(err) && len(importing) > 0 {
		// Without this the CLI only says "Cannot import non-existent remote object".
		resp.Diagnostics.AddError("Cannot import notification policy: no policy with this id",
			missingImportIDDetail(prior.ID.ValueString(), bytes.Equal(importing, importedByIdentity), err))
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

	state := notificationPolicyFromAPI(policy, &prior, secret)
	resp.Diagnostics.Append(setPolicyState(ctx, &resp.State, state)...)
	if len(importing) > 0 {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importingKey, nil)...) // imported: later reads are refreshes
	}
}

// Update changes recipients and notification types in place, in two waves of concurrent requests
// (see updateWaves): the additions, one request per collection, then the removals, one request
// per member as the API requires.
func (r *notificationPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var configuredSecret types.String
	plan, diags := getPolicyPlan(ctx, req.Plan)
	resp.Diagnostics.Append(diags...)
	prior, diags := getPolicyState(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("webhook_secret_wo"), &configuredSecret)...)
	secret, diags := writeOnlySecretFrom(ctx, req.Private, configuredSecret)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.data.apiClient(&resp.Diagnostics)
	if client == nil {
		return
	}

	resp.Diagnostics.Append(setNotificationPolicyIdentity(ctx, resp.Identity, prior.ID)...)

	// ModifyPlan cannot compare a value unknown at plan time; one that turns out different from
	// the policy's secret needs the replacement the next plan will show.
	if secret.differsFrom(prior.WebhookSecret) {
		resp.Diagnostics.AddAttributeError(path.Root("webhook_secret_wo"), "webhook_secret_wo differs from the policy's secret",
			"webhook_secret_wo was not known when the plan was made, and its value is not the secret this policy has. "+
				"Sequence cannot change a secret, so the policy must be replaced: nothing was changed; run plan and apply "+
				"again to replace it.")
		return
	}

	if secret.needsFingerprint() {
		// webhook_secret_wo set to the secret the policy already has (ModifyPlan planned a
		// replacement for any other value): from now on the secret lives outside state.
		resp.Diagnostics.Append(storeWriteOnlySecretFingerprint(ctx, resp.Private, secret.configured.ValueString())...)
	}

	// State is the plan (see stateAfterWrite); without any request (e.g. only the write-only
	// secret's version changed) there is nothing to take from the API.
	state := plan
	outcome, widened := applyChanges(ctx, client, prior.ID.ValueString(), prior, plan, secret)
	known := prior
	if confirmed, ok := outcome.closestToPlan(plan, secret); ok {
		known = confirmed
	}
	if len(outcome.interrupted) > 0 {
		resp.Diagnostics.Append(setPolicyState(ctx, &resp.State, known)...)
		resp.Diagnostics.AddError(fmt.Sprintf("Update of notification policy %q interrupted", prior.ID.ValueString()), fmt.Sprintf(
			"The update was interrupted before the request to %s was sent. Terraform state records the policy as "+
				"Sequence last confirmed it. Changes not made: %s. Run apply again to finish them.",
			outcome.interrupted[0].what, changesBetween(known.notificationPolicyModel, plan.notificationPolicyModel).describe()))
		return
	}
	if len(outcome.failures) > 0 {
		state, diags := recordFailedUpdate(ctx, client, known, plan, secret, outcome)
		resp.Diagnostics.Append(setPolicyState(ctx, &resp.State, state)...)
		resp.Diagnostics.Append(diags...)
		return
	}
	if n := len(outcome.responses); n > 0 {
		// Only what the plan left unknown comes from the answer, so any answer will do.
		state = stateAfterWrite(outcome.responses[n-1], plan, secret)
	}
	resp.Diagnostics.Append(setPolicyState(ctx, &resp.State, state)...)
	if widened {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Notification policy %q briefly matched every notification type", prior.ID.ValueString()),
			"Someone removed the policy's planned notification types (in the dashboard?) while this apply ran, so for a "+
				"moment Sequence read it as matching every type. The planned types have been restored.")
	}
}

func (r *notificationPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	prior, diags := getPolicyState(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.data.apiClient(&resp.Diagnostics)
	if client == nil {
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

// ModifyPlan handles what a write-only secret hides from Terraform. Terraform sees neither the
// secret sent at creation nor the configured one in state, so it cannot plan a change of
// webhook_secret_wo by itself; the provider compares the configured value with the fingerprint
// it kept in private state and plans the replacement (Sequence cannot change a secret). It also
// refuses to move a write-only secret back into state through webhook_secret.
func (r *notificationPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return // a creation (nothing to compare with) or a destroy
	}
	// Read once: every plan of an existing policy comes here (see notification_policy_object.go).
	config, diags := policyFromTerraform(ctx, req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	prior, diags := getPolicyState(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	plan, diags := getPolicyPlan(ctx, resp.Plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	keepPriorRecipientsWhenSame(ctx, prior, &plan, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	planWriteOnlySecretReplacement(ctx, req.Private, config, prior, &plan, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(planWarnings(config, prior, plan, resp.RequiresReplace)...)
}

// keepPriorRecipientsWhenSame plans the recipients in state when the configured ones are the same
// recipients as Sequence compares them (e-mail addresses ignoring letter case, webhook URLs
// exactly): after importing "Controller@Example.com" into a configuration that says
// "controller@example.com", or after a case-only change in the dashboard or in the
// configuration, the plan is empty rather than an update that would send nothing. Terraform
// accepts a planned value equal to the prior state in place of the configured one.
// It updates plan, the model of resp.Plan, with what it changes there.
func keepPriorRecipientsWhenSame(ctx context.Context, priorPolicy notificationPolicyResourceModel, plan *notificationPolicyResourceModel, resp *resource.ModifyPlanResponse) {
	planned, prior := plan.Recipients, priorPolicy.Recipients
	channel, priorChannel := plan.Channel, priorPolicy.Channel
	if planned.IsNull() || planned.IsUnknown() || prior.IsNull() || prior.IsUnknown() ||
		channel.IsUnknown() || !channel.Equal(priorChannel) || planned.Equal(prior) {
		return
	}
	plannedRecipients := knownStrings(planned)
	if len(plannedRecipients) != len(planned.Elements()) {
		return // an element not known yet may be anything
	}
	if recipientChanges(channel.ValueString(), knownStrings(prior), plannedRecipients).empty() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("recipients"), prior)...)
		plan.Recipients = prior
	}
}
