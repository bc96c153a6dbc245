package sequence

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestNewClientValidatesConfig(t *testing.T) {
	valid := Config{Endpoint: DefaultEndpoint, ClientID: "id", ClientSecret: "s3cr3t-value"}
	tests := []struct {
		name    string
		tweak   func(*Config)
		wantErr string // "" = accepted
	}{
		{"production endpoint is accepted", func(*Config) {}, ""},
		{"sandbox endpoint is accepted", func(c *Config) { c.Endpoint = SandboxEndpoint }, ""},
		{"empty endpoint means the default", func(c *Config) { c.Endpoint = "" }, ""},
		{"http on 127.0.0.1 is accepted", func(c *Config) { c.Endpoint = "http://127.0.0.1:8080/api" }, ""},
		{"http on localhost is accepted", func(c *Config) { c.Endpoint = "http://localhost:8080/api" }, ""},
		{"http on ::1 is accepted", func(c *Config) { c.Endpoint = "http://[::1]:8080/api" }, ""},
		{"http on a public host is refused", func(c *Config) { c.Endpoint = "http://eu.sequencehq.com/api" }, "plain http would send the API credentials unencrypted; use https"},
		{"relative endpoint is refused", func(c *Config) { c.Endpoint = "/api" }, "absolute URL"},
		{"other scheme is refused", func(c *Config) { c.Endpoint = "ftp://example.com/api" }, `unsupported scheme "ftp"; use https`},
		{"endpoint with credentials is refused", func(c *Config) { c.Endpoint = "https://user:pw@example.com/api" }, "the endpoint takes no user information"},
		{"endpoint with a query is refused", func(c *Config) { c.Endpoint = "https://example.com/api?x=1" }, "query"},
		{"unparseable endpoint is refused", func(c *Config) { c.Endpoint = "https://exa mple.com:bad/api" }, "not a valid URL"},
		{"empty client id is refused", func(c *Config) { c.ClientID = "" }, "client id is empty"},
		{"empty client secret is refused", func(c *Config) { c.ClientSecret = "" }, "client secret is empty"},
		{"client id with a colon is refused", func(c *Config) { c.ClientID = "a:b" }, "must not contain ':'"},
		{"secret with a newline is refused", func(c *Config) { c.ClientSecret = "abc\ndef" }, "control characters"},
		{"negative max retries is refused", func(c *Config) { c.MaxRetries = -1 }, "max retries"},
		{"negative backoff is refused", func(c *Config) { c.MinBackoff = -time.Second }, "backoff"},
		{"negative requests per minute is refused", func(c *Config) { c.RequestsPerMinute = -5 }, "requests per minute"},
		{"user agent with a newline is refused", func(c *Config) { c.UserAgent = "x\r\nInjected: 1" }, "user agent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.tweak(&cfg)
			_, err := NewClient(cfg)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("NewClient: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("NewClient accepted the config, want error containing %q", tt.wantErr)
			case err != nil && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error %q does not contain %q", err, tt.wantErr)
			}
			if err != nil {
				assertNoSecret(t, "NewClient error", err.Error(), cfg.ClientSecret, "pw")
			}
		})
	}
}

func TestNewClientDefaults(t *testing.T) {
	c := must(NewClient(Config{ClientID: "id", ClientSecret: "secret"}))(t)
	if got := c.base.String(); got != DefaultEndpoint {
		t.Errorf("endpoint = %q, want %q", got, DefaultEndpoint)
	}
	if c.minBackoff != 500*time.Millisecond || c.maxBackoff != 30*time.Second {
		t.Errorf("backoff = %v..%v, want 500ms..30s", c.minBackoff, c.maxBackoff)
	}
	if c.userAgent != "terraform-provider-sequence" {
		t.Errorf("user agent = %q", c.userAgent)
	}
	if c.limiter != nil {
		t.Errorf("rate limiter set without RequestsPerMinute")
	}
	if c.httpClient.Timeout == 0 {
		t.Errorf("default HTTP client has no timeout")
	}
}

