package provider

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

// setChanges is what turns one collection of a policy (recipients or notification types) from its
// current members into the planned ones. Both slices are sorted so requests go out in a stable order.
type setChanges struct {
	add    []string
	remove []string
}

func (c setChanges) empty() bool { return len(c.add) == 0 && len(c.remove) == 0 }

// recipientChanges compares recipients the way Sequence does (sequence.RecipientKey): e-mail
// addresses case-insensitively, webhook URLs exactly. A recipient whose spelling changes only in
// letter case needs no request.
func recipientChanges(channel string, current, planned []string) setChanges {
	return setDifference(current, planned, func(r string) string { return sequence.RecipientKey(channel, r) })
}

// notificationTypeChanges compares notification types. A nil slice means "all types": going from
// all to a set adds each planned type, and going from a set to all removes each current one (the
// API treats a policy whose last type is removed as matching all types).
func notificationTypeChanges(current, planned []string) setChanges {
	return setDifference(current, planned, func(s string) string { return s })
}

// setDifference returns the members of planned missing from current (add) and the members of
// current missing from planned (remove), comparing by key.
func setDifference(current, planned []string, key func(string) string) setChanges {
	currentKeys := make(map[string]bool, len(current))
	for _, c := range current {
		currentKeys[key(c)] = true
	}
	plannedKeys := make(map[string]bool, len(planned))
	for _, p := range planned {
		plannedKeys[key(p)] = true
	}

	var changes setChanges
	added := make(map[string]bool)
	for _, p := range planned {
		if k := key(p); !currentKeys[k] && !added[k] {
			added[k] = true
			changes.add = append(changes.add, p)
		}
	}
	removed := make(map[string]bool)
	for _, c := range current {
		if k := key(c); !plannedKeys[k] && !removed[k] {
			removed[k] = true
			changes.remove = append(changes.remove, c)
		}
	}
	slices.Sort(changes.add)
	slices.Sort(changes.remove)
	return changes
}

// policyChanges is everything an in-place update of a policy has to do.
type policyChanges struct {
	recipients setChanges
	types      setChanges
}

func (c policyChanges) empty() bool { return c.recipients.empty() && c.types.empty() }

// count is the number of elements to add or remove.
func (c policyChanges) count() int {
	return len(c.recipients.add) + len(c.recipients.remove) + len(c.types.add) + len(c.types.remove)
}

// describe lists the changes in words, for error messages such as "changes not made: ...".
func (c policyChanges) describe() string {
	var parts []string
	if len(c.recipients.add) > 0 {
		parts = append(parts, "add recipient(s) "+quoteAll(c.recipients.add))
	}
	if len(c.types.add) > 0 {
		parts = append(parts, "add notification type(s) "+quoteAll(c.types.add))
	}
	if len(c.recipients.remove) > 0 {
		parts = append(parts, "remove recipient(s) "+quoteAll(c.recipients.remove))
	}
	if len(c.types.remove) > 0 {
		parts = append(parts, "remove notification type(s) "+quoteAll(c.types.remove))
	}
	return strings.Join(parts, "; ")
}

func quoteAll(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(quoted, ", ")
}

// changesBetween returns what turns the current policy into the planned one, in place.
func changesBetween(current, planned notificationPolicyModel) policyChanges {
	return policyChanges{
		recipients: recipientChanges(planned.Channel.ValueString(), knownStrings(current.Recipients), knownStrings(planned.Recipients)),
		types:      notificationTypeChanges(knownStrings(current.NotificationTypes), knownStrings(planned.NotificationTypes)),
	}
}
