package sequence

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// concurrentLists sends n lists at once and waits for all of them.
func concurrentLists(t *testing.T, c *Client, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.ListNotificationPolicies(context.Background(), ListNotificationPoliciesOptions{})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Ten requests at a time (the CLI's default parallelism), round after round, reuse the
// connections of the first round instead of opening new ones (Go's default keeps only 2 idle
// connections per host).
func TestDefaultTransportReusesConnectionsAcrossConcurrentRounds(t *testing.T) {
	var opened atomic.Int32
	hs := httptest.NewUnstartedServer(sequencetest.New())
	hs.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			opened.Add(1)
		}
	}
	hs.Start()
	t.Cleanup(hs.Close)
	c := must(NewClient(Config{Endpoint: hs.URL + "/api", ClientID: sequencetest.DefaultClientID, ClientSecret: sequencetest.DefaultClientSecret}))(t)

	const parallelism, rounds = 10, 5
	for range rounds {
		concurrentLists(t, c, parallelism)
	}
	if n := opened.Load(); n > parallelism {
		t.Errorf("%d rounds of %d concurrent requests opened %d connections, want at most %d", rounds, parallelism, n, parallelism)
	}
}

// Over TLS the client speaks HTTP/2 when the server offers it.
func TestDefaultTransportUsesHTTP2WhenOffered(t *testing.T) {
	var protocols sync.Map
	emulator := sequencetest.New()
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		protocols.Store(r.Proto, true)
		emulator.ServeHTTP(w, r)
	}))
	hs.EnableHTTP2 = true
	hs.StartTLS()
	t.Cleanup(hs.Close)
	c := must(NewClient(Config{Endpoint: hs.URL + "/api", ClientID: sequencetest.DefaultClientID, ClientSecret: sequencetest.DefaultClientSecret}))(t)
	transport, ok := c.httpClient.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("default transport is %T", c.httpClient.Transport)
	}
	testTransport, ok := hs.Client().Transport.(*http.Transport)
	if !ok {
		t.Fatalf("test server transport is %T", hs.Client().Transport)
	}
	transport.TLSClientConfig = testTransport.TLSClientConfig.Clone() // trust the test certificate

	concurrentLists(t, c, 3)
	protocols.Range(func(proto, _ any) bool {
		if proto != "HTTP/2.0" {
			t.Errorf("request sent over %v, want HTTP/2.0", proto)
		}
		return true
	})
}
