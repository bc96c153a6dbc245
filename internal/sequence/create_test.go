package sequence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// createFake stores the policies that POSTs create and lists them; how the
// i-th POST (1-based) is answered is up to onPost.
type createFake struct {
	t        *testing.T
	mu       sync.Mutex
	policies []NotificationPolicy
	posts    int
	// onPost answers POST number n; commit stores the policy and returns it.
	onPost func(w http.ResponseWriter, n int, commit func() NotificationPolicy)
	api    *fakeAPI
	// clockOffset is how far the server's clock (Date headers, createdAt) is ahead of the test's.
	clockOffset atomic.Int64
	// noDate leaves the Date header out of every response.
	noDate bool
}

// serverNow is the time by the fake server's clock.
func (f *createFake) serverNow() time.Time {
	return time.Now().Add(time.Duration(f.clockOffset.Load())).UTC()
}

func newCreateFake(t *testing.T, onPost func(w http.ResponseWriter, n int, commit func() NotificationPolicy)) *createFake {
	f := &createFake{t: t, onPost: onPost}
	f.api = newFakeAPI(t, f.serve)
	return f
}

func (f *createFake) serve(w http.ResponseWriter, r *http.Request, _ int) {
	w.Header().Set("Date", f.serverNow().Format(http.TimeFormat))
	if f.noDate {
		w.Header()["Date"] = nil // net/http then sends none
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/notifications/policies":
		reqs := f.api.recorded()
		var body CreateNotificationPolicyRequest
		if err := json.Unmarshal([]byte(reqs[len(reqs)-1].Body), &body); err != nil {
			writeJSON(w, 400, map[string]any{"errors": []any{map[string]any{"key": "body", "error": err.Error()}}})
			return
		}
		f.mu.Lock()
		f.posts++
		n := f.posts
		f.mu.Unlock()
		commit := func() NotificationPolicy {
			f.mu.Lock()
			defer f.mu.Unlock()
			p := NotificationPolicy{
				ID:                fmt.Sprintf("pol-%d", len(f.policies)+1),
				CreatedAt:         f.serverNow().Format("2006-01-02T15:04:05.000Z"),
				SequenceAccountID: "acct",
				Name:              body.Name,
				Channel:           body.Channel,
				Recipients:        body.Recipients,
				NotificationTypes: body.NotificationTypes,
				WebhookSecret:     body.WebhookSecret,
			}
			if p.Channel == ChannelWebhook && p.WebhookSecret == "" {
				p.WebhookSecret = "whsec_generated0123456789abcdefghijkl"
			}
			f.policies = append(f.policies, p)
			return p
		}
		f.onPost(w, n, commit)
	case r.Method == http.MethodGet && r.URL.Path == "/api/notifications/policies":
		f.mu.Lock()
		items := make([]NotificationPolicy, len(f.policies))
		copy(items, f.policies)
		f.mu.Unlock()
		for i := range items {
			items[i].WebhookSecret = "" // lists omit secrets here; reads do not
		}
		writeJSON(w, 200, map[string]any{"items": items, "pagination": map[string]any{}})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/notifications/policies/"):
		id := strings.TrimPrefix(r.URL.Path, "/api/notifications/policies/")
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, p := range f.policies {
			if p.ID == id {
				writeJSON(w, 200, p)
				return
			}
		}
		writeJSON(w, 404, map[string]any{"errors": []any{map[string]any{"key": "id", "error": "not found"}}})
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		w.WriteHeader(500)
	}
}

func (f *createFake) insert(p NotificationPolicy) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.policies = append(f.policies, p)
}

func (f *createFake) stored() []NotificationPolicy {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]NotificationPolicy(nil), f.policies...)
}

// methods lists "POST"/"GET" per request, with the path for GETs of one policy.
func (f *createFake) methods() string {
	var out []string
	for _, r := range f.api.recorded() {
		switch {
		case r.Method == http.MethodPost:
			out = append(out, "create")
		case r.EscapedPath == "/api/notifications/policies":
			out = append(out, "list")
		default:
			out = append(out, "get")
		}
	}
	return strings.Join(out, ",")
}

var emailRequest = CreateNotificationPolicyRequest{
	Name:              "Finance team emails",
	Channel:           ChannelEmail,
	Recipients:        []string{"finance@example.com", "ops@example.com"},
	NotificationTypes: []string{"INVOICE_ISSUED", "INVOICE_CREATED"},
}

