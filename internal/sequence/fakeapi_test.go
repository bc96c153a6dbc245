package sequence

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testClientID     = "test-client-id"
	testClientSecret = "test-client-secret-5f1c9a"
)

// newTestClient returns a client for baseURL with fast backoffs; tweak
// adjusts the config before NewClient.
func newTestClient(t testing.TB, baseURL string, tweak ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Endpoint:     baseURL,
		ClientID:     testClientID,
		ClientSecret: testClientSecret,
		UserAgent:    "terraform-provider-sequence/test",
		MaxRetries:   3,
		MinBackoff:   time.Millisecond,
		MaxBackoff:   5 * time.Millisecond,
	}
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// cloneDefaultTransport is a copy of net/http's default transport for a test to adjust.
func cloneDefaultTransport(t testing.TB) *http.Transport {
	t.Helper()
	transport, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t.Fatalf("http.DefaultTransport is a %T", http.DefaultTransport)
	}
	return transport.Clone()
}

// fakeAPI is an httptest server whose answers are scripted per request.
type fakeAPI struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recordedRequest
}

type recordedRequest struct {
	Method      string
	EscapedPath string
	Query       string
	Header      http.Header
	Body        string
}

// newFakeAPI serves handler under /api and records every request before
// calling it. The base URL for the client is fake.URL + "/api".
func newFakeAPI(t testing.TB, handler func(w http.ResponseWriter, r *http.Request, n int)) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.requests = append(f.requests, recordedRequest{
			Method:      r.Method,
			EscapedPath: r.URL.EscapedPath(),
			Query:       r.URL.RawQuery,
			Header:      r.Header.Clone(),
			Body:        string(body),
		})
		n := len(f.requests)
		f.mu.Unlock()
		handler(w, r, n)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) base() string { return f.URL + "/api" }

func (f *fakeAPI) recorded() []recordedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recordedRequest(nil), f.requests...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// answerRootCheck answers a GET of the policy collection with an empty page,
// as Sequence does, and reports whether r was one. A client confirms that a
// 404 is Sequence's with that request, so a fake answering 404s needs it.
func answerRootCheck(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet || r.URL.Path != "/api/notifications/policies" {
		return false
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": []any{}, "pagination": map[string]any{"totalResultSize": 0}})
	return true
}

// requestsTo counts the recorded requests to one escaped path.
func (f *fakeAPI) requestsTo(escapedPath string) int {
	n := 0
	for _, r := range f.recorded() {
		if r.EscapedPath == escapedPath {
			n++
		}
	}
	return n
}

// resetConnection drops the connection without an answer, as a proxy or a
// crashed server would after the request was read.
func resetConnection(t testing.TB, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

func samplePolicy(id string) NotificationPolicy {
	return NotificationPolicy{
		ID:                id,
		CreatedAt:         time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		SequenceAccountID: "acct-1",
		Name:              "Finance team emails",
		Channel:           ChannelEmail,
		Recipients:        []string{"finance@example.com"},
		NotificationTypes: []string{"INVOICE_ISSUED"},
	}
}

// assertNoSecret fails if text contains a credential or its Basic-auth encoding.
func assertNoSecret(t testing.TB, what, text string, extra ...string) {
	t.Helper()
	c := newTestClient(t, "https://example.com/api")
	for _, s := range append(c.redact, extra...) {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s contains a secret (%q):\n%s", what, s, text)
		}
	}
	if strings.Contains(text, "Authorization") || strings.Contains(text, "Basic ") {
		t.Errorf("%s mentions the Authorization header:\n%s", what, text)
	}
}

func ctxWithTimeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// must(f())(t) returns f's value, failing t if f returned an error.
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func sprintRequests(reqs []recordedRequest) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "%s %s?%s\n", r.Method, r.EscapedPath, r.Query)
	}
	return b.String()
}
