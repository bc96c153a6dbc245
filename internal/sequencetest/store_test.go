package sequencetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestOutOfBandChangesAreVisibleThroughTheAPI(t *testing.T) {
	srv := NewServer(t)
	inserted := srv.InsertPolicy(Policy{Name: "drift", Channel: "WEBHOOK", Recipients: []string{"https://a.example"}, NotificationTypes: []string{"SOMETHING_NEW"}})
	if !uuidV4Pattern.MatchString(inserted.ID) || inserted.CreatedAt.IsZero() || inserted.SequenceAccountID != DefaultAccountID || !secretPattern.MatchString(inserted.WebhookSecret) {
		t.Errorf("InsertPolicy did not fill the generated fields: %+v", inserted)
	}
	path := "/notifications/policies/" + inserted.ID
	got := call(t, srv, "GET", path, nil).expect(t, http.StatusOK).policy(t)
	if !slices.Equal(got.NotificationTypes, []string{"SOMETHING_NEW"}) {
		t.Errorf("a type unknown to the emulator was not returned as stored: %v", got.NotificationTypes)
	}

	if err := srv.UpdatePolicy(inserted.ID, func(p *Policy) {
		p.Recipients = append(p.Recipients, "https://b.example")
		p.ID = "ignored"
	}); err != nil {
		t.Fatal(err)
	}
	got = call(t, srv, "GET", path, nil).expect(t, http.StatusOK).policy(t)
	if !slices.Equal(got.Recipients, []string{"https://a.example", "https://b.example"}) || got.ID != inserted.ID {
		t.Errorf("after UpdatePolicy: %+v", got)
	}
	if err := srv.UpdatePolicy("missing", func(*Policy) {}); !errors.Is(err, ErrPolicyNotFound) {
		t.Errorf("UpdatePolicy(missing) = %v", err)
	}

	if !srv.DeletePolicy(inserted.ID) || srv.DeletePolicy(inserted.ID) {
		t.Error("DeletePolicy should report true once, then false")
	}
	call(t, srv, "GET", path, nil).expect(t, http.StatusNotFound)
}

func TestStoreAccessorsReturnCopies(t *testing.T) {
	e := New()
	created := time.Date(2024, 7, 30, 12, 0, 0, 123e6, time.UTC)
	e.InsertPolicy(Policy{ID: "b", Name: "first", Channel: "EMAIL", Recipients: []string{"a@example.com"}, CreatedAt: created})
	e.InsertPolicy(Policy{ID: "a", Name: "second", Channel: "EMAIL", Recipients: []string{"b@example.com"}})
	all := e.Policies()
	if len(all) != 2 || all[0].ID != "b" || all[1].ID != "a" {
		t.Fatalf("Policies() = %+v, want creation order", all)
	}
	if !all[0].CreatedAt.Equal(created) || all[0].WebhookSecret != "" {
		t.Errorf("given fields not kept: %+v", all[0])
	}
	all[0].Recipients[0] = "mutated@example.com"
	one, ok := e.Policy("b")
	if !ok || one.Recipients[0] != "a@example.com" {
		t.Error("mutating a returned policy changed the store")
	}
	e.InsertPolicy(Policy{ID: "b", Name: "replaced", Channel: "EMAIL", Recipients: []string{"c@example.com"}})
	if all := e.Policies(); len(all) != 2 || all[0].Name != "replaced" {
		t.Errorf("inserting an existing id should replace it in place: %+v", all)
	}
	if _, ok := e.Policy("missing"); ok {
		t.Error("Policy(missing) reported found")
	}
}

func TestSign(t *testing.T) {
	// Independently computed: HMAC-SHA256("whsec_test", `1700000000123.{"a":1}`).
	got := Sign("whsec_test", time.UnixMilli(1700000000123), []byte(`{"a":1}`))
	want := "t=1700000000123,s=a91a0126961636f9a9cdaa5cdc1e3917b473a60893dcbb782aca9ad90833a32a"
	if got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
}

