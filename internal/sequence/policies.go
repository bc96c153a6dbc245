package sequence

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"
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
	Name       string
	Channel    string
	Recipients []string
	// NotificationTypes nil or empty means all types (the member is omitted).
	NotificationTypes []string
	// WebhookSecret "" means Sequence generates one for a WEBHOOK policy.
	WebhookSecret string
}

// ListNotificationPoliciesOptions narrows a list.
type ListNotificationPoliciesOptions struct {
	// NotificationType, when set, lists only policies that receive this type.
	NotificationType string
	// PageSize is the limit per request; 0 (or anything outside 1..100) means 100.
	PageSize int
}

const maxPageSize = 100

func policyPath(id string, more ...string) []string {
	return append([]string{"notifications", "policies", id}, more...)
}

var policiesPath = []string{"notifications", "policies"}

// ListNotificationPolicies returns every policy (following all pages), in the
// order the API returns them. A policy seen on two pages is returned once.
//
// A page larger than the response cap is asked for again with half the limit,
// down to one policy per page. A server that keeps handing out cursors stops
// the listing with an error naming the cursor: when a page adds no policy not
// already listed, when a cursor repeats, or after more pages than
// totalResultSize can fill (maxListPages when the server gives no total).
func (c *Client) ListNotificationPolicies(ctx context.Context, opts ListNotificationPoliciesOptions) ([]NotificationPolicy, error) {
	op := "listing notification policies"
	if opts.NotificationType != "" {
		op = fmt.Sprintf("listing notification policies of type %q", opts.NotificationType)
	}
	limit := opts.PageSize
	if limit <= 0 || limit > maxPageSize {
		limit = maxPageSize
	}
	policies := []NotificationPolicy{}
	seenIDs := map[string]bool{}
	seenCursors := map[string]bool{}
	after := ""
	total := 0 // the largest totalResultSize reported
	for page := 1; ; page++ {
		query := map[string][]string{"limit": {strconv.Itoa(limit)}}
		if opts.NotificationType != "" {
			query["notificationType"] = []string{opts.NotificationType}
		}
		if after != "" {
			query["after"] = []string{after}
		}
		call := &apiCall{op: op, method: http.MethodGet, segments: policiesPath, query: query}
		if page > listPageCap(total, limit) {
			return nil, c.opError(call, fmt.Errorf("gave up after %d pages (the server reported %d policies) with cursor %q still leading to more; stopping rather than looping forever",
				page-1, total, after))
		}
		res, err := c.do(ctx, call)
		var tooLarge *responseTooLargeError
		if errors.As(err, &tooLarge) {
			if limit > 1 {
				tflog.SubsystemDebug(ctx, LogSubsystem, "List page too large; asking for fewer policies per page", map[string]any{
					"operation": op, "limit": limit, "next_limit": limit / 2,
				})
				limit /= 2
				page--
				continue
			}
			return nil, fmt.Errorf("%w: a page of a single policy (after cursor %q) is too large to read, so one policy is larger than %d bytes", err, after, tooLarge.limit)
		}
		if err != nil {
			return nil, err
		}
		items, next, pageTotal, err := decodeNotificationPolicyPage(res.body)
		if err != nil {
			return nil, c.opError(call, fmt.Errorf("malformed response for page %d (%s): %w", page, statusLine(res.status), err))
		}
		total = max(total, pageTotal)
		c.seen.record(items...)
		added := 0
		for _, p := range items {
			if !seenIDs[p.ID] {
				seenIDs[p.ID] = true
				policies = append(policies, p)
				added++
			}
		}
		if next == "" || len(items) == 0 {
			return policies, nil
		}
		if added == 0 {
			return nil, c.opError(call, fmt.Errorf("page %d (cursor %q) holds only policies already listed, yet points to a next page (cursor %q); stopping rather than looping forever", page, after, next))
		}
		if seenCursors[next] {
			return nil, c.opError(call, fmt.Errorf("page %d repeats an earlier pagination cursor (%q); stopping rather than looping forever", page, next))
		}
		seenCursors[next] = true
		after = next
	}
}

// maxListPages bounds a listing whose server reports no total: a million
// policies at the largest page size, generous for any account.
const maxListPages = 10_000

