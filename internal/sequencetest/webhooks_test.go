package sequencetest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// receivedDelivery is one request a test receiver got.
type receivedDelivery struct {
	Path, ContentType, Signature string
	Body                         []byte
}

// receiver is a loopback https server that records every delivery and answers with the status
// answer returns for it (204 when answer is nil).
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	received []receivedDelivery
}

func newReceiver(t *testing.T, answer func(n int, d receivedDelivery) int) *receiver {
	t.Helper()
	rcv := &receiver{}
	rcv.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		d := receivedDelivery{Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"), Signature: r.Header.Get("Sequence-Signature"), Body: body}
		rcv.mu.Lock()
		rcv.received = append(rcv.received, d)
		n := len(rcv.received)
		rcv.mu.Unlock()
		status := http.StatusNoContent
		if answer != nil {
			status = answer(n, d)
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(rcv.Close)
	return rcv
}

func (r *receiver) deliveries() []receivedDelivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.received)
}

// trigger posts to the trigger endpoint with the emulator's default credentials.
func trigger(t *testing.T, srv *Server, body any, edit ...func(*http.Request)) response {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, strings.TrimSuffix(srv.URL, "/api")+EventsPath, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(DefaultClientID, DefaultClientSecret)
	req.Header.Set("Content-Type", "application/json")
	for _, f := range edit {
		f(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: out}
}

func (r response) events(t *testing.T) EventsResponse {
	t.Helper()
	var er EventsResponse
	if err := json.Unmarshal(r.Body, &er); err != nil {
		t.Fatalf("decoding %s: %v", r.Body, err)
	}
	return er
}

// verifySignature checks a Sequence-Signature header as a receiver would, computing the HMAC
// itself rather than calling Sign.
func verifySignature(t *testing.T, secret, header string, body []byte) time.Time {
	t.Helper()
	ts, sig, ok := strings.Cut(header, ",")
	if !ok || !strings.HasPrefix(ts, "t=") || !strings.HasPrefix(sig, "s=") {
		t.Fatalf("Sequence-Signature %q is not t=<ms>,s=<hex>", header)
	}
	ms, err := strconv.ParseInt(ts[2:], 10, 64)
	if err != nil {
		t.Fatalf("Sequence-Signature timestamp %q: %v", ts, err)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts[2:] + "." + string(body)))
	if want := hex.EncodeToString(mac.Sum(nil)); sig[2:] != want {
		t.Fatalf("signature %s does not verify over the raw body %s", sig[2:], body)
	}
	return time.UnixMilli(ms)
}

func webhookPolicy(name string, types []string, recipients ...string) createBody {
	return createBody{Name: name, Channel: "WEBHOOK", Recipients: recipients, NotificationTypes: types}
}

func TestEventsRouteByType(t *testing.T) {
	rcv := newReceiver(t, nil)
	srv := NewServer(t, WithWebhookCA(rcv.Certificate()))
	typed := create(t, srv, webhookPolicy("typed", []string{"INVOICE_ISSUED", "INVOICE_CREATED"}, rcv.URL+"/typed"))
	all := create(t, srv, webhookPolicy("all types", nil, rcv.URL+"/all-1", rcv.URL+"/all-2"))
	create(t, srv, webhookPolicy("other type", []string{"CUSTOMER_CREATED"}, rcv.URL+"/other"))
	create(t, srv, createBody{Name: "mail", Channel: "EMAIL", Recipients: []string{"a@example.com"}, NotificationTypes: []string{"INVOICE_ISSUED"}})
	create(t, srv, createBody{Name: "mail, all types", Channel: "EMAIL", Recipients: []string{"b@example.com"}})

	got := trigger(t, srv, EventsRequest{NotificationType: "INVOICE_ISSUED"}).expect(t, http.StatusOK).events(t)

	want := []Delivery{
		{PolicyID: typed.ID, Recipient: rcv.URL + "/typed", Status: 204, Attempts: 1},
		{PolicyID: all.ID, Recipient: rcv.URL + "/all-1", Status: 204, Attempts: 1},
		{PolicyID: all.ID, Recipient: rcv.URL + "/all-2", Status: 204, Attempts: 1},
	}
	if !slices.Equal(got.Deliveries, want) || len(got.Warnings) != 0 {
		t.Errorf("response = %+v, want deliveries %+v and no warning", got, want)
	}
	var paths []string
	for _, d := range rcv.deliveries() {
		paths = append(paths, d.Path)
	}
	slices.Sort(paths)
	if want := []string{"/all-1", "/all-2", "/typed"}; !slices.Equal(paths, want) {
		t.Errorf("receiver got %v, want %v", paths, want)
	}
}

