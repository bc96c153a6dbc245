package sequence

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// interruptAfterSent cancels the caller's context once the server holds the request (as
// Terraform does on Ctrl-C), and then lets the server answer.
type interruptAfterSent struct {
	received chan struct{}
	release  chan struct{}
}

func newInterruptAfterSent(t *testing.T, cancel context.CancelFunc) *interruptAfterSent {
	i := &interruptAfterSent{received: make(chan struct{}, 1), release: make(chan struct{})}
	done := make(chan struct{})
	t.Cleanup(func() { <-done })
	go func() {
		defer close(done)
		<-i.received
		cancel()
		close(i.release)
	}()
	return i
}

// serverHolds is called by the handler once it has the request; it returns when the caller
// was cancelled.
func (i *interruptAfterSent) serverHolds() {
	i.received <- struct{}{}
	<-i.release
}

func TestCreateInterruptedAfterItWasSentReturnsThePolicy(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	interrupt := newInterruptAfterSent(t, cancel)
	f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) {
		interrupt.serverHolds()
		writeJSON(w, 201, commit())
	})
	p, err := newTestClient(t, f.api.base()).CreateNotificationPolicy(ctx, emailRequest)
	if err != nil {
		t.Fatalf("create interrupted after it was sent failed: %v", err)
	}
	if p.ID != "pol-1" {
		t.Errorf("returned policy %q, want pol-1", p.ID)
	}
	if got := f.methods(); got != "create" {
		t.Errorf("requests = %s, want the one create, answered", got)
	}
}

func TestCreateInterruptedWhoseAnswerIsLostIsReconciled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	interrupt := newInterruptAfterSent(t, cancel)
	f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) {
		interrupt.serverHolds()
		commit()
		resetConnection(t, w)
	})
	p, err := newTestClient(t, f.api.base()).CreateNotificationPolicy(ctx, emailRequest)
	if err != nil {
		t.Fatalf("create interrupted and then unanswered was not reconciled: %v\n%s", err, sprintRequests(f.api.recorded()))
	}
	if p.ID != "pol-1" || len(f.stored()) != 1 {
		t.Errorf("got %q with %d stored; want the adopted pol-1 and no second create", p.ID, len(f.stored()))
	}
	if got := f.methods(); got != "create,list" {
		t.Errorf("requests = %s, want the create, then the list that found it", got)
	}
}

func TestCreateInterruptedWhoseAnswerIsLostAndNothingWasMadeSaysSo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	interrupt := newInterruptAfterSent(t, cancel)
	f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) {
		interrupt.serverHolds()
		resetConnection(t, w) // not committed
	})
	_, err := newTestClient(t, f.api.base()).CreateNotificationPolicy(ctx, emailRequest)
	if err == nil || PolicyMayExist(err) || !strings.Contains(err.Error(), "found no policy") {
		t.Fatalf("err = %v, want one saying the check found no policy (and not that it may exist)", err)
	}
	if got := f.methods(); got != "create,list" {
		t.Errorf("requests = %s, want the create and the check, no second create after the interruption", got)
	}
}

func TestCreateInterruptedWithNeitherAnswerNorCheckSaysThePolicyMayExist(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	interrupt := newInterruptAfterSent(t, cancel)
	stop := make(chan struct{})
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodPost {
			interrupt.serverHolds()
		}
		// Neither the create nor the list is ever answered.
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(stop) }) // runs before the server closes
	c := newTestClient(t, api.base())
	c.interruptGrace = 100 * time.Millisecond
	_, err := c.CreateNotificationPolicy(ctx, emailRequest)
	if !PolicyMayExist(err) {
		t.Fatalf("err = %v, want one marked as: the policy may exist", err)
	}
	for _, want := range []string{`creating notification policy "Finance team emails"`, "may have been processed", "no answer came"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if got := sprintRequests(api.recorded()); got != "POST /api/notifications/policies?\nGET /api/notifications/policies?limit=100&notificationType=INVOICE_ISSUED\n" {
		t.Errorf("requests:\n%s\nwant the create and one list, nothing after the grace period", got)
	}
}

func TestCreateInterruptedBeforeItWasSentSendsNothing(t *testing.T) {
	f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) { writeJSON(w, 201, commit()) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newTestClient(t, f.api.base()).CreateNotificationPolicy(ctx, emailRequest)
	if !errors.Is(err, context.Canceled) || PolicyMayExist(err) {
		t.Fatalf("err = %v, want context.Canceled without 'may exist'", err)
	}
	if got := f.methods(); got != "" {
		t.Errorf("requests = %s, want none", got)
	}
}

