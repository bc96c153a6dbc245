package sequence_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// These tests run every operation against the emulator, the same server the
// provider's acceptance tests use.

func newEmulatorClient(t *testing.T, srv *sequencetest.Server, tweak ...func(*sequence.Config)) *sequence.Client {
	t.Helper()
	cfg := sequence.Config{
		Endpoint:     srv.URL,
		ClientID:     sequencetest.DefaultClientID,
		ClientSecret: sequencetest.DefaultClientSecret,
		UserAgent:    "terraform-provider-sequence/test",
		MaxRetries:   5,
		MinBackoff:   time.Millisecond,
		MaxBackoff:   10 * time.Millisecond,
	}
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := sequence.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ok[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// requestLog renders the emulator's log as "METHOD path?query status[fault]" lines.
func requestLog(srv *sequencetest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		line := fmt.Sprintf("%s %s %d", r.Method, r.Path, r.Status)
		if r.Query != "" {
			line = fmt.Sprintf("%s %s?%s %d", r.Method, r.Path, r.Query, r.Status)
		}
		if r.Fault != "" {
			line += " " + string(r.Fault)
		}
		out = append(out, line)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestEmulatorEmailPolicyLifecycle(t *testing.T) {
	srv := sequencetest.NewServer(t)
	c := newEmulatorClient(t, srv)
	ctx := context.Background()

	created := ok[*sequence.NotificationPolicy](t)(c.CreateNotificationPolicy(ctx, sequence.CreateNotificationPolicyRequest{
		Name: "Finance team emails", Channel: sequence.ChannelEmail,
		Recipients: []string{"finance@example.com"}, NotificationTypes: []string{"INVOICE_ISSUED"},
	}))
	if created.ID == "" || created.CreatedAt == "" || created.SequenceAccountID != sequencetest.DefaultAccountID || created.WebhookSecret != "" {
		t.Errorf("created = %+v", created)
	}

	got := ok[*sequence.NotificationPolicy](t)(c.GetNotificationPolicy(ctx, created.ID))
	if got.Name != "Finance team emails" || !slices.Equal(got.Recipients, []string{"finance@example.com"}) ||
		!slices.Equal(got.NotificationTypes, []string{"INVOICE_ISSUED"}) {
		t.Errorf("get = %+v", got)
	}

	p := ok[*sequence.NotificationPolicy](t)(c.AddRecipients(ctx, created.ID, []string{"ops+billing@example.com", "FINANCE@example.com"}))
	if want := []string{"finance@example.com", "ops+billing@example.com"}; !slices.Equal(sorted(p.Recipients), want) {
		t.Errorf("after add recipients = %v, want %v (no case-insensitive duplicate)", p.Recipients, want)
	}

	p = ok[*sequence.NotificationPolicy](t)(c.RemoveRecipient(ctx, created.ID, "ops+billing@example.com"))
	if !slices.Equal(p.Recipients, []string{"finance@example.com"}) {
		t.Errorf("after remove recipient = %v", p.Recipients)
	}

	p = ok[*sequence.NotificationPolicy](t)(c.AddNotificationTypes(ctx, created.ID, []string{"QUOTE_SIGNED", "INVOICE_ISSUED"}))
	if want := []string{"INVOICE_ISSUED", "QUOTE_SIGNED"}; !slices.Equal(sorted(p.NotificationTypes), want) {
		t.Errorf("after add types = %v, want %v", p.NotificationTypes, want)
	}

	p = ok[*sequence.NotificationPolicy](t)(c.RemoveNotificationType(ctx, created.ID, "QUOTE_SIGNED"))
	if !slices.Equal(p.NotificationTypes, []string{"INVOICE_ISSUED"}) {
		t.Errorf("after remove type = %v", p.NotificationTypes)
	}
	p = ok[*sequence.NotificationPolicy](t)(c.RemoveNotificationType(ctx, created.ID, "INVOICE_ISSUED"))
	if p.NotificationTypes != nil {
		t.Errorf("after removing the last type = %#v, want nil (all types)", p.NotificationTypes)
	}

	list := ok[[]sequence.NotificationPolicy](t)(c.ListNotificationPolicies(ctx, sequence.ListNotificationPoliciesOptions{}))
	if len(list) != 1 || list[0].ID != created.ID {
		t.Errorf("list = %+v", list)
	}

	deleted := ok[*sequence.NotificationPolicy](t)(c.DeleteNotificationPolicy(ctx, created.ID))
	if deleted.ID != created.ID {
		t.Errorf("delete returned %+v", deleted)
	}
	if _, err := c.GetNotificationPolicy(ctx, created.ID); !sequence.NotFound(err) {
		t.Errorf("get after delete: %v, want NotFound", err)
	}
	if _, err := c.DeleteNotificationPolicy(ctx, created.ID); !sequence.NotFound(err) {
		t.Errorf("second delete: %v, want NotFound", err)
	}
	if n := len(srv.Policies()); n != 0 {
		t.Errorf("emulator still holds %d policies", n)
	}
}

func TestEmulatorWebhookSecrets(t *testing.T) {
	tests := []struct {
		name         string
		sent         string
		omitOnRead   bool
		wantReadBack bool
	}{
		{"generated secret is returned on create and read", "", false, true},
		{"chosen secret is kept", "whsec_ChosenByTheUser0123456789abcdef", false, true},
		{"reads may omit the secret", "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := sequencetest.NewServer(t, sequencetest.WithOmitSecretOnRead(tt.omitOnRead))
			c := newEmulatorClient(t, srv)
			p := ok[*sequence.NotificationPolicy](t)(c.CreateNotificationPolicy(context.Background(), sequence.CreateNotificationPolicyRequest{
				Name: "hooks", Channel: sequence.ChannelWebhook, Recipients: []string{"https://hooks.example.com/sequence"}, WebhookSecret: tt.sent,
			}))
			stored, _ := srv.Policy(p.ID)
			if p.WebhookSecret == "" || p.WebhookSecret != stored.WebhookSecret {
				t.Errorf("create returned secret %q, emulator holds %q", p.WebhookSecret, stored.WebhookSecret)
			}
			if tt.sent == "" && !strings.HasPrefix(p.WebhookSecret, "whsec_") {
				t.Errorf("generated secret %q lacks whsec_", p.WebhookSecret)
			}
			if tt.sent != "" && p.WebhookSecret != tt.sent {
				t.Errorf("secret = %q, want the one sent", p.WebhookSecret)
			}
			read := ok[*sequence.NotificationPolicy](t)(c.GetNotificationPolicy(context.Background(), p.ID))
			if got := read.WebhookSecret != ""; got != tt.wantReadBack {
				t.Errorf("read returned secret: %v, want %v", got, tt.wantReadBack)
			}
		})
	}
}

func TestEmulatorSeesEscapedRecipientsAsOneSegment(t *testing.T) {
	const webhook = "https://hooks.example.com/a b/ü/x%2Fy?q=1+2&r=/#frag"
	const email = "ops+billing@example.com"
	srv := sequencetest.NewServer(t)
	c := newEmulatorClient(t, srv)
	ctx := context.Background()

	hooks := ok[*sequence.NotificationPolicy](t)(c.CreateNotificationPolicy(ctx, sequence.CreateNotificationPolicyRequest{
		Name: "hooks", Channel: sequence.ChannelWebhook, Recipients: []string{webhook, "https://keep.example.com"},
	}))
	mails := ok[*sequence.NotificationPolicy](t)(c.CreateNotificationPolicy(ctx, sequence.CreateNotificationPolicyRequest{
		Name: "mails", Channel: sequence.ChannelEmail, Recipients: []string{email, "keep@example.com"},
	}))
	srv.ResetRequests()

	p := ok[*sequence.NotificationPolicy](t)(c.RemoveRecipient(ctx, hooks.ID, webhook))
	if !slices.Equal(p.Recipients, []string{"https://keep.example.com"}) {
		t.Errorf("webhook policy recipients = %v", p.Recipients)
	}
	p = ok[*sequence.NotificationPolicy](t)(c.RemoveRecipient(ctx, mails.ID, email))
	if !slices.Equal(p.Recipients, []string{"keep@example.com"}) {
		t.Errorf("e-mail policy recipients = %v", p.Recipients)
	}

	for i, want := range []string{webhook, email} {
		path := srv.Requests()[i].Path
		segments := strings.Split(path, "/")
		if len(segments) != 7 { // "", api, notifications, policies, id, recipients, recipient
			t.Fatalf("path %s has %d segments, want 7", path, len(segments))
		}
		if got, err := url.PathUnescape(segments[6]); err != nil || got != want {
			t.Errorf("last segment %q unescapes to %q (%v), want %q", segments[6], got, err, want)
		}
	}
}

func TestEmulatorErrorShapes(t *testing.T) {
	srv := sequencetest.NewServer(t)
	ctx := context.Background()

	t.Run("validation errors carry the field key", func(t *testing.T) {
		c := newEmulatorClient(t, srv)
		_, err := c.CreateNotificationPolicy(ctx, sequence.CreateNotificationPolicyRequest{
			Name: "bad", Channel: sequence.ChannelEmail, Recipients: []string{"ok@example.com", "not-an-email"},
		})
		var apiErr *sequence.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || len(apiErr.Fields) == 0 || apiErr.Fields[0].Key != "recipients[1]" {
			t.Fatalf("err = %#v (%v), want a 400 keyed recipients[1]", apiErr, err)
		}
		if !strings.HasPrefix(err.Error(), `creating notification policy "bad": 400 Bad Request: recipients[1]: `) {
			t.Errorf("error text = %q", err)
		}
	})

	t.Run("unknown version gives a typed error", func(t *testing.T) {
		c := newEmulatorClient(t, srv, func(cfg *sequence.Config) {
			cfg.HTTPClient = &http.Client{Transport: versionOverride{"1999-01-01"}}
		})
		_, err := c.GetNotificationPolicy(ctx, "x")
		var apiErr *sequence.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Type != "UnrecognisedApiVersion" || apiErr.Message == "" {
			t.Fatalf("err = %v, want 400 UnrecognisedApiVersion with a message", err)
		}
	})

	t.Run("wrong credentials are a 401 that is not retried and names no secret", func(t *testing.T) {
		srv := sequencetest.NewServer(t)
		c := newEmulatorClient(t, srv, func(cfg *sequence.Config) { cfg.ClientSecret = "wrong-secret-value-42" })
		_, err := c.ListNotificationPolicies(ctx, sequence.ListNotificationPoliciesOptions{})
		var apiErr *sequence.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
			t.Fatalf("err = %v, want 401", err)
		}
		if strings.Contains(err.Error(), "wrong-secret-value-42") {
			t.Errorf("error contains the secret: %v", err)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("sent %d requests, want 1", n)
		}
	})
}

// versionOverride sends a different Sequence-Version, to provoke the version error.
type versionOverride struct{ version string }

func (v versionOverride) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Sequence-Version", v.version)
	return http.DefaultTransport.RoundTrip(r)
}