func TestConcurrentUse(t *testing.T) {
	srv := NewServer(t)
	const workers, rounds = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				if err := exercisePolicy(srv, fmt.Sprintf("w%d-%d", w, i)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	// Knobs, the store and the log are used at the same time as the API.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 30 {
			srv.SetLatency(0)
			srv.SetOmitSecretOnRead(i%2 == 0)
			srv.SetFaults(0)
			_ = srv.Requests()
			for _, p := range srv.Policies() {
				_ = srv.UpdatePolicy(p.ID, func(p *Policy) { p.Name += "." })
			}
			srv.InsertPolicy(Policy{Name: "oob", Channel: "EMAIL", Recipients: []string{"oob@example.com"}})
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Every exercised policy was deleted again; only the 30 out-of-band ones remain.
	if n := len(srv.Policies()); n != 30 {
		t.Errorf("%d policies left, want 30", n)
	}
	total := call(t, srv, "GET", "/notifications/policies?limit=100", nil).list(t).Pagination.TotalResultSize
	if total != 30 {
		t.Errorf("totalResultSize = %d, want 30", total)
	}
}

// exercisePolicy creates a policy, changes it through every endpoint and deletes it.
func exercisePolicy(srv *Server, tag string) error {
	resp, err := send(srv, "POST", "/notifications/policies", createBody{Name: tag, Channel: "EMAIL", Recipients: []string{tag + "-a@example.com"}})
	if err != nil {
		return fmt.Errorf("%s: create: %w", tag, err)
	}
	if resp.Status != http.StatusCreated {
		return fmt.Errorf("%s: create: %d %s", tag, resp.Status, resp.Body)
	}
	var p wirePolicy
	if err := json.Unmarshal(resp.Body, &p); err != nil {
		return err
	}
	base := "/notifications/policies/" + p.ID
	steps := []struct {
		method, path string
		body         any
	}{
		{"POST", base + "/recipients", map[string]any{"recipients": []string{tag + "-b@example.com", tag + "-c@example.com"}}},
		{"DELETE", base + "/recipients/" + tag + "-a@example.com", nil},
		{"POST", base + "/notification-types", map[string]any{"notificationTypes": []string{"INVOICE_ISSUED", "QUOTE_SIGNED"}}},
		{"DELETE", base + "/notification-types/QUOTE_SIGNED", nil},
		{"GET", base, nil},
		{"GET", "/notifications/policies?notificationType=INVOICE_ISSUED", nil},
		{"DELETE", base, nil},
	}
	for _, s := range steps {
		resp, err := send(srv, s.method, s.path, s.body)
		if err != nil {
			return fmt.Errorf("%s: %s %s: %w", tag, s.method, s.path, err)
		}
		if resp.Status != http.StatusOK {
			return fmt.Errorf("%s: %s %s: %d %s", tag, s.method, s.path, resp.Status, resp.Body)
		}
	}
	return nil
}

func TestNotificationTypeSetAndAccountID(t *testing.T) {
	srv := NewServer(t, WithNotificationTypes("PAYMENT_RECEIVED", "INVOICE_ISSUED"), WithAccountID("acct-1"))
	p := create(t, srv, createBody{Name: "n", Channel: "EMAIL", Recipients: []string{"a@example.com"}, NotificationTypes: []string{"PAYMENT_RECEIVED"}})
	if p.SequenceAccountID != "acct-1" {
		t.Errorf("sequenceAccountId = %q", p.SequenceAccountID)
	}
	call(t, srv, "POST", "/notifications/policies", createBody{Name: "n", Channel: "EMAIL", Recipients: []string{"a@example.com"}, NotificationTypes: []string{"CUSTOMER_CREATED"}}).
		expect(t, http.StatusBadRequest)

	// Sequence retires a type within the version: new uses are refused, stored policies keep it.
	srv.SetNotificationTypes("INVOICE_ISSUED")
	call(t, srv, "POST", "/notifications/policies/"+p.ID+"/notification-types", map[string]any{"notificationTypes": []string{"PAYMENT_RECEIVED"}}).
		expect(t, http.StatusBadRequest)
	call(t, srv, "GET", "/notifications/policies?notificationType=PAYMENT_RECEIVED", nil).expect(t, http.StatusBadRequest)
	if got := call(t, srv, "GET", "/notifications/policies/"+p.ID, nil).policy(t); !slices.Equal(got.NotificationTypes, []string{"PAYMENT_RECEIVED"}) {
		t.Errorf("stored types = %v", got.NotificationTypes)
	}
	call(t, srv, "DELETE", "/notifications/policies/"+p.ID+"/notification-types/PAYMENT_RECEIVED", nil).expect(t, http.StatusOK)
}
