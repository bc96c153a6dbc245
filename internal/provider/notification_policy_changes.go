package provider

import (
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
	add, remove := sequence.SetDifference(current, planned, sequence.RecipientSetKey(channel))
	return setChanges{add: add, remove: remove}
}

// notificationTypeChanges compares notification types. A nil slice means "all types": going from
// all to a set adds each planned type, and going from a set to all removes each current one (the
// API treats a policy whose last type is removed as matching all types).
func notificationTypeChanges(current, planned []string) setChanges {
	add, remove := sequence.SetDifference(current, planned, sequence.NotificationTypeKey)
	return setChanges{add: add, remove: remove}
}

// policyChanges is everything an in-place update of a policy has to do.
type policyChanges struct {
	recipients setChanges
	types      setChanges
	// keptTypes are the planned types already on the policy. An update that removes types sends
	// them again with the additions (adding a type that is there is accepted), so no removal can
	// empty the set and widen the policy to every type, even when someone removed the kept ones
	// in the dashboard after the plan was made. Not a change: count, empty and describe skip it.
	keptTypes []string
}

func (c policyChanges) empty() bool { return c.recipients.empty() && c.types.empty() }

// count is the number of elements to add or remove.
func (c policyChanges) count() int {
	return len(c.recipients.add) + len(c.recipients.remove) + len(c.types.add) + len(c.types.remove)
}

// changeKind is what one step of an in-place update does.
type changeKind int

const (
	addRecipients changeKind = iota
	addNotificationTypes
	removeRecipient
	removeNotificationType
)

// changeStep is one API request of an in-place update: an addition carries every member added to
// its collection, a removal one member.
type changeStep struct {
	kind   changeKind
	values []string
	// added are the values the plan adds, when values also carry kept types (see keptTypes).
	added []string
}

// carriesKeptTypes reports whether the step re-sends types the policy already has.
func (s changeStep) carriesKeptTypes() bool { return len(s.added) < len(s.values) }

// removal reports whether the step removes (removals wait for every addition).
func (s changeStep) removal() bool {
	return s.kind == removeRecipient || s.kind == removeNotificationType
}

// action is the step in words without its members: "add recipient", "remove notification type".
func (s changeStep) action() string {
	switch s.kind {
	case addRecipients:
		return "add recipient"
	case addNotificationTypes:
		return "add notification type"
	case removeRecipient:
		return "remove recipient"
	default:
		return "remove notification type"
	}
}

// what names the request, for an error message: `add recipient(s) "a", "b"`, `remove recipient "c"`.
func (s changeStep) what() string {
	if s.removal() {
		return s.action() + " " + sequence.QuoteAll(s.values)
	}
	return s.action() + "(s) " + sequence.QuoteAll(s.values)
}

// steps lists the requests of the update in order: the additions (recipients, then notification
// types, with the kept types when types are removed), then the removals (recipients, then
// notification types). Empty collections take no step.
func (c policyChanges) steps() []changeStep {
	var steps []changeStep
	if len(c.recipients.add) > 0 {
		steps = append(steps, changeStep{kind: addRecipients, values: c.recipients.add, added: c.recipients.add})
	}
	typesToAdd := c.types.add
	if len(c.types.remove) > 0 && len(c.keptTypes) > 0 {
		typesToAdd = slices.Sorted(slices.Values(append(slices.Clone(c.types.add), c.keptTypes...)))
	}
	if len(typesToAdd) > 0 {
		steps = append(steps, changeStep{kind: addNotificationTypes, values: typesToAdd, added: c.types.add})
	}
	for _, r := range c.recipients.remove {
		steps = append(steps, changeStep{kind: removeRecipient, values: []string{r}})
	}
	for _, t := range c.types.remove {
		steps = append(steps, changeStep{kind: removeNotificationType, values: []string{t}})
	}
	return steps
}

// describe lists the changes in words, for error messages such as "changes not made: ...": in
// the order of the steps, those of one kind together, without the kept types (not a change).
func (c policyChanges) describe() string {
	var parts []string
	for _, s := range []changeStep{
		{kind: addRecipients, values: c.recipients.add},
		{kind: addNotificationTypes, values: c.types.add},
		{kind: removeRecipient, values: c.recipients.remove},
		{kind: removeNotificationType, values: c.types.remove},
	} {
		if len(s.values) > 0 {
			parts = append(parts, s.action()+"(s) "+sequence.QuoteAll(s.values))
		}
	}
	return strings.Join(parts, "; ")
}

// removingOnly keeps of c's removals those that planned also makes (recipients compared as
// Sequence does on channel), so that finishing an update from a policy read back mid-way never
// removes an element the plan did not remove.
func (c policyChanges) removingOnly(planned policyChanges, channel string) policyChanges {
	c.recipients.remove = sequence.SetIntersection(c.recipients.remove, planned.recipients.remove, sequence.RecipientSetKey(channel))
	c.types.remove = sequence.SetIntersection(c.types.remove, planned.types.remove, sequence.NotificationTypeKey)
	return c
}

// changesBetween returns what turns the current policy into the planned one, in place.
func changesBetween(current, planned notificationPolicyModel) policyChanges {
	currentTypes, plannedTypes := knownStrings(current.NotificationTypes), knownStrings(planned.NotificationTypes)
	c := policyChanges{
		recipients: recipientChanges(planned.Channel.ValueString(), knownStrings(current.Recipients), knownStrings(planned.Recipients)),
		types:      notificationTypeChanges(currentTypes, plannedTypes),
	}
	for _, t := range plannedTypes {
		if slices.Contains(currentTypes, t) {
			c.keptTypes = append(c.keptTypes, t)
		}
	}
	slices.Sort(c.keptTypes)
	return c
}
