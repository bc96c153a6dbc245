package sequence

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// An ambiguous create adopts only a policy that cannot have been created
// before its first attempt was sent, by the server's clock, and never one this
// Client saw before then. The types below keep what that needs.

// serverClock bounds the server's clock against ours, from what responses
// already received say; no request is sent for it. Every reading is a stamp
// of the server's clock (a Date header, to the second; the createdAt of a
// policy this Client's own create made, to the millisecond) taken somewhere
// between a request being sent and its response arriving, so the offset
// (server time minus local time) lies in [stamp - received, stamp +
// resolution - sent]. The interval kept is the intersection of every
// reading's: it narrows as Dates straddle second boundaries, and to about one
// round trip once a create of this Client has succeeded.
type serverClock struct {
	mu    sync.Mutex
	known bool
	// lo and hi bound the offset, measured from ref by the monotonic clock, so
	// a step of the local wall clock changes nothing.
	lo, hi time.Duration
	ref    time.Time
}

// observeDate reads a Date header of a response to a request sent at sent.
func (s *serverClock) observeDate(date string, sent, received time.Time) {
	if date == "" {
		return
	}
	if at, err := http.ParseTime(date); err == nil {
		s.observe(at, time.Second, sent, received)
	}
}

// observeCreatedAt reads the createdAt of a policy the request sent at sent created.
func (s *serverClock) observeCreatedAt(createdAt string, sent, received time.Time) {
	if at, resolution, ok := parseStamp(createdAt); ok {
		s.observe(at, resolution, sent, received)
	}
}

// observe takes a reading: the server's clock read at least at, and less than
// at+resolution, at some moment between sent and received (local times).
func (s *serverClock) observe(at time.Time, resolution time.Duration, sent, received time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ref.IsZero() {
		s.ref = sent
	}
	lo := at.Sub(s.local(received))
	hi := at.Add(resolution).Sub(s.local(sent))
	if !s.known || lo > s.hi || hi < s.lo {
		// The first reading, or one no earlier reading allows (the server's clock
		// was stepped, or another server answered): start again from it.
		s.known, s.lo, s.hi = true, lo, hi
		return
	}
	s.lo, s.hi = max(s.lo, lo), min(s.hi, hi)
}

// local is t on a wall clock that moves only with the monotonic clock.
func (s *serverClock) local(t time.Time) time.Time {
	return s.ref.Round(0).Add(t.Sub(s.ref))
}

// window bounds what the server's clock read at local time t. Without a
// reading to go by, the clocks are taken to agree.
func (s *serverClock) window(t time.Time) (earliest, latest time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.known {
		t = t.Round(0)
		return t, t
	}
	l := s.local(t)
	return l.Add(s.lo), l.Add(s.hi)
}

// createdWhen places a policy's createdAt against the first attempt of a create.
type createdWhen int

const (
	// createdBefore: the policy was created before the attempt was sent, so it is not its work.
	createdBefore createdWhen = iota
	// createdPerhapsBefore: the clocks are not known closely enough to tell.
	createdPerhapsBefore
	// createdAfter: the policy was created after the attempt was sent.
	createdAfter
)

// placeCreation places createdAt against local time sent. Our own policy is
// stamped no earlier than the server's clock read at sent, so no earlier than
// earliest: only a stamp whose whole resolution ends by then is "before", and
// that can never be ours. An unreadable createdAt is "before": it proves nothing.
func (s *serverClock) placeCreation(createdAt string, sent time.Time) createdWhen {
	at, resolution, ok := parseStamp(createdAt)
	if !ok {
		return createdBefore
	}
	earliest, latest := s.window(sent)
	switch {
	case !at.Add(resolution).After(earliest):
		return createdBefore
	case at.After(latest):
		return createdAfter
	default:
		return createdPerhapsBefore
	}
}

// parseStamp reads an RFC 3339 time and how finely it is given: a value
// written to the millisecond stands for any instant in [at, at+1ms), as
// servers truncate rather than round.
func parseStamp(text string) (at time.Time, resolution time.Duration, ok bool) {
	at, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return time.Time{}, 0, false
	}
	resolution = time.Second
	if dot := strings.IndexByte(text, '.'); dot >= 0 {
		digits := 0
		for _, ch := range text[dot+1:] {
			if ch < '0' || ch > '9' {
				break
			}
			digits++
		}
		for range min(digits, 9) {
			resolution /= 10
		}
	}
	return at, resolution, true
}

// policiesSeen remembers when this Client first received each policy id.
type policiesSeen struct {
	mu    sync.Mutex
	first map[string]time.Time
}

func (s *policiesSeen) record(policies ...NotificationPolicy) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first == nil {
		s.first = make(map[string]time.Time)
	}
	for _, p := range policies {
		if _, ok := s.first[p.ID]; !ok {
			s.first[p.ID] = now
		}
	}
}

// before reports whether id was received before t, so it existed then.
func (s *policiesSeen) before(id string, t time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	first, ok := s.first[id]
	return ok && first.Before(t)
}