func TestEveryRequestCarriesAuthVersionUserAgentAndJSONHeaders(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/api/notifications/policies":
			writeJSON(w, 200, map[string]any{"items": []any{samplePolicy("p1")}, "pagination": map[string]any{}})
		case r.Method == http.MethodPost && r.URL.Path == "/api/notifications/policies":
			writeJSON(w, 201, samplePolicy("p1"))
		default:
			writeJSON(w, 200, samplePolicy("p1"))
		}
	})
	c := newTestClient(t, api.base(), func(cfg *Config) {
		cfg.UserAgent = "terraform-provider-sequence/1.2.3 (+https://registry.terraform.io; Terraform/1.8.5)"
	})
	ctx := context.Background()
	must(c.ListNotificationPolicies(ctx, ListNotificationPoliciesOptions{}))(t)
	must(c.GetNotificationPolicy(ctx, "p1"))(t)
	must(c.CreateNotificationPolicy(ctx, CreateNotificationPolicyRequest{Name: "n", Channel: ChannelEmail, Recipients: []string{"a@example.com"}}))(t)
	must(c.DeleteNotificationPolicy(ctx, "p1"))(t)
	must(c.AddRecipients(ctx, "p1", []string{"b@example.com"}))(t)
	must(c.RemoveRecipient(ctx, "p1", "b@example.com"))(t)
	must(c.AddNotificationTypes(ctx, "p1", []string{"INVOICE_ISSUED"}))(t)
	must(c.RemoveNotificationType(ctx, "p1", "INVOICE_ISSUED"))(t)

	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(testClientID+":"+testClientSecret))
	reqs := api.recorded()
	if len(reqs) != 8 {
		t.Fatalf("got %d requests, want 8:\n%s", len(reqs), sprintRequests(reqs))
	}
	for _, r := range reqs {
		check := func(header, want string) {
			if got := r.Header.Get(header); got != want {
				t.Errorf("%s %s: %s = %q, want %q", r.Method, r.EscapedPath, header, got, want)
			}
		}
		check("Authorization", wantAuth)
		check("Sequence-Version", "2024-07-30")
		check("User-Agent", "terraform-provider-sequence/1.2.3 (+https://registry.terraform.io; Terraform/1.8.5)")
		check("Accept", "application/json")
		if r.Body != "" {
			check("Content-Type", "application/json")
		}
	}
}

func TestOperationsUseTheDocumentedMethodsPathsAndBodies(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/notifications/policies" {
			writeJSON(w, 201, samplePolicy("p1"))
			return
		}
		writeJSON(w, 200, samplePolicy("p1"))
	})
	c := newTestClient(t, api.base())
	ctx := context.Background()
	tests := []struct {
		name       string
		call       func() error
		wantMethod string
		wantPath   string
		wantBody   string
	}{
		{"get reads one policy by id", func() error { _, err := c.GetNotificationPolicy(ctx, "p1"); return err },
			"GET", "/api/notifications/policies/p1", ""},
		{"create omits types and secret when unset", func() error {
			_, err := c.CreateNotificationPolicy(ctx, CreateNotificationPolicyRequest{Name: "n", Channel: ChannelEmail, Recipients: []string{"a@example.com"}})
			return err
		}, "POST", "/api/notifications/policies", `{"name":"n","channel":"EMAIL","recipients":["a@example.com"]}`},
		{"create sends types and secret when set", func() error {
			_, err := c.CreateNotificationPolicy(ctx, CreateNotificationPolicyRequest{Name: "n", Channel: ChannelWebhook,
				Recipients: []string{"https://x.example/h"}, NotificationTypes: []string{"INVOICE_ISSUED"}, WebhookSecret: "whsec_abc"})
			return err
		}, "POST", "/api/notifications/policies", `{"name":"n","channel":"WEBHOOK","recipients":["https://x.example/h"],"notificationTypes":["INVOICE_ISSUED"],"webhookSecret":"whsec_abc"}`},
		{"delete removes one policy by id", func() error { _, err := c.DeleteNotificationPolicy(ctx, "p1"); return err },
			"DELETE", "/api/notifications/policies/p1", ""},
		{"add recipients posts the list", func() error {
			_, err := c.AddRecipients(ctx, "p1", []string{"a@example.com", "b@example.com"})
			return err
		},
			"POST", "/api/notifications/policies/p1/recipients", `{"recipients":["a@example.com","b@example.com"]}`},
		{"remove recipient deletes one element", func() error { _, err := c.RemoveRecipient(ctx, "p1", "a@example.com"); return err },
			"DELETE", "/api/notifications/policies/p1/recipients/a%40example.com", ""},
		{"add types posts the list", func() error { _, err := c.AddNotificationTypes(ctx, "p1", []string{"QUOTE_SIGNED"}); return err },
			"POST", "/api/notifications/policies/p1/notification-types", `{"notificationTypes":["QUOTE_SIGNED"]}`},
		{"remove type deletes one element", func() error { _, err := c.RemoveNotificationType(ctx, "p1", "QUOTE_SIGNED"); return err },
			"DELETE", "/api/notifications/policies/p1/notification-types/QUOTE_SIGNED", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(api.recorded())
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
			reqs := api.recorded()[before:]
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1:\n%s", len(reqs), sprintRequests(reqs))
			}
			r := reqs[0]
			if r.Method != tt.wantMethod || r.EscapedPath != tt.wantPath {
				t.Errorf("sent %s %s, want %s %s", r.Method, r.EscapedPath, tt.wantMethod, tt.wantPath)
			}
			if r.Body != tt.wantBody {
				t.Errorf("body = %s, want %s", r.Body, tt.wantBody)
			}
		})
	}
}