func TestCreateOutcomes(t *testing.T) {
	created := func(w http.ResponseWriter, commit func() NotificationPolicy) { writeJSON(w, 201, commit()) }
	tests := []struct {
		name         string
		noRetries    bool
		onPost       func(t *testing.T, w http.ResponseWriter, n int, commit func() NotificationPolicy)
		wantRequests string
		wantStored   int
		wantErr      string // "" = success
	}{
		{
			name: "created on the first attempt",
			onPost: func(t *testing.T, w http.ResponseWriter, n int, commit func() NotificationPolicy) {
				created(w, commit)
			},
			wantRequests: "create", wantStored: 1,
		},
		{
			name: "429 is retried because nothing was processed",
			onPost: func(t *testing.T, w http.ResponseWriter, n int, commit func() NotificationPolicy) {
				if n == 1 {
					w.Header().Set("Retry-After", "0")
					writeJSON(w, 429, map[string]any{})
					return
				}
				created(w, commit)
			},
			wantRequests: "create,create", wantStored: 1,
		},
		{
			name: "reset after commit adopts the created policy instead of creating again",
			onPost: func(t *testing.T, w http.ResponseWriter, n int, commit func() NotificationPolicy) {
				commit()
				resetConnection(t, w)
			},
			wantRequests: "create,list", wantStored: 1,
		},
		{
			name: "503 after commit adopts the created policy",
			onPost: func(t *testing.T, w http.ResponseWriter, n int, commit func() NotificationPolicy) {
				commit()
				writeJSON(w, 503, map[string]any{})
			},
			wantRequests: "create,list", wantStored: 1,
		},
		{
			name: "500 without commit finds nothing and creates again",
			onPost: func(t *testing.T, w http.ResponseWriter, n int, commit func() NotificationPolicy) {
				if n == 1 {
					writeJSON(w, 500, map[string]any{})
					return
				}
				created(w, commit)
			},
			wantRequests: "create,list,create", wantStored: 1,
		},
		{
			name: "reset before processing finds nothing and creates again",
			onPost: func(t *testing.T, w http.ResponseWriter, n int, commit func() NotificationPolicy) {
				if n == 1 {
					resetConnection(t, w)
					return
				}
				created(w, commit)
			},
			wantRequests: "create,list,create", wantStored: 1,
		},
		{
			name:      "ambiguous failure with no retries left still adopts a match",
			noRetries: true,
			onPost: func(t *testing.T, w http.ResponseWriter, n int, commit func() NotificationPolicy) {
				commit()
				writeJSON(w, 502, map[string]any{})
			},
			wantRequests: "create,list", wantStored: 1,
		},
		{
			name:      "ambiguous failure with no retries left and no match is an error",
			noRetries: true,
			onPost: func(t *testing.T, w http.ResponseWriter, n int, commit func() NotificationPolicy) {
				writeJSON(w, 502, map[string]any{})
			},
			wantRequests: "create,list", wantStored: 0, wantErr: "502 Bad Gateway",
		},
		{
			name: "201 without an id is an error that says the policy was probably created",
			onPost: func(t *testing.T, w http.ResponseWriter, n int, commit func() NotificationPolicy) {
				p := commit()
				p.ID = ""
				writeJSON(w, 201, p)
			},
			wantRequests: "create", wantStored: 1, wantErr: "probably created",
		},
		{
			name: "400 is returned as it is",
			onPost: func(t *testing.T, w http.ResponseWriter, n int, commit func() NotificationPolicy) {
				writeJSON(w, 400, map[string]any{"errors": []any{map[string]any{"key": "recipients[0]", "error": "not a valid e-mail address"}}})
			},
			wantRequests: "create", wantStored: 0,
			wantErr: `creating notification policy "Finance team emails": 400 Bad Request: recipients[0]: not a valid e-mail address`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) { tt.onPost(t, w, n, commit) })
			c := newTestClient(t, f.api.base(), func(cfg *Config) {
				if tt.noRetries {
					cfg.MaxRetries = 0
				}
			})
			p, err := c.CreateNotificationPolicy(context.Background(), emailRequest)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("create failed: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
			if got := f.methods(); got != tt.wantRequests {
				t.Errorf("requests = %s, want %s", got, tt.wantRequests)
			}
			stored := f.stored()
			if len(stored) != tt.wantStored {
				t.Errorf("server holds %d policies, want %d", len(stored), tt.wantStored)
			}
			if err == nil && (len(stored) != 1 || p.ID != stored[0].ID) {
				t.Errorf("returned %+v, want the stored policy %+v", p, stored)
			}
		})
	}
}

