package sequence

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

const validPolicyJSON = `{"id":"p1","createdAt":"2026-08-01T10:00:00.000Z","sequenceAccountId":"acct","name":"n","channel":"EMAIL","recipients":["a@example.com"],"notificationTypes":["INVOICE_ISSUED"]}`

// Every case of issue 6's list (HTML 502 page, truncated JSON, wrong JSON types, missing required
// fields, 200 with an empty body, unknown extra fields, unknown notification types, 201 without an
// id) gives a clear error or the correct policy, never a panic.
func TestMalformedResponsesGiveClearErrorsOrCorrectResults(t *testing.T) {
	get := func(c *Client) (*NotificationPolicy, error) {
		return c.GetNotificationPolicy(context.Background(), "p1")
	}
	create := func(c *Client) (*NotificationPolicy, error) {
		return c.CreateNotificationPolicy(context.Background(), emailRequest)
	}
	tests := []struct {
		name        string
		call        func(*Client) (*NotificationPolicy, error) // nil = get
		status      int
		contentType string
		body        string
		wantErr     string // "" = success
		check       func(t *testing.T, p *NotificationPolicy)
	}{
		{
			name: "HTML 502 page is retried, then an API error quoting the page title", status: 502, contentType: "text/html",
			body:    "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
			wantErr: `reading notification policy "p1": 502 Bad Gateway: HTML page: 502 Bad Gateway (gave up after 4 attempts)`,
		},
		{
			name: "HTML page with status 200 is a malformed response quoting the page title", status: 200, contentType: "text/html",
			body:    "<!DOCTYPE html><html><head><title>Sign in</title></head></html>",
			wantErr: `reading notification policy "p1": malformed response (200 OK): the response is not valid JSON (invalid character '<' looking for beginning of value): HTML page: Sign in`,
		},
		{
			name: "truncated JSON is a malformed response", status: 200, body: validPolicyJSON[:40],
			wantErr: `reading notification policy "p1": malformed response (200 OK): the response is not valid JSON (unexpected end of JSON input)`,
		},
		{
			name: "truncated JSON never quotes a webhook secret", status: 200, body: `{"id":"p1","webhookSecret":"whsec_abcdefghijklmnop`,
			wantErr: `"webhookSecret":"***"`,
		},
		{
			name: "a string where recipients must be a list names the field", status: 200, body: `{"id":"p1","name":"n","channel":"EMAIL","recipients":"a@example.com"}`,
			wantErr: `field "recipients" has the wrong type (JSON string)`,
		},
		{
			name: "a number where the id must be a string names the field", status: 200, body: `{"id":42,"name":"n","channel":"EMAIL","recipients":[]}`,
			wantErr: `field "id" has the wrong type (JSON number)`,
		},
		{
			name: "a number among notification types names the field", status: 200, body: `{"id":"p1","name":"n","channel":"EMAIL","recipients":[],"notificationTypes":[1]}`,
			wantErr: `field "notificationTypes" has the wrong type (JSON number)`,
		},
		{
			name: "an array instead of a policy object is an error", status: 200, body: `[]`,
			wantErr: "the response is a JSON array, not an object",
		},
		{
			name: "a null body is an error", status: 200, body: `null`,
			wantErr: "the response body is null",
		},
		{
			name: "a missing id is an error naming it", status: 200, body: `{"name":"n","channel":"EMAIL","recipients":["a@example.com"]}`,
			wantErr: "lacks required field(s) id",
		},
		{
			name: "missing required fields are all named", status: 200, body: `{"createdAt":"2026-08-01T10:00:00Z"}`,
			wantErr: "lacks required field(s) id, name, channel, recipients",
		},
		{
			name: "null recipients count as missing", status: 200, body: `{"id":"p1","name":"n","channel":"EMAIL","recipients":null}`,
			wantErr: "lacks required field(s) recipients",
		},
		{
			name: "an empty id counts as missing", status: 200, body: `{"id":"","name":"n","channel":"EMAIL","recipients":[]}`,
			wantErr: "lacks required field(s) id",
		},
		{
			name: "200 with an empty body is a malformed response", status: 200, body: "",
			wantErr: `reading notification policy "p1": malformed response (200 OK): the response body is empty`,
		},
		{
			name: "201 without an id says the policy was probably created", call: create, status: 201,
			body:    `{"name":"Finance team emails","channel":"EMAIL","recipients":["finance@example.com"]}`,
			wantErr: `creating notification policy "Finance team emails": Sequence answered 201 Created, so the policy was probably created, but the response is malformed: the notification policy in the response lacks required field(s) id`,
		},
		{
			name: "201 with an empty body says the policy was probably created", call: create, status: 201, body: "",
			wantErr: `creating notification policy "Finance team emails": Sequence answered 201 Created, so the policy was probably created, but the response is malformed: the response body is empty`,
		},
		{
			name: "unknown extra fields are accepted", status: 200,
			body: `{"id":"p1","name":"n","channel":"EMAIL","recipients":["a@example.com"],"colour":"blue","nested":{"x":[1,2]}}`,
			check: func(t *testing.T, p *NotificationPolicy) {
				if p.ID != "p1" || p.Name != "n" || p.Channel != ChannelEmail || !slices.Equal(p.Recipients, []string{"a@example.com"}) {
					t.Errorf("got %+v", p)
				}
			},
		},
		{
			name: "unknown notification types and channels are kept", status: 200,
			body: `{"id":"p1","name":"n","channel":"SMS","recipients":["+4412345"],"notificationTypes":["INVOICE_ISSUED","PAYMENT_TELEPATHY_RECEIVED"]}`,
			check: func(t *testing.T, p *NotificationPolicy) {
				if p.Channel != "SMS" || !slices.Equal(p.NotificationTypes, []string{"INVOICE_ISSUED", "PAYMENT_TELEPATHY_RECEIVED"}) {
					t.Errorf("got %+v", p)
				}
			},
		},
		{
			name: "unknown notification types in a create answer are kept", call: create, status: 201,
			body: `{"id":"p9","name":"Finance team emails","channel":"EMAIL","recipients":["finance@example.com"],"notificationTypes":["PAYMENT_TELEPATHY_RECEIVED"]}`,
			check: func(t *testing.T, p *NotificationPolicy) {
				if p.ID != "p9" || !slices.Equal(p.NotificationTypes, []string{"PAYMENT_TELEPATHY_RECEIVED"}) {
					t.Errorf("got %+v", p)
				}
			},
		},
		{
			name: "absent and empty notification types both mean all types", status: 200,
			body: `{"id":"p1","name":"n","channel":"EMAIL","recipients":["a@example.com"],"notificationTypes":[]}`,
			check: func(t *testing.T, p *NotificationPolicy) {
				if p.NotificationTypes != nil {
					t.Errorf("types = %#v, want nil", p.NotificationTypes)
				}
			},
		},
		{
			name: "webhook secret is read when present", status: 200,
			body: `{"id":"p1","name":"n","channel":"WEBHOOK","recipients":["https://x.example"],"webhookSecret":"whsec_x"}`,
			check: func(t *testing.T, p *NotificationPolicy) {
				if p.WebhookSecret != "whsec_x" {
					t.Errorf("secret = %q", p.WebhookSecret)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			call := tt.call
			if call == nil {
				call = get
			}
			p, err := call(newTestClient(t, api.base()))
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("got %+v, want an error containing %q", p, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error:\n  %s\nwant it to contain\n  %s", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "whsec_abc") {
					t.Errorf("error leaks a webhook secret: %s", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
		})
	}
}

func TestMalformedListPagesAreErrors(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantErr string
	}{
		{"a page without items is an error", `{"pagination":{}}`, `lacks the "items" list`},
		{"items that are not a list name the field", `{"items":{}}`, `field "items" has the wrong type (JSON object)`},
		{"an item missing its id names the item and field", `{"items":[{"name":"n","channel":"EMAIL","recipients":[]}]}`, "items[0]: the notification policy in the response lacks required field(s) id"},
		{"a null item names the item", `{"items":[` + validPolicyJSON + `,null]}`, "items[1] is null"},
		{"an item that is not an object names the item", `{"items":["p1"]}`, "items[0]: the response is a JSON string, not an object"},
		{"a cursor that is not a string names the field", `{"items":[],"pagination":{"after":5}}`, `field "pagination.after" has the wrong type (JSON number)`},
		{"an empty body is an error", ``, "the response body is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
				_, _ = w.Write([]byte(tt.body))
			})
			_, err := newTestClient(t, api.base()).ListNotificationPolicies(context.Background(), ListNotificationPoliciesOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "listing notification policies: malformed response for page 1 (200 OK): ") {
				t.Errorf("err = %v, want the operation and page", err)
			}
		})
	}
}