func TestEventsNoRecipient(t *testing.T) {
	srv := NewServer(t)
	create(t, srv, emailPolicy("a@example.com"))
	got := trigger(t, srv, EventsRequest{NotificationType: "INVOICE_ISSUED"}).expect(t, http.StatusOK)
	if !bytes.Contains(got.Body, []byte(`"deliveries":[]`)) {
		t.Errorf("body = %s, want an empty deliveries array", got.Body)
	}
}

func TestEventsEnvelope(t *testing.T) {
	rcv := newReceiver(t, nil)
	srv := NewServer(t, WithWebhookCA(rcv.Certificate()), WithAccountID("acct-1"))
	create(t, srv, webhookPolicy("all", nil, rcv.URL))

	trigger(t, srv, map[string]any{
		"notificationType": "INVOICE_ISSUED", "resourceType": "INVOICE", "resourceId": "inv_1",
		"resource": map[string]any{"id": "inv_1", "total": 12},
	}).expect(t, http.StatusOK)
	trigger(t, srv, EventsRequest{NotificationType: "CUSTOMER_CREATED"}).expect(t, http.StatusOK)

	got := rcv.deliveries()
	if len(got) != 2 {
		t.Fatalf("receiver got %d deliveries, want 2", len(got))
	}
	wants := []string{
		`{"notificationType":"INVOICE_ISSUED","sequenceAccountId":"acct-1","resourceType":"INVOICE","resourceId":"inv_1","resource":{"id":"inv_1","total":12}}`,
		`{"notificationType":"CUSTOMER_CREATED","sequenceAccountId":"acct-1"}`,
	}
	for i, want := range wants {
		if string(got[i].Body) != want {
			t.Errorf("delivery %d body = %s, want %s", i+1, got[i].Body, want)
		}
		if got[i].ContentType != "application/json" {
			t.Errorf("delivery %d Content-Type = %q", i+1, got[i].ContentType)
		}
	}
}

func TestEventsSignature(t *testing.T) {
	for name, secret := range map[string]string{"supplied secret": "whsec_supplied_by_the_user", "generated secret": ""} {
		t.Run(name, func(t *testing.T) {
			rcv := newReceiver(t, nil)
			srv := NewServer(t, WithWebhookCA(rcv.Certificate()))
			p := create(t, srv, createBody{Name: "hook", Channel: "WEBHOOK", Recipients: []string{rcv.URL}, WebhookSecret: secret})
			if secret != "" && p.WebhookSecret != secret {
				t.Fatal("the policy does not hold the supplied secret")
			}
			before := time.Now().Truncate(time.Millisecond)
			trigger(t, srv, EventsRequest{NotificationType: "INVOICE_ISSUED", Resource: json.RawMessage(`{"b": 2,  "a": "<&>"}`)}).expect(t, http.StatusOK)
			got := rcv.deliveries()
			if len(got) != 1 {
				t.Fatalf("receiver got %d deliveries, want 1", len(got))
			}
			if signed := verifySignature(t, p.WebhookSecret, got[0].Signature, got[0].Body); signed.Before(before) || signed.After(time.Now()) {
				t.Errorf("signed at %v, not during the trigger (from %v)", signed, before)
			}
		})
	}
}

