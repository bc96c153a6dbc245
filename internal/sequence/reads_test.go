package sequence

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// These tests count the requests of the shared read path against the emulator's request log.

func newReadsClient(t *testing.T, srv *sequencetest.Server) *Client {
	t.Helper()
	return newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.ClientID, cfg.ClientSecret = sequencetest.DefaultClientID, sequencetest.DefaultClientSecret
	})
}

// seedPolicies stores n EMAIL policies and returns their ids in the list's order.
func seedPolicies(srv *sequencetest.Server, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = srv.InsertPolicy(sequencetest.Policy{
			Name: fmt.Sprintf("policy %d", i), Channel: ChannelEmail, Recipients: []string{"ops@example.com"},
		}).ID
	}
	return ids
}

// routes renders the request log as "METHOD path[?after]" lines; list pages show only whether
// they carried a cursor, which is opaque.
func routes(srv *sequencetest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		line := r.Method + " " + strings.TrimPrefix(r.Path, "/api")
		if strings.Contains(r.Query, "after=") {
			line += "?after"
		}
		out = append(out, fmt.Sprintf("%s %d", line, r.Status))
	}
	return out
}

func wantRoutes(t *testing.T, srv *sequencetest.Server, want ...string) {
	t.Helper()
	if got := routes(srv); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func read(t *testing.T, c *Client, id string) *NotificationPolicy {
	t.Helper()
	p, err := c.ReadNotificationPolicy(context.Background(), id, ReadNotificationPolicyOptions{})
	if err != nil {
		t.Fatalf("reading %s: %v", id, err)
	}
	if p.ID != id {
		t.Fatalf("read %s, got %s", id, p.ID)
	}
	return p
}

const (
	listPage     = "GET /notifications/policies 200"
	listNextPage = "GET /notifications/policies?after 200"
)

func TestReadsOfEveryPolicyAreServedFromThePages(t *testing.T) {
	srv := sequencetest.NewServer(t)
	ids := seedPolicies(srv, 150)
	c := newReadsClient(t, srv)
	for _, id := range ids {
		read(t, c, id)
	}
	// The first read outside page 1 costs as much as the rest of the listing: one page.
	wantRoutes(t, srv, listPage, listNextPage)
}

func TestReadsOfFewPoliciesInALargeAccountAreGETs(t *testing.T) {
	srv := sequencetest.NewServer(t)
	ids := seedPolicies(srv, 1005)
	c := newReadsClient(t, srv)
	few := []string{ids[1004], ids[700], ids[300], ids[150], ids[999]}
	for _, id := range few {
		read(t, c, id)
	}
	want := []string{listPage}
	for _, id := range few {
		want = append(want, "GET /notifications/policies/"+id+" 200")
	}
	wantRoutes(t, srv, want...) // 6 = min(N, P) + 1 with N = 5, P = 11
}

func TestReadsInAnyOrderCostAtMostTwiceMinNP(t *testing.T) {
	// One read at a time, each outside the pages fetched so far: the worst order for the rule.
	srv := sequencetest.NewServer(t)
	ids := seedPolicies(srv, 500)
	c := newReadsClient(t, srv)
	for _, i := range []int{499, 399, 299, 199, 100, 450, 350, 250, 150, 0} {
		read(t, c, ids[i])
	}
	if n := len(srv.Requests()); n > 2*5 {
		t.Errorf("%d requests for 10 reads of 500 policies (5 pages), want at most 10:\n%s", n, strings.Join(routes(srv), "\n"))
	}
	// With the listing complete, the rest are served from its pages.
	before := len(srv.Requests())
	for _, id := range ids {
		read(t, c, id)
	}
	if n := len(srv.Requests()) - before; n != 0 {
		t.Errorf("%d more requests after the listing was complete", n)
	}
}

// readTogether reads ids concurrently, each from its own goroutine, and fails the test on an error.
func readTogether(t *testing.T, c *Client, ids []string) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(ids))
	for _, id := range ids {
		wg.Go(func() {
			p, err := c.ReadNotificationPolicy(context.Background(), id, ReadNotificationPolicyOptions{})
			switch {
			case err != nil:
				errs <- err
			case p.ID != id:
				errs <- fmt.Errorf("read %s, got %s", id, p.ID)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestConcurrentReadsThatMissShareTheRestOfTheListing(t *testing.T) {
	// Latency keeps page 1 on its way until all ten reads wait for it, as a refresh's ten do.
	srv := sequencetest.NewServer(t, sequencetest.WithLatency(100*time.Millisecond))
	ids := seedPolicies(srv, 500)
	c := newReadsClient(t, srv)
	readTogether(t, c, []string{ids[0], ids[50], ids[120], ids[180], ids[230], ids[290], ids[340], ids[410], ids[460], ids[499]})
	// Eight misses outweigh the four pages left: the listing is completed, no GET is spent.
	wantRoutes(t, srv, listPage, listNextPage, listNextPage, listNextPage, listNextPage)
}

func TestConcurrentReadsOfOnePolicyShareOneRequest(t *testing.T) {
	srv := sequencetest.NewServer(t, sequencetest.WithLatency(100*time.Millisecond))
	ids := seedPolicies(srv, 350)
	c := newReadsClient(t, srv)
	same := make([]string, 30)
	for i := range same {
		same[i] = ids[250] // page 3
	}
	readTogether(t, c, same)
	wantRoutes(t, srv, listPage, "GET /notifications/policies/"+ids[250]+" 200")
}

func TestReadAfterAWriteThroughTheClientAsksSequence(t *testing.T) {
	srv := sequencetest.NewServer(t)
	ids := seedPolicies(srv, 3)
	c := newReadsClient(t, srv)
	read(t, c, ids[1])
	if _, err := c.AddRecipients(context.Background(), ids[1], []string{"new@example.com"}); err != nil {
		t.Fatal(err)
	}
	if p := read(t, c, ids[1]); !p.HasRecipient("new@example.com") {
		t.Errorf("read after the write returned %v, without the added recipient", p.Recipients)
	}
	read(t, c, ids[2]) // not written: still from the page
	wantRoutes(t, srv, listPage, "POST /notifications/policies/"+ids[1]+"/recipients 200", "GET /notifications/policies/"+ids[1]+" 200")
}

func TestAPageOnItsWayDuringAWriteIsNotKeptForThePolicyWritten(t *testing.T) {
	old := samplePolicy("p1")
	updated := samplePolicy("p1")
	updated.Recipients = append(updated.Recipients, "new@example.com")
	pageAsked, releasePage := make(chan struct{}), make(chan struct{})
	var gets atomic.Int32
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/api/notifications/policies":
			close(pageAsked)
			<-releasePage // the page was read before the write and arrives after it
			writeJSON(w, http.StatusOK, map[string]any{"items": []NotificationPolicy{old, samplePolicy("p2")}, "pagination": map[string]any{"totalResultSize": 2}})
		case r.Method == http.MethodPost:
			writeJSON(w, http.StatusOK, updated)
		case r.Method == http.MethodGet:
			gets.Add(1)
			writeJSON(w, http.StatusOK, updated)
		}
	})
	c := newTestClient(t, api.base())
	done := make(chan *NotificationPolicy)
	go func() {
		p, err := c.ReadNotificationPolicy(context.Background(), "p2", ReadNotificationPolicyOptions{})
		if err != nil {
			t.Error(err)
		}
		done <- p
	}()
	<-pageAsked
	if _, err := c.AddRecipients(context.Background(), "p1", []string{"new@example.com"}); err != nil {
		t.Fatal(err)
	}
	close(releasePage)
	<-done
	if p := read(t, c, "p1"); !p.HasRecipient("new@example.com") {
		t.Errorf("read after the write was served the page fetched before it: %v", p.Recipients)
	}
	if n := gets.Load(); n != 1 {
		t.Errorf("%d GETs of p1, want 1", n)
	}
}

func TestPagesExpireAfterTheReadTTL(t *testing.T) {
	srv := sequencetest.NewServer(t)
	ids := seedPolicies(srv, 2)
	c := newReadsClient(t, srv)
	now := time.Now()
	c.reads.now = func() time.Time { return now }
	read(t, c, ids[0])
	now = now.Add(readTTL - time.Millisecond)
	read(t, c, ids[1])
	wantRoutes(t, srv, listPage)
	if err := srv.UpdatePolicy(ids[1], func(p *sequencetest.Policy) { p.Recipients = []string{"dashboard@example.com"} }); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Millisecond)
	if p := read(t, c, ids[1]); !p.HasRecipient("dashboard@example.com") {
		t.Errorf("read after the TTL returned %v, not the dashboard's change", p.Recipients)
	}
	wantRoutes(t, srv, listPage, listPage)
}