// listPageCap is how many pages a listing may take when the server reports
// total results and pages hold up to limit: enough to read them all at that
// limit, plus slack for policies created meanwhile and for smaller pages
// asked before.
func listPageCap(total, limit int) int {
	if total <= 0 {
		return maxListPages
	}
	return min(maxListPages, (total+limit-1)/limit+10+total/10)
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

// CreateNotificationPolicy creates a policy. The API has no idempotency keys,
// so the request is repeated only when it cannot have been processed (429, no
// connection, request not fully written). After an ambiguous failure (5xx, a
// connection lost after the request was written, a timeout) the client lists
// policies for the one this request would have created: same name, channel,
// recipients (e-mails case-insensitively) and types; not received by this
// Client before the first attempt was sent; neither created nor adopted
// earlier by this Client; and not created (createdAt) before the first
// attempt was sent, by the server's clock as bounded from the Date headers
// and this Client's own creates' createdAt (see serverClock; the local clock
// when no response had a Date). A single match is adopted and returned as if
// created, even when the clocks are not known closely enough to rule out
// that it was made just before the attempt. None means the create is
// repeated (within MaxRetries); several is an *UnresolvedCreateError listing
// them, and nothing is created again. Identical creates on one Client run one
// at a time so they never adopt each other's policy.
func (c *Client) CreateNotificationPolicy(ctx context.Context, req CreateNotificationPolicyRequest) (*NotificationPolicy, error) {
	unlock := c.creates.lock(createFingerprint(req))
	defer unlock()

	body := createBody(req)
	if body.Recipients == nil {
		body.Recipients = []string{}
	}
	call := &apiCall{
		op:       fmt.Sprintf("creating notification policy %q", req.Name),
		method:   http.MethodPost,
		segments: policiesPath,
		body:     body,
		mode:     retryUnprocessed,
	}
	if req.WebhookSecret != "" {
		call.redact = []string{req.WebhookSecret}
	}
	call.recoverAmbiguous = func(ctx context.Context, cause error) (*NotificationPolicy, error) {
		p, err := c.findCreatedPolicy(ctx, call, req, cause)
		if err != nil {
			return nil, &policyMayExistError{err: err}
		}
		return p, nil
	}

	res, err := c.do(ctx, call)
	if err != nil {
		return nil, err
	}
	p := res.adopted
	if p == nil {
		if p, err = decodeNotificationPolicy(res.body); err != nil {
			//nolint:staticcheck // ST1005: "Sequence" is a name, so it keeps its capital
			return nil, c.opError(call, fmt.Errorf("Sequence answered %s, so the policy was probably created, but the response is malformed: %w", statusLine(res.status), err))
		}
		c.creates.claim(p.ID)
		// Stamped while this attempt was in flight: the closest reading of the server's clock there is.
		c.clock.observeCreatedAt(p.CreatedAt, res.sent, res.received)
	}
	if p.WebhookSecret == "" && req.WebhookSecret != "" {
		// The secret we sent is the policy's secret even when a response omits it.
		p.WebhookSecret = req.WebhookSecret
	}
	return p, nil
}

// createBody is CreateNotificationPolicyRequest on the wire (the same fields, so one converts to the other).
type createBody struct {
	Name              string   `json:"name"`
	Channel           string   `json:"channel"`
	Recipients        []string `json:"recipients"`
	NotificationTypes []string `json:"notificationTypes,omitempty"`
	WebhookSecret     string   `json:"webhookSecret,omitempty"`
}

// findCreatedPolicy looks for the policy an ambiguous create produced. It
// returns nil when there is none, so the create may be sent again.
func (c *Client) findCreatedPolicy(ctx context.Context, call *apiCall, req CreateNotificationPolicyRequest, cause error) (*NotificationPolicy, error) {
	opts := ListNotificationPoliciesOptions{}
	if len(req.NotificationTypes) > 0 {
		// Any policy with exactly our types receives this one; the filter just saves pages.
		opts.NotificationType = req.NotificationTypes[0]
	}
	candidates, err := c.ListNotificationPolicies(ctx, opts)
	if err != nil {
		//nolint:errorlint // the cause is context: callers match on why the check failed, not on the attempt before it
		return nil, c.opError(call, fmt.Errorf("the create may have been processed (%v), and checking for it failed: %w", cause, err))
	}
	var matches []CreateCandidate
	var policies []NotificationPolicy
	for _, p := range candidates {
		if !matchesCreate(p, req) || c.creates.isClaimed(p.ID) || c.seen.before(p.ID, call.firstSent) {
			continue
		}
		when := c.clock.placeCreation(p.CreatedAt, call.firstSent)
		if when == createdBefore {
			continue // a look-alike that existed before the attempt: never ours
		}
		matches = append(matches, CreateCandidate{ID: p.ID, CreatedAt: p.CreatedAt, CreatedAfterSend: when == createdAfter})
		policies = append(policies, p)
	}
	switch len(matches) {
	case 0:
		tflog.SubsystemDebug(ctx, LogSubsystem, "Ambiguous create left no policy behind; creating again", map[string]any{
			"operation": call.op,
			"cause":     cause.Error(),
		})
		return nil, nil
	case 1:
		p := policies[0]
		c.creates.claim(p.ID)
		tflog.SubsystemInfo(ctx, LogSubsystem, "Adopted the policy an ambiguous create produced", map[string]any{
			"operation":          call.op,
			"id":                 p.ID,
			"created_at":         p.CreatedAt,
			"created_after_send": matches[0].CreatedAfterSend,
			"cause":              cause.Error(),
		})
		if p.Channel == ChannelWebhook && p.WebhookSecret == "" && req.WebhookSecret == "" {
			// Lists may omit secrets; a read may still carry the generated one.
			if full, err := c.GetNotificationPolicy(ctx, p.ID); err == nil && full.ID == p.ID {
				p = *full
			}
		}
		return &p, nil
	default:
		return nil, c.opError(call, &UnresolvedCreateError{Name: req.Name, Cause: cause, Candidates: matches})
	}
}

// UnresolvedCreateError is a create that may have succeeded, after which
// several policies match what it would have made, so the client cannot tell
// which, if any, is its own. It created nothing more.
type UnresolvedCreateError struct {
	Name string
	// Cause is why the create's outcome is unknown. It is context, not what
	// went wrong, so the error does not unwrap to it.
	Cause      error
	Candidates []CreateCandidate
}

// CreateCandidate is a policy an unresolved create may have made.
type CreateCandidate struct {
	ID        string
	CreatedAt string // as sent by the API
	// CreatedAfterSend is true when, by the server's clock, the policy was
	// created after the create's first attempt was sent; false means the
	// clocks are not known closely enough to say (it may predate the apply).
	CreatedAfterSend bool
}

func (e *UnresolvedCreateError) Error() string {
	list := make([]string, len(e.Candidates))
	for i, p := range e.Candidates {
		when := "possibly before the create was sent"
		if p.CreatedAfterSend {
			when = "after the create was sent"
		}
		list[i] = fmt.Sprintf("%s (created %s, %s)", p.ID, p.CreatedAt, when)
	}
	return fmt.Sprintf("the create may have succeeded (%v), and %d policies named %q now match it: %s. "+
		"Which of them, if any, this create made cannot be told, so it was not sent again; "+
		"those that may predate it can be someone else's (made in the dashboard or by another run)",
		e.Cause, len(e.Candidates), e.Name, strings.Join(list, "; "))
}

// matchesCreate reports whether p has every field req would have created it with.
func matchesCreate(p NotificationPolicy, req CreateNotificationPolicyRequest) bool {
	if p.Name != req.Name || p.Channel != req.Channel {
		return false
	}
	if req.WebhookSecret != "" && p.WebhookSecret != "" && p.WebhookSecret != req.WebhookSecret {
		return false
	}
	foldCase := strings.EqualFold(req.Channel, ChannelEmail)
	return sameSet(p.Recipients, req.Recipients, foldCase) && sameSet(p.NotificationTypes, req.NotificationTypes, false)
}

// sameSet compares a and b as sets, optionally ignoring case.
func sameSet(a, b []string, foldCase bool) bool {
	return slices.Equal(normalizedSet(a, foldCase), normalizedSet(b, foldCase))
}

// normalizedSet is in sorted, without duplicates, keyed as e-mail recipients (RecipientKey) if foldCase.
func normalizedSet(in []string, foldCase bool) []string {
	out := make([]string, len(in))
	for i, s := range in {
		if foldCase {
			s = RecipientKey(ChannelEmail, s)
		}
		out[i] = s
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// createFingerprint identifies creates that could match the same policy.
func createFingerprint(req CreateNotificationPolicyRequest) string {
	quoted := func(in []string) string {
		out := make([]string, len(in))
		for i, s := range in {
			out[i] = strconv.Quote(s)
		}
		return strings.Join(out, ",")
	}
	return strings.Join([]string{
		strconv.Quote(req.Name), strconv.Quote(req.Channel),
		quoted(normalizedSet(req.Recipients, strings.EqualFold(req.Channel, ChannelEmail))),
		quoted(normalizedSet(req.NotificationTypes, false)),
	}, "|")
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
	}
	res, err := c.do(ctx, call)
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
	}
	return c.removal(ctx, call, id, func(p *NotificationPolicy) bool { return p.HasRecipient(recipient) })
}

// HasRecipient reports whether recipient is on the policy as Sequence compares recipients
// (RecipientKey): e-mail addresses ignoring letter case, webhook URLs exactly.
func (p *NotificationPolicy) HasRecipient(recipient string) bool {
	return slices.ContainsFunc(p.Recipients, func(r string) bool {
		return RecipientKey(p.Channel, r) == RecipientKey(p.Channel, recipient)
	})
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
	res, err := c.do(ctx, call)
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
	res, err := c.do(ctx, call)
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
