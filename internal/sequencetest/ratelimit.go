package sequencetest

import (
	"math"
	"time"
)

// tokenBucket limits requests per minute: it refills perMinute/60 tokens a second and holds at
// most max(1, perMinute/60), so a burst never exceeds one second's worth of requests.
type tokenBucket struct {
	perMinute int
	tokens    float64
	last      time.Time
}

func newTokenBucket(perMinute int, now time.Time) tokenBucket {
	b := tokenBucket{perMinute: perMinute, last: now}
	b.tokens = b.capacity()
	return b
}

func (b *tokenBucket) capacity() float64 { return float64(max(1, b.perMinute/60)) }

// take spends one token. When none is left it reports how long until one will be, rounded up to
// whole seconds (Retry-After has second resolution) and at least one second.
func (b *tokenBucket) take(now time.Time) (retryAfterSeconds int, ok bool) {
	if b.perMinute <= 0 {
		return 0, true
	}
	rate := float64(b.perMinute) / 60 // tokens per second
	b.tokens = math.Min(b.capacity(), b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	wait := (1 - b.tokens) / rate
	return max(1, int(math.Ceil(wait-1e-9))), false // tolerate float noise: 2.0000001s is 2s
}
