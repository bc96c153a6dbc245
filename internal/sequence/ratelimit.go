package sequence

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// rateLimiter is a token bucket with a burst of one: requests leave evenly
// spaced, one interval apart, whichever goroutine sends them.
type rateLimiter struct {
	interval time.Duration

	mu   sync.Mutex
	next time.Time // earliest start of the next request
}

// newRateLimiter returns nil (no limit) for perMinute <= 0.
func newRateLimiter(perMinute int) *rateLimiter {
	if perMinute <= 0 {
		return nil
	}
	return &rateLimiter{interval: time.Minute / time.Duration(perMinute)}
}

// wait blocks until the caller may send one request, or ctx is done. A
// cancelled waiter hands its slot back when nobody queued behind it. Its
// error (wrapping ctx's) says what was interrupted: only a wait that really
// happened mentions the limit.
func (l *rateLimiter) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted before sending the request: %w", err)
	}
	if l == nil {
		return nil
	}
	l.mu.Lock()
	now := time.Now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.interval)
	l.mu.Unlock()

	wait := time.Until(at)
	if wait > 0 {
		tflog.SubsystemDebug(ctx, LogSubsystem, "Waiting for the client-side rate limit (requests_per_minute)", map[string]any{
			"wait_ms":             wait.Milliseconds(),
			"requests_per_minute": int(time.Minute / l.interval),
		})
	}
	if err := sleep(ctx, wait); err != nil {
		l.mu.Lock()
		if l.next.Equal(at.Add(l.interval)) {
			l.next = at
		}
		l.mu.Unlock()
		return fmt.Errorf("interrupted before sending the request, while waiting for the client-side rate limit: %w", err)
	}
	return nil
}