func TestEmulatorFaultsAreRetried(t *testing.T) {
	faults := []sequencetest.FaultKind{sequencetest.Fault429, sequencetest.Fault500, sequencetest.Fault503, sequencetest.FaultResetBeforeHandler, sequencetest.FaultResetAfterCommit}
	for _, fault := range faults {
		t.Run(string(fault), func(t *testing.T) {
			srv := sequencetest.NewServer(t)
			c := newEmulatorClient(t, srv)
			ctx := context.Background()
			p := ok[*sequence.NotificationPolicy](t)(c.CreateNotificationPolicy(ctx, sequence.CreateNotificationPolicyRequest{
				Name: "p", Channel: sequence.ChannelEmail, Recipients: []string{"a@example.com"}, NotificationTypes: []string{"INVOICE_ISSUED"},
			}))
			steps := []struct {
				name string
				run  func() error
			}{
				{"get", func() error { _, err := c.GetNotificationPolicy(ctx, p.ID); return err }},
				{"list", func() error {
					_, err := c.ListNotificationPolicies(ctx, sequence.ListNotificationPoliciesOptions{})
					return err
				}},
				{"add recipients", func() error { _, err := c.AddRecipients(ctx, p.ID, []string{"b@example.com"}); return err }},
				{"remove recipient", func() error { _, err := c.RemoveRecipient(ctx, p.ID, "b@example.com"); return err }},
				{"add types", func() error { _, err := c.AddNotificationTypes(ctx, p.ID, []string{"QUOTE_SIGNED"}); return err }},
				{"remove type", func() error { _, err := c.RemoveNotificationType(ctx, p.ID, "QUOTE_SIGNED"); return err }},
			}
			for _, step := range steps {
				srv.QueueFaults(fault)
				if err := step.run(); err != nil {
					t.Errorf("%s after a %s fault: %v\n%s", step.name, fault, err, strings.Join(requestLog(srv), "\n"))
				}
			}
			srv.QueueFaults(fault)
			_, err := c.DeleteNotificationPolicy(ctx, p.ID)
			deletedByLostAttempt := fault == sequencetest.FaultResetAfterCommit && sequence.NotFound(err)
			if err != nil && !deletedByLostAttempt {
				t.Errorf("delete after a %s fault: %v", fault, err)
			}
			got, _ := srv.Policy(p.ID)
			if n := len(srv.Policies()); n != 0 {
				t.Errorf("emulator holds %d policies after delete: %+v", n, got)
			}
		})
	}
}

