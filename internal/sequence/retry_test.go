package sequence

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestIdempotentRequestsAreRetriedOnTransientFailures(t *testing.T) {
	tests := []struct {
		name string
		fail func(t *testing.T, w http.ResponseWriter)
	}{
		{"429 Too Many Requests", statusFailure(429)},
		{"500 Internal Server Error", statusFailure(500)},
		{"502 Bad Gateway", statusFailure(502)},
		{"503 Service Unavailable", statusFailure(503)},
		{"504 Gateway Timeout", statusFailure(504)},
		{"connection reset", func(t *testing.T, w http.ResponseWriter) { resetConnection(t, w) }},
	}
	operations := []struct {
		name string
		call func(c *Client) error
	}{
		{"get", func(c *Client) error { _, err := c.GetNotificationPolicy(context.Background(), "p1"); return err }},
		{"list", func(c *Client) error {
			_, err := c.ListNotificationPolicies(context.Background(), ListNotificationPoliciesOptions{})
			return err
		}},
		{"delete", func(c *Client) error { _, err := c.DeleteNotificationPolicy(context.Background(), "p1"); return err }},
		{"add recipients", func(c *Client) error {
			_, err := c.AddRecipients(context.Background(), "p1", []string{"a@example.com"})
			return err
		}},
		{"add types", func(c *Client) error {
			_, err := c.AddNotificationTypes(context.Background(), "p1", []string{"QUOTE_SIGNED"})
			return err
		}},
		{"remove recipient", func(c *Client) error {
			_, err := c.RemoveRecipient(context.Background(), "p1", "gone@example.com")
			return err
		}},
		{"remove type", func(c *Client) error {
			_, err := c.RemoveNotificationType(context.Background(), "p1", "QUOTE_SIGNED")
			return err
		}},
	}
	for _, tt := range tests {
		for _, op := range operations {
			t.Run(op.name+" retried after "+tt.name, func(t *testing.T) {
				api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
					if n == 1 {
						tt.fail(t, w)
						return
					}
					if r.Method == http.MethodGet && r.URL.Path == "/api/notifications/policies" {
						writeJSON(w, 200, map[string]any{"items": []any{samplePolicy("p1")}})
						return
					}
					writeJSON(w, 200, samplePolicy("p1"))
				})
				if err := op.call(newTestClient(t, api.base())); err != nil {
					t.Fatal(err)
				}
				if n := len(api.recorded()); n != 2 {
					t.Errorf("sent %d requests, want 2:\n%s", n, sprintRequests(api.recorded()))
				}
			})
		}
	}
}

func statusFailure(status int) func(*testing.T, http.ResponseWriter) {
	return func(_ *testing.T, w http.ResponseWriter) {
		w.Header().Set("Retry-After", "0")
		writeJSON(w, status, map[string]any{"error": map[string]any{"type": "Transient", "message": "try again"}})
	}
}

func TestPermanentErrorsAreNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 422, 501} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if answerRootCheck(w, r) {
					return
				}
				writeJSON(w, status, map[string]any{"errors": []any{map[string]any{"key": "k", "error": "no"}}})
			})
			_, err := newTestClient(t, api.base()).GetNotificationPolicy(context.Background(), "p1")
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
				t.Fatalf("err = %v, want APIError %d", err, status)
			}
			if n := api.requestsTo("/api/notifications/policies/p1"); n != 1 {
				t.Errorf("sent %d requests, want 1", n)
			}
		})
	}
}

func TestRetriesStopAfterMaxRetries(t *testing.T) {
	for _, maxRetries := range []int{0, 1, 4} {
		t.Run(strconv.Itoa(maxRetries)+" retries", func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeJSON(w, 503, map[string]any{"error": map[string]any{"message": "down"}})
			})
			c := newTestClient(t, api.base(), func(cfg *Config) { cfg.MaxRetries = maxRetries })
			_, err := c.GetNotificationPolicy(context.Background(), "p1")
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
				t.Fatalf("err = %v, want APIError 503", err)
			}
			if n := len(api.recorded()); n != maxRetries+1 {
				t.Errorf("sent %d requests, want %d", n, maxRetries+1)
			}
			if maxRetries > 0 && !strings.Contains(err.Error(), "gave up after "+strconv.Itoa(maxRetries+1)+" attempts") {
				t.Errorf("error %q does not give the attempt count", err)
			}
		})
	}
}

func TestRetryAfterSecondsIsHonoured(t *testing.T) {
	var firstAt, secondAt time.Time
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			firstAt = time.Now()
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, map[string]any{})
			return
		}
		secondAt = time.Now()
		writeJSON(w, 200, samplePolicy("p1"))
	})
	c := newTestClient(t, api.base(), func(cfg *Config) { cfg.MaxBackoff = 10 * time.Second })
	must(c.GetNotificationPolicy(context.Background(), "p1"))(t)
	if gap := secondAt.Sub(firstAt); gap < 900*time.Millisecond {
		t.Errorf("retried after %v, want about 1s (Retry-After: 1)", gap)
	}
}

