package sequence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// A 404 means "this policy does not exist" only when Sequence says so. An
// endpoint without /api, a proxy's error page or another server answers 404
// to every path, and reading that as "deleted" would make a refresh drop every
// policy from state and a destroy report success while the policies stay.
//
// So a 404 is Sequence's (an *APIError, for which NotFound is true) only when
// its body is one of Sequence's JSON error shapes and the API root (the
// policy collection) answers like Sequence, which is checked once per Client.
// Any other 404 is an error naming the URL and pointing at the endpoint.

// apiRootCheck remembers whether the endpoint's policy collection answers like Sequence.
type apiRootCheck struct {
	mu      sync.Mutex // held during the check, so concurrent 404s share one request
	checked bool
	problem string // "" when the root answers like Sequence
}

// send runs call through the retry loop (do), the way every operation does, and then holds a
// 404 to being Sequence's: one that is not comes back as an error naming the URL and pointing at
// the endpoint, never as an *APIError for which NotFound is true.
func (c *Client) send(ctx context.Context, call *apiCall) (*apiResult, error) {
	res, err := c.do(ctx, call)
	if res != nil && res.status == http.StatusNotFound {
		if foreign := c.confirmNotFound(c.logContext(ctx, call.redact), call, res); foreign != nil {
			return res, foreign
		}
	}
	return res, err
}

// confirmNotFound returns nil when the 404 answer res to call comes from
// Sequence, else an error saying why it does not.
func (c *Client) confirmNotFound(ctx context.Context, call *apiCall, res *apiResult) error {
	reqURL := c.url(call.segments, call.query)
	if !isSequenceErrorBody(res.body) {
		return c.foreignNotFound(call, reqURL, notSequenceBody(res))
	}
	problem, err := c.apiRootProblem(ctx)
	if err != nil {
		return c.opError(call, fmt.Errorf("%s %s answered 404 Not Found, and checking that the endpoint is Sequence's API failed: %w",
			call.method, printableURL(reqURL), err))
	}
	if problem != "" {
		return c.foreignNotFound(call, reqURL, problem)
	}
	return nil
}

// apiRootProblem lists one policy, once per Client, and says what is wrong
// with the answer ("" when it is a page of policies). A failure to get any
// answer (network, retries used up, ctx done) is an error and is not remembered.
func (c *Client) apiRootProblem(ctx context.Context) (string, error) {
	c.root.mu.Lock()
	defer c.root.mu.Unlock()
	if c.root.checked {
		return c.root.problem, nil
	}
	call := &apiCall{
		op:       "checking that the endpoint is Sequence's API",
		method:   http.MethodGet,
		segments: policiesPath,
		query:    url.Values{"limit": {"1"}},
	}
	rootURL := printableURL(c.url(call.segments, call.query))
	res, err := c.do(ctx, call) // not send: this call's own 404 is an answer, not a question
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr):
		c.root.problem = fmt.Sprintf("GET %s, which Sequence answers with a list of policies, answered %s", rootURL, statusLine(apiErr.StatusCode))
	case err != nil:
		return "", err
	default:
		if _, _, _, decodeErr := decodeNotificationPolicyPage(res.body); decodeErr != nil {
			c.root.problem = fmt.Sprintf("GET %s answered %s, but not with a list of policies", rootURL, statusLine(res.status))
		}
	}
	c.root.checked = true
	return c.root.problem, nil
}

func (c *Client) foreignNotFound(call *apiCall, reqURL *url.URL, why string) error {
	return c.opError(call, fmt.Errorf("%s %s answered 404 Not Found, but not as Sequence does (%s); check the provider's endpoint: it must be the base URL of Sequence's API, such as %s",
		call.method, printableURL(reqURL), why, DefaultEndpoint))
}

// notSequenceBody describes a 404 body that is not a Sequence error.
func notSequenceBody(res *apiResult) string {
	if len(strings.TrimSpace(string(res.body))) == 0 {
		return "the body is empty"
	}
	return "the body is not a Sequence error: " + bodyExcerpt(res.contentType, res.body)
}

// isSequenceErrorBody reports whether body is one of Sequence's error shapes:
// `{"errors":[{"key","error"}...]}` or `{"error":{"type","message"}}`.
func isSequenceErrorBody(body []byte) bool {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil {
		return false
	}
	var fields []map[string]any
	if raw, ok := doc["errors"]; ok && json.Unmarshal(raw, &fields) == nil && len(fields) > 0 {
		for _, f := range fields {
			if firstString(f, "key", "error", "message") == "" {
				return false
			}
		}
		return true
	}
	var inner map[string]any
	if raw, ok := doc["error"]; ok && json.Unmarshal(raw, &inner) == nil {
		return firstString(inner, "type", "message") != ""
	}
	return false
}

// printableURL is u without credentials, safe to put in an error.
func printableURL(u *url.URL) string {
	clean := *u
	clean.User = nil
	return clean.String()
}