func TestPathSegmentsReachTheServerAsExactlyOneSegment(t *testing.T) {
	tests := []struct {
		name      string
		recipient string
	}{
		{"webhook URL with slash, query, fragment, percent, plus, space and non-ASCII", "https://hooks.example.com/a b/ü?x=1&y=%2F+z#frag"},
		{"e-mail with plus", "ops+billing@example.com"},
		{"dot segments stay data", ".."},
		{"semicolons, commas and equals", "a;b,c=d"},
		{"already escaped text is escaped again", "%41%2F"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotSegments []string
			var gotRawPath string
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
				gotRawPath = r.URL.EscapedPath()
				for _, seg := range strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/") {
					s, err := url.PathUnescape(seg)
					if err != nil {
						t.Errorf("segment %q does not unescape: %v", seg, err)
					}
					gotSegments = append(gotSegments, s)
				}
				p := samplePolicy("id/1")
				p.Recipients = []string{"keep@example.com"}
				writeJSON(w, 200, p)
			})
			c := newTestClient(t, api.base())
			must(c.RemoveRecipient(context.Background(), "id/1", tt.recipient))(t)
			want := []string{"api", "notifications", "policies", "id/1", "recipients", tt.recipient}
			if strings.Join(gotSegments, "\x00") != strings.Join(want, "\x00") {
				t.Errorf("server saw segments %q (raw path %s), want %q", gotSegments, gotRawPath, want)
			}
		})
	}
}

func TestEscapeSegmentEncodesEverythingOutsideUnreserved(t *testing.T) {
	tests := map[string]string{
		"abc-._~XYZ019":        "abc-._~XYZ019",
		"a/b":                  "a%2Fb",
		"a?b#c":                "a%3Fb%23c",
		"100%":                 "100%25",
		"a+b@c":                "a%2Bb%40c",
		"a b":                  "a%20b",
		"ü":                    "%C3%BC",
		"":                     "",
		"https://x.example/?q": "https%3A%2F%2Fx.example%2F%3Fq",
	}
	for in, want := range tests {
		if got := escapeSegment(in); got != want {
			t.Errorf("escapeSegment(%q) = %q, want %q", in, got, want)
		}
		if back, err := url.PathUnescape(escapeSegment(in)); err != nil || back != in {
			t.Errorf("escapeSegment(%q) does not round-trip: %q, %v", in, back, err)
		}
	}
}

func TestEndpointPathPrefixIsKept(t *testing.T) {
	var gotPath string
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		gotPath = r.URL.EscapedPath()
		writeJSON(w, 200, samplePolicy("x"))
	})
	c := newTestClient(t, api.URL+"/prefix%2Fkept/api/")
	must(c.GetNotificationPolicy(context.Background(), "x"))(t)
	if want := "/prefix%2Fkept/api/notifications/policies/x"; gotPath != want {
		t.Errorf("path = %s, want %s", gotPath, want)
	}
}

