// A policy's recipients and notification types are sets, compared as Sequence compares their
// members: recipients by RecipientKey on the policy's channel, notification types exactly. The
// set operations the client and the provider need (difference, equality, intersection, keeping a
// prior spelling) are the functions below; everything else compares through RecipientKey.

package sequence

import (
	"slices"
	"strconv"
	"strings"
)

// RecipientSetKey is the key recipients of a policy on channel are compared by (RecipientKey).
func RecipientSetKey(channel string) func(string) string {
	return func(recipient string) string { return RecipientKey(channel, recipient) }
}

// NotificationTypeKey is the key notification types are compared by: Sequence compares them exactly.
func NotificationTypeKey(notificationType string) string { return notificationType }

// SetKeys is the keys of members, sorted and without duplicates.
func SetKeys(members []string, key func(string) string) []string {
	out := make([]string, len(members))
	for i, m := range members {
		out[i] = key(m)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// SameSet reports whether a and b hold the same members by key.
func SameSet(a, b []string, key func(string) string) bool {
	return slices.Equal(SetKeys(a, key), SetKeys(b, key))
}

// SetDifference returns the members of planned missing from current (add) and the members of
// current missing from planned (remove), comparing by key. Each is sorted and holds one spelling
// of a key: the first one met.
func SetDifference(current, planned []string, key func(string) string) (add, remove []string) {
	return missingFrom(planned, current, key), missingFrom(current, planned, key)
}

// missingFrom is the members of from whose key is not among the keys of others, sorted, one per key.
func missingFrom(from, others []string, key func(string) string) []string {
	present := make(map[string]bool, len(others)+len(from))
	for _, o := range others {
		present[key(o)] = true
	}
	var missing []string
	for _, m := range from {
		if k := key(m); !present[k] {
			present[k] = true // one spelling per key
			missing = append(missing, m)
		}
	}
	slices.Sort(missing)
	return missing
}

// SetIntersection is the members of members that are, by key, also members of others, in
// their order.
func SetIntersection(members, others []string, key func(string) string) []string {
	inOthers := make(map[string]bool, len(others))
	for _, o := range others {
		inOthers[key(o)] = true
	}
	return slices.DeleteFunc(slices.Clone(members), func(m string) bool { return !inOthers[key(m)] })
}

// KeepPriorSpelling replaces each member that is the same, by key, as a member of prior with
// that prior spelling, so a difference Sequence does not see (an e-mail address's letter case)
// is no change.
func KeepPriorSpelling(members, prior []string, key func(string) string) []string {
	if len(prior) == 0 {
		return members
	}
	byKey := make(map[string]string, len(prior))
	for _, p := range prior {
		byKey[key(p)] = p
	}
	out := make([]string, len(members))
	for i, m := range members {
		if spelling, ok := byKey[key(m)]; ok {
			out[i] = spelling
		} else {
			out[i] = m
		}
	}
	return out
}

// QuoteAll lists values Go-quoted and comma-separated (`"a", "b"`): how messages name the members
// of a set, and how a create's fingerprint spells its sets.
func QuoteAll(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
	}
	return strings.Join(quoted, ", ")
}
