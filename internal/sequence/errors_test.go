package sequence

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestAPIErrorParsesBothBodyShapes(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantType    string
		wantMessage string
		wantFields  []FieldError
		wantText    string
	}{
		{
			name:   "validation errors list key and message",
			status: 400, body: `{"errors":[{"key":"recipients[1]","error":"not a valid e-mail address"}]}`,
			wantFields: []FieldError{{"recipients[1]", "not a valid e-mail address"}},
			wantText:   `creating notification policy "x": 400 Bad Request: recipients[1]: not a valid e-mail address`,
		},
		{
			name:   "several validation errors are joined",
			status: 400, body: `{"errors":[{"key":"name","error":"required"},{"key":"channel","error":"must be WEBHOOK or EMAIL"}]}`,
			wantFields: []FieldError{{"name", "required"}, {"channel", "must be WEBHOOK or EMAIL"}},
			wantText:   `creating notification policy "x": 400 Bad Request: name: required; channel: must be WEBHOOK or EMAIL`,
		},
		{
			name:   "typed error gives type and message",
			status: 400, body: `{"error":{"type":"UnrecognisedApiVersion","message":"version 1999-01-01 is not recognised"}}`,
			wantType: "UnrecognisedApiVersion", wantMessage: "version 1999-01-01 is not recognised",
			wantText: `creating notification policy "x": 400 Bad Request: UnrecognisedApiVersion: version 1999-01-01 is not recognised`,
		},
		{
			name:   "validation item using message instead of error",
			status: 400, body: `{"errors":[{"field":"name","message":"too long"}]}`,
			wantFields: []FieldError{{"name", "too long"}},
			wantText:   `creating notification policy "x": 400 Bad Request: name: too long`,
		},
		{
			name:   "validation items that are plain strings",
			status: 400, body: `{"errors":["name is required"]}`,
			wantFields: []FieldError{{"", "name is required"}},
			wantText:   `creating notification policy "x": 400 Bad Request: name is required`,
		},
		{
			name:   "top-level message that only repeats the status is not repeated",
			status: 401, body: `{"message":"Unauthorized"}`,
			wantMessage: "Unauthorized",
			wantText: `creating notification policy "x": 401 Unauthorized. Sequence refused the client id and secret. ` +
				`Production and sandbox have separate API clients, and each environment refuses the other's credentials: ` +
				`check that the endpoint (production https://eu.sequencehq.com/api, sandbox https://sandbox.sequencehq.com/api) ` +
				`is the environment the API client was created in.`,
		},
		{
			name:   "error type that repeats the status is not repeated",
			status: 401, body: `{"error":{"type":"Unauthorized","message":"missing or invalid API credentials"}}`,
			wantType: "Unauthorized", wantMessage: "missing or invalid API credentials",
			wantText: `creating notification policy "x": 401 Unauthorized: missing or invalid API credentials. Sequence refused ` +
				`the client id and secret. Production and sandbox have separate API clients, and each environment refuses the ` +
				`other's credentials: check that the endpoint (production https://eu.sequencehq.com/api, sandbox ` +
				`https://sandbox.sequencehq.com/api) is the environment the API client was created in.`,
		},
		{
			name:   "a message ending in a period gets no second one before the hint",
			status: 401, body: `{"message":"Bad credentials."}`,
			wantMessage: "Bad credentials.",
			wantText: `creating notification policy "x": 401 Unauthorized: Bad credentials. Sequence refused the client id and ` +
				`secret. Production and sandbox have separate API clients, and each environment refuses the other's ` +
				`credentials: check that the endpoint (production https://eu.sequencehq.com/api, sandbox ` +
				`https://sandbox.sequencehq.com/api) is the environment the API client was created in.`,
		},
		{
			name:   "error type spelled without the space of the status text is not repeated",
			status: 404, body: `{"error":{"type":"NOT_FOUND","message":"no policy abc"}}`,
			wantType: "NOT_FOUND", wantMessage: "no policy abc",
			wantText: `creating notification policy "x": 404 Not Found: no policy abc`,
		},
		{
			name:   "empty errors list falls back to the raw body",
			status: 500, body: `{"errors":[]}`,
			wantMessage: `{"errors":[]}`,
			wantText:    `creating notification policy "x": 500 Internal Server Error: {"errors":[]}`,
		},
		{
			name:   "wrong JSON types fall back to the raw body",
			status: 400, body: `{"errors":42,"error":[1,2]}`,
			wantMessage: `{"errors":42,"error":[1,2]}`,
			wantText:    `creating notification policy "x": 400 Bad Request: {"errors":42,"error":[1,2]}`,
		},
		{
			name:   "plain text body is trimmed",
			status: 503, body: "  upstream connect error\n\n  or disconnect  ",
			wantMessage: "upstream connect error or disconnect",
			wantText:    `creating notification policy "x": 503 Service Unavailable: upstream connect error or disconnect`,
		},
		{
			name:   "empty body gives the status alone",
			status: 502, body: "",
			wantText: `creating notification policy "x": 502 Bad Gateway`,
		},
		{
			name:   "HTML page is reduced to its title",
			status: 502, contentType: "text/html; charset=utf-8",
			body:        "<html><head><title>502 Bad Gateway</title><style>body{}</style></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
			wantMessage: "HTML page: 502 Bad Gateway",
			wantText:    `creating notification policy "x": 502 Bad Gateway: HTML page: 502 Bad Gateway`,
		},
		{
			name:   "HTML page without a title is reduced to its text",
			status: 504, body: "<!DOCTYPE html><html><body><script>var x=1;</script><p>The gateway timed   out.</p></body></html>",
			wantMessage: "HTML page: The gateway timed out.",
			wantText:    `creating notification policy "x": 504 Gateway Timeout: HTML page: The gateway timed out.`,
		},
		{
			name:   "unknown status code has no text",
			status: 599, body: "",
			wantText: `creating notification policy "x": 599`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAPIError(`creating notification policy "x"`, tt.status, tt.contentType, []byte(tt.body), nil)
			if e.StatusCode != tt.status || e.Type != tt.wantType || e.Message != tt.wantMessage {
				t.Errorf("got status %d type %q message %q, want %d %q %q", e.StatusCode, e.Type, e.Message, tt.status, tt.wantType, tt.wantMessage)
			}
			if fmt.Sprint(e.Fields) != fmt.Sprint(tt.wantFields) {
				t.Errorf("fields = %v, want %v", e.Fields, tt.wantFields)
			}
			if got := e.Error(); got != tt.wantText {
				t.Errorf("Error() =\n  %s\nwant\n  %s", got, tt.wantText)
			}
		})
	}
}