func BenchmarkGetNotificationPolicy(b *testing.B) {
	api := newFakeAPI(b, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, samplePolicy("p1")) })
	c := newTestClient(b, api.base())
	ctx := context.Background()
	for b.Loop() {
		if _, err := c.GetNotificationPolicy(ctx, "p1"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseEndpoint(t *testing.T) {
	cases := []struct {
		endpoint string
		want     string // the parsed URL; "" = refused
	}{
		{DefaultEndpoint, DefaultEndpoint},
		{SandboxEndpoint, SandboxEndpoint},
		{" https://eu.sequencehq.com/api/ ", DefaultEndpoint},
		{"http://127.0.0.1:1234/api", "http://127.0.0.1:1234/api"},
		{"http://localhost:1234/api", "http://localhost:1234/api"},
		{"http://LOCALHOST/api", "http://LOCALHOST/api"},
		{"http://[::1]:1234/api", "http://[::1]:1234/api"},
		{"http://127.8.9.10/api", "http://127.8.9.10/api"},
		{"http://sequence.example.com/api", ""},
		{"http://10.0.0.1/api", ""},
		{"http://localhost.example.com/api", ""},
		{"ftp://sequence.example.com/api", ""},
		{"eu.sequencehq.com/api", ""},
		{"https://", ""},
		{"https:eu.sequencehq.com", ""},
		{"://bad", ""},
		{"https://eu.sequencehq.com/api?", ""},
		{"https://eu.sequencehq.com/api#top", ""},
		{"https://eu.sequencehq.com/api?token=x", ""},
		{" ", ""},
		{"https://user@eu.sequencehq.com/api", ""},
		// Parsed by net/url as host "id", port 1234 and a path: the password would go out in it.
		{"https://id:1234/pw@eu.sequencehq.com/api", ""},
	}
	for _, tc := range cases {
		u, err := ParseEndpoint(tc.endpoint)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("ParseEndpoint(%q) = %q, want an error", tc.endpoint, u)
		case tc.want != "" && err != nil:
			t.Errorf("ParseEndpoint(%q): %v", tc.endpoint, err)
		case tc.want != "" && u.String() != tc.want:
			t.Errorf("ParseEndpoint(%q) = %q, want %q", tc.endpoint, u, tc.want)
		}
	}
}

// What an endpoint error quotes leaves out user information and the value of a query or fragment,
// any of which may hold credentials, and says that something was left out.
func TestEndpointForDisplay(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"https://eu.sequencehq.com/api", "https://eu.sequencehq.com/api"},
		{"https://id:pw@eu.sequencehq.com/api", "https://eu.sequencehq.com/api"},
		{"http://host/api?token=Sekr3tXY", "http://host/api?…"},
		{"http://host/api?", "http://host/api?…"},
		{"https://host/api#Sekr3tXY", "https://host/api#…"},
		{"https://host/api#frag?token=Sekr3tXY", "https://host/api#…"},
		{"https://id:pw@host/api?token=Sekr3tXY", "https://host/api?…"},
		{"https://host/api?token=Sekr@3tXY", "https://…"},
		{"https://id:p?w@host/api", "https://…"},
		{"host/api?token=Sekr3tXY", "host/api?…"},
	} {
		if got := EndpointForDisplay(tc.raw); got != tc.want {
			t.Errorf("EndpointForDisplay(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}

// An endpoint with credentials is refused without quoting them, whatever else is wrong with it.
func TestNewClientNeverQuotesEndpointCredentials(t *testing.T) {
	for _, endpoint := range []string{
		"https://leaked-id:leaked-pw@eu.sequencehq.com/api",
		"http://leaked-id:leaked-pw@sequence.example.com/api",
		"https://leaked-id@eu.sequencehq.com/api",
		"https://leaked-id:leaked@pw@eu.sequencehq.com/api",
		"https://leaked-id:1234/leaked-pw@eu.sequencehq.com/api",
		"https://leaked-id:leaked-pw@exa mple.com/api",
		"leaked-id:leaked-pw@eu.sequencehq.com/api",
	} {
		_, err := NewClient(Config{Endpoint: endpoint, ClientID: "id", ClientSecret: "s3cret-value"})
		if err == nil {
			t.Errorf("NewClient accepted endpoint %q", endpoint)
			continue
		}
		if strings.Contains(err.Error(), "leaked") {
			t.Errorf("NewClient(%q) error quotes the credentials: %v", endpoint, err)
		}
		if !strings.Contains(err.Error(), "eu.sequencehq.com/api") && !strings.Contains(err.Error(), "sequence.example.com/api") && !strings.Contains(err.Error(), "mple.com/api") {
			t.Errorf("NewClient(%q) error does not show the rest of the endpoint: %v", endpoint, err)
		}
	}
}
