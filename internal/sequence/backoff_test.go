package sequence

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		value string
		want  time.Duration
	}{
		{"absent", "", 0},
		{"seconds", "7", 7 * time.Second},
		{"seconds with spaces", " 2 ", 2 * time.Second},
		{"zero seconds", "0", 0},
		{"negative seconds", "-3", 0},
		{"huge seconds are bounded", "99999999999999", 24 * time.Hour},
		{"HTTP date in the future", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"HTTP date in the past", now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"RFC 850 date", now.Add(30 * time.Second).Format(time.RFC850), 30 * time.Second},
		{"garbage", "soon", 0},
		{"fractional seconds are not a delay-seconds value", "1.5", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseRetryAfter(tt.value, now); got != tt.want {
				t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}

func TestBackoffIsFullJitterUnderAnExponentialCeiling(t *testing.T) {
	c := newTestClient(t, "https://example.com/api", func(cfg *Config) {
		cfg.MinBackoff = 100 * time.Millisecond
		cfg.MaxBackoff = time.Second
	})
	ms := time.Millisecond
	for retry, ceiling := range []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, 1000 * ms, 1000 * ms} {
		var maxSeen time.Duration
		for range 2000 {
			d := c.backoff(retry, 0)
			if d < 0 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, want within [0, %v]", retry, d, ceiling)
			}
			maxSeen = max(maxSeen, d)
		}
		if maxSeen < ceiling/2 {
			t.Errorf("backoff(%d) never exceeded %v in 2000 draws; not spread over [0, %v]", retry, maxSeen, ceiling)
		}
	}
	if d := c.backoff(1000, 0); d < 0 || d > time.Second {
		t.Errorf("backoff(1000) = %v, want a capped value (no overflow)", d)
	}
	// Retry-After is a floor; the jitter above it spreads callers told the same Retry-After.
	var spread bool
	for range 2000 {
		d := c.backoff(0, 300*time.Millisecond)
		if d < 300*time.Millisecond || d > 400*time.Millisecond {
			t.Fatalf("backoff with Retry-After 300ms = %v, want within [300ms, 400ms]", d)
		}
		spread = spread || d > 350*time.Millisecond
	}
	if !spread {
		t.Error("backoff with Retry-After 300ms never exceeded 350ms in 2000 draws; retries after a shared Retry-After are not spread")
	}
	if d := c.backoff(0, time.Hour); d != time.Second {
		t.Errorf("backoff with Retry-After 1h = %v, want MaxBackoff", d)
	}
}
