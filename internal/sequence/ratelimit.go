package sequence

import (
	"context"
	"sync"
	"time"
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
// cancelled waiter hands its slot back when nobody queued behind it.
func (l *rateLimiter) wait(ctx context.Context) error {
	if l == nil {
		return ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	now := time.Now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.interval)
	l.mu.Unlock()

	if err := sleep(ctx, time.Until(at)); err != nil {
		l.mu.Lock()
		if l.next.Equal(at.Add(l.interval)) {
			l.next = at
		}
		l.mu.Unlock()
		return err
	}
	return nil
}
