package sequencetest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

func listPath(q url.Values) string { return "/notifications/policies?" + q.Encode() }

func TestPaginationVisitsEveryPolicyOnceInCreationOrder(t *testing.T) {
	srv := NewServer(t)
	var want []string
	for i := range 263 {
		want = append(want, create(t, srv, emailPolicy(fmt.Sprintf("p%d@example.com", i))).ID)
	}

	var got []string
	var pages []int
	after := ""
	for {
		q := url.Values{"limit": {"100"}}
		if after != "" {
			q.Set("after", after)
		}
		l := call(t, srv, "GET", listPath(q), nil).expect(t, http.StatusOK).list(t)
		if l.Pagination.TotalResultSize != len(want) {
			t.Fatalf("totalResultSize = %d, want %d", l.Pagination.TotalResultSize, len(want))
		}
		pages = append(pages, len(l.Items))
		for _, p := range l.Items {
			got = append(got, p.ID)
		}
		if l.Pagination.After == "" || len(l.Items) == 0 {
			break
		}
		after = l.Pagination.After
	}
	if !slices.Equal(pages, []int{100, 100, 63}) {
		t.Errorf("page sizes = %v", pages)
	}
	if !slices.Equal(got, want) {
		t.Errorf("walk returned %d ids, want each of %d exactly once in creation order", len(got), len(want))
	}

	// Walking back with before from the last page returns the previous page.
	last := call(t, srv, "GET", listPath(url.Values{"limit": {"100"}, "after": {after}}), nil).list(t)
	if last.Pagination.Before == "" {
		t.Fatal("last page has no before cursor")
	}
	prev := call(t, srv, "GET", listPath(url.Values{"limit": {"100"}, "before": {last.Pagination.Before}}), nil).expect(t, http.StatusOK).list(t)
	var prevIDs []string
	for _, p := range prev.Items {
		prevIDs = append(prevIDs, p.ID)
	}
	if !slices.Equal(prevIDs, want[100:200]) {
		t.Error("before cursor did not return the previous page")
	}
	first := call(t, srv, "GET", listPath(url.Values{"limit": {"100"}}), nil).list(t)
	if first.Pagination.Before != "" {
		t.Errorf("first page has a before cursor %q", first.Pagination.Before)
	}
}

func TestPaginationDefaultsAndCursorStability(t *testing.T) {
	srv := NewServer(t)
	var ids []string
	for i := range 25 {
		ids = append(ids, create(t, srv, emailPolicy(fmt.Sprintf("p%d@example.com", i))).ID)
	}
	page := call(t, srv, "GET", "/notifications/policies", nil).expect(t, http.StatusOK).list(t)
	if len(page.Items) != 20 || page.Pagination.After == "" {
		t.Fatalf("default page: %d items, after %q; want 20 and a cursor", len(page.Items), page.Pagination.After)
	}
	// Deleting the policy a cursor points at must not lose or repeat the rest.
	call(t, srv, "DELETE", "/notifications/policies/"+ids[19], nil).expect(t, http.StatusOK)
	rest := call(t, srv, "GET", listPath(url.Values{"after": {page.Pagination.After}}), nil).expect(t, http.StatusOK).list(t)
	var got []string
	for _, p := range rest.Items {
		got = append(got, p.ID)
	}
	if !slices.Equal(got, ids[20:]) || rest.Pagination.After != "" || rest.Pagination.TotalResultSize != 24 {
		t.Errorf("after a deleted cursor: %d items, after %q, total %d", len(got), rest.Pagination.After, rest.Pagination.TotalResultSize)
	}
}

func TestListRejects(t *testing.T) {
	srv := NewServer(t)
	create(t, srv, emailPolicy("a@example.com"))
	cases := []struct {
		name    string
		query   url.Values
		wantKey string
	}{
		{"limit zero", url.Values{"limit": {"0"}}, "limit"},
		{"limit above 100", url.Values{"limit": {"101"}}, "limit"},
		{"limit not a number", url.Values{"limit": {"ten"}}, "limit"},
		{"cursor not base64", url.Values{"after": {"%%%"}}, "after"},
		{"cursor of another shape", url.Values{"before": {"aGVsbG8="}}, "before"},
		{"after and before together", url.Values{"after": {encodeCursor(&storedPolicy{seq: 1})}, "before": {encodeCursor(&storedPolicy{seq: 2})}}, "before"},
		{"unknown notification type", url.Values{"notificationType": {"NOTIFICATION_SENT"}}, "notificationType"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := call(t, srv, "GET", listPath(tc.query), nil).expect(t, http.StatusBadRequest).fieldErrors(t)
			if !hasKey(errs, tc.wantKey) {
				t.Errorf("errors %+v lack key %q", errs, tc.wantKey)
			}
		})
	}
}

func TestListFilterByNotificationTypeIncludesAllTypesPolicies(t *testing.T) {
	srv := NewServer(t)
	invoice := create(t, srv, createBody{Name: "invoice", Channel: "EMAIL", Recipients: []string{"a@example.com"}, NotificationTypes: []string{"INVOICE_ISSUED", "QUOTE_SIGNED"}})
	all := create(t, srv, emailPolicy("b@example.com"))
	create(t, srv, createBody{Name: "customer", Channel: "EMAIL", Recipients: []string{"c@example.com"}, NotificationTypes: []string{"CUSTOMER_CREATED"}})
	quote := create(t, srv, createBody{Name: "quote", Channel: "EMAIL", Recipients: []string{"d@example.com"}, NotificationTypes: []string{"INVOICE_ISSUED"}})

	var got []string
	after := ""
	for {
		q := url.Values{"notificationType": {"INVOICE_ISSUED"}, "limit": {"1"}}
		if after != "" {
			q.Set("after", after)
		}
		l := call(t, srv, "GET", listPath(q), nil).expect(t, http.StatusOK).list(t)
		if l.Pagination.TotalResultSize != 3 {
			t.Errorf("totalResultSize = %d, want 3", l.Pagination.TotalResultSize)
		}
		for _, p := range l.Items {
			got = append(got, p.ID)
		}
		if after = l.Pagination.After; after == "" {
			break
		}
	}
	if want := []string{invoice.ID, all.ID, quote.ID}; !slices.Equal(got, want) {
		t.Errorf("filtered ids = %v, want %v", got, want)
	}
}
