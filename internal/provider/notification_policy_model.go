package provider

import (
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

// notificationPolicySummaryModel is the base every Terraform object describing one notification
// policy shares: the policy without its webhook secret, which is all a listing
// (sequence_notification_policies) shows, so that listing policies never puts secrets in state.
type notificationPolicySummaryModel struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	Channel           types.String `tfsdk:"channel"`
	Recipients        types.Set    `tfsdk:"recipients"`
	NotificationTypes types.Set    `tfsdk:"notification_types"`
	CreatedAt         types.String `tfsdk:"created_at"`
	SequenceAccountID types.String `tfsdk:"sequence_account_id"`
}

// notificationPolicyModel is one policy with its webhook secret: the sequence_notification_policy
// data source, and the base of the resource, which adds the write-only inputs.
type notificationPolicyModel struct {
	notificationPolicySummaryModel
	WebhookSecret types.String `tfsdk:"webhook_secret"`
}

// notificationPolicyResourceModel is the sequence_notification_policy resource: the shared
// attributes plus the write-only secret input, which only a managed resource can have.
type notificationPolicyResourceModel struct {
	notificationPolicyModel
	WebhookSecretWO        types.String `tfsdk:"webhook_secret_wo"`
	WebhookSecretWOVersion types.Int64  `tfsdk:"webhook_secret_wo_version"`
}

// notificationPolicyFromAPI is the one mapping from an API policy to the Terraform model, used by
// Create, Read, Update, import, the list resource and the data sources. Each object takes its
// part: the resource all of it, the sequence_notification_policy data source its
// notificationPolicyModel, the listings its notificationPolicySummaryModel (without the secret).
//
// prior is what Terraform already holds for this policy (the plan during Create/Update, the state
// during Read), or nil when there is none (data sources, listings). From it the mapping keeps:
//   - the spelling of e-mail recipients that the API returns in a different letter case, since
//     Sequence compares addresses case-insensitively and a case-only difference is not a change;
//   - the webhook secret: it cannot change without re-creating the policy, and the API may omit
//     or mask it on reads, so the value learned at creation stays authoritative;
//   - webhook_secret_wo_version, which only Terraform knows.
//
// webhook_secret_wo is always null (Terraform never stores it). When secret says the secret was set
// through webhook_secret_wo, webhook_secret stays null even if the API echoes the secret back:
// keeping it out of state is the point of the write-only input.
func notificationPolicyFromAPI(p *sequence.NotificationPolicy, prior *notificationPolicyResourceModel, secret writeOnlySecret) notificationPolicyResourceModel {
	var priorRecipients []string
	priorSecret, priorVersion := types.StringNull(), types.Int64Null()
	if prior != nil {
		priorRecipients = knownStrings(prior.Recipients)
		priorSecret, priorVersion = prior.WebhookSecret, prior.WebhookSecretWOVersion
	}

	recipients := p.Recipients
	if p.Channel == sequence.ChannelEmail {
		recipients = keepPriorSpelling(recipients, priorRecipients)
	}

	m := notificationPolicyResourceModel{
		notificationPolicyModel: notificationPolicyModel{
			notificationPolicySummaryModel: notificationPolicySummaryModel{
				ID:                types.StringValue(p.ID),
				Name:              types.StringValue(p.Name),
				Channel:           types.StringValue(p.Channel),
				Recipients:        stringSet(recipients),
				NotificationTypes: types.SetNull(types.StringType),
				CreatedAt:         types.StringValue(p.CreatedAt),
				SequenceAccountID: types.StringValue(p.SequenceAccountID),
			},
			WebhookSecret: types.StringNull(),
		},
		WebhookSecretWO:        types.StringNull(),
		WebhookSecretWOVersion: priorVersion,
	}
	// An empty list means the same as an absent one: the policy matches all types.
	if len(p.NotificationTypes) > 0 {
		m.NotificationTypes = stringSet(p.NotificationTypes)
	}
	switch {
	case secret.keptOutOfState():
	case !priorSecret.IsNull() && !priorSecret.IsUnknown() && priorSecret.ValueString() != "":
		m.WebhookSecret = priorSecret
	case p.WebhookSecret != "": // the client decodes a masked secret as absent
		m.WebhookSecret = types.StringValue(p.WebhookSecret)
	}
	return m
}

// stateAfterWrite is the state after a successful create or update: the plan, with only the
// values it left unknown (computed ones: id, created_at, sequence_account_id, a generated secret)
// taken from p, the API's answer. Whatever else Sequence reports differently (a recipient added in
// the dashboard meanwhile, a secret the plan keeps null) is not a result of this write and shows up
// as drift on the next refresh, rather than as an inconsistent result.
func stateAfterWrite(p *sequence.NotificationPolicy, plan notificationPolicyResourceModel, secret writeOnlySecret) notificationPolicyResourceModel {
	api := notificationPolicyFromAPI(p, &plan, secret)
	state := plan
	state.ID = knownOr(plan.ID, api.ID)
	state.Name = knownOr(plan.Name, api.Name)
	state.Channel = knownOr(plan.Channel, api.Channel)
	state.Recipients = knownOr(plan.Recipients, api.Recipients)
	state.NotificationTypes = knownOr(plan.NotificationTypes, api.NotificationTypes)
	state.WebhookSecret = knownOr(plan.WebhookSecret, api.WebhookSecret)
	state.CreatedAt = knownOr(plan.CreatedAt, api.CreatedAt)
	state.SequenceAccountID = knownOr(plan.SequenceAccountID, api.SequenceAccountID)
	state.WebhookSecretWO = types.StringNull() // never stored
	state.WebhookSecretWOVersion = knownOr(plan.WebhookSecretWOVersion, api.WebhookSecretWOVersion)
	return state
}

// knownOr returns planned unless it is unknown, in which case fromAPI.
func knownOr[T interface{ IsUnknown() bool }](planned, fromAPI T) T {
	if planned.IsUnknown() {
		return fromAPI
	}
	return planned
}

// createRequestFromModel builds the create request from a fully known plan.
func createRequestFromModel(m notificationPolicyModel) sequence.CreateNotificationPolicyRequest {
	req := sequence.CreateNotificationPolicyRequest{
		Name:              m.Name.ValueString(),
		Channel:           m.Channel.ValueString(),
		Recipients:        knownStrings(m.Recipients),
		NotificationTypes: knownStrings(m.NotificationTypes),
	}
	if !m.WebhookSecret.IsNull() && !m.WebhookSecret.IsUnknown() {
		req.WebhookSecret = m.WebhookSecret.ValueString()
	}
	return req
}

// keepPriorSpelling replaces each address that is the same recipient as a prior address
// (sequence.RecipientKey) with the prior spelling.
func keepPriorSpelling(recipients, prior []string) []string {
	return sequence.KeepPriorSpelling(recipients, prior, sequence.RecipientSetKey(sequence.ChannelEmail))
}

// stringSet builds a known set of strings. Exact duplicates, which a set cannot hold, are dropped.
func stringSet(values []string) types.Set {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	elems := make([]attr.Value, len(sorted))
	for i, v := range sorted {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

// knownStrings returns the known string elements of a set; nil for a null or unknown set.
func knownStrings(s types.Set) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	for _, e := range s.Elements() {
		if v, ok := e.(types.String); ok && !v.IsNull() && !v.IsUnknown() {
			out = append(out, v.ValueString())
		}
	}
	return out
}