func TestAPolicyAbsentFromACompleteListingIsConfirmedWithAGET(t *testing.T) {
	srv := sequencetest.NewServer(t)
	ids := seedPolicies(srv, 2)
	c := newReadsClient(t, srv)
	read(t, c, ids[0])
	// Created after the listing (a listing can also skip one while others change): found by the GET.
	late := srv.InsertPolicy(sequencetest.Policy{Name: "late", Channel: ChannelEmail, Recipients: []string{"a@example.com"}})
	read(t, c, late.ID)
	// Never there: "gone" only because the GET says so.
	_, err := c.ReadNotificationPolicy(context.Background(), "00000000-0000-4000-8000-000000000000", ReadNotificationPolicyOptions{})
	if !NotFound(err) {
		t.Errorf("err = %v, want a NotFound APIError", err)
	}
	wantRoutes(t, srv, listPage, "GET /notifications/policies/"+late.ID+" 200",
		"GET /notifications/policies/00000000-0000-4000-8000-000000000000 404",
		"GET /notifications/policies 200") // the 404's one check that the endpoint is Sequence's
}

func TestFaultsOnAPageAreRetried(t *testing.T) {
	srv := sequencetest.NewServer(t)
	ids := seedPolicies(srv, 2)
	c := newReadsClient(t, srv)
	srv.QueueFaults(sequencetest.Fault503, sequencetest.FaultResetBeforeHandler, sequencetest.Fault429)
	read(t, c, ids[1])
	got := routes(srv)
	if len(got) != 4 || got[3] != listPage {
		t.Errorf("requests %v, want three faults then the page", got)
	}
}