func TestAPIErrorCapsLongBodies(t *testing.T) {
	e := newAPIError("op", 500, "text/plain", []byte(strings.Repeat("x", 10_000)), nil)
	if n := len([]rune(e.Message)); n > maxRawBodyRunes+1 {
		t.Errorf("message has %d runes, want at most %d", n, maxRawBodyRunes+1)
	}
	many := `{"errors":[` + strings.Repeat(`{"key":"k","error":"e"},`, 100) + `{"key":"k","error":"e"}]}`
	e = newAPIError("op", 400, "", []byte(many), nil)
	if len(e.Fields) != maxFieldErrors+1 || !strings.Contains(e.Error(), "and 81 more") {
		t.Errorf("got %d fields, text %q; want %d fields ending in a count", len(e.Fields), e.Error(), maxFieldErrors+1)
	}
	invalidUTF8 := newAPIError("op", 500, "", []byte("bad \xff\xfe bytes"), nil)
	if !strings.Contains(invalidUTF8.Message, "bad") || !utf8.ValidString(invalidUTF8.Message) {
		t.Errorf("invalid UTF-8 kept: %q", invalidUTF8.Message)
	}
}

func TestNotFoundRecognisesOnly404APIErrors(t *testing.T) {
	notFound := &APIError{Operation: "op", StatusCode: 404}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"404 API error", notFound, true},
		{"wrapped 404 API error", fmt.Errorf("reading: %w", notFound), true},
		{"400 API error", &APIError{StatusCode: 400}, false},
		{"other error", errors.New("404"), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NotFound(tt.err); got != tt.want {
				t.Errorf("NotFound = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestGetOfUnknownPolicyIsNotFound(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if answerRootCheck(w, r) {
			return
		}
		writeJSON(w, 404, map[string]any{"errors": []any{map[string]any{"key": "id", "error": "not found"}}})
	})
	c := newTestClient(t, api.base())
	_, err := c.GetNotificationPolicy(context.Background(), "missing")
	if !NotFound(err) {
		t.Fatalf("NotFound(%v) = false", err)
	}
	if want := `reading notification policy "missing": 404 Not Found: id: not found`; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if n := api.requestsTo("/api/notifications/policies/missing"); n != 1 {
		t.Errorf("404 was retried: %d requests", n)
	}
}

