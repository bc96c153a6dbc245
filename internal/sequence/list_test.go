package sequence

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// pageQueries returns the limit and after parameters of every list request.
func pageQueries(t *testing.T, api *fakeAPI) (limits, cursors []string) {
	t.Helper()
	for _, r := range api.recorded() {
		q, err := url.ParseQuery(r.Query)
		if err != nil {
			t.Fatal(err)
		}
		limits = append(limits, q.Get("limit"))
		cursors = append(cursors, q.Get("after"))
	}
	return limits, cursors
}

func TestListStopsWhenAPageAddsNothingNew(t *testing.T) {
	// A broken server: the same page forever, each time with a fresh cursor.
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		writeJSON(w, http.StatusOK, map[string]any{
			"items":      []NotificationPolicy{samplePolicy("p1"), samplePolicy("p2")},
			"pagination": map[string]any{"after": fmt.Sprintf("cursor-%d", n), "totalResultSize": 2},
		})
	})
	_, err := newTestClient(t, api.base()).ListNotificationPolicies(context.Background(), ListNotificationPoliciesOptions{})
	if err == nil {
		t.Fatal("listing a server that never ends succeeded")
	}
	for _, want := range []string{`page 2 (cursor "cursor-1") holds only policies already listed`, `(cursor "cursor-2")`, "stopping rather than looping forever"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if n := len(api.recorded()); n != 2 {
		t.Errorf("sent %d requests, want 2", n)
	}
}

func TestListStopsAfterThePagesTheReportedTotalAllows(t *testing.T) {
	// A broken server: new policies and a fresh cursor forever, though it reports five policies.
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		writeJSON(w, http.StatusOK, map[string]any{
			"items":      []NotificationPolicy{samplePolicy(fmt.Sprintf("p%d", n))},
			"pagination": map[string]any{"after": fmt.Sprintf("cursor-%d", n), "totalResultSize": 5},
		})
	})
	_, err := newTestClient(t, api.base()).ListNotificationPolicies(context.Background(), ListNotificationPoliciesOptions{PageSize: 1})
	want := listPageCap(5, 1)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf(`gave up after %d pages (the server reported 5 policies) with cursor "cursor-%d"`, want, want)) {
		t.Fatalf("err = %v, want one naming the page count and the last cursor", err)
	}
	if n := len(api.recorded()); n != want {
		t.Errorf("sent %d requests, want %d", n, want)
	}
}

func TestListPageCap(t *testing.T) {
	tests := []struct{ total, limit, want int }{
		{0, 100, maxListPages},     // no total reported
		{1, 100, 11},               // one page plus slack
		{250, 100, 3 + 10 + 25},    // 10% more policies created meanwhile
		{250, 1, 250 + 10 + 25},    // the limit halved down to 1
		{1 << 30, 1, maxListPages}, // never above the absolute ceiling
		{-3, 100, maxListPages},    // nonsense is no total
		{1000, 100, 10 + 10 + 100}, // the slack grows with the account
		{99, 100, 1 + 10 + 9},      // a partial last page
		{100, 100, 1 + 10 + 10},    // an exact last page
		{101, 100, 2 + 10 + 10},    // one more
		{10, 3, 4 + 10 + 1},        // a small page size
		{100_000, 100, 1000 + 10000 + 10},
	}
	for _, tt := range tests {
		want := min(tt.want, maxListPages)
		if got := listPageCap(tt.total, tt.limit); got != want {
			t.Errorf("listPageCap(%d, %d) = %d, want %d", tt.total, tt.limit, got, want)
		}
	}
}

func TestListHalvesThePageSizeForPagesLargerThanTheResponseCap(t *testing.T) {
	big := func(id string) NotificationPolicy {
		p := samplePolicy(id)
		p.Recipients = []string{strings.Repeat("a", 600) + "@example.com"}
		return p
	}
	all := []NotificationPolicy{big("p1"), big("p2"), big("p3"), big("p4"), big("p5")}
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		q := r.URL.Query()
		var limit, start int
		_, _ = fmt.Sscan(q.Get("limit"), &limit)
		if after := q.Get("after"); after != "" {
			_, _ = fmt.Sscan(after, &start)
		}
		end := min(len(all), start+limit)
		pagination := map[string]any{"totalResultSize": len(all)}
		if end < len(all) {
			pagination["after"] = fmt.Sprint(end)
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": all[start:end], "pagination": pagination})
	})
	c := newTestClient(t, api.base())
	c.maxResponseBytes = 2000 // about two of these policies per page

	got, err := c.ListNotificationPolicies(context.Background(), ListNotificationPoliciesOptions{})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(got) != len(all) {
		t.Fatalf("listed %d policies, want %d", len(got), len(all))
	}
	limits, cursors := pageQueries(t, api)
	// Each oversized page is asked for once (not retried as a transient failure), then halved.
	wantLimits := "100,50,25,12,6,3,1,1,1,1,1"
	wantCursors := ",,,,,,,1,2,3,4"
	if strings.Join(limits, ",") != wantLimits || strings.Join(cursors, ",") != wantCursors {
		t.Errorf("limits %v cursors %v, want limits %s cursors %s", limits, cursors, wantLimits, wantCursors)
	}
}

func TestListOfOnePolicyLargerThanTheResponseCapSaysSo(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		p := samplePolicy("p1")
		p.Recipients = []string{strings.Repeat("a", 3000) + "@example.com"}
		writeJSON(w, http.StatusOK, map[string]any{"items": []NotificationPolicy{p}, "pagination": map[string]any{"totalResultSize": 1}})
	})
	c := newTestClient(t, api.base())
	c.maxResponseBytes = 2000
	_, err := c.ListNotificationPolicies(context.Background(), ListNotificationPoliciesOptions{})
	for _, want := range []string{"listing notification policies: the 200 OK response is larger than 2000 bytes",
		`a page of a single policy (after cursor "") is too large to read, so one policy is larger than 2000 bytes`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want one containing %q", err, want)
		}
	}
	limits, _ := pageQueries(t, api)
	if got := strings.Join(limits, ","); got != "100,50,25,12,6,3,1" {
		t.Errorf("limits asked: %s", got)
	}
}