func TestAPageThatFailsFailsTheReadsWaitingForItAndTheNextReadStartsOver(t *testing.T) {
	srv := sequencetest.NewServer(t)
	ids := seedPolicies(srv, 2)
	c := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.ClientID, cfg.ClientSecret = sequencetest.DefaultClientID, sequencetest.DefaultClientSecret
		cfg.MaxRetries = 0
	})
	srv.QueueFaults(sequencetest.Fault500)
	_, err := c.ReadNotificationPolicy(context.Background(), ids[0], ReadNotificationPolicyOptions{})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("reading notification policy %q: listing notification policies: ", ids[0])) {
		t.Fatalf("err = %v, want the page's error naming the read", err)
	}
	read(t, c, ids[0])
	wantRoutes(t, srv, "GET /notifications/policies 500", listPage)
}

func TestPagesTooLargeAreHalvedOnTheReadPath(t *testing.T) {
	srv := sequencetest.NewServer(t)
	for i := range 4 {
		srv.InsertPolicy(sequencetest.Policy{Name: fmt.Sprint(i), Channel: ChannelEmail, Recipients: []string{strings.Repeat("a", 600) + "@example.com"}})
	}
	c := newReadsClient(t, srv)
	c.maxResponseBytes = 2000 // about two of these policies per page
	for _, p := range srv.Policies() {
		read(t, c, p.ID)
	}
	var limits []string
	for _, r := range srv.Requests()[:7] {
		limits = append(limits, r.Query)
	}
	// Each oversized page is asked for once, then halved; then the three policies left cost at
	// most twice min(N, P) at one policy a page.
	if got := strings.Join(limits, ","); got != "limit=100,limit=50,limit=25,limit=12,limit=6,limit=3,limit=1" {
		t.Errorf("first pages asked: %s", got)
	}
	if n := len(srv.Requests()); n > 7+2*3 {
		t.Errorf("%d requests for 4 policies, want at most 13:\n%s", n, strings.Join(routes(srv), "\n"))
	}
}