// Updates are seen through the same way: the answer to a request already sent is awaited, so
// the caller records what Sequence did.
func TestChangesInterruptedAfterTheyWereSentReturnTheirAnswer(t *testing.T) {
	tests := []struct {
		name string
		call func(ctx context.Context, c *Client) (*NotificationPolicy, error)
	}{
		{"add recipients", func(ctx context.Context, c *Client) (*NotificationPolicy, error) {
			return c.AddRecipients(ctx, "p1", []string{"new@example.com"})
		}},
		{"remove a recipient", func(ctx context.Context, c *Client) (*NotificationPolicy, error) {
			return c.RemoveRecipient(ctx, "p1", "old@example.com")
		}},
		{"add notification types", func(ctx context.Context, c *Client) (*NotificationPolicy, error) {
			return c.AddNotificationTypes(ctx, "p1", []string{"QUOTE_SIGNED"})
		}},
		{"remove a notification type", func(ctx context.Context, c *Client) (*NotificationPolicy, error) {
			return c.RemoveNotificationType(ctx, "p1", "INVOICE_CREATED")
		}},
		{"delete", func(ctx context.Context, c *Client) (*NotificationPolicy, error) {
			return c.DeleteNotificationPolicy(ctx, "p1")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			interrupt := newInterruptAfterSent(t, cancel)
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
				interrupt.serverHolds()
				writeJSON(w, 200, samplePolicy("p1"))
			})
			p, err := tt.call(ctx, newTestClient(t, api.base()))
			if err != nil {
				t.Fatalf("interrupted after it was sent: %v", err)
			}
			if p.ID != "p1" {
				t.Errorf("returned policy %q", p.ID)
			}
			if n := len(api.recorded()); n != 1 {
				t.Errorf("sent %d requests, want 1", n)
			}
		})
	}
}

func TestChangeInterruptedAfterItWasSentGivesUpAfterTheGracePeriod(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	interrupt := newInterruptAfterSent(t, cancel)
	stop := make(chan struct{})
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		interrupt.serverHolds()
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(stop) })
	c := newTestClient(t, api.base())
	c.interruptGrace = 50 * time.Millisecond
	_, err := c.AddRecipients(ctx, "p1", []string{"new@example.com"})
	if err == nil || !strings.Contains(err.Error(), `adding recipients to notification policy "p1": `) ||
		!strings.Contains(err.Error(), "interrupted, and no answer came within 50ms of the interruption") {
		t.Fatalf("err = %v, want the operation and that no answer came after the interruption", err)
	}
	if n := len(api.recorded()); n != 1 {
		t.Errorf("sent %d requests, want 1 (no retry after the interruption)", n)
	}
}

func TestCreateInterruptedWhileConnectingSendsNothing(t *testing.T) {
	f := newCreateFake(t, func(w http.ResponseWriter, n int, commit func() NotificationPolicy) { writeJSON(w, 201, commit()) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	transport := cloneDefaultTransport(t)
	transport.DialContext = func(dialCtx context.Context, network, addr string) (net.Conn, error) {
		cancel() // Ctrl-C while the connection is being made
		<-dialCtx.Done()
		return nil, dialCtx.Err()
	}
	c := newTestClient(t, f.api.base(), func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: transport} })
	_, err := c.CreateNotificationPolicy(ctx, emailRequest)
	if !errors.Is(err, context.Canceled) || PolicyMayExist(err) {
		t.Fatalf("err = %v, want context.Canceled without 'may exist'", err)
	}
	if got := f.methods(); got != "" {
		t.Errorf("requests = %s, want none", got)
	}
}

func TestSendGateSettlesTheRaceOnce(t *testing.T) {
	t.Run("sending began first: the interruption waits", func(t *testing.T) {
		g := &sendGate{}
		if !g.commit() || g.abandon() {
			t.Fatal("a gate committed first must refuse to be abandoned")
		}
	})
	t.Run("interrupted first: the body is never sent", func(t *testing.T) {
		g := &sendGate{}
		if !g.abandon() || g.commit() {
			t.Fatal("a gate abandoned first must refuse to commit")
		}
		n, err := (&gatedBody{body: bytes.NewReader([]byte("{}")), gate: g}).Read(make([]byte, 8))
		if n != 0 || !errors.Is(err, errAbandoned) {
			t.Errorf("Read = %d, %v; want 0, errAbandoned", n, err)
		}
	})
	t.Run("a committed gate reads the body", func(t *testing.T) {
		data, err := io.ReadAll(&gatedBody{body: bytes.NewReader([]byte("{}")), gate: committedGate()})
		if err != nil || string(data) != "{}" {
			t.Errorf("ReadAll = %q, %v", data, err)
		}
	})
}
