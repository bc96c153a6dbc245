// Creating a policy: the one call that is not safe to repeat, so an ambiguous
// failure is resolved by looking for the policy it may have made.

package sequence

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

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

	body := req
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
	var adopted *NotificationPolicy // the policy an ambiguous attempt made, once found
	call.recoverAmbiguous = func(ctx context.Context, cause error) (bool, error) {
		p, err := c.findCreatedPolicy(ctx, call, req, cause)
		if err != nil {
			return false, &policyMayExistError{err: err}
		}
		adopted = p
		return p != nil, nil
	}

	res, err := c.send(ctx, call)
	if err != nil {
		return nil, err
	}
	p := adopted
	if !res.recovered {
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

// matchesCreate reports whether p has every field req would have created it with.
func matchesCreate(p NotificationPolicy, req CreateNotificationPolicyRequest) bool {
	if p.Name != req.Name || p.Channel != req.Channel {
		return false
	}
	if req.WebhookSecret != "" && p.WebhookSecret != "" && p.WebhookSecret != req.WebhookSecret {
		return false
	}
	return SameSet(p.Recipients, req.Recipients, RecipientSetKey(req.Channel)) &&
		SameSet(p.NotificationTypes, req.NotificationTypes, NotificationTypeKey)
}

// createFingerprint identifies creates that could match the same policy.
func createFingerprint(req CreateNotificationPolicyRequest) string {
	return strings.Join([]string{
		strconv.Quote(req.Name), strconv.Quote(req.Channel),
		QuoteAll(SetKeys(req.Recipients, RecipientSetKey(req.Channel))),
		QuoteAll(SetKeys(req.NotificationTypes, NotificationTypeKey)),
	}, "|")
}

// createRegistry remembers the policies this Client created or adopted, so
// that recovering an ambiguous create never adopts a sibling's policy, and
// serialises identical creates so siblings never race each other's recovery.
type createRegistry struct {
	mu      sync.Mutex
	claimed map[string]bool
	locks   map[string]*fingerprintLock
}

type fingerprintLock struct {
	mu   sync.Mutex
	refs int
}

// lock serialises creates with the same fingerprint; call the returned func to release.
func (r *createRegistry) lock(fingerprint string) func() {
	r.mu.Lock()
	if r.locks == nil {
		r.locks = make(map[string]*fingerprintLock)
	}
	l := r.locks[fingerprint]
	if l == nil {
		l = &fingerprintLock{}
		r.locks[fingerprint] = l
	}
	l.refs++
	r.mu.Unlock()

	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		r.mu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(r.locks, fingerprint)
		}
		r.mu.Unlock()
	}
}

func (r *createRegistry) claim(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.claimed == nil {
		r.claimed = make(map[string]bool)
	}
	r.claimed[id] = true
}

func (r *createRegistry) isClaimed(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.claimed[id]
}