func TestReadsWaitingForARequestKeepItWhenOneIsInterrupted(t *testing.T) {
	srv := sequencetest.NewServer(t, sequencetest.WithLatency(200*time.Millisecond))
	ids := seedPolicies(srv, 2)
	c := newReadsClient(t, srv)
	interrupted, interrupt := context.WithCancel(context.Background())
	errs := make(chan error, 1)
	go func() {
		_, err := c.ReadNotificationPolicy(interrupted, ids[0], ReadNotificationPolicyOptions{})
		errs <- err
	}()
	var kept *NotificationPolicy
	var wg sync.WaitGroup
	wg.Go(func() {
		time.Sleep(50 * time.Millisecond) // joins the page the first read sent
		kept = read(t, c, ids[1])
	})
	time.Sleep(100 * time.Millisecond)
	interrupt()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Errorf("interrupted read: err = %v, want context.Canceled", err)
	}
	wg.Wait()
	if kept == nil {
		t.Fatal("the other read got nothing")
	}
	wantRoutes(t, srv, listPage)
}

func TestAnInterruptedReadAloneCancelsItsRequest(t *testing.T) {
	srv := sequencetest.NewServer(t, sequencetest.WithLatency(300*time.Millisecond))
	ids := seedPolicies(srv, 1)
	c := newReadsClient(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.ReadNotificationPolicy(ctx, ids[0], ReadNotificationPolicyOptions{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	// The abandoned page is forgotten: the next read sends its own.
	read(t, c, ids[0])
	if got := routes(srv); len(got) != 2 || got[1] != listPage {
		t.Errorf("requests %v, want the cancelled page (status 0) then a new one", got)
	}
}

func TestAReadWantingTheSecretFallsBackToAGETWhenThePageLacksIt(t *testing.T) {
	webhook := samplePolicy("w1")
	webhook.Channel = ChannelWebhook
	webhook.Recipients = []string{"https://hooks.example.com/a"}
	listed := webhook
	listed.WebhookSecret = "" // the list omits it, the GET returns it
	webhook.WebhookSecret = "whsec_0123456789abcdefghijklmnopqrstuv"
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == "/api/notifications/policies" {
			writeJSON(w, http.StatusOK, map[string]any{"items": []NotificationPolicy{listed}, "pagination": map[string]any{"totalResultSize": 1}})
			return
		}
		writeJSON(w, http.StatusOK, webhook)
	})
	c := newTestClient(t, api.base())
	if p := read(t, c, "w1"); p.WebhookSecret != "" {
		t.Errorf("a read from the page has a secret")
	}
	p, err := c.ReadNotificationPolicy(context.Background(), "w1", ReadNotificationPolicyOptions{WantSecret: true})
	if err != nil || p.WebhookSecret != webhook.WebhookSecret {
		t.Fatalf("read wanting the secret: %v, secret returned: %t", err, err == nil && p.WebhookSecret != "")
	}
	if got := sprintRequests(api.recorded()); strings.Count(got, "GET /api/notifications/policies/w1") != 1 || len(api.recorded()) != 2 {
		t.Errorf("requests:\n%s\nwant the page, then one GET", got)
	}
}

func TestReadsServedFromAPageSaySoInTheLog(t *testing.T) {
	srv := sequencetest.NewServer(t)
	ids := seedPolicies(srv, 2)
	c := newReadsClient(t, srv)
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	for _, id := range ids {
		if _, err := c.ReadNotificationPolicy(ctx, id, ReadNotificationPolicyOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := tflogtest.MultilineJSONDecode(&out)
	if err != nil {
		t.Fatal(err)
	}
	served := 0
	for _, e := range entries {
		if e["@message"] == "Read notification policy from a list page" && e["page"] == float64(1) {
			served++
		}
	}
	if served != 2 {
		t.Errorf("%d log lines say a read was served from page 1, want 2:\n%s", served, out.String())
	}
}

func TestReadResultsAreCopies(t *testing.T) {
	srv := sequencetest.NewServer(t)
	ids := seedPolicies(srv, 1)
	c := newReadsClient(t, srv)
	read(t, c, ids[0]).Recipients[0] = "changed@example.com"
	if p := read(t, c, ids[0]); p.Recipients[0] != "ops@example.com" {
		t.Errorf("a caller's change reached the shared copy: %v", p.Recipients)
	}
}
