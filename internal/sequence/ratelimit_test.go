package sequence

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestRateLimitSpacesRequestsFromAllGoroutines(t *testing.T) {
	var mu sync.Mutex
	var arrivals []time.Time
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
		writeJSON(w, 200, samplePolicy("p1"))
	})
	// 1200/min = one request every 50ms.
	c := newTestClient(t, api.base(), func(cfg *Config) { cfg.RequestsPerMinute = 1200 })
	const requests = 6
	start := time.Now()
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() {
			if _, err := c.GetNotificationPolicy(context.Background(), "p1"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if took := time.Since(start); took < (requests-1)*50*time.Millisecond-10*time.Millisecond {
		t.Errorf("%d requests took %v, want at least %v at 1200/min", requests, took, (requests-1)*50*time.Millisecond)
	}
	// Slot i opens i intervals after the first; no request may arrive before its slot.
	slices.SortFunc(arrivals, func(a, b time.Time) int { return a.Compare(b) })
	for i, at := range arrivals {
		if early := time.Duration(i)*50*time.Millisecond - at.Sub(start); early > 5*time.Millisecond {
			t.Errorf("request %d arrived %v before its slot (burst must be one)", i+1, early)
		}
	}
}

func TestRateLimitWaitHonoursTheContext(t *testing.T) {
	l := newRateLimiter(1) // one per minute
	if err := l.wait(context.Background()); err != nil {
		t.Fatalf("first wait: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := l.wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second wait = %v, want the context's deadline", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("waited %v despite the context", took)
	}
	// The abandoned slot is handed back: the next caller waits one interval, not two.
	l.mu.Lock()
	next := time.Until(l.next)
	l.mu.Unlock()
	if next > time.Minute {
		t.Errorf("next slot is %v away, want at most one interval", next)
	}
}

func TestRateLimitedClientReportsCancellationWhileWaiting(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, samplePolicy("p1")) })
	c := newTestClient(t, api.base(), func(cfg *Config) { cfg.RequestsPerMinute = 1 })
	must(c.GetNotificationPolicy(context.Background(), "p1"))(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := c.GetNotificationPolicy(ctx, "p1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if want := `reading notification policy "p1": interrupted before sending the request, while waiting for the client-side rate limit: context deadline exceeded`; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if n := len(api.recorded()); n != 1 {
		t.Errorf("sent %d requests, want 1", n)
	}
}

func TestNoRateLimitByDefault(t *testing.T) {
	if l := newRateLimiter(0); l != nil {
		t.Fatal("limiter created for 0 requests per minute")
	}
	var l *rateLimiter
	if err := l.wait(context.Background()); err != nil {
		t.Fatalf("nil limiter wait: %v", err)
	}
}

// TestInterruptionWithoutARateLimitSaysWhatWasInterrupted: Ctrl-C with no requests_per_minute
// must not blame a rate limit nobody configured.
func TestInterruptionWithoutARateLimitSaysWhatWasInterrupted(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, samplePolicy("p1")) })
	c := newTestClient(t, api.base())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.GetNotificationPolicy(ctx, "p1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if want := `reading notification policy "p1": interrupted before sending the request: context canceled`; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if n := len(api.recorded()); n != 0 {
		t.Errorf("sent %d requests, want 0", n)
	}
}
