package sequencetest

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// freshConnections never reuses a connection, so a reset is reported instead of retried.
var freshConnections = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func TestEachFaultKindAsSeenByARawClient(t *testing.T) {
	cases := []struct {
		kind          FaultKind
		wantStatus    int // 0: the connection is reset
		wantCommitted bool
		check         func(t *testing.T, r response)
	}{
		{Fault429, http.StatusTooManyRequests, false, func(t *testing.T, r response) {
			if got := r.Header.Get("Retry-After"); got != "0" {
				t.Errorf("Retry-After = %q, want 0", got)
			}
			if typ, _ := r.apiError(t); typ != "TooManyRequests" {
				t.Errorf("type = %q", typ)
			}
		}},
		{Fault500, http.StatusInternalServerError, false, func(t *testing.T, r response) {
			if typ, _ := r.apiError(t); typ != "InternalServerError" {
				t.Errorf("type = %q", typ)
			}
		}},
		{Fault503, http.StatusServiceUnavailable, false, func(t *testing.T, r response) {
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type = %q, want the non-JSON body of a proxy", ct)
			}
		}},
		{FaultResetBeforeHandler, 0, false, nil},
		{FaultResetAfterCommit, 0, true, nil},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			srv := NewServer(t)
			srv.QueueFaults(tc.kind)
			resp, err := sendWith(freshConnections, srv, "POST", "/notifications/policies", emailPolicy("a@example.com"))
			if tc.wantStatus == 0 {
				if !errors.Is(err, syscall.ECONNRESET) {
					t.Fatalf("want a connection reset, got %v (status %d)", err, resp.Status)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				resp.expect(t, tc.wantStatus)
				if resp.Header.Get("Sequence-Version") == "" {
					t.Error("no Sequence-Version header on a fault")
				}
				tc.check(t, resp)
			}
			if committed := len(srv.Policies()) == 1; committed != tc.wantCommitted {
				t.Errorf("change committed = %v, want %v", committed, tc.wantCommitted)
			}
			log := srv.Requests()
			if len(log) != 1 || log[0].Fault != tc.kind || log[0].Status != tc.wantStatus {
				t.Errorf("request log = %+v", log)
			}
			// The queue is used up: the next request is served.
			call(t, srv, "GET", "/notifications/policies", nil).expect(t, http.StatusOK)
		})
	}
}

func TestResetOfAGetIsATransportError(t *testing.T) {
	srv := NewServer(t)
	srv.QueueFaults(FaultResetBeforeHandler)
	if _, err := sendWith(freshConnections, srv, "GET", "/notifications/policies", nil); err == nil {
		t.Fatal("want a transport error")
	}
}

func TestFaultRetryAfterIsConfigurable(t *testing.T) {
	srv := NewServer(t, WithFaultRetryAfter(1500*time.Millisecond))
	srv.QueueFaults(Fault429)
	if got := call(t, srv, "GET", "/notifications/policies", nil).expect(t, http.StatusTooManyRequests).Header.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After = %q, want 2 (rounded up)", got)
	}
	srv.SetFaultRetryAfter(time.Second)
	srv.QueueFaults(Fault429)
	if got := call(t, srv, "GET", "/notifications/policies", nil).Header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
}

func TestRandomFaults(t *testing.T) {
	t.Run("rate 1 with one kind fails every request", func(t *testing.T) {
		srv := NewServer(t, WithFaults(1, Fault500))
		for range 5 {
			call(t, srv, "GET", "/notifications/policies", nil).expect(t, http.StatusInternalServerError)
		}
		srv.SetFaults(0)
		call(t, srv, "GET", "/notifications/policies", nil).expect(t, http.StatusOK)
	})
	t.Run("the same seed gives the same faults", func(t *testing.T) {
		statuses := func() []int {
			srv := NewServer(t, WithFaults(0.5, Fault500, Fault503, Fault429), WithFaultSeed(42))
			var out []int
			for range 40 {
				out = append(out, call(t, srv, "GET", "/notifications/policies", nil).Status)
			}
			return out
		}
		first, second := statuses(), statuses()
		if !slices.Equal(first, second) {
			t.Errorf("seeded runs differ:\n%v\n%v", first, second)
		}
		for _, want := range []int{200, 429, 500, 503} {
			if !slices.Contains(first, want) {
				t.Errorf("40 requests at rate 0.5 never answered %d: %v", want, first)
			}
		}
	})
	t.Run("a request meets the same faults whatever order other requests arrive in", func(t *testing.T) {
		paths := []string{"/notifications/policies", "/notifications/policies?limit=5", "/notifications/policies?limit=7"}
		faults := func(order []int) map[string][]int {
			srv := NewServer(t, WithFaults(0.5, Fault500, Fault503, Fault429), WithFaultSeed(42))
			out := map[string][]int{}
			for range 10 {
				for _, i := range order {
					out[paths[i]] = append(out[paths[i]], call(t, srv, "GET", paths[i], nil).Status)
				}
			}
			return out
		}
		forward, backward := faults([]int{0, 1, 2}), faults([]int{2, 1, 0})
		for _, p := range paths {
			if !slices.Equal(forward[p], backward[p]) {
				t.Errorf("%s: faults depend on the order of other requests:\n%v\n%v", p, forward[p], backward[p])
			}
		}
	})
	t.Run("faults do not apply outside /api", func(t *testing.T) {
		srv := NewServer(t, WithFaults(1, Fault500))
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, strings.TrimSuffix(srv.URL, "/api")+"/healthz", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("status = %d", resp.StatusCode)
		}
	})
}

