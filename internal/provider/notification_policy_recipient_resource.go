package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"

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
	_ resource.Resource                = &notificationPolicyRecipientResource{}
	_ resource.ResourceWithConfigure   = &notificationPolicyRecipientResource{}
	_ resource.ResourceWithImportState = &notificationPolicyRecipientResource{}
)

// NewNotificationPolicyRecipientResource returns the sequence_notification_policy_recipient
// resource: one recipient on a policy, managed beside whatever else is on it.
func NewNotificationPolicyRecipientResource() resource.Resource {
	return &notificationPolicyRecipientResource{}
}

type notificationPolicyRecipientResource struct {
	data *providerData
}

type notificationPolicyRecipientModel struct {
	ID        types.String `tfsdk:"id"`
	PolicyID  types.String `tfsdk:"policy_id"`
	Recipient types.String `tfsdk:"recipient"`
}

func (r *notificationPolicyRecipientResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_notification_policy_recipient"
}

func (r *notificationPolicyRecipientResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One recipient (an e-mail address or a webhook URL) on a Sequence notification policy, " +
			"managed **non-authoritatively**: the resource adds its recipient and removes only that recipient, " +
			"and leaves the policy's other recipients alone. Use it when several teams (configurations, workspaces) " +
			"each add their own address to a policy owned by someone else. The policy's own " +
			"`sequence_notification_policy` resource must then ignore its `recipients` " +
			"(`lifecycle { ignore_changes = [recipients] }`), or the two would undo each other's changes.\n\n" +
			"Creating the resource reads the policy and sends one request that adds the recipient; destroying it " +
			"sends one request that removes it. A create **refuses a recipient already on the policy** (e-mail " +
			"addresses compared ignoring letter case, as Sequence does), whoever added it, with an error that gives " +
			"the import id (`<policy_id>/<recipient>`): destroying the resource would otherwise remove an address it " +
			"never added. For the same reason, do not give it `create_before_destroy`: its replacement would be refused " +
			"(the old instance still holds the address). A create whose answer was lost, but which a read of the policy " +
			"shows took effect, counts as this resource's. A recipient removed from the policy outside Terraform, or a policy deleted, drops the " +
			"resource from state on the next refresh, and the next plan adds it again. Do not manage the same " +
			"recipient with two resources (or with a resource and the policy's `recipients`): destroying one " +
			"removes it for both. Sequence refuses to remove the last recipient of a policy, so destroying the " +
			"resource of the only recipient left fails until another is added.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<policy_id>/<recipient>`: the policy id, a slash, then the recipient exactly as " +
					"written, e.g. `3f0a1b2c-4d5e-4f60-8a7b-9c0d1e2f3a4b/https://hooks.example.com/sequence?team=a`. " +
					"The id is split at its first slash, so a recipient may itself contain `/` and `:`. Use it to import.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"policy_id": schema.StringAttribute{
				MarkdownDescription: "ID of the notification policy, usually `sequence_notification_policy.<name>.id` or " +
					"the `id` of a `sequence_notification_policy` data source. Changing it **replaces** the resource " +
					"(removes the recipient from the old policy, adds it to the new one).",
				Required: true,
				Validators: []validator.String{stringvalidator.RegexMatches(policyIDPattern,
					"must be a notification policy id, without slashes or white space")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"recipient": schema.StringAttribute{
				MarkdownDescription: "The recipient: a bare e-mail address (such as `ops@example.com`) for an `EMAIL` " +
					"policy, or an absolute `https` URL for a `WEBHOOK` policy; no white space. The form is checked " +
					"at plan time; whether it fits the policy's channel is only known from Sequence, so a mismatch " +
					"fails the apply with an error naming the policy and its channel. On `EMAIL` policies addresses " +
					"are compared ignoring letter case, as Sequence does: a change of letter case alone in an e-mail " +
					"address plans no change (the state keeps the spelling Sequence has). Any other change **replaces** " +
					"the resource.",
				Required:   true,
				Validators: []validator.String{recipientFormValidator{}},
				// keepPriorEmailSpelling runs first, so a case-only change plans nothing to replace.
				PlanModifiers: []planmodifier.String{keepPriorEmailSpelling{}, stringplanmodifier.RequiresReplace()},
			},
		},
	}
}