func TestAmbiguousCreateMatchesOnlyTheSamePolicyCreatedSinceTheCallBegan(t *testing.T) {
	old := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339Nano)
	// CreatedAt "" is stamped when the ambiguous attempt arrives, as if that attempt created it.
	base := NotificationPolicy{ID: "other", Name: emailRequest.Name, Channel: ChannelEmail,
		Recipients: []string{"OPS@example.com", "finance@example.com"}, NotificationTypes: []string{"INVOICE_CREATED", "INVOICE_ISSUED"}}
	tests := []struct {
		name    string
		modify  func(*NotificationPolicy)
		adopted bool
	}{
		{"same fields in another order and e-mail case is adopted", func(*NotificationPolicy) {}, true},
		{"created before the call began is not adopted", func(p *NotificationPolicy) { p.CreatedAt = old }, false},
		{"unparseable createdAt is not adopted", func(p *NotificationPolicy) { p.CreatedAt = "yesterday" }, false},
		{"another name is not adopted", func(p *NotificationPolicy) { p.Name = "Other" }, false},
		{"another channel is not adopted", func(p *NotificationPolicy) { p.Channel = ChannelWebhook }, false},
		{"an extra recipient is not adopted", func(p *NotificationPolicy) { p.Recipients = append(p.Recipients, "x@example.com") }, false},
		{"fewer types is not adopted", func(p *NotificationPolicy) { p.NotificationTypes = p.NotificationTypes[:1] }, false},
		{"all types is not adopted for a typed request", func(p *NotificationPolicy) { p.NotificationTypes = nil }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			existing := base
			existing.Recipients = append([]string(nil), base.Recipients...)
			existing.NotificationTypes = append([]string(nil), base.NotificationTypes...)
			tt.modify(&existing)
			var f *createFake
			f = newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) {
				if n == 1 {
					if existing.CreatedAt == "" {
						existing.CreatedAt = f.serverNow().Format(time.RFC3339Nano)
					}
					f.insert(existing)
					writeJSON(w, 503, map[string]any{})
					return
				}
				writeJSON(w, 201, commit())
			})
			p := must(newTestClient(t, f.api.base()).CreateNotificationPolicy(context.Background(), emailRequest))(t)
			if got := p.ID == "other"; got != tt.adopted {
				t.Errorf("adopted = %v (returned %s, requests %s), want %v", got, p.ID, f.methods(), tt.adopted)
			}
		})
	}
}

func TestAmbiguousCreateAdoptsOnlyWhatItsAttemptCreatedByTheServersClock(t *testing.T) {
	for _, tt := range []struct {
		name   string
		offset time.Duration
	}{
		{"server clock agrees", 0},
		{"server clock five minutes behind", -5 * time.Minute},
		{"server clock five minutes ahead", 5 * time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Someone made an identical policy in the dashboard 30 s before the call, by the
			// server's clock; the first attempt is committed and its answer lost.
			f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) {
				commit()
				writeJSON(w, 502, map[string]any{})
			})
			f.clockOffset.Store(int64(tt.offset))
			lookAlike := NotificationPolicy{ID: "look-alike", CreatedAt: f.serverNow().Add(-30 * time.Second).Format(time.RFC3339Nano),
				Name: emailRequest.Name, Channel: ChannelEmail, Recipients: emailRequest.Recipients, NotificationTypes: emailRequest.NotificationTypes}
			f.insert(lookAlike)
			c := newTestClient(t, f.api.base())
			p, err := c.CreateNotificationPolicy(context.Background(), emailRequest)
			if err != nil {
				t.Fatalf("create: %v (requests %s)", err, f.methods())
			}
			if p.ID != "pol-2" {
				t.Errorf("adopted %s, want pol-2 (the policy the lost attempt created); requests %s", p.ID, f.methods())
			}
			if got := f.methods(); got != "create,list" {
				t.Errorf("requests = %s, want create,list", got)
			}
		})
	}
}