func TestRetryAfterIsCappedAtMaxBackoff(t *testing.T) {
	for _, retryAfter := range []string{"3600", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)} {
		t.Run(retryAfter, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					w.Header().Set("Retry-After", retryAfter)
					writeJSON(w, 503, map[string]any{})
					return
				}
				writeJSON(w, 200, samplePolicy("p1"))
			})
			c := newTestClient(t, api.base(), func(cfg *Config) { cfg.MaxBackoff = 20 * time.Millisecond })
			start := time.Now()
			must(c.GetNotificationPolicy(ctxWithTimeout(t, 10*time.Second), "p1"))(t)
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %v; Retry-After was not capped at MaxBackoff", took)
			}
		})
	}
}

func TestCancellingDuringBackoffStopsWaiting(t *testing.T) {
	answered := make(chan struct{}, 10)
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "60")
		writeJSON(w, 503, map[string]any{})
		answered <- struct{}{}
	})
	c := newTestClient(t, api.base(), func(cfg *Config) { cfg.MaxBackoff = time.Hour })
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-answered
		time.Sleep(20 * time.Millisecond) // let the client reach its wait
		cancel()
	}()
	start := time.Now()
	_, err := c.GetNotificationPolicy(ctx, "p1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("returned after %v; the wait before the retry ignored the context", took)
	}
	if n := len(api.recorded()); n != 1 {
		t.Errorf("sent %d requests, want 1", n)
	}
	if !strings.Contains(err.Error(), `reading notification policy "p1": 503`) {
		t.Errorf("error %q should still say what failed", err)
	}
}

func TestCancellingDuringARequestStopsIt(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	c := newTestClient(t, api.base())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.GetNotificationPolicy(ctx, "p1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if n := len(api.recorded()); n != 1 {
		t.Errorf("sent %d requests, want 1 (no retry after the caller gave up)", n)
	}
}

func TestRemovalRetriedAfterACommittedAttemptSucceedsWhenTheElementIsGone(t *testing.T) {
	tests := []struct {
		name   string
		remove func(c *Client) (*NotificationPolicy, error)
		path   string
	}{
		{"recipient", func(c *Client) (*NotificationPolicy, error) {
			return c.RemoveRecipient(context.Background(), "p1", "Gone@Example.com")
		}, "/api/notifications/policies/p1/recipients/Gone%40Example.com"},
		{"notification type", func(c *Client) (*NotificationPolicy, error) {
			return c.RemoveNotificationType(context.Background(), "p1", "QUOTE_SIGNED")
		}, "/api/notifications/policies/p1/notification-types/QUOTE_SIGNED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
				switch {
				case n == 1: // the removal is committed, then the answer is lost
					resetConnection(t, w)
				case r.Method == http.MethodDelete:
					writeJSON(w, 400, map[string]any{"errors": []any{map[string]any{"key": "x", "error": "not on the policy"}}})
				default:
					p := samplePolicy("p1")
					p.Recipients = []string{"keep@example.com"}
					p.NotificationTypes = []string{"INVOICE_ISSUED"}
					writeJSON(w, 200, p)
				}
			})
			p, err := tt.remove(newTestClient(t, api.base()))
			if err != nil {
				t.Fatalf("removal failed: %v\n%s", err, sprintRequests(api.recorded()))
			}
			if p.ID != "p1" {
				t.Errorf("returned policy %q", p.ID)
			}
			want := "DELETE " + tt.path + "?\nDELETE " + tt.path + "?\nGET /api/notifications/policies/p1?\n"
			if got := sprintRequests(api.recorded()); got != want {
				t.Errorf("requests:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// Someone removed the element in the dashboard between plan and apply: the goal is reached.
func TestRemovalOfAnElementAlreadyGoneSucceeds(t *testing.T) {
	tests := []struct {
		name   string
		remove func(c *Client) (*NotificationPolicy, error)
		path   string
		answer string
	}{
		{"recipient", func(c *Client) (*NotificationPolicy, error) {
			return c.RemoveRecipient(context.Background(), "p1", "Gone@Example.com")
		}, "/api/notifications/policies/p1/recipients/Gone%40Example.com", "not a recipient of this policy"},
		{"notification type", func(c *Client) (*NotificationPolicy, error) {
			return c.RemoveNotificationType(context.Background(), "p1", "QUOTE_SIGNED")
		}, "/api/notifications/policies/p1/notification-types/QUOTE_SIGNED", "not a notification type of this policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if r.Method == http.MethodDelete {
					writeJSON(w, 400, map[string]any{"errors": []any{map[string]any{"key": "x", "error": tt.answer}}})
					return
				}
				writeJSON(w, 200, samplePolicy("p1")) // finance@example.com, INVOICE_ISSUED
			})
			p, err := tt.remove(newTestClient(t, api.base()))
			if err != nil {
				t.Fatalf("removing an element already gone failed: %v", err)
			}
			if p.ID != "p1" || len(p.Recipients) != 1 {
				t.Errorf("returned %+v, want the policy as read back", p)
			}
			want := "DELETE " + tt.path + "?\nGET /api/notifications/policies/p1?\n"
			if got := sprintRequests(api.recorded()); got != want {
				t.Errorf("requests:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestRemovalRefusedWhileTheElementIsStillThereIsAnError(t *testing.T) {
	tests := []struct {
		name string
		get  func(w http.ResponseWriter)
	}{
		{"read back shows it", func(w http.ResponseWriter) { writeJSON(w, 200, samplePolicy("p1")) }},
		{"read back fails", func(w http.ResponseWriter) { writeJSON(w, 403, map[string]any{}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if r.Method == http.MethodDelete {
					writeJSON(w, 400, map[string]any{"errors": []any{map[string]any{"key": "recipient", "error": "cannot remove the last recipient: a policy needs at least one"}}})
					return
				}
				tt.get(w)
			})
			_, err := newTestClient(t, api.base()).RemoveRecipient(context.Background(), "p1", "Finance@example.com")
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || !strings.Contains(err.Error(), "last recipient") {
				t.Fatalf("err = %v, want the 400 about the last recipient", err)
			}
			if n := len(api.recorded()); n != 2 {
				t.Errorf("sent %d requests, want the removal and one read-back", n)
			}
		})
	}
}

// The API accepts an element already on the policy, so an addition whose answer was lost is
// simply sent again and counts as done.
func TestAdditionRetriedAfterACommittedAttemptSucceeds(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			resetConnection(t, w) // committed, answer lost
			return
		}
		p := samplePolicy("p1")
		p.Recipients = append(p.Recipients, "new@example.com")
		writeJSON(w, 200, p)
	})
	p, err := newTestClient(t, api.base()).AddRecipients(context.Background(), "p1", []string{"new@example.com"})
	if err != nil {
		t.Fatalf("retried addition failed: %v", err)
	}
	if len(p.Recipients) != 2 {
		t.Errorf("recipients = %v", p.Recipients)
	}
	if n := len(api.recorded()); n != 2 {
		t.Errorf("sent %d requests, want the lost attempt and its repeat", n)
	}
}

