package provider

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

// Plan-time checks of notification policy values. They run in ValidateConfig and attribute
// validators, before any API call, and never judge a value that is still unknown.

// recipientProblem explains why recipient is not valid for channel, or returns "" when it is.
// An unrecognised channel only gets the non-empty check (the channel validator reports it).
func recipientProblem(channel, recipient string) string {
	if recipient == "" {
		return "a recipient must not be an empty string"
	}
	switch channel {
	case sequence.ChannelEmail:
		return sequence.EmailProblem(recipient)
	case sequence.ChannelWebhook:
		return sequence.WebhookURLProblem(recipient)
	}
	return ""
}

// caseInsensitiveDuplicates returns groups of e-mail addresses that differ only in letter case,
// which Sequence treats as one recipient. Groups and their members are sorted.
func caseInsensitiveDuplicates(addresses []string) [][]string {
	byFold := make(map[string][]string)
	for _, a := range addresses {
		k := sequence.RecipientKey(sequence.ChannelEmail, a)
		if !slices.Contains(byFold[k], a) {
			byFold[k] = append(byFold[k], a)
		}
	}
	var groups [][]string
	for _, group := range byFold {
		if len(group) > 1 {
			slices.Sort(group)
			groups = append(groups, group)
		}
	}
	slices.SortFunc(groups, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return groups
}

// notificationTypeWarning explains why t is worth a second look, or returns "" for a known type.
// Unknown names are warnings only: Sequence adds types within an API version, so the provider's
// list goes stale, and the value is sent to the API as written.
func notificationTypeWarning(t string) string {
	if slices.Contains(sequence.KnownNotificationTypes, t) {
		return ""
	}
	msg := fmt.Sprintf("%q is not a notification type this provider version knows. It is sent to Sequence as written: "+
		"Sequence adds types within an API version, so it may be new, but if Sequence does not know it either the apply fails.", t)
	switch suggestion, distance := closestKnownNotificationType(t); {
	case distance == 0:
		msg += fmt.Sprintf(" Did you mean %q? Type names are upper case.", suggestion)
	case suggestion != "":
		msg += fmt.Sprintf(" Did you mean %q?", suggestion)
	}
	return msg
}

// closestKnownNotificationType returns the known type nearest to t, ignoring letter case, and its
// edit distance; "" when none is near enough to be a likely typo (at most 3 edits, and fewer than
// a third of the name, so short or unrelated names get no suggestion).
func closestKnownNotificationType(t string) (string, int) {
	upper := strings.ToUpper(t)
	best, bestDistance := "", -1
	for _, known := range sequence.KnownNotificationTypes {
		if d := editDistance(upper, known); bestDistance < 0 || d < bestDistance {
			best, bestDistance = known, d
		}
	}
	if bestDistance > 3 || bestDistance*3 >= len([]rune(upper)) {
		return "", bestDistance
	}
	return best, bestDistance
}

// editDistance is the Levenshtein distance between a and b, counted in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// ValidateConfig holds the rules that span attributes: recipient format depends on channel, and
// webhook_secret only exists for webhooks. It also tells a CLI without write-only attributes that
// webhook_secret_wo needs a newer one, rather than leaving the user with a framework error alone.
func (r *notificationPolicyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if !req.Config.Raw.IsKnown() || req.Config.Raw.IsNull() {
		return // nothing to check yet
	}
	config, diags := policyFromTerraform(ctx, req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	channel, secret, writeOnlySecret, recipients := config.Channel, config.WebhookSecret, config.WebhookSecretWO, config.Recipients

	if !writeOnlySecret.IsNull() && !req.ClientCapabilities.WriteOnlyAttributesAllowed {
		resp.Diagnostics.AddAttributeError(path.Root("webhook_secret_wo"), "webhook_secret_wo needs "+writeOnlyMinimumVersions+" or later",
			"webhook_secret_wo is a write-only argument: its value is sent to Sequence but never stored in plan or state. "+
				"Write-only arguments need "+writeOnlyMinimumVersions+" or later, and the CLI running this configuration "+
				"does not support them. Upgrade the CLI, or set webhook_secret instead (the secret is then kept in state "+
				"as a sensitive value).")
	}

	// An unknown channel still lets the non-empty check run; the format checks wait for it.
	channelName := ""
	if !channel.IsUnknown() {
		channelName = channel.ValueString()
	}

	if channelName == sequence.ChannelEmail && !secret.IsNull() && !secret.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("webhook_secret"), "webhook_secret on an EMAIL policy",
			"webhook_secret signs webhook deliveries and only applies to channel = \"WEBHOOK\"; remove it from this EMAIL policy.")
	}
	if channelName == sequence.ChannelEmail && !writeOnlySecret.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("webhook_secret_wo"), "webhook_secret_wo on an EMAIL policy",
			"webhook_secret_wo signs webhook deliveries and only applies to channel = \"WEBHOOK\"; remove it from this EMAIL policy.")
	}

	if recipients.IsNull() || recipients.IsUnknown() {
		return
	}
	var emails []string
	for _, e := range recipients.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		if problem := recipientProblem(channelName, s.ValueString()); problem != "" {
			resp.Diagnostics.AddAttributeError(path.Root("recipients").AtSetValue(s), "Invalid recipient", problem+".")
			continue
		}
		emails = append(emails, s.ValueString())
	}
	if channelName == sequence.ChannelEmail {
		for _, group := range caseInsensitiveDuplicates(emails) {
			resp.Diagnostics.AddAttributeError(path.Root("recipients"), "Duplicate recipient",
				fmt.Sprintf("The addresses %s differ only in letter case; Sequence treats them as one recipient. Keep one of them.",
					sequence.QuoteAll(group)))
		}
	}
}

const recipientForms = "a recipient is an e-mail address such as ops@example.com (EMAIL policies) or an absolute https " +
	"URL such as https://hooks.example.com/sequence (WEBHOOK policies)"

// recipientFormProblem checks the form of a recipient whose policy's channel is not known at plan
// time: either channel's form will do (recipientProblem judges it against the channel).
func recipientFormProblem(recipient string) string {
	if recipient == "" {
		return "a recipient must not be an empty string"
	}
	if strings.IndexFunc(recipient, unicode.IsSpace) >= 0 {
		return fmt.Sprintf("%q contains white space; %s", recipient, recipientForms)
	}
	email, webhook := sequence.EmailProblem(recipient), sequence.WebhookURLProblem(recipient)
	switch {
	case email == "" || webhook == "":
		return ""
	case looksLikeURL(recipient):
		return webhook
	default:
		return email
	}
}

// looksLikeURL tells which form a bad recipient was probably meant to have, to pick the message.
func looksLikeURL(s string) bool {
	if strings.Contains(s, "://") {
		return true
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && !strings.Contains(s, "@")
}

// isEmailRecipient reports whether recipient is an e-mail address and cannot be a webhook URL.
func isEmailRecipient(recipient string) bool {
	return sequence.EmailProblem(recipient) == "" && sequence.WebhookURLProblem(recipient) != "" && !looksLikeURL(recipient)
}