func (r *notificationPolicyRecipientResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

func (r *notificationPolicyRecipientResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan notificationPolicyRecipientModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.data.apiClient(&resp.Diagnostics)
	if client == nil {
		return
	}

	policyID, recipient := plan.PolicyID.ValueString(), plan.Recipient.ValueString()
	// Sequence accepts adding an address that is already there, and this resource's destroy would
	// then take it from whoever put it there: a recipient on the policy must be imported instead.
	// The shared read path lets the creates of many recipients on one policy share the read.
	existing, err := client.ReadNotificationPolicy(ctx, policyID, sequence.ReadNotificationPolicyOptions{})
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot add recipient to notification policy %q", policyID),
			explainAddRecipientFailure(ctx, client, policyID, recipient, err))
		return
	}
	if existing.HasRecipient(recipient) {
		resp.Diagnostics.AddAttributeError(path.Root("recipient"), fmt.Sprintf("Recipient already on notification policy %q", policyID),
			alreadyRecipientDetail(existing, recipient))
		return
	}
	policy, err := client.AddRecipients(ctx, policyID, []string{recipient})
	if err != nil && answerMayBeLost(err) {
		// The read above showed the recipient absent, so finding it now means this request added
		// it: left out of state, the next apply would refuse it as someone else's.
		if current, readErr := client.GetNotificationPolicy(ctx, policyID); readErr == nil && current.HasRecipient(recipient) {
			resp.Diagnostics.AddWarning(fmt.Sprintf("Recipient added to notification policy %q after an error", policyID),
				fmt.Sprintf("The request to add the recipient failed (%s), but reading the policy back shows it there.", err))
			policy, err = current, nil
		}
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot add recipient to notification policy %q", policyID),
			explainAddRecipientFailure(ctx, client, policyID, recipient, err))
		return
	}
	if !policy.HasRecipient(recipient) {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot add recipient to notification policy %q", policyID),
			fmt.Sprintf("Sequence accepted the request to add %q, but the policy it returned does not list it. "+
				"Nothing was recorded in state; check the policy in Sequence and apply again.", recipient))
		return
	}
	tflog.Debug(ctx, "added recipient to notification policy", map[string]any{"policy_id": policyID})

	plan.ID = types.StringValue(notificationPolicyRecipientID(policyID, recipient))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// answerMayBeLost reports whether a failed request may still have been processed: no answer
// came (the connection dropped, a timeout) or a server error did. Sequence refused anything else.
func answerMayBeLost(err error) bool {
	var apiErr *sequence.APIError
	return !errors.As(err, &apiErr) || apiErr.StatusCode >= http.StatusInternalServerError
}

// alreadyRecipientDetail explains why a create refuses a recipient its policy already has, and
// how to take it over deliberately (an import of the resource id).
func alreadyRecipientDetail(policy *sequence.NotificationPolicy, recipient string) string {
	comparison := "e-mail addresses are compared ignoring letter case, as Sequence does"
	if policy.Channel != sequence.ChannelEmail {
		comparison = "webhook URLs are compared exactly"
	}
	return fmt.Sprintf("Notification policy %q (%q) already has the recipient %q (%s), added by someone else "+
		"(another configuration, the policy's own resource, the dashboard) by an earlier create of this resource "+
		"that failed after Sequence had added it, or by this resource's own instance while it is replaced with "+
		"create_before_destroy (which cannot work for a recipient: destroying the old instance would remove the "+
		"address the new one records; remove create_before_destroy). This resource only manages a recipient "+
		"it added or imported, since destroying it removes the recipient from the policy for everyone. Nothing was "+
		"changed. If this configuration should own it from now on, import it with the id %q "+
		"(terraform import ADDRESS '<policy id>/<recipient>', or an import block); otherwise remove this resource.",
		policy.ID, policy.Name, recipient, comparison, notificationPolicyRecipientID(policy.ID, recipient))
}

// explainAddRecipientFailure turns a failed add into the error a user can act on. When Sequence
// refuses the value (400), the policy's channel, which is not known at plan time, usually says
// why: a read of the policy tells, and the error then names the policy, its channel and the value.
func explainAddRecipientFailure(ctx context.Context, client *sequence.Client, policyID, recipient string, cause error) string {
	if sequence.NotFound(cause) {
		return fmt.Sprintf("Notification policy %q does not exist in Sequence (a wrong policy_id, or the policy was "+
			"deleted). %s", policyID, cause)
	}
	var apiErr *sequence.APIError
	if !errors.As(cause, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		return cause.Error()
	}
	policy, err := client.GetNotificationPolicy(ctx, policyID)
	if err != nil {
		return cause.Error()
	}
	if problem := recipientProblem(policy.Channel, recipient); problem != "" {
		return fmt.Sprintf("Notification policy %q (%q) has channel %s, and the recipient does not fit it: %s. "+
			"Sequence answered: %s", policyID, policy.Name, policy.Channel, problem, cause)
	}
	return cause.Error()
}