func TestOversizedResponseIsAnError(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		_, _ = w.Write([]byte(`{"id":"` + strings.Repeat("x", maxResponseBytes) + `"}`))
	})
	_, err := newTestClient(t, api.base(), func(cfg *Config) { cfg.MaxRetries = 0 }).GetNotificationPolicy(context.Background(), "p1")
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v, want a size error", err)
	}
}

func TestDecodeErrorsAreNotRetried(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) { _, _ = w.Write([]byte("{")) })
	_, err := newTestClient(t, api.base()).GetNotificationPolicy(context.Background(), "p1")
	if err == nil || errors.As(err, new(*APIError)) {
		t.Fatalf("err = %v, want a decode error that is not an APIError", err)
	}
	if n := len(api.recorded()); n != 1 {
		t.Errorf("sent %d requests, want 1", n)
	}
}

func BenchmarkDecodeNotificationPolicyPage(b *testing.B) {
	items := make([]string, 100)
	for i := range items {
		items[i] = validPolicyJSON
	}
	body := []byte(`{"items":[` + strings.Join(items, ",") + `],"pagination":{"after":"abc"}}`)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, _, _, err := decodeNotificationPolicyPage(body); err != nil {
			b.Fatal(err)
		}
	}
}

// A webhook secret the API omits, blanks or masks decodes as absent, so nothing downstream can
// store a placeholder as the secret; a real one is kept as sent.
func TestPlaceholderWebhookSecretsDecodeAsAbsent(t *testing.T) {
	policyWith := func(secretMember string) string {
		return `{"id":"p1","name":"n","channel":"WEBHOOK","recipients":["https://x.example"]` + secretMember + `}`
	}
	cases := []struct {
		member string
		want   string
	}{
		{``, ""},
		{`,"webhookSecret":null`, ""},
		{`,"webhookSecret":""`, ""},
		{`,"webhookSecret":"   "`, ""},
		{`,"webhookSecret":"whsec_****"`, ""},
		{`,"webhookSecret":"****abcd"`, ""},
		{`,"webhookSecret":"••••••"`, ""},
		{`,"webhookSecret":"whsec_…abcd"`, ""},
		{`,"webhookSecret":"whsec_abc"`, "whsec_abc"},
		{`,"webhookSecret":"my*secret"`, "my*secret"},
	}
	for _, tc := range cases {
		p, err := decodeNotificationPolicy([]byte(policyWith(tc.member)))
		if err != nil {
			t.Fatalf("%s: %v", tc.member, err)
		}
		if p.WebhookSecret != tc.want {
			t.Errorf("%s: secret = %q, want %q", tc.member, p.WebhookSecret, tc.want)
		}
		items, _, _, err := decodeNotificationPolicyPage([]byte(`{"items":[` + policyWith(tc.member) + `]}`))
		if err != nil {
			t.Fatalf("%s in a list: %v", tc.member, err)
		}
		if items[0].WebhookSecret != tc.want {
			t.Errorf("%s in a list: secret = %q, want %q", tc.member, items[0].WebhookSecret, tc.want)
		}
	}
}

// A create whose response masks the secret it was sent returns the secret sent.
func TestCreateResponseWithAMaskedSecretKeepsTheSecretSent(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"p1","name":"n","channel":"WEBHOOK","recipients":["https://x.example"],"createdAt":"2024-01-01T00:00:00Z","webhookSecret":"whsec_****"}`))
	})
	p, err := newTestClient(t, api.base()).CreateNotificationPolicy(context.Background(), CreateNotificationPolicyRequest{
		Name: "n", Channel: ChannelWebhook, Recipients: []string{"https://x.example"}, WebhookSecret: "mine-0123456789",
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.WebhookSecret != "mine-0123456789" {
		t.Errorf("secret = %q, want the one sent", p.WebhookSecret)
	}
}
