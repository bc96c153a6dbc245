package sequence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// wirePolicy mirrors NotificationPolicy with pointers, so a missing or null
// required field is told apart from an empty one.
type wirePolicy struct {
	ID                *string   `json:"id"`
	CreatedAt         *string   `json:"createdAt"`
	SequenceAccountID *string   `json:"sequenceAccountId"`
	Name              *string   `json:"name"`
	Channel           *string   `json:"channel"`
	Recipients        *[]string `json:"recipients"`
	NotificationTypes []string  `json:"notificationTypes"`
	WebhookSecret     *string   `json:"webhookSecret"`
}

type wirePolicyPage struct {
	Items      *[]json.RawMessage `json:"items"`
	Pagination *struct {
		After           *string `json:"after"`
		TotalResultSize *int    `json:"totalResultSize"`
	} `json:"pagination"`
}

// decodeNotificationPolicy parses one policy. Unknown members are ignored and
// unknown channel or notification type values are kept; a body that is
// empty, not JSON, of the wrong shape, or missing id, name, channel or
// recipients is an error.
func decodeNotificationPolicy(body []byte) (*NotificationPolicy, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("the response body is empty")
	}
	var w *wirePolicy
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, describeJSONError(err, body)
	}
	if w == nil {
		return nil, errors.New("the response body is null, not a notification policy")
	}
	return w.policy()
}

func (w *wirePolicy) policy() (*NotificationPolicy, error) {
	var missing []string
	for _, f := range []struct {
		name  string
		value *string
	}{{"id", w.ID}, {"name", w.Name}, {"channel", w.Channel}} {
		if f.value == nil || *f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if w.Recipients == nil {
		missing = append(missing, "recipients")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the notification policy in the response lacks required field(s) %s", strings.Join(missing, ", "))
	}
	p := &NotificationPolicy{
		ID:         *w.ID,
		Name:       *w.Name,
		Channel:    *w.Channel,
		Recipients: *w.Recipients,
	}
	if w.CreatedAt != nil {
		p.CreatedAt = *w.CreatedAt
	}
	if w.SequenceAccountID != nil {
		p.SequenceAccountID = *w.SequenceAccountID
	}
	if w.WebhookSecret != nil && !placeholderSecret(*w.WebhookSecret) {
		p.WebhookSecret = *w.WebhookSecret
	}
	// Absent means all types; an empty list can only mean the same thing.
	if len(w.NotificationTypes) > 0 {
		p.NotificationTypes = w.NotificationTypes
	}
	return p, nil
}

// placeholderSecret reports whether a webhookSecret read from the API stands in for the secret
// rather than being it: blank, or masked ("whsec_****abcd", "••••••", "whsec_…abcd"). Such a value
// decodes as absent, the same as an omitted one, so it is never stored or sent back.
func placeholderSecret(secret string) bool {
	return strings.TrimSpace(secret) == "" ||
		strings.Contains(secret, "***") || strings.ContainsRune(secret, '•') || strings.ContainsRune(secret, '…')
}

// decodeNotificationPolicyPage parses one list page and returns its items,
// the cursor of the next page ("" when there is none) and the total number of
// results the server reports (0 when it does not).
func decodeNotificationPolicyPage(body []byte) ([]NotificationPolicy, string, int, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, "", 0, errors.New("the response body is empty")
	}
	var page *wirePolicyPage
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, "", 0, describeJSONError(err, body)
	}
	if page == nil || page.Items == nil {
		return nil, "", 0, errors.New(`the response lacks the "items" list`)
	}
	policies := make([]NotificationPolicy, 0, len(*page.Items))
	for i, raw := range *page.Items {
		var w *wirePolicy
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, "", 0, fmt.Errorf("items[%d]: %w", i, describeJSONError(err, raw))
		}
		if w == nil {
			return nil, "", 0, fmt.Errorf("items[%d] is null", i)
		}
		p, err := w.policy()
		if err != nil {
			return nil, "", 0, fmt.Errorf("items[%d]: %w", i, err)
		}
		policies = append(policies, *p)
	}
	after, total := "", 0
	if page.Pagination != nil && page.Pagination.After != nil {
		after = *page.Pagination.After
	}
	if page.Pagination != nil && page.Pagination.TotalResultSize != nil {
		total = *page.Pagination.TotalResultSize
	}
	return policies, after, total, nil
}

// describeJSONError turns encoding/json errors into text that names the
// field and what was wrong, quoting a little of the (masked) body when it is
// not JSON at all.
func describeJSONError(err error, body []byte) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		if typeErr.Field == "" {
			return fmt.Errorf("the response is a JSON %s, not an object", typeErr.Value)
		}
		return fmt.Errorf("field %q has the wrong type (JSON %s)", typeErr.Field, typeErr.Value)
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return fmt.Errorf("the response is not valid JSON (%w): %s", err, bodyExcerpt("", body))
	}
	return fmt.Errorf("decoding the response: %w", err)
}
