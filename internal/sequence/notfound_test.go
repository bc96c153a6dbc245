package sequence

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

var sequenceMissingPolicy = map[string]any{"errors": []any{map[string]any{"key": "id", "error": "not found"}}}

func TestNotFoundOnlyWhenSequenceSaysSo(t *testing.T) {
	htmlPage := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"))
	}
	tests := []struct {
		name string
		// answer serves every request the client sends, the root check included.
		answer       func(w http.ResponseWriter, r *http.Request)
		wantNotFound bool
		// wantErr are fragments of the error when it is not NotFound.
		wantErr []string
		// wantRootChecks is how many times the policy collection is asked.
		wantRootChecks int
	}{
		{
			name: "Sequence's answer for a missing policy",
			answer: func(w http.ResponseWriter, r *http.Request) {
				if !answerRootCheck(w, r) {
					writeJSON(w, http.StatusNotFound, sequenceMissingPolicy)
				}
			},
			wantNotFound:   true,
			wantRootChecks: 1,
		},
		{
			name: "Sequence's other error shape for a missing policy",
			answer: func(w http.ResponseWriter, r *http.Request) {
				if !answerRootCheck(w, r) {
					writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{"type": "NotFound", "message": "policy not found"}})
				}
			},
			wantNotFound:   true,
			wantRootChecks: 1,
		},
		{
			name:   "a proxy's HTML page",
			answer: func(w http.ResponseWriter, _ *http.Request) { htmlPage(w) },
			wantErr: []string{"/api/notifications/policies/p1", "answered 404 Not Found, but not as Sequence does",
				"HTML page: 404 Not Found", "check the provider's endpoint", DefaultEndpoint},
		},
		{
			name:    "an empty body",
			answer:  func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) },
			wantErr: []string{"/api/notifications/policies/p1", "answered 404 Not Found", "the body is empty", "check the provider's endpoint"},
		},
		{
			name: "JSON that is not a Sequence error",
			answer: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
			},
			wantErr: []string{"the body is not a Sequence error", "check the provider's endpoint"},
		},
		{
			name: "a Sequence-shaped 404 from a path that is not the API (endpoint without /api)",
			answer: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{"type": "NotFound", "message": "no such endpoint"}})
			},
			wantErr: []string{"/api/notifications/policies/p1", "answered 404 Not Found, but not as Sequence does",
				"/api/notifications/policies?limit=1, which Sequence answers with a list of policies, answered 404 Not Found",
				"check the provider's endpoint"},
			wantRootChecks: 1,
		},
		{
			name: "a root that answers 200 with something other than policies",
			answer: func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/api/notifications/policies" {
					w.Header().Set("Content-Type", "text/html")
					_, _ = w.Write([]byte("<html>dashboard</html>"))
					return
				}
				writeJSON(w, http.StatusNotFound, sequenceMissingPolicy)
			},
			wantErr:        []string{"answered 200 OK, but not with a list of policies", "check the provider's endpoint"},
			wantRootChecks: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, _ int) { tt.answer(w, r) })
			c := newTestClient(t, api.base())
			ctx := context.Background()
			// Every operation that can meet a missing policy, twice: the root is checked once per Client.
			for range 2 {
				for name, op := range map[string]func() error{
					"get":    func() error { _, err := c.GetNotificationPolicy(ctx, "p1"); return err },
					"delete": func() error { _, err := c.DeleteNotificationPolicy(ctx, "p1"); return err },
					"add":    func() error { _, err := c.AddRecipients(ctx, "p1", []string{"a@example.com"}); return err },
					"remove": func() error { _, err := c.RemoveNotificationType(ctx, "p1", "INVOICE_ISSUED"); return err },
				} {
					err := op()
					if err == nil {
						t.Fatalf("%s: no error", name)
					}
					if NotFound(err) != tt.wantNotFound {
						t.Fatalf("%s: NotFound(%v) = %v, want %v", name, err, !tt.wantNotFound, tt.wantNotFound)
					}
					for _, fragment := range tt.wantErr {
						if !strings.Contains(err.Error(), fragment) {
							t.Errorf("%s: error %q lacks %q", name, err, fragment)
						}
					}
					assertNoSecret(t, name+" error", err.Error())
				}
			}
			if got := api.requestsTo("/api/notifications/policies"); got != tt.wantRootChecks {
				t.Errorf("root checked %d times, want %d:\n%s", got, tt.wantRootChecks, sprintRequests(api.recorded()))
			}
			if got := api.requestsTo("/api/notifications/policies/p1"); got != 4 {
				t.Errorf("%d requests for the policy, want 4 (a 404 is never retried)", got)
			}
		})
	}
}

func TestRootCheckThatCannotBeAnsweredIsNotRemembered(t *testing.T) {
	var failRoot atomic.Bool
	failRoot.Store(true)
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == "/api/notifications/policies" && failRoot.Load() {
			resetConnection(t, w)
			return
		}
		if !answerRootCheck(w, r) {
			writeJSON(w, http.StatusNotFound, sequenceMissingPolicy)
		}
	})
	c := newTestClient(t, api.base(), func(cfg *Config) { cfg.MaxRetries = 0 })
	_, err := c.GetNotificationPolicy(context.Background(), "p1")
	if err == nil || NotFound(err) || !strings.Contains(err.Error(), "checking that the endpoint is Sequence's API failed") {
		t.Fatalf("err = %v, want a failed check that is not NotFound", err)
	}
	failRoot.Store(false)
	if _, err := c.GetNotificationPolicy(context.Background(), "p1"); !NotFound(err) {
		t.Fatalf("after the root answers: err = %v, want NotFound", err)
	}
}

func TestPrintableURLDropsCredentials(t *testing.T) {
	u, err := url.Parse("https://id:hunter2@example.com/api/notifications/policies/p1?limit=1")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := printableURL(u), "https://example.com/api/notifications/policies/p1?limit=1"; got != want {
		t.Errorf("printableURL = %q, want %q", got, want)
	}
	if u.User == nil {
		t.Error("printableURL changed its argument")
	}
}