func TestParseFaultKind(t *testing.T) {
	for _, k := range FaultKinds {
		if got, err := ParseFaultKind(" " + strings.ToUpper(string(k)) + " "); err != nil || got != k {
			t.Errorf("ParseFaultKind(%q) = %q, %v", k, got, err)
		}
	}
	if _, err := ParseFaultKind("502"); err == nil {
		t.Error("ParseFaultKind accepted 502")
	}
}

func TestRequestsPerMinuteLimit(t *testing.T) {
	srv := NewServer(t, WithRequestsPerMinute(60)) // burst 1, one token a second
	call(t, srv, "GET", "/notifications/policies", nil).expect(t, http.StatusOK)
	resp := call(t, srv, "GET", "/notifications/policies", nil).expect(t, http.StatusTooManyRequests)
	if got := resp.Header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
	if log := srv.Requests(); !log[1].RateLimited || log[1].Status != http.StatusTooManyRequests || log[0].RateLimited {
		t.Errorf("request log = %+v", log)
	}
	srv.SetRequestsPerMinute(0)
	for range 5 {
		call(t, srv, "GET", "/notifications/policies", nil).expect(t, http.StatusOK)
	}
}

func TestTokenBucket(t *testing.T) {
	start := time.Unix(1000, 0)
	b := newTokenBucket(600, start) // 10 a second, burst 10
	for i := range 10 {
		if _, ok := b.take(start); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	if wait, ok := b.take(start); ok || wait != 1 {
		t.Fatalf("11th request: ok=%v wait=%d, want refused with Retry-After 1", ok, wait)
	}
	if _, ok := b.take(start.Add(100 * time.Millisecond)); !ok {
		t.Error("a token did not refill after 100ms")
	}
	slow := newTokenBucket(20, start) // one token every 3s, burst 1
	slow.take(start)
	if wait, ok := slow.take(start.Add(time.Second)); ok || wait != 2 {
		t.Errorf("wait = %d, ok = %v; want 2s left", wait, ok)
	}
	if _, ok := (&tokenBucket{}).take(start); !ok {
		t.Error("a zero limit refused a request")
	}
}

func TestOmitSecretOnRead(t *testing.T) {
	srv := NewServer(t)
	p := create(t, srv, createBody{Name: "h", Channel: "WEBHOOK", Recipients: []string{"https://a.example"}})
	get := func() wirePolicy {
		return call(t, srv, "GET", "/notifications/policies/"+p.ID, nil).expect(t, http.StatusOK).policy(t)
	}
	list := func() wirePolicy {
		return call(t, srv, "GET", "/notifications/policies", nil).expect(t, http.StatusOK).list(t).Items[0]
	}
	if get().WebhookSecret != p.WebhookSecret || list().WebhookSecret != p.WebhookSecret {
		t.Error("reads do not return the secret by default")
	}
	srv.SetOmitSecretOnRead(true)
	if get().WebhookSecret != "" || list().WebhookSecret != "" {
		t.Error("reads return the secret with the switch on")
	}
	added := call(t, srv, "POST", "/notifications/policies/"+p.ID+"/recipients", map[string]any{"recipients": []string{"https://b.example"}}).
		expect(t, http.StatusOK).policy(t)
	if added.WebhookSecret != p.WebhookSecret {
		t.Error("an update response lost the secret; the switch covers GET and list only")
	}
	created := call(t, srv, "POST", "/notifications/policies", createBody{Name: "h2", Channel: "WEBHOOK", Recipients: []string{"https://a.example"}}).
		expect(t, http.StatusCreated).policy(t)
	if created.WebhookSecret == "" {
		t.Error("the create response must always carry the secret")
	}
	srv2 := NewServer(t, WithOmitSecretOnRead(true))
	p2 := create(t, srv2, createBody{Name: "h", Channel: "WEBHOOK", Recipients: []string{"https://a.example"}})
	if got := call(t, srv2, "GET", "/notifications/policies/"+p2.ID, nil).policy(t); got.WebhookSecret != "" {
		t.Error("WithOmitSecretOnRead(true) not applied")
	}
}

func TestOmitSecretOnList(t *testing.T) {
	srv := NewServer(t, WithOmitSecretOnList(true))
	p := create(t, srv, createBody{Name: "h", Channel: "WEBHOOK", Recipients: []string{"https://a.example"}})
	if got := call(t, srv, "GET", "/notifications/policies", nil).expect(t, http.StatusOK).list(t).Items[0]; got.WebhookSecret != "" {
		t.Error("the list returns the secret with WithOmitSecretOnList(true)")
	}
	if got := call(t, srv, "GET", "/notifications/policies/"+p.ID, nil).expect(t, http.StatusOK).policy(t); got.WebhookSecret != p.WebhookSecret {
		t.Error("GET lost the secret; the switch covers the list only")
	}
	srv.SetOmitSecretOnList(false)
	if got := call(t, srv, "GET", "/notifications/policies", nil).expect(t, http.StatusOK).list(t).Items[0]; got.WebhookSecret != p.WebhookSecret {
		t.Error("the list does not return the secret after SetOmitSecretOnList(false)")
	}
}

func TestLatency(t *testing.T) {
	srv := NewServer(t, WithLatency(40*time.Millisecond))
	start := time.Now()
	call(t, srv, "GET", "/notifications/policies", nil).expect(t, http.StatusOK)
	if d := time.Since(start); d < 40*time.Millisecond {
		t.Errorf("request took %v, want at least 40ms", d)
	}
	srv.SetLatency(0)
	start = time.Now()
	call(t, srv, "GET", "/notifications/policies", nil)
	if d := time.Since(start); d >= 40*time.Millisecond {
		t.Errorf("request took %v after SetLatency(0)", d)
	}
}

func TestRequestLog(t *testing.T) {
	srv := NewServer(t)
	call(t, srv, "GET", "/notifications/policies?limit=5&notificationType=INVOICE_ISSUED", nil).expect(t, http.StatusOK)
	call(t, srv, "GET", "/notifications/policies", nil, func(r *http.Request) { r.Header.Del("Authorization") }).expect(t, http.StatusUnauthorized)
	want := []Request{
		{Method: "GET", Path: "/api/notifications/policies", Query: "limit=5&notificationType=INVOICE_ISSUED", Status: 200},
		{Method: "GET", Path: "/api/notifications/policies", Status: 401},
	}
	got := srv.Requests()
	for i := range got {
		if got[i].Arrived.IsZero() || got[i].Answered.Before(got[i].Arrived) {
			t.Errorf("request %d arrived %v, answered %v: want an arrival time no later than the answer", i, got[i].Arrived, got[i].Answered)
		}
		if i > 0 && got[i].Arrived.Before(got[i-1].Answered) {
			t.Errorf("request %d arrived before request %d was answered, though they were sent one after the other", i, i-1)
		}
		got[i].Arrived, got[i].Answered = time.Time{}, time.Time{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("log = %+v, want %+v", got, want)
	}
	srv.ResetRequests()
	if got := srv.Requests(); len(got) != 0 {
		t.Errorf("log after reset = %+v", got)
	}
}

func TestRequestHookSeesEveryRequest(t *testing.T) {
	seen := make(chan Request, 2)
	srv := NewServer(t, WithRequestHook(func(r Request) { seen <- r }))
	call(t, srv, "GET", "/notifications/policies", nil).expect(t, http.StatusOK)
	if r := <-seen; r.Method != "GET" || r.Status != 200 {
		t.Errorf("hook got %+v", r)
	}
}

func TestClosedServerRefusesConnections(t *testing.T) {
	srv := NewServer(t)
	srv.Close()
	if _, err := send(srv, "GET", "/notifications/policies", nil); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("err = %v, want connection refused", err)
	}
}
