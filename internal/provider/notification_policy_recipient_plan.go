// Planning of sequence_notification_policy_recipient: a recipient respelled only in letter case is no change.

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

// keepPriorEmailSpelling plans the recipient in state when the configured one is the same e-mail
// address in another letter case (Sequence compares e-mail recipients ignoring case), so that a
// case-only change, or an import spelled differently from the configuration, plans nothing rather
// than removing the address and adding it again. The policy's channel is not known at plan time,
// but an e-mail address is never a webhook URL, so two e-mail-shaped values equal under e-mail
// comparison are the same recipient on whichever channel. Terraform accepts a planned value equal
// to the prior state in place of the configured one when both are non-null.
type keepPriorEmailSpelling struct{}

var _ planmodifier.String = keepPriorEmailSpelling{}

func (keepPriorEmailSpelling) Description(context.Context) string {
	return "keeps the recipient in state when the configured e-mail address differs from it only in letter case"
}

func (m keepPriorEmailSpelling) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepPriorEmailSpelling) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.StateValue.IsNull() || req.StateValue.IsUnknown() ||
		req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.PlanValue.Equal(req.StateValue) {
		return
	}
	// Moving to another policy sends the configured spelling to it.
	var plannedPolicy, priorPolicy types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("policy_id"), &plannedPolicy)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("policy_id"), &priorPolicy)...)
	if resp.Diagnostics.HasError() || plannedPolicy.IsUnknown() || !plannedPolicy.Equal(priorPolicy) {
		return
	}
	configured, prior := req.ConfigValue.ValueString(), req.StateValue.ValueString()
	if isEmailRecipient(configured) && isEmailRecipient(prior) &&
		sequence.RecipientKey(sequence.ChannelEmail, configured) == sequence.RecipientKey(sequence.ChannelEmail, prior) {
		resp.PlanValue = req.StateValue
	}
}
