package sequence

import (
	"testing"
	"time"
)

// Each reading narrows the bounds of the server's clock: Dates that straddle a second boundary,
// then the millisecond createdAt of a policy this Client's own create made. The local times are
// offsets from one time.Now(), so nothing here depends on how fast the test runs.
func TestServerClockNarrowsWithEveryReading(t *testing.T) {
	base := time.Now()
	at := func(ms int) time.Time { return base.Add(time.Duration(ms) * time.Millisecond) }
	server := func(text string) time.Time { return must(time.Parse(time.RFC3339Nano, text))(t) }
	var clock serverClock
	check := func(step, wantEarliest, wantLatest string) {
		t.Helper()
		earliest, latest := clock.window(base)
		if !earliest.Equal(server(wantEarliest)) || !latest.Equal(server(wantLatest)) {
			t.Errorf("after %s: server clock at the base instant in [%s, %s], want [%s, %s]", step,
				earliest.UTC().Format(time.RFC3339Nano), latest.UTC().Format(time.RFC3339Nano), wantEarliest, wantLatest)
		}
	}
	// Sent at +0 ms, answered at +200 ms, Date 12:00:00: the server read 12:00:00.000 to 12:00:00.999
	// somewhere in between.
	clock.observeDate("Thu, 01 Jan 2026 12:00:00 GMT", at(0), at(200))
	check("one Date", "2026-01-01T11:59:59.8Z", "2026-01-01T12:00:01Z")
	// Sent at +700 ms, answered at +900 ms, Date 12:00:01: the second turned over by +900 ms.
	clock.observeDate("Thu, 01 Jan 2026 12:00:01 GMT", at(700), at(900))
	check("a Date from the next second", "2026-01-01T12:00:00.1Z", "2026-01-01T12:00:01Z")
	// This Client's create, sent at +400 ms and answered at +420 ms, was stamped 12:00:00.650.
	clock.observeCreatedAt("2026-01-01T12:00:00.650Z", at(400), at(420))
	check("a createdAt", "2026-01-01T12:00:00.23Z", "2026-01-01T12:00:00.251Z")
	// A Date that no earlier reading allows (the server's clock was stepped) starts again from it.
	clock.observeDate("Thu, 01 Jan 2026 13:00:00 GMT", at(1000), at(1000))
	check("a stepped server clock", "2026-01-01T12:59:59Z", "2026-01-01T13:00:00Z")
}

// A policy is "created before" an attempt only when even the end of its createdAt's precision lies
// before the earliest the server's clock can have read when the attempt was sent: the policy the
// attempt made can never be placed there.
func TestPlaceCreationAgainstTheFirstAttempt(t *testing.T) {
	base := time.Now()
	var clock serverClock
	clock.observeCreatedAt("2026-01-01T12:00:00.650Z", base.Add(400*time.Millisecond), base.Add(420*time.Millisecond))
	sent := base.Add(time.Second) // the server's clock then read 12:00:01.230 to 12:00:01.251
	for _, tc := range []struct {
		createdAt string
		want      createdWhen
	}{
		{"2026-01-01T12:00:01.229Z", createdBefore},
		{"2026-01-01T12:00:01.230Z", createdPerhapsBefore},
		{"2026-01-01T12:00:01.251Z", createdPerhapsBefore},
		{"2026-01-01T12:00:01.252Z", createdAfter},
		{"2026-01-01T12:00:00Z", createdBefore},        // to the second: 12:00:00.000 to .999
		{"2026-01-01T12:00:01Z", createdPerhapsBefore}, // 12:00:01.000 to .999
		{"2026-01-01T12:00:01.2299999Z", createdBefore},
		{"2026-01-01T13:00:01.230+01:00", createdPerhapsBefore},
		{"yesterday", createdBefore},
	} {
		if got := clock.placeCreation(tc.createdAt, sent); got != tc.want {
			t.Errorf("placeCreation(%q) = %d, want %d", tc.createdAt, got, tc.want)
		}
	}
}

// Without any reading the clocks are taken to agree.
func TestServerClockWithoutReadingsTakesTheLocalClock(t *testing.T) {
	var clock serverClock
	now := time.Now()
	earliest, latest := clock.window(now)
	if !earliest.Equal(now) || !latest.Equal(now) {
		t.Errorf("window = [%v, %v], want the local time %v", earliest, latest, now)
	}
	clock.observeDate("", now, now)
	clock.observeDate("not a date", now, now)
	clock.observeCreatedAt("", now, now)
	if clock.known {
		t.Error("readings without a usable time were taken")
	}
}