func TestAmbiguousCreateNeverAdoptsAPolicySeenBeforeTheCall(t *testing.T) {
	f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) {
		if n == 1 {
			writeJSON(w, 503, map[string]any{}) // nothing committed
			return
		}
		writeJSON(w, 201, commit())
	})
	// Its createdAt says "after the call" (a server stamping from another clock), but the client
	// listed it before the call, so it existed before.
	f.insert(NotificationPolicy{ID: "look-alike", CreatedAt: time.Now().Add(time.Hour).UTC().Format(time.RFC3339Nano),
		Name: emailRequest.Name, Channel: ChannelEmail, Recipients: emailRequest.Recipients, NotificationTypes: emailRequest.NotificationTypes})
	c := newTestClient(t, f.api.base())
	must(c.ListNotificationPolicies(context.Background(), ListNotificationPoliciesOptions{}))(t)

	p := must(c.CreateNotificationPolicy(context.Background(), emailRequest))(t)
	if p.ID == "look-alike" {
		t.Fatalf("adopted the policy listed before the call; requests %s", f.methods())
	}
	if got := f.methods(); got != "list,create,list,create" {
		t.Errorf("requests = %s, want list,create,list,create", got)
	}
}

func TestAmbiguousCreateWithSeveralMatchesIsAnErrorListingThemWithoutCreatingAgain(t *testing.T) {
	f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) {
		commit()
		commit() // e.g. a proxy replayed the request
		writeJSON(w, 504, map[string]any{})
	})
	_, err := newTestClient(t, f.api.base()).CreateNotificationPolicy(context.Background(), emailRequest)
	var unresolved *UnresolvedCreateError
	if !errors.As(err, &unresolved) {
		t.Fatalf("err = %v, want an UnresolvedCreateError", err)
	}
	stored := f.stored()
	if len(unresolved.Candidates) != 2 || unresolved.Candidates[0].ID != "pol-1" || unresolved.Candidates[1].ID != "pol-2" {
		t.Fatalf("candidates = %+v, want pol-1 and pol-2", unresolved.Candidates)
	}
	text := err.Error()
	for _, p := range stored {
		if !strings.Contains(text, p.ID+" (created "+p.CreatedAt+", ") {
			t.Errorf("error does not list %s with its createdAt: %s", p.ID, text)
		}
	}
	for _, want := range []string{"may have succeeded", "504 Gateway Timeout", "was not sent again"} {
		if !strings.Contains(text, want) {
			t.Errorf("error does not say %q: %s", want, text)
		}
	}
	if strings.Contains(strings.ToLower(text), "delete") {
		t.Errorf("error recommends deleting policies that may not be ours: %s", text)
	}
	if got := f.methods(); got != "create,list" {
		t.Errorf("requests = %s, want create,list", got)
	}
}

// Once a create of this Client has succeeded, its createdAt bounds the server's clock to about a
// round trip, so a look-alike made a millisecond before that create, and so before the next
// create's first attempt, is told apart from what that attempt made (the Date headers alone leave
// about a second uncertain).
func TestAmbiguousCreateNeverAdoptsALookAlikeMadeJustBeforeTheCall(t *testing.T) {
	f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) {
		if n == 2 {
			writeJSON(w, 503, map[string]any{}) // nothing committed
			return
		}
		writeJSON(w, 201, commit())
	})
	c := newTestClient(t, f.api.base())
	first := must(c.CreateNotificationPolicy(context.Background(), emailRequest))(t)
	stamped := must(time.Parse(time.RFC3339Nano, first.CreatedAt))(t)
	f.insert(NotificationPolicy{ID: "look-alike", CreatedAt: stamped.Add(-time.Millisecond).Format("2006-01-02T15:04:05.000Z"),
		Name: emailRequest.Name, Channel: ChannelEmail, Recipients: emailRequest.Recipients, NotificationTypes: emailRequest.NotificationTypes})

	p := must(c.CreateNotificationPolicy(context.Background(), emailRequest))(t)
	if p.ID == "look-alike" {
		t.Fatalf("adopted a look-alike created before the call (requests %s)", f.methods())
	}
	if got := f.methods(); got != "create,create,list,create" {
		t.Errorf("requests = %s, want create,create,list,create", got)
	}
}