func (r *notificationPolicyRecipientResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state notificationPolicyRecipientModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.data.apiClient(&resp.Diagnostics)
	if client == nil {
		return
	}

	importing, diags := req.Private.GetKey(ctx, importingKey)
	resp.Diagnostics.Append(diags...)
	policyID, recipient := state.PolicyID.ValueString(), state.Recipient.ValueString()
	policy, err := client.ReadNotificationPolicy(ctx, policyID, sequence.ReadNotificationPolicyOptions{})
	// Without these the CLI only says "Cannot import non-existent remote object".
	if sequence.NotFound(err) && len(importing) > 0 {
		resp.Diagnostics.AddError("Cannot import notification policy recipient: no such policy",
			fmt.Sprintf("Sequence has no notification policy with id %q (%s), so the recipient %q cannot be on it. "+
				"The import id is the policy's id (a UUID), a slash, then the recipient. To list the ids of existing "+
				"policies, use the sequence_notification_policies data source.", policyID, err, recipient))
		return
	}
	if err == nil && len(importing) > 0 && !policy.HasRecipient(recipient) {
		resp.Diagnostics.AddError("Cannot import notification policy recipient: not a recipient of the policy",
			missingImportedRecipientDetail(policy, recipient))
		return
	}
	if sequence.NotFound(err) {
		tflog.Info(ctx, "notification policy no longer exists; removing its recipient from state", map[string]any{"policy_id": policyID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot read notification policy %q", policyID), err.Error())
		return
	}
	if !policy.HasRecipient(recipient) {
		tflog.Info(ctx, "recipient is no longer on the notification policy; removing it from state", map[string]any{"policy_id": policyID})
		resp.State.RemoveResource(ctx)
		return
	}
	// The configured spelling stays (Sequence compares e-mail addresses ignoring case).
	state.ID = types.StringValue(notificationPolicyRecipientID(policyID, recipient))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if len(importing) > 0 {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importingKey, nil)...) // imported: later reads are refreshes
	}
}

// missingImportedRecipientDetail explains an import of a recipient its policy does not have. It
// counts the policy's recipients rather than listing them: a webhook URL may carry a token.
func missingImportedRecipientDetail(policy *sequence.NotificationPolicy, recipient string) string {
	comparison := "e-mail addresses are compared ignoring letter case"
	if policy.Channel != sequence.ChannelEmail {
		comparison = "webhook URLs are compared exactly"
	}
	detail := fmt.Sprintf("Notification policy %q (%q, channel %s) has %d recipients, and %q is not one of them (%s).",
		policy.ID, policy.Name, policy.Channel, len(policy.Recipients), recipient, comparison)
	if problem := recipientProblem(policy.Channel, recipient); problem != "" {
		detail += fmt.Sprintf(" It cannot be: %s.", problem)
	}
	return detail + " Check the policy id and the recipient's spelling, or add the recipient by applying the " +
		"resource instead of importing it."
}

// Update is never called: both configurable attributes replace the resource.
func (r *notificationPolicyRecipientResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan notificationPolicyRecipientModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *notificationPolicyRecipientResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state notificationPolicyRecipientModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.data.apiClient(&resp.Diagnostics)
	if client == nil {
		return
	}

	policyID, recipient := state.PolicyID.ValueString(), state.Recipient.ValueString()
	_, err := client.RemoveRecipient(ctx, policyID, recipient)
	if err == nil || sequence.NotFound(err) {
		return // removed, or the policy is gone with its recipients
	}
	summary := fmt.Sprintf("Cannot remove recipient from notification policy %q", policyID)
	var apiErr *sequence.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	// A 400 may mean "not a recipient", which is what a delete wants; the policy tells.
	policy, readErr := client.GetNotificationPolicy(ctx, policyID)
	switch {
	case sequence.NotFound(readErr):
		return
	case readErr != nil:
		resp.Diagnostics.AddError(summary, fmt.Sprintf("%s\n\nReading the policy back to check whether the recipient is "+
			"still on it also failed: %s", err, readErr))
	case !policy.HasRecipient(recipient):
		tflog.Info(ctx, "recipient was already off the notification policy", map[string]any{"policy_id": policyID})
	case len(policy.Recipients) == 1:
		resp.Diagnostics.AddError(summary, fmt.Sprintf("%s\n\nIt is the last recipient of the policy, and Sequence refuses "+
			"to leave a policy without recipients. Add another recipient first, or destroy the policy instead.", err))
	default:
		resp.Diagnostics.AddError(summary, err.Error())
	}
}

// ImportState takes the resource id: `<policy_id>/<recipient>`.
func (r *notificationPolicyRecipientResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	policyID, recipient, problem := parseNotificationPolicyRecipientID(req.ID)
	if problem != "" {
		resp.Diagnostics.AddError("Invalid import id for a notification policy recipient",
			"Expected `<policy_id>/<recipient>`, such as 3f0a1b2c-4d5e-4f60-8a7b-9c0d1e2f3a4b/ops@example.com: "+problem+".")
		return
	}
	state := notificationPolicyRecipientModel{
		ID:        types.StringValue(notificationPolicyRecipientID(policyID, recipient)),
		PolicyID:  types.StringValue(policyID),
		Recipient: types.StringValue(recipient),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	// The Read that follows is the import's: a recipient it does not find is a wrong import id
	// (the policy resource's importingKey mark, used the same way).
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importingKey, importedByID)...)
}
