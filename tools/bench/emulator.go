package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// emulatorServer is the Sequence emulator served in-process on a loopback port, so the harness
// reads its request log directly.
type emulatorServer struct {
	*sequencetest.Emulator
	URL    string
	server *http.Server
	// connections counts TCP connections accepted: a client that does not keep its
	// connections alive for reuse opens many more than the CLI's parallelism.
	connections atomic.Int64
}

func startEmulator(ctx context.Context, opts ...sequencetest.Option) (*emulatorServer, error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	s := &emulatorServer{Emulator: sequencetest.New(opts...), URL: "http://" + ln.Addr().String() + "/api"}
	s.server = &http.Server{Handler: s.Emulator, ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(_ net.Conn, state http.ConnState) {
			if state == http.StateNew {
				s.connections.Add(1)
			}
		}}
	srv := s.server
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Printf("emulator stopped: %v\n", err)
		}
	}()
	return s, nil
}

func (s *emulatorServer) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.server.Shutdown(ctx)
}

// requestCounts is what a phase sent to the API: requests by endpoint, and the failed ones
// (status >= 400 or a reset connection) by endpoint and status.
type requestCounts struct {
	ByEndpoint map[endpoint]int
	Failed     map[string]int // "429 POST /notifications/policies" -> count
}

func (c requestCounts) Total() int { return totalRequests(c.ByEndpoint) }

func (c requestCounts) FailedTotal() int {
	total := 0
	for _, v := range c.Failed {
		total += v
	}
	return total
}

func countRequests(log []sequencetest.Request) requestCounts {
	c := requestCounts{ByEndpoint: map[endpoint]int{}, Failed: map[string]int{}}
	for _, r := range log {
		e := classify(r.Method, r.Path)
		c.ByEndpoint[e]++
		if r.Status == 0 || r.Status >= 400 {
			status := fmt.Sprint(r.Status)
			if r.Status == 0 {
				status = "reset"
			}
			c.Failed[status+" "+string(e)]++
		}
	}
	return c
}

// classify maps a request to its endpoint. The path is the escaped path as received, so a
// recipient URL is one segment.
func classify(method, path string) endpoint {
	const base = "/api/notifications/policies"
	rest, ok := strings.CutPrefix(path, base)
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
		return endpoint(endpointOtherPrefix + method + " " + path)
	}
	segments := strings.Split(strings.TrimPrefix(rest, "/"), "/")
	if rest == "" {
		segments = nil
	}
	switch {
	case len(segments) == 0 && method == http.MethodGet:
		return endpointList
	case len(segments) == 0 && method == http.MethodPost:
		return endpointCreate
	case len(segments) == 1 && method == http.MethodGet:
		return endpointGet
	case len(segments) == 1 && method == http.MethodDelete:
		return endpointDelete
	case len(segments) == 2 && segments[1] == "recipients" && method == http.MethodPost:
		return endpointAddRecipients
	case len(segments) == 3 && segments[1] == "recipients" && method == http.MethodDelete:
		return endpointRemoveRecip
	case len(segments) == 2 && segments[1] == "notification-types" && method == http.MethodPost:
		return endpointAddTypes
	case len(segments) == 3 && segments[1] == "notification-types" && method == http.MethodDelete:
		return endpointRemoveType
	}
	return endpoint(endpointOtherPrefix + method + " " + path)
}

// verifyStore checks that the emulator holds exactly the configured policies, so a phase that
// was fast because it did nothing cannot pass as a result.
func verifyStore(emu *sequencetest.Emulator, want map[string]policySpec) error {
	got := emu.Policies()
	if len(got) != len(want) {
		return fmt.Errorf("the emulator holds %d policies, want %d", len(got), len(want))
	}
	for _, p := range got {
		spec, ok := want[p.Name]
		if !ok {
			return fmt.Errorf("the emulator holds an unexpected policy %q", p.Name)
		}
		if p.Channel != spec.Channel || !sameSet(p.Recipients, spec.Recipients) ||
			!sameSet(p.NotificationTypes, spec.NotificationTypes) {
			return fmt.Errorf("policy %q is %s %v types %v in the emulator, want %s %v types %v", p.Name,
				p.Channel, p.Recipients, p.NotificationTypes, spec.Channel, spec.Recipients, spec.NotificationTypes)
		}
	}
	return nil
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// clearStore deletes whatever a failed run left behind.
func clearStore(emu *sequencetest.Emulator) {
	for _, p := range emu.Policies() {
		emu.DeletePolicy(p.ID)
	}
}