func TestErrorsNeverContainCredentials(t *testing.T) {
	// A misbehaving proxy echoes the request, headers included.
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "bad request; Authorization: %s; secret=%s; webhook=%s", r.Header.Get("Authorization"), testClientSecret, "whsec_given_secret_123")
	})
	c := newTestClient(t, api.base())
	ctx := context.Background()
	_, getErr := c.GetNotificationPolicy(ctx, "p1")
	_, createErr := c.CreateNotificationPolicy(ctx, CreateNotificationPolicyRequest{
		Name: "n", Channel: ChannelWebhook, Recipients: []string{"https://x.example"}, WebhookSecret: "whsec_given_secret_123",
	})
	for _, err := range []error{getErr, createErr} {
		if err == nil {
			t.Fatal("want an error")
		}
		text := err.Error()
		for _, secret := range append(c.redact, "whsec_given_secret_123") {
			if strings.Contains(text, secret) {
				t.Errorf("error contains a secret: %s", text)
			}
		}
		if !strings.Contains(text, "[REDACTED]") {
			t.Errorf("error does not show where a secret was removed: %s", text)
		}
	}
}

func TestTransportErrorsNameTheOperationAndNoCredentials(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {})
	base := api.base()
	api.Close() // connection refused from now on
	c := newTestClient(t, base, func(cfg *Config) { cfg.MaxRetries = 1 })
	_, err := c.GetNotificationPolicy(context.Background(), "p1")
	if err == nil {
		t.Fatal("want an error")
	}
	text := err.Error()
	if !strings.HasPrefix(text, `reading notification policy "p1": `) || !strings.Contains(text, "gave up after 2 attempts") {
		t.Errorf("error = %q, want the operation and the attempt count", text)
	}
	assertNoSecret(t, "transport error", text)
}

// With a short client secret that equals a word of the client's own text (the endpoint, the
// API's paths, the query, the operation), errors and logs still read as written: the request URL,
// the host and the operation are never garbled, and the secret echoed by a server is still removed.
func TestShortSecretsDoNotGarbleErrorsOrLogs(t *testing.T) {
	for _, secret := range []string{"s", "api", "127", "1", "limit", "100", "listing"} {
		t.Run(secret, func(t *testing.T) {
			echo := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeJSON(w, 400, map[string]any{"error": map[string]any{"message": "client secret " + secret + " is not valid"}})
			})
			closed := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {})
			closedBase := closed.base()
			closed.Close() // connection refused from now on
			var out bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &out)
			tweak := func(cfg *Config) { cfg.ClientSecret, cfg.MaxRetries = secret, 0 }

			_, err := newTestClient(t, echo.base(), tweak).ListNotificationPolicies(ctx, ListNotificationPoliciesOptions{})
			const want = "listing notification policies: 400 Bad Request: client secret [REDACTED] is not valid"
			if err == nil || err.Error() != want {
				t.Errorf("error = %v, want %q", err, want)
			}
			_, err = newTestClient(t, closedBase, tweak).ListNotificationPolicies(ctx, ListNotificationPoliciesOptions{})
			host := strings.TrimPrefix(strings.TrimSuffix(closedBase, "/api"), "http://")
			for _, part := range []string{`listing notification policies: Get "` + closedBase + `/notifications/policies?limit=100"`, "dial tcp " + host} {
				if err == nil || !strings.Contains(err.Error(), part) {
					t.Errorf("error = %v, want it to contain %q", err, part)
				}
			}

			logs := out.String()
			for _, part := range []string{`"operation":"listing notification policies"`, `"path":"/api/notifications/policies"`,
				`"query":"limit=100"`, `"@message":"Sequence API request"`, "client secret [REDACTED] is not valid", `Get \"` + closedBase} {
				if !strings.Contains(logs, part) {
					t.Errorf("logs lack %s:\n%s", part, logs)
				}
			}
			if strings.Contains(logs, "secret "+secret+" is") {
				t.Errorf("logs show the echoed secret:\n%s", logs)
			}
		})
	}
}