// Where the clocks are known only roughly (here: no Date headers, the offset known within an
// hour either way), a look-alike that may predate the first attempt is adopted only as the single
// match; beside another match the create is an error listing both, and one made definitely
// before is never adopted.
func TestAmbiguousCreateWithAnUncertainLookAlike(t *testing.T) {
	tests := []struct {
		name       string
		madeBefore time.Duration // how long before the call the look-alike was made
		commit     bool          // whether the lost first attempt was processed
		want       string        // the id returned, or "error"
		requests   string
	}{
		{"alone it is adopted", time.Minute, false, "look-alike", "create,list"},
		{"beside what the attempt made it is an error", time.Minute, true, "error", "create,list"},
		{"made definitely before it is never adopted", 2 * time.Hour, false, "pol-2", "create,list,create"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) {
				if n == 1 {
					if tt.commit {
						commit()
					}
					writeJSON(w, 503, map[string]any{})
					return
				}
				writeJSON(w, 201, commit())
			})
			f.noDate = true
			now := time.Now()
			f.insert(NotificationPolicy{ID: "look-alike", CreatedAt: now.Add(-tt.madeBefore).UTC().Format(time.RFC3339Nano),
				Name: emailRequest.Name, Channel: ChannelEmail, Recipients: emailRequest.Recipients, NotificationTypes: emailRequest.NotificationTypes})
			c := newTestClient(t, f.api.base())
			c.clock.observe(now, time.Nanosecond, now.Add(-time.Hour), now.Add(time.Hour)) // offset within ±1h

			p, err := c.CreateNotificationPolicy(context.Background(), emailRequest)
			var unresolved *UnresolvedCreateError
			switch {
			case tt.want == "error" && !errors.As(err, &unresolved):
				t.Errorf("err = %v, want an UnresolvedCreateError", err)
			case tt.want == "error":
				if len(unresolved.Candidates) != 2 || strings.Count(err.Error(), "possibly before the create was sent") != 2 {
					t.Errorf("err = %v, want both candidates listed as possibly made before the create", err)
				}
			case err != nil:
				t.Errorf("create: %v", err)
			case p.ID != tt.want:
				t.Errorf("returned %s, want %s", p.ID, tt.want)
			}
			if got := f.methods(); got != tt.requests {
				t.Errorf("requests = %s, want %s", got, tt.requests)
			}
		})
	}
}

func TestAmbiguousCreateNeverAdoptsAPolicyThisClientAlreadyHas(t *testing.T) {
	f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) {
		p := commit()
		if n == 1 {
			writeJSON(w, 201, p)
			return
		}
		resetConnection(t, w)
	})
	c := newTestClient(t, f.api.base())
	first := must(c.CreateNotificationPolicy(context.Background(), emailRequest))(t)
	second := must(c.CreateNotificationPolicy(context.Background(), emailRequest))(t)
	if first.ID == second.ID {
		t.Fatalf("both creates returned %s", first.ID)
	}
	if len(f.stored()) != 2 {
		t.Errorf("server holds %d policies, want 2", len(f.stored()))
	}
}

func TestConcurrentIdenticalCreatesWithLostAnswersGetDistinctPolicies(t *testing.T) {
	// Every create is committed and then its answer is lost, so each caller
	// must adopt: serialised per fingerprint, each adopts a different policy.
	f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) {
		commit()
		resetConnection(t, w)
	})
	c := newTestClient(t, f.api.base())
	const count = 3
	ids := make([]string, count)
	var wg sync.WaitGroup
	for i := range count {
		wg.Go(func() {
			p, err := c.CreateNotificationPolicy(context.Background(), emailRequest)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = p.ID
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("id %s returned twice: %v", id, ids)
		}
		seen[id] = true
	}
	if len(f.stored()) != count {
		t.Errorf("server holds %d policies, want %d", len(f.stored()), count)
	}
}