func TestEmulator429RetryAfterIsHonoured(t *testing.T) {
	srv := sequencetest.NewServer(t, sequencetest.WithFaultRetryAfter(time.Second))
	c := newEmulatorClient(t, srv, func(cfg *sequence.Config) { cfg.MaxBackoff = 5 * time.Second })
	srv.QueueFaults(sequencetest.Fault429)
	start := time.Now()
	ok[[]sequence.NotificationPolicy](t)(c.ListNotificationPolicies(context.Background(), sequence.ListNotificationPoliciesOptions{}))
	if took := time.Since(start); took < 900*time.Millisecond {
		t.Errorf("retried after %v, want about 1s (Retry-After: 1)", took)
	}
	want := []string{"GET /api/notifications/policies?limit=100 429 429", "GET /api/notifications/policies?limit=100 200"}
	if got := requestLog(srv); !slices.Equal(got, want) {
		t.Errorf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestEmulator503IsRetried(t *testing.T) {
	srv := sequencetest.NewServer(t)
	c := newEmulatorClient(t, srv)
	srv.QueueFaults(sequencetest.Fault503, sequencetest.Fault503)
	ok[[]sequence.NotificationPolicy](t)(c.ListNotificationPolicies(context.Background(), sequence.ListNotificationPoliciesOptions{}))
	want := []string{
		"GET /api/notifications/policies?limit=100 503 503",
		"GET /api/notifications/policies?limit=100 503 503",
		"GET /api/notifications/policies?limit=100 200",
	}
	if got := requestLog(srv); !slices.Equal(got, want) {
		t.Errorf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestEmulatorCreateIsNotDuplicated(t *testing.T) {
	tests := []struct {
		fault   sequencetest.FaultKind
		wantLog []string
	}{
		{sequencetest.FaultResetAfterCommit, []string{
			"POST /api/notifications/policies 0 reset-after-commit",
			"GET /api/notifications/policies?limit=100&notificationType=INVOICE_ISSUED 200",
		}},
		{sequencetest.FaultResetBeforeHandler, []string{
			"POST /api/notifications/policies 0 reset-before-handler",
			"GET /api/notifications/policies?limit=100&notificationType=INVOICE_ISSUED 200",
			"POST /api/notifications/policies 201",
		}},
		{sequencetest.Fault500, []string{
			"POST /api/notifications/policies 500 500",
			"GET /api/notifications/policies?limit=100&notificationType=INVOICE_ISSUED 200",
			"POST /api/notifications/policies 201",
		}},
		{sequencetest.Fault503, []string{
			"POST /api/notifications/policies 503 503",
			"GET /api/notifications/policies?limit=100&notificationType=INVOICE_ISSUED 200",
			"POST /api/notifications/policies 201",
		}},
		{sequencetest.Fault429, []string{
			"POST /api/notifications/policies 429 429",
			"POST /api/notifications/policies 201",
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault), func(t *testing.T) {
			srv := sequencetest.NewServer(t)
			c := newEmulatorClient(t, srv)
			srv.QueueFaults(tt.fault)
			p := ok[*sequence.NotificationPolicy](t)(c.CreateNotificationPolicy(context.Background(), sequence.CreateNotificationPolicyRequest{
				Name: "p", Channel: sequence.ChannelEmail, Recipients: []string{"a@example.com"}, NotificationTypes: []string{"INVOICE_ISSUED"},
			}))
			policies := srv.Policies()
			if len(policies) != 1 || policies[0].ID != p.ID {
				t.Fatalf("emulator holds %+v, want exactly the returned policy %s", policies, p.ID)
			}
			if got := requestLog(srv); !slices.Equal(got, tt.wantLog) {
				t.Errorf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.wantLog, "\n"))
			}
		})
	}
}

func TestEmulatorListFollowsEveryPage(t *testing.T) {
	srv := sequencetest.NewServer(t)
	const total = 263
	var want []string
	for i := range total {
		p := srv.InsertPolicy(sequencetest.Policy{
			Name: fmt.Sprintf("policy %03d", i), Channel: sequence.ChannelEmail, Recipients: []string{"a@example.com"},
		})
		want = append(want, p.ID)
	}
	c := newEmulatorClient(t, srv)
	list := ok[[]sequence.NotificationPolicy](t)(c.ListNotificationPolicies(context.Background(), sequence.ListNotificationPoliciesOptions{}))
	var got []string
	for _, p := range list {
		got = append(got, p.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("listed %d policies, want all %d in creation order", len(got), total)
	}
	log := srv.Requests()
	if len(log) != 3 {
		t.Fatalf("sent %d page requests, want 3:\n%s", len(log), strings.Join(requestLog(srv), "\n"))
	}
	for i, r := range log {
		q, _ := url.ParseQuery(r.Query)
		if q.Get("limit") != "100" || (i == 0) != (q.Get("after") == "") || r.Status != 200 {
			t.Errorf("page %d request: %s?%s %d", i+1, r.Path, r.Query, r.Status)
		}
	}
}

func TestEmulatorListFiltersByNotificationType(t *testing.T) {
	srv := sequencetest.NewServer(t)
	quote := srv.InsertPolicy(sequencetest.Policy{Name: "q", Channel: "EMAIL", Recipients: []string{"a@example.com"}, NotificationTypes: []string{"QUOTE_SIGNED"}})
	srv.InsertPolicy(sequencetest.Policy{Name: "i", Channel: "EMAIL", Recipients: []string{"a@example.com"}, NotificationTypes: []string{"INVOICE_ISSUED"}})
	all := srv.InsertPolicy(sequencetest.Policy{Name: "all", Channel: "EMAIL", Recipients: []string{"a@example.com"}})
	c := newEmulatorClient(t, srv)
	list := ok[[]sequence.NotificationPolicy](t)(c.ListNotificationPolicies(context.Background(), sequence.ListNotificationPoliciesOptions{NotificationType: "QUOTE_SIGNED", PageSize: 1}))
	var ids []string
	for _, p := range list {
		ids = append(ids, p.ID)
	}
	if want := []string{quote.ID, all.ID}; !slices.Equal(ids, want) {
		t.Errorf("listed %v, want %v", ids, want)
	}
}

func TestEmulatorUnknownNotificationTypesAreKept(t *testing.T) {
	srv := sequencetest.NewServer(t)
	stored := srv.InsertPolicy(sequencetest.Policy{Name: "n", Channel: "EMAIL", Recipients: []string{"a@example.com"},
		NotificationTypes: []string{"INVOICE_ISSUED", "SOMETHING_NEW_IN_2027"}})
	p := ok[*sequence.NotificationPolicy](t)(newEmulatorClient(t, srv).GetNotificationPolicy(context.Background(), stored.ID))
	if !slices.Equal(p.NotificationTypes, []string{"INVOICE_ISSUED", "SOMETHING_NEW_IN_2027"}) {
		t.Errorf("types = %v", p.NotificationTypes)
	}
}

func TestEmulatorServerRateLimitIsAbsorbedByRetries(t *testing.T) {
	srv := sequencetest.NewServer(t, sequencetest.WithRequestsPerMinute(1200)) // 20/s, bucket of 20
	c := newEmulatorClient(t, srv, func(cfg *sequence.Config) {
		cfg.MaxRetries = 20
		cfg.MaxBackoff = 2 * time.Second
	})
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			if _, err := c.ListNotificationPolicies(context.Background(), sequence.ListNotificationPoliciesOptions{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	limited := 0
	for _, r := range srv.Requests() {
		if r.RateLimited {
			limited++
		}
	}
	if limited == 0 {
		t.Error("no request was rate limited; the test did not exercise 429s")
	}
}

func TestEmulatorClientSideRateLimitAvoids429s(t *testing.T) {
	srv := sequencetest.NewServer(t, sequencetest.WithRequestsPerMinute(600)) // 10/s, bucket of 10
	c := newEmulatorClient(t, srv, func(cfg *sequence.Config) {
		cfg.RequestsPerMinute = 480 // 8/s, under the server's rate
		cfg.MaxRetries = 0
	})
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := c.ListNotificationPolicies(context.Background(), sequence.ListNotificationPoliciesOptions{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, r := range srv.Requests() {
		if r.Status != 200 {
			t.Errorf("request answered %d", r.Status)
		}
	}
}

// TestEmulatorChurnUnderFaults drives many concurrent creates, updates and
// deletes, identical policies included, through random faults of every kind:
// the emulator must end empty, and no two creates may return the same id.
func TestEmulatorChurnUnderFaults(t *testing.T) {
	srv := sequencetest.NewServer(t, sequencetest.WithFaults(0.25), sequencetest.WithFaultSeed(7))
	c := newEmulatorClient(t, srv, func(cfg *sequence.Config) { cfg.MaxRetries = 12 })
	ctx := context.Background()
	const workers = 12
	var mu sync.Mutex
	ids := map[string]int{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			name := fmt.Sprintf("policy %d", w%4) // three workers share each identical policy
			p, err := c.CreateNotificationPolicy(ctx, sequence.CreateNotificationPolicyRequest{
				Name: name, Channel: sequence.ChannelEmail, Recipients: []string{"a@example.com"}, NotificationTypes: []string{"INVOICE_ISSUED"},
			})
			if err != nil {
				t.Errorf("create %s: %v", name, err)
				return
			}
			mu.Lock()
			ids[p.ID]++
			mu.Unlock()
			for _, step := range []func() error{
				func() error {
					_, err := c.AddRecipients(ctx, p.ID, []string{"b@example.com", "c@example.com"})
					return err
				},
				func() error { _, err := c.RemoveRecipient(ctx, p.ID, "b@example.com"); return err },
				func() error { _, err := c.AddNotificationTypes(ctx, p.ID, []string{"QUOTE_SIGNED"}); return err },
				func() error { _, err := c.RemoveNotificationType(ctx, p.ID, "INVOICE_ISSUED"); return err },
			} {
				if err := step(); err != nil {
					t.Errorf("update %s: %v", p.ID, err)
				}
			}
			final, err := c.GetNotificationPolicy(ctx, p.ID)
			if err != nil {
				t.Errorf("read %s: %v", p.ID, err)
			} else if !slices.Equal(sorted(final.Recipients), []string{"a@example.com", "c@example.com"}) ||
				!slices.Equal(final.NotificationTypes, []string{"QUOTE_SIGNED"}) {
				t.Errorf("policy %s ended as %+v", p.ID, final)
			}
			if _, err := c.DeleteNotificationPolicy(ctx, p.ID); err != nil && !sequence.NotFound(err) {
				t.Errorf("delete %s: %v", p.ID, err)
			}
		})
	}
	wg.Wait()
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %s was returned by %d creates", id, n)
		}
	}
	if len(ids) != workers && !t.Failed() {
		t.Errorf("%d distinct ids for %d creates", len(ids), workers)
	}
	if left := srv.Policies(); len(left) != 0 {
		t.Errorf("emulator still holds %d policies (duplicates or orphans): %+v", len(left), left)
	}
	faulted := 0
	for _, r := range srv.Requests() {
		if r.Fault != "" {
			faulted++
		}
	}
	t.Logf("%d requests, %d faulted", len(srv.Requests()), faulted)
}

func TestEmulatorEndpointWithoutAPIIsNeverAMissingPolicy(t *testing.T) {
	srv := sequencetest.NewServer(t)
	p := srv.InsertPolicy(sequencetest.Policy{Name: "kept", Channel: sequence.ChannelEmail, Recipients: []string{"a@example.com"}})
	ctx := context.Background()

	wrong := newEmulatorClient(t, srv, func(cfg *sequence.Config) { cfg.Endpoint = strings.TrimSuffix(srv.URL, "/api") })
	_, getErr := wrong.GetNotificationPolicy(ctx, p.ID)
	_, deleteErr := wrong.DeleteNotificationPolicy(ctx, p.ID)
	for name, err := range map[string]error{"read": getErr, "delete": deleteErr} {
		if err == nil || sequence.NotFound(err) {
			t.Fatalf("%s through an endpoint without /api: err = %v, want an error that is not NotFound", name, err)
		}
		if !strings.Contains(err.Error(), "/notifications/policies/"+p.ID) || !strings.Contains(err.Error(), "check the provider's endpoint") {
			t.Errorf("%s: error %q should name the URL and point at the endpoint", name, err)
		}
	}
	if _, ok := srv.Policy(p.ID); !ok {
		t.Fatal("the policy is gone")
	}

	right := newEmulatorClient(t, srv)
	if _, err := right.GetNotificationPolicy(ctx, "00000000-0000-4000-8000-000000000000"); !sequence.NotFound(err) {
		t.Errorf("unknown id through the right endpoint: err = %v, want NotFound", err)
	}
}

func TestEmulatorListSurvivesPagesLargerThanTheResponseCap(t *testing.T) {
	srv := sequencetest.NewServer(t)
	// Nine webhook policies of 900 long URLs each: about 1 MB per policy, 9 MB per full page.
	var want []string
	for i := range 9 {
		urls := make([]string, 900)
		for j := range urls {
			urls[j] = fmt.Sprintf("https://hooks.example.com/%d/%d/%s", i, j, strings.Repeat("x", 1100))
		}
		p := srv.InsertPolicy(sequencetest.Policy{Name: fmt.Sprintf("big %d", i), Channel: sequence.ChannelWebhook, Recipients: urls})
		want = append(want, p.ID)
	}
	c := newEmulatorClient(t, srv)
	list := ok[[]sequence.NotificationPolicy](t)(c.ListNotificationPolicies(context.Background(), sequence.ListNotificationPoliciesOptions{}))
	var got []string
	for _, p := range list {
		if len(p.Recipients) != 900 {
			t.Errorf("policy %s has %d recipients, want 900", p.ID, len(p.Recipients))
		}
		got = append(got, p.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("listed %v, want %v", got, want)
	}
	var limits []string
	for _, r := range srv.Requests() {
		q, _ := url.ParseQuery(r.Query)
		limits = append(limits, q.Get("limit"))
	}
	// Pages of 9 policies are too large (each asked once, never retried); 6 fit.
	if got := strings.Join(limits, ","); got != "100,50,25,12,6,6" {
		t.Errorf("page limits asked: %s, want 100,50,25,12,6,6", got)
	}
}
