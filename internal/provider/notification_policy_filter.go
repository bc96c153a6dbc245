package provider

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

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