func TestRemovalRetriedButElementStillPresentKeepsThe400(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case n == 1:
			writeJSON(w, 503, map[string]any{})
		case r.Method == http.MethodDelete:
			writeJSON(w, 400, map[string]any{"errors": []any{map[string]any{"key": "recipients", "error": "a policy needs at least one recipient"}}})
		default:
			writeJSON(w, 200, samplePolicy("p1")) // still has finance@example.com
		}
	})
	_, err := newTestClient(t, api.base()).RemoveRecipient(context.Background(), "p1", "FINANCE@example.com")
	if err == nil || !strings.Contains(err.Error(), "at least one recipient") {
		t.Fatalf("err = %v, want the 400 about the last recipient", err)
	}
}

func TestDeleteRetriedAfterACommittedAttemptReportsNotFound(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			resetConnection(t, w)
			return
		}
		if answerRootCheck(w, r) {
			return
		}
		writeJSON(w, 404, map[string]any{"errors": []any{map[string]any{"key": "id", "error": "not found"}}})
	})
	_, err := newTestClient(t, api.base()).DeleteNotificationPolicy(context.Background(), "p1")
	if !NotFound(err) {
		t.Fatalf("err = %v, want NotFound (the first attempt deleted it)", err)
	}
}

func TestDeleteWithAnUnexpectedSuccessBodyStillSucceeds(t *testing.T) {
	for _, body := range []string{"", "OK", `{"deleted":true}`} {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.WriteHeader(200)
			_, _ = w.Write([]byte(body))
		})
		p, err := newTestClient(t, api.base()).DeleteNotificationPolicy(context.Background(), "p1")
		if err != nil || p == nil || p.ID != "p1" {
			t.Errorf("body %q: got %+v, %v; want the id and no error", body, p, err)
		}
	}
}

func TestUntrustedCertificateIsNotRetried(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("request reached the handler despite the untrusted certificate")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshake is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	var dials atomic.Int32
	transport := cloneDefaultTransport(t)
	transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	c := newTestClient(t, srv.URL+"/api", func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: transport} })
	_, err := c.GetNotificationPolicy(context.Background(), "p1")
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("err = %v, want a certificate error", err)
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("dialled %d times, want 1", n)
	}
}
