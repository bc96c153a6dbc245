package sequence

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

func policyPath(id string, more ...string) []string {
	return append([]string{"notifications", "policies", id}, more...)
}

// GetNotificationPolicy reads one policy; a missing one is an APIError for which NotFound is true.
func (c *Client) GetNotificationPolicy(ctx context.Context, id string) (*NotificationPolicy, error) {
	call := &apiCall{
		op:       fmt.Sprintf("reading notification policy %q", id),
		method:   http.MethodGet,
		segments: policyPath(id),
	}
	return c.policyCall(ctx, call)
}

// DeleteNotificationPolicy deletes a policy and returns it as the API last
// saw it. A 404, including on a retry after an attempt that may already have
// deleted it, is an APIError for which NotFound is true. A 2xx with a body
// that is not a policy still means deleted: the result then carries only the ID.
func (c *Client) DeleteNotificationPolicy(ctx context.Context, id string) (*NotificationPolicy, error) {
	call := &apiCall{
		op:       fmt.Sprintf("deleting notification policy %q", id),
		method:   http.MethodDelete,
		segments: policyPath(id),
		writes:   id,
	}
	res, err := c.send(ctx, call)
	if err != nil {
		return nil, err
	}
	p, err := decodeNotificationPolicy(res.body)
	if err != nil {
		tflog.SubsystemDebug(ctx, LogSubsystem, "Delete succeeded but its response is not a policy", map[string]any{
			"operation": call.op,
			"status":    res.status,
			"problem":   err.Error(),
		})
		return &NotificationPolicy{ID: id}, nil //nolint:nilerr // a 2xx means deleted; the body only adds detail
	}
	return p, nil
}

// AddRecipients adds recipients (those already present are accepted and not duplicated).
func (c *Client) AddRecipients(ctx context.Context, id string, recipients []string) (*NotificationPolicy, error) {
	if recipients == nil {
		recipients = []string{}
	}
	return c.policyCall(ctx, &apiCall{
		op:       fmt.Sprintf("adding recipients to notification policy %q", id),
		method:   http.MethodPost,
		segments: policyPath(id, "recipients"),
		writes:   id,
		body:     map[string][]string{"recipients": recipients},
	})
}

// RemoveRecipient removes one recipient. A recipient already gone (an earlier
// attempt removed it, or someone else did) counts as removed: the API's "not a
// recipient of this policy" 400 is checked by reading the policy back, and the
// policy is returned if the recipient is not on it.
func (c *Client) RemoveRecipient(ctx context.Context, id, recipient string) (*NotificationPolicy, error) {
	call := &apiCall{
		op:       fmt.Sprintf("removing recipient %q from notification policy %q", recipient, id),
		method:   http.MethodDelete,
		segments: policyPath(id, "recipients", recipient),
		writes:   id,
	}
	return c.removal(ctx, call, id, func(p *NotificationPolicy) bool { return p.HasRecipient(recipient) })
}

// AddNotificationTypes adds types. On a policy receiving all types the
// result receives exactly the added types (the API's behaviour).
func (c *Client) AddNotificationTypes(ctx context.Context, id string, types []string) (*NotificationPolicy, error) {
	if types == nil {
		types = []string{}
	}
	return c.policyCall(ctx, &apiCall{
		op:       fmt.Sprintf("adding notification types to notification policy %q", id),
		method:   http.MethodPost,
		segments: policyPath(id, "notification-types"),
		writes:   id,
		body:     map[string][]string{"notificationTypes": types},
	})
}

// RemoveNotificationType removes one type; removing the last leaves a policy
// that receives all types. A type already gone counts as removed, as in RemoveRecipient.
func (c *Client) RemoveNotificationType(ctx context.Context, id, notificationType string) (*NotificationPolicy, error) {
	call := &apiCall{
		op:       fmt.Sprintf("removing notification type %q from notification policy %q", notificationType, id),
		method:   http.MethodDelete,
		segments: policyPath(id, "notification-types", notificationType),
		writes:   id,
	}
	return c.removal(ctx, call, id, func(p *NotificationPolicy) bool {
		return slices.Contains(p.NotificationTypes, notificationType)
	})
}

// removal runs a one-element removal. A 400 may mean the element is not on
// the policy (an earlier attempt whose answer was lost removed it, or someone
// removed it in the dashboard since the plan): the goal is reached, so read
// the policy and succeed if the element is gone. Any other 400 (such as
// removing the last recipient) stays an error.
func (c *Client) removal(ctx context.Context, call *apiCall, id string, stillThere func(*NotificationPolicy) bool) (*NotificationPolicy, error) {
	res, err := c.send(ctx, call)
	if err != nil {
		var apiErr *APIError
		if res != nil && errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest {
			if p, getErr := c.GetNotificationPolicy(ctx, id); getErr == nil && !stillThere(p) {
				return p, nil
			}
		}
		return nil, err
	}
	return c.decodePolicy(call, res)
}

// policyCall runs a call whose answer is one policy.
func (c *Client) policyCall(ctx context.Context, call *apiCall) (*NotificationPolicy, error) {
	res, err := c.send(ctx, call)
	if err != nil {
		return nil, err
	}
	return c.decodePolicy(call, res)
}

func (c *Client) decodePolicy(call *apiCall, res *apiResult) (*NotificationPolicy, error) {
	p, err := decodeNotificationPolicy(res.body)
	if err != nil {
		return nil, c.opError(call, fmt.Errorf("malformed response (%s): %w", statusLine(res.status), err))
	}
	c.seen.record(*p)
	return p, nil
}

func statusLine(status int) string {
	if text := http.StatusText(status); text != "" {
		return strconv.Itoa(status) + " " + text
	}
	return strconv.Itoa(status)
}
