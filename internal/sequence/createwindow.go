package sequence

import (
	"net/http"
	"sync"
	"time"
)

// An ambiguous create adopts only a policy created after its first attempt
// was sent, by the server's clock, and never one this Client saw before then.
// The two types below keep what that needs.

// serverClock estimates the server's clock from the Date header of responses
// already received; no request is sent for it.
type serverClock struct {
	mu    sync.Mutex
	known bool
	// offset is a lower bound of server time minus local time: a Date (whole
	// seconds) was stamped no earlier than its value and before the response
	// arrived. Each response replaces it, so a local clock step is forgotten.
	offset time.Duration
}

func (s *serverClock) observe(date string, received time.Time) {
	if date == "" {
		return
	}
	at, err := http.ParseTime(date)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.known, s.offset = true, at.Sub(received.Round(0))
}

// earliest is the earliest the server's clock can have read at local time t.
// Without a Date header to go by, the clocks are taken to agree.
func (s *serverClock) earliest(t time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	t = t.Round(0)
	if !s.known {
		return t
	}
	return t.Add(s.offset)
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
