package sequencetest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// A store written with WriteState and read into a new emulator serves the same policies through
// the API: ids, creation times, secrets (even when reads omit them), all-types policies, and the
// order pagination relies on.
func TestStateRoundTrip(t *testing.T) {
	var changes atomic.Int32
	src := NewServer(t, WithChangeHook(func() { changes.Add(1) }))
	call(t, src, "POST", "/notifications/policies", map[string]any{
		"name": "hook", "channel": "WEBHOOK", "recipients": []string{"https://a.example/x"},
	})
	mail := call(t, src, "POST", "/notifications/policies", map[string]any{
		"name": "mail", "channel": "EMAIL", "recipients": []string{"a@example.com"}, "notificationTypes": []string{"INVOICE_ISSUED"},
	})
	var created wirePolicy
	if err := json.Unmarshal(mail.Body, &created); err != nil {
		t.Fatal(err)
	}
	call(t, src, "POST", "/notifications/policies/"+created.ID+"/recipients", map[string]any{"recipients": []string{"b@example.com"}})
	src.InsertPolicy(Policy{Name: "out of band", Channel: "EMAIL", Recipients: []string{"c@example.com"}})
	if got := changes.Load(); got != 4 {
		t.Errorf("change hook ran %d times for 4 changes", got)
	}
	call(t, src, "GET", "/notifications/policies", nil) // reads are not changes
	if got := changes.Load(); got != 4 {
		t.Errorf("change hook ran on a read (%d calls)", got)
	}

	var saved bytes.Buffer
	if err := src.WriteState(&saved); err != nil {
		t.Fatal(err)
	}
	dst := NewServer(t, WithOmitSecretOnRead(true))
	if err := dst.ReadState(bytes.NewReader(saved.Bytes())); err != nil {
		t.Fatal(err)
	}
	if got, want := dst.Policies(), src.Policies(); !policiesEqual(got, want) {
		t.Fatalf("restored policies differ:\n got %+v\nwant %+v", got, want)
	}
	if !strings.HasPrefix(dst.Policies()[0].WebhookSecret, "whsec_") {
		t.Error("the generated webhook secret was not restored")
	}
	if dst.Policies()[2].NotificationTypes != nil {
		t.Error("an all-types policy came back with types")
	}
	// Pagination still walks the restored policies in creation order.
	page := call(t, dst, "GET", "/notifications/policies?limit=2", nil)
	var list listResponse
	if err := json.Unmarshal(page.Body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 2 || list.Items[0].Name != "hook" || list.Pagination.After == "" {
		t.Fatalf("first page after restore: %s", page.Body)
	}
	next := call(t, dst, "GET", "/notifications/policies?after="+list.Pagination.After, nil)
	if !bytes.Contains(next.Body, []byte(`"out of band"`)) {
		t.Fatalf("second page after restore: %s", next.Body)
	}
}

func policiesEqual(a, b []Policy) bool {
	return slices.EqualFunc(a, b, func(x, y Policy) bool {
		return x.ID == y.ID && x.CreatedAt.Equal(y.CreatedAt) && x.SequenceAccountID == y.SequenceAccountID &&
			x.Name == y.Name && x.Channel == y.Channel && slices.Equal(x.Recipients, y.Recipients) &&
			slices.Equal(x.NotificationTypes, y.NotificationTypes) && (x.NotificationTypes == nil) == (y.NotificationTypes == nil) &&
			x.WebhookSecret == y.WebhookSecret
	})
}

// A document that is not a saved store is refused and leaves the store untouched.
func TestReadStateRefusesBadDocuments(t *testing.T) {
	cases := map[string]string{
		"not JSON":          `{"format": "sequence-emulator-state/1", "policies": [`,
		"another format":    `{"format": "something-else", "policies": []}`,
		"no format":         `{"policies": []}`,
		"unknown field":     `{"format": "sequence-emulator-state/1", "policies": [], "extra": 1}`,
		"policy without id": `{"format": "sequence-emulator-state/1", "policies": [{"name": "x", "channel": "EMAIL"}]}`,
		"duplicate id":      `{"format": "sequence-emulator-state/1", "policies": [{"id": "a", "channel": "EMAIL"}, {"id": "a", "channel": "EMAIL"}]}`,
		"unknown channel":   `{"format": "sequence-emulator-state/1", "policies": [{"id": "a", "channel": "SMS"}]}`,
		"trailing data":     `{"format": "sequence-emulator-state/1", "policies": []} {}`,
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			e := New()
			kept := e.InsertPolicy(Policy{Name: "kept", Channel: "EMAIL", Recipients: []string{"a@example.com"}})
			if err := e.ReadState(strings.NewReader(doc)); err == nil {
				t.Fatal("ReadState accepted the document")
			}
			if got := e.Policies(); len(got) != 1 || got[0].ID != kept.ID {
				t.Errorf("store changed by a refused document: %+v", got)
			}
		})
	}
}
