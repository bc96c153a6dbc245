package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

// planWarnings says what a plan means for deliveries where the diff alone misleads: a
// notification_types change between a set and null (all types) reads as adding or removing a few
// types, and the replacement of a webhook policy stops deliveries and may change its secret. It
// runs after the rest of ModifyPlan on an existing policy's plan: config, prior and plan are the
// configuration, the prior state and the plan as ModifyPlan leaves it, with requiresReplace the
// replacement ModifyPlan itself asked for. Creations and destroys get no warning.
func planWarnings(config, prior, plan notificationPolicyResourceModel, requiresReplace path.Paths) diag.Diagnostics {
	var diags diag.Diagnostics
	configSecret, configWriteOnly, configVersion := config.WebhookSecret, config.WebhookSecretWO, config.WebhookSecretWOVersion
	name := prior.Name.ValueString()

	switch before, after := prior.NotificationTypes, plan.NotificationTypes; {
	case after.IsUnknown():
	case !before.IsNull() && after.IsNull():
		diags.AddAttributeWarning(path.Root("notification_types"), "Notification policy will receive every notification type",
			fmt.Sprintf("notification_types of policy %q goes from %s to null, which does not remove types: null means "+
				"all types. After this apply the policy receives every event Sequence sends, including types Sequence "+
				"adds later. To keep it to some types, list them instead.", name, sequence.QuoteAll(knownStrings(before))))
	case before.IsNull() && !after.IsNull():
		diags.AddAttributeWarning(path.Root("notification_types"), "Notification policy will receive only some notification types",
			fmt.Sprintf("Policy %q receives every notification type today (notification_types is null). After this apply "+
				"it receives only %s, and no types Sequence adds later.", name, sequence.QuoteAll(knownStrings(after))))
	}

	replaced := len(requiresReplace) > 0 ||
		!plan.Name.Equal(prior.Name) || !plan.Channel.Equal(prior.Channel) ||
		(!configSecret.IsNull() && !plan.WebhookSecret.Equal(prior.WebhookSecret)) ||
		writeOnlySecretVersionBumped(prior.WebhookSecretWOVersion, configVersion)
	if replaced && prior.Channel.ValueString() == sequence.ChannelWebhook {
		consequences := []string{"Deliveries to its recipients stop between the delete of the old policy and the " +
			"create of the new one, unless this resource sets lifecycle { create_before_destroy = true }, which " +
			"creates the new policy first (Terraform does not tell the provider whether it is set, so this warning " +
			"shows either way)."}
		if !plan.Channel.IsUnknown() && plan.Channel.ValueString() != sequence.ChannelWebhook {
			// No new webhook policy takes over: the gap never closes.
			consequences = []string{fmt.Sprintf("The new policy has channel %s, so webhook deliveries to the current "+
				"recipients stop for good when the old policy is deleted; create_before_destroy does not change that. "+
				"If anything still relies on these webhooks, keep a WEBHOOK policy for them.", plan.Channel.ValueString())}
		}
		if configSecret.IsNull() && configWriteOnly.IsNull() && plan.Channel.ValueString() == sequence.ChannelWebhook {
			consequences = append(consequences, "Sequence generates a new webhook secret for the new policy, so "+
				"receivers that verify the Sequence-Signature header with the current secret reject deliveries until "+
				"they use the new one. Supply the secret with webhook_secret or webhook_secret_wo to keep it.")
		}
		diags.AddWarning("Webhook notification policy will be replaced",
			fmt.Sprintf("Policy %q (id %s) is a WEBHOOK policy, and this plan replaces it: Sequence cannot change its "+
				"name, channel or secret in place, so it is deleted and created again with a new id.\n\n- %s",
				name, prior.ID.ValueString(), strings.Join(consequences, "\n- ")))
	}
	return diags
}
