// The client's public data types. They carry the API's member names as JSON
// tags, the one convention for the wire: a create is sent as
// CreateNotificationPolicyRequest itself, and NotificationPolicy is the
// answer's shape (decoding goes through wirePolicy, which tells a missing
// member from an empty one, and checks the result).

package sequence

import "slices"

const (
	// ChannelWebhook delivers notifications to https URLs.
	ChannelWebhook = "WEBHOOK"
	// ChannelEmail delivers notifications to e-mail addresses.
	ChannelEmail = "EMAIL"
)

// NotificationPolicy sends Sequence events of some types to recipients over one channel.
type NotificationPolicy struct {
	ID                string   `json:"id"`
	CreatedAt         string   `json:"createdAt"` // as sent by the API (ISO-8601 UTC)
	SequenceAccountID string   `json:"sequenceAccountId"`
	Name              string   `json:"name"`
	Channel           string   `json:"channel"`
	Recipients        []string `json:"recipients"`
	NotificationTypes []string `json:"notificationTypes,omitempty"` // nil = all types
	WebhookSecret     string   `json:"webhookSecret,omitempty"`     // "" = not returned
}

// CreateNotificationPolicyRequest is the body of a create.
type CreateNotificationPolicyRequest struct {
	Name    string `json:"name"`
	Channel string `json:"channel"`
	// Recipients nil is sent as [] (the member is required).
	Recipients []string `json:"recipients"`
	// NotificationTypes nil or empty means all types (the member is omitted).
	NotificationTypes []string `json:"notificationTypes,omitempty"`
	// WebhookSecret "" means Sequence generates one for a WEBHOOK policy.
	WebhookSecret string `json:"webhookSecret,omitempty"`
}

// ListNotificationPoliciesOptions narrows a list.
type ListNotificationPoliciesOptions struct {
	// NotificationType, when set, lists only policies that receive this type.
	NotificationType string
	// PageSize is the limit per request; 0 (or anything outside 1..100) means 100.
	PageSize int
}

// HasRecipient reports whether recipient is on the policy as Sequence compares recipients
// (RecipientKey): e-mail addresses ignoring letter case, webhook URLs exactly.
func (p *NotificationPolicy) HasRecipient(recipient string) bool {
	return slices.ContainsFunc(p.Recipients, func(r string) bool {
		return RecipientKey(p.Channel, r) == RecipientKey(p.Channel, recipient)
	})
}

// KnownNotificationTypes are the notification types valid for APIVersion when
// this client was written. Sequence adds and removes values within one API
// version, so this list is knowledge for warnings, never a hard validation.
var KnownNotificationTypes = []string{
	"CUSTOMER_CREATED",
	"CUSTOMER_UPDATED",
	"CUSTOMER_ARCHIVED",
	"INVOICE_CREATED",
	"INVOICE_ISSUED",
	"INVOICE_UPDATED",
	"INVOICE_REMINDER_SENT",
	"INTEGRATION_SYNC_COMPLETED",
	"INTEGRATION_WEBHOOK_HANDLED",
	"MERCHANT_UPDATED",
	"BILLING_SCHEDULE_CREATED",
	"BILLING_SCHEDULE_UPDATED",
	"BILLING_SCHEDULE_ARCHIVED",
	"CREDIT_NOTE_CREATED",
	"CREDIT_NOTE_UPDATED",
	"CREDIT_NOTE_ISSUED",
	"QUOTE_PUBLISHED",
	"QUOTE_ACCEPTED",
	"QUOTE_SIGNED",
	"WATCHTOWER_TASK_ASSIGNED",
}