func TestAdoptedWebhookPolicyCarriesItsSecret(t *testing.T) {
	tests := []struct {
		name       string
		secret     string
		wantSecret string
		wantCalls  string
	}{
		{"generated secret is read back because lists omit it", "", "whsec_generated0123456789abcdefghijkl", "create,list,get"},
		{"secret we sent is returned without a read", "whsec_mine0123456789", "whsec_mine0123456789", "create,list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) {
				commit()
				resetConnection(t, w)
			})
			p := must(newTestClient(t, f.api.base()).CreateNotificationPolicy(context.Background(), CreateNotificationPolicyRequest{
				Name: "hooks", Channel: ChannelWebhook, Recipients: []string{"https://hooks.example.com/x"}, WebhookSecret: tt.secret,
			}))(t)
			if p.WebhookSecret != tt.wantSecret {
				t.Errorf("secret = %q, want %q", p.WebhookSecret, tt.wantSecret)
			}
			if got := f.methods(); got != tt.wantCalls {
				t.Errorf("requests = %s, want %s", got, tt.wantCalls)
			}
		})
	}
}

func TestAmbiguousCreateWhoseCheckFailsSaysSo(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodPost {
			writeJSON(w, 500, map[string]any{})
			return
		}
		writeJSON(w, 403, map[string]any{"error": map[string]any{"type": "Forbidden", "message": "no list permission"}})
	})
	_, err := newTestClient(t, api.base()).CreateNotificationPolicy(context.Background(), emailRequest)
	if err == nil || !strings.Contains(err.Error(), "may have been processed") || !strings.Contains(err.Error(), "no list permission") {
		t.Fatalf("err = %v, want one explaining the create may exist and the check failed", err)
	}
}

func TestCreateIsRetriedWhenTheConnectionCannotBeMade(t *testing.T) {
	f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) { writeJSON(w, 201, commit()) })
	var dials atomic.Int32
	transport := cloneDefaultTransport(t)
	transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	c := newTestClient(t, f.api.base(), func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: transport} })
	must(c.CreateNotificationPolicy(context.Background(), emailRequest))(t)
	if got := f.methods(); got != "create" {
		t.Errorf("requests reaching the server = %s, want one create (no list: nothing was sent)", got)
	}
	if dials.Load() != 2 {
		t.Errorf("dials = %d, want 2", dials.Load())
	}
}

func TestCreateTimingOutAfterTheRequestWasSentIsAmbiguous(t *testing.T) {
	f := newCreateFake(t, nil)
	f.onPost = func(w http.ResponseWriter, n int, commit func() NotificationPolicy) {
		commit()
		time.Sleep(300 * time.Millisecond) // longer than the client's timeout
		writeJSON(w, 201, NotificationPolicy{})
	}
	c := newTestClient(t, f.api.base(), func(cfg *Config) { cfg.HTTPClient = &http.Client{Timeout: 100 * time.Millisecond} })
	p := must(c.CreateNotificationPolicy(context.Background(), emailRequest))(t)
	if p.ID != "pol-1" || len(f.stored()) != 1 {
		t.Errorf("got %s with %d stored; want the adopted pol-1 and no duplicate", p.ID, len(f.stored()))
	}
}

// Ambiguous-create recovery compares recipients with the same rule (it lower-cased them before,
// which joined "İ" with "i̇" and separated "ſ" from "s").
func TestCreateMatchingComparesRecipientsAsSequenceDoes(t *testing.T) {
	cases := []struct {
		stored, sent []string
		same         bool
	}{
		{[]string{"ſam@example.com"}, []string{"SAM@example.com"}, true},
		{[]string{"\u212aim@example.com", "ops@example.com"}, []string{"Ops@Example.com", "kim@example.com"}, true},
		{[]string{"i̇@example.com"}, []string{"İ@example.com"}, false},
		{[]string{"straße@example.com"}, []string{"strasse@example.com"}, false},
	}
	for _, tc := range cases {
		if got := SameSet(tc.stored, tc.sent, RecipientSetKey(ChannelEmail)); got != tc.same {
			t.Errorf("stored %q, sent %q: same = %v, want %v", tc.stored, tc.sent, got, tc.same)
		}
		stored := CreateNotificationPolicyRequest{Name: "x", Channel: ChannelEmail, Recipients: tc.stored}
		sent := CreateNotificationPolicyRequest{Name: "x", Channel: ChannelEmail, Recipients: tc.sent}
		if got := createFingerprint(stored) == createFingerprint(sent); got != tc.same {
			t.Errorf("stored %q, sent %q: same fingerprint = %v, want %v", tc.stored, tc.sent, got, tc.same)
		}
	}
}
