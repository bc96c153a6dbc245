package provider

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

// notificationPolicyFiltersModel is the filters of the sequence_notification_policies data source
// and of the list resource, which take the same three.
type notificationPolicyFiltersModel struct {
	Channel          types.String `tfsdk:"channel"`
	NotificationType types.String `tfsdk:"notification_type"`
	NameRegex        types.String `tfsdk:"name_regex"`
}

// list returns the account's policies that pass the filters, in selectNotificationPolicies'
// order: the API filters by notification type, the rest is applied here.
func (m notificationPolicyFiltersModel) list(ctx context.Context, client *sequence.Client) ([]sequence.NotificationPolicy, diag.Diagnostics) {
	var diags diag.Diagnostics
	filter := notificationPolicyFilter{channel: m.Channel.ValueString()}
	if pattern := m.NameRegex.ValueString(); pattern != "" {
		re, err := regexp.Compile(pattern)
		if err != nil { // the validator has already reported it; this only guards a read on its own
			diags.AddAttributeError(path.Root("name_regex"), "Invalid regular expression", err.Error())
			return nil, diags
		}
		filter.nameRegex = re
	}
	all, err := client.ListNotificationPolicies(ctx, sequence.ListNotificationPoliciesOptions{
		NotificationType: m.NotificationType.ValueString(),
		PageSize:         100, // the API's maximum: fewest requests for large accounts
	})
	if err != nil {
		diags.AddError("Cannot list notification policies", err.Error())
		return nil, diags
	}
	return selectNotificationPolicies(all, filter), diags
}

// notificationPolicyFilter selects policies by what the list endpoint cannot filter itself
// (it only filters by notification type). A zero field matches every policy.
type notificationPolicyFilter struct {
	name      string         // exact match, letter case and spaces included
	channel   string         // WEBHOOK or EMAIL
	nameRegex *regexp.Regexp // unanchored, like Go's regexp.MatchString
}

func (f notificationPolicyFilter) matches(p sequence.NotificationPolicy) bool {
	return (f.name == "" || p.Name == f.name) &&
		(f.channel == "" || p.Channel == f.channel) &&
		(f.nameRegex == nil || f.nameRegex.MatchString(p.Name))
}

// selectNotificationPolicies returns the policies that match f, ordered by name then id: the API's
// order is not part of its contract, and a data source's result must not change between runs
// when the policies have not.
func selectNotificationPolicies(policies []sequence.NotificationPolicy, f notificationPolicyFilter) []sequence.NotificationPolicy {
	selected := make([]sequence.NotificationPolicy, 0, len(policies))
	for _, p := range policies {
		if f.matches(p) {
			selected = append(selected, p)
		}
	}
	slices.SortFunc(selected, func(a, b sequence.NotificationPolicy) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return selected
}