func TestEventsRetryAfter500SignsAfresh(t *testing.T) {
	rcv := newReceiver(t, func(n int, _ receivedDelivery) int {
		if n == 1 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	var attempts []DeliveryAttempt // one delivery: the hook's calls do not overlap
	srv := NewServer(t, WithWebhookCA(rcv.Certificate()), WithDeliveryHook(func(a DeliveryAttempt) { attempts = append(attempts, a) }))
	p := create(t, srv, webhookPolicy("hook", nil, rcv.URL))

	got := trigger(t, srv, EventsRequest{NotificationType: "INVOICE_ISSUED"}).expect(t, http.StatusOK).events(t)

	if want := []Delivery{{PolicyID: p.ID, Recipient: rcv.URL, Status: 200, Attempts: 2}}; !slices.Equal(got.Deliveries, want) {
		t.Errorf("deliveries = %+v, want %+v", got.Deliveries, want)
	}
	d := rcv.deliveries()
	if len(d) != 2 {
		t.Fatalf("receiver got %d attempts, want 2", len(d))
	}
	first := verifySignature(t, p.WebhookSecret, d[0].Signature, d[0].Body)
	second := verifySignature(t, p.WebhookSecret, d[1].Signature, d[1].Body)
	if !bytes.Equal(d[0].Body, d[1].Body) || !second.After(first) {
		t.Errorf("the retry should carry the same body with a later timestamp: %v then %v", first, second)
	}
	if len(attempts) != 2 || attempts[0].Status != 500 || attempts[0].Attempt != 1 || attempts[1].Status != 200 || attempts[1].Attempt != 2 {
		t.Errorf("delivery log = %+v, want attempt 1 with 500 then attempt 2 with 200", attempts)
	}
}

func TestEventsGiveUpAfterThreeAttempts(t *testing.T) {
	rcv := newReceiver(t, func(int, receivedDelivery) int { return http.StatusServiceUnavailable })
	srv := NewServer(t, WithWebhookCA(rcv.Certificate()))
	create(t, srv, webhookPolicy("hook", nil, rcv.URL))
	got := trigger(t, srv, EventsRequest{NotificationType: "INVOICE_ISSUED"}).expect(t, http.StatusOK).events(t)
	if len(got.Deliveries) != 1 || got.Deliveries[0].Status != 503 || got.Deliveries[0].Attempts != 3 {
		t.Errorf("deliveries = %+v, want one with status 503 after 3 attempts", got.Deliveries)
	}
	if n := len(rcv.deliveries()); n != 3 {
		t.Errorf("receiver got %d attempts, want 3", n)
	}
}

func TestEventsTLSTrust(t *testing.T) {
	rcv := newReceiver(t, nil)

	untrusting := NewServer(t)
	create(t, untrusting, webhookPolicy("hook", nil, rcv.URL))
	got := trigger(t, untrusting, EventsRequest{NotificationType: "INVOICE_ISSUED"}).expect(t, http.StatusOK).events(t)
	if len(got.Deliveries) != 1 || got.Deliveries[0].Status != 0 || got.Deliveries[0].Attempts != 3 ||
		!strings.Contains(got.Deliveries[0].Error, "certificate") {
		t.Errorf("without WithWebhookCA: deliveries = %+v, want 3 attempts failing on the certificate", got.Deliveries)
	}
	if n := len(rcv.deliveries()); n != 0 {
		t.Errorf("receiver got %d requests over an unverified connection", n)
	}

	trusting := NewServer(t, WithWebhookCA(rcv.Certificate()))
	create(t, trusting, webhookPolicy("hook", nil, rcv.URL))
	got = trigger(t, trusting, EventsRequest{NotificationType: "INVOICE_ISSUED"}).expect(t, http.StatusOK).events(t)
	if len(got.Deliveries) != 1 || got.Deliveries[0].Status != 204 || got.Deliveries[0].Attempts != 1 {
		t.Errorf("with WithWebhookCA: deliveries = %+v, want one accepted", got.Deliveries)
	}
}

func TestEventsRefuseNonLoopbackRecipients(t *testing.T) {
	var logged []DeliveryAttempt
	srv := NewServer(t, WithDeliveryHook(func(a DeliveryAttempt) { logged = append(logged, a) }))
	p := create(t, srv, webhookPolicy("hook", nil, "https://billing.example.com/hooks/sequence"))
	got := trigger(t, srv, EventsRequest{NotificationType: "INVOICE_ISSUED"}).expect(t, http.StatusOK).events(t)
	if len(got.Deliveries) != 1 || got.Deliveries[0].Attempts != 0 || got.Deliveries[0].Status != 0 ||
		!strings.Contains(got.Deliveries[0].Error, "billing.example.com is not a loopback host") {
		t.Errorf("deliveries = %+v, want one refused without an attempt", got.Deliveries)
	}
	if len(logged) != 1 || logged[0].PolicyID != p.ID || logged[0].Attempt != 0 || logged[0].Error == "" {
		t.Errorf("delivery log = %+v, want the refusal", logged)
	}
}

func TestIsLoopbackHost(t *testing.T) {
	cases := map[string]bool{
		"localhost": true, "LOCALHOST": true, "api.localhost": true, "localhost.": true,
		"127.0.0.1": true, "127.1.2.3": true, "::1": true, "::ffff:127.0.0.1": true,
		"example.com": false, "localhost.example.com": false, "10.0.0.1": false, "0.0.0.0": false,
		"::": false, "[::1]": false, "": false,
	}
	for host, want := range cases {
		if got := isLoopbackHost(host); got != want {
			t.Errorf("isLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestEventsDeliveryLogHidesSecrets(t *testing.T) {
	rcv := newReceiver(t, nil)
	var mu sync.Mutex
	var logged []DeliveryAttempt
	srv := NewServer(t, WithWebhookCA(rcv.Certificate()), WithDeliveryHook(func(a DeliveryAttempt) {
		mu.Lock()
		defer mu.Unlock()
		logged = append(logged, a)
	}))
	recipient := strings.Replace(rcv.URL, "https://", "https://hook-user:hook-password@", 1) + "/x"
	p := create(t, srv, createBody{Name: "hook", Channel: "WEBHOOK", Recipients: []string{recipient}, WebhookSecret: "whsec_never_logged"})
	trigger(t, srv, EventsRequest{NotificationType: "INVOICE_ISSUED"}).expect(t, http.StatusOK)

	if len(logged) != 1 || logged[0].PolicyID != p.ID || logged[0].Status != 204 || logged[0].Duration <= 0 {
		t.Fatalf("delivery log = %+v, want one accepted attempt with its duration", logged)
	}
	if want := strings.Replace(rcv.URL, "https://", "https://xxxxx@", 1) + "/x"; logged[0].Recipient != want {
		t.Errorf("logged recipient = %q, want %q", logged[0].Recipient, want)
	}
	line := strings.Join([]string{logged[0].PolicyID, logged[0].Recipient, logged[0].Error}, " ")
	for _, secret := range []string{"whsec_never_logged", "hook-password", "hook-user"} {
		if strings.Contains(line, secret) {
			t.Errorf("delivery log holds %q", secret)
		}
	}
}

// Deliveries to different recipients overlap: each of /a and /b waits for the other to arrive
// before answering. Deliveries to one recipient (/shared, in two policies) do not.
func TestEventsOrdering(t *testing.T) {
	arrived := map[string]chan struct{}{"/a": make(chan struct{}), "/b": make(chan struct{})}
	var once sync.Map
	other := map[string]string{"/a": "/b", "/b": "/a"}
	var mu sync.Mutex
	var inFlight, maxInFlight int
	rcv := newReceiver(t, func(_ int, d receivedDelivery) int {
		if d.Path == "/shared" {
			mu.Lock()
			inFlight++
			maxInFlight = max(maxInFlight, inFlight)
			mu.Unlock()
			time.Sleep(50 * time.Millisecond)
			mu.Lock()
			inFlight--
			mu.Unlock()
			return http.StatusNoContent
		}
		o, _ := once.LoadOrStore(d.Path, &sync.Once{})
		o.(*sync.Once).Do(func() { close(arrived[d.Path]) }) //nolint:forcetypeassert // only *sync.Once is stored
		select {
		case <-arrived[other[d.Path]]:
			return http.StatusNoContent
		case <-time.After(webhookAttemptTimeout / 2):
			return http.StatusGatewayTimeout
		}
	})
	srv := NewServer(t, WithWebhookCA(rcv.Certificate()))
	create(t, srv, webhookPolicy("a", nil, rcv.URL+"/a", rcv.URL+"/shared"))
	create(t, srv, webhookPolicy("b", nil, rcv.URL+"/b", rcv.URL+"/shared"))
	got := trigger(t, srv, EventsRequest{NotificationType: "INVOICE_ISSUED"}).expect(t, http.StatusOK).events(t)
	if len(got.Deliveries) != 4 {
		t.Fatalf("deliveries = %+v, want 4", got.Deliveries)
	}
	for _, d := range got.Deliveries {
		if d.Status != 204 || d.Attempts != 1 {
			t.Errorf("delivery to %s: status %d after %d attempts, want 204 at once", d.Recipient, d.Status, d.Attempts)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if maxInFlight != 1 {
		t.Errorf("%d deliveries to the same recipient were in flight together, want 1", maxInFlight)
	}
}

func TestEventsRequests(t *testing.T) {
	srv := NewServer(t)
	cases := []struct {
		name   string
		body   any
		edit   func(*http.Request)
		status int
		key    string
	}{
		{"no credentials", EventsRequest{NotificationType: "INVOICE_ISSUED"}, func(r *http.Request) { r.Header.Del("Authorization") }, 401, ""},
		{"wrong method", EventsRequest{NotificationType: "INVOICE_ISSUED"}, func(r *http.Request) { r.Method = http.MethodPut }, 405, ""},
		{"not JSON", EventsRequest{NotificationType: "INVOICE_ISSUED"}, func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, 415, ""},
		{"no type", map[string]any{"resourceId": "x"}, nil, 400, "notificationType"},
		{"blank type", map[string]any{"notificationType": " "}, nil, 400, "notificationType"},
		{"resource not an object", map[string]any{"notificationType": "INVOICE_ISSUED", "resource": []int{1}}, nil, 400, "resource"},
		{"unknown member", map[string]any{"notificationType": "INVOICE_ISSUED", "resourceID": "x"}, nil, 400, "resourceID"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var edits []func(*http.Request)
			if tc.edit != nil {
				edits = append(edits, tc.edit)
			}
			got := trigger(t, srv, tc.body, edits...).expect(t, tc.status)
			if tc.key != "" && !hasKey(got.fieldErrors(t), tc.key) {
				t.Errorf("errors %s do not name %q", got.Body, tc.key)
			}
		})
	}
}

func TestEventsUnpublishedTypeWarns(t *testing.T) {
	rcv := newReceiver(t, nil)
	srv := NewServer(t, WithWebhookCA(rcv.Certificate()))
	create(t, srv, webhookPolicy("all", nil, rcv.URL))
	create(t, srv, webhookPolicy("typed", []string{"INVOICE_ISSUED"}, rcv.URL+"/typed"))
	got := trigger(t, srv, EventsRequest{NotificationType: "INVOICE_EXPLODED"}).expect(t, http.StatusOK).events(t)
	if len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], `"INVOICE_EXPLODED" is not one Sequence publishes`) {
		t.Errorf("warnings = %q", got.Warnings)
	}
	if len(got.Deliveries) != 1 || got.Deliveries[0].Recipient != rcv.URL || got.Deliveries[0].Status != 204 {
		t.Errorf("deliveries = %+v, want the all-types policy's only", got.Deliveries)
	}
}

// The trigger endpoint is not part of the API: its faults and rate limit do not apply to it.
func TestEventsBypassAPIFaults(t *testing.T) {
	srv := NewServer(t, WithFaults(1, Fault500))
	got := trigger(t, srv, EventsRequest{NotificationType: "INVOICE_ISSUED"})
	got.expect(t, http.StatusOK)
	if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].Path != EventsPath || reqs[0].Status != 200 || reqs[0].Fault != "" {
		t.Errorf("request log = %+v, want the trigger with 200 and no fault", reqs)
	}
}
