// The id of a sequence_notification_policy_recipient: the policy id, a slash, then the recipient.

package provider

import (
	"fmt"
	"regexp"
	"strings"
)

// recipientIDSeparator joins the policy id and the recipient in the resource id. The id is split
// at its first separator: Sequence's policy ids (UUIDs) never contain one, so everything after it,
// slashes and colons of a webhook URL included, is the recipient.
const recipientIDSeparator = "/"

func notificationPolicyRecipientID(policyID, recipient string) string {
	return policyID + recipientIDSeparator + recipient
}

// parseNotificationPolicyRecipientID splits an id made by notificationPolicyRecipientID, or
// explains why id is not one.
func parseNotificationPolicyRecipientID(id string) (policyID, recipient, problem string) {
	policyID, recipient, found := strings.Cut(id, recipientIDSeparator)
	switch {
	case !found:
		return "", "", fmt.Sprintf("%q has no %q: the id is the policy id, a slash, then the recipient", id, recipientIDSeparator)
	case policyIDProblem(policyID) != "":
		return "", "", fmt.Sprintf("the policy id part of %q: %s", id, policyIDProblem(policyID))
	case recipientFormProblem(recipient) != "":
		return "", "", fmt.Sprintf("the recipient part of %q: %s", id, recipientFormProblem(recipient))
	}
	return policyID, recipient, ""
}

// policyIDPattern is what a policy id in policy_id or in an import id must look like: no slash
// (it would make the resource id ambiguous) and no white space.
var policyIDPattern = regexp.MustCompile(`^[^/\s]+$`)

func policyIDProblem(id string) string {
	if !policyIDPattern.MatchString(id) {
		return fmt.Sprintf("%q is not a notification policy id: it must be non-empty, without slashes or white space", id)
	}
	return ""
}
