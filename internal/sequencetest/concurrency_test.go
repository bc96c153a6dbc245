package sequencetest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
)

// Recipient resources on one policy apply in parallel, each with its own add or remove request.
// Sequence is assumed to apply each request atomically (package doc); the emulator does, so
// concurrent additions and removals on one policy lose none of each other's changes.
func TestConcurrentRecipientChangesOnOnePolicyAreAtomic(t *testing.T) {
	srv := NewServer(t)
	const n = 40
	var old, added []string
	for i := range n {
		old = append(old, fmt.Sprintf("old-%02d@example.com", i))
		added = append(added, fmt.Sprintf("new-%02d@example.com", i))
	}
	p := srv.InsertPolicy(Policy{Name: "shared", Channel: "EMAIL", Recipients: append([]string{"owner@example.com"}, old...)})
	base := "/notifications/policies/" + p.ID + "/recipients"

	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			resp, err := send(srv, "POST", base, map[string][]string{"recipients": {added[i]}})
			if err == nil && resp.Status != http.StatusOK {
				err = fmt.Errorf("%d %s", resp.Status, resp.Body)
			}
			if err != nil {
				errs <- fmt.Errorf("adding %s: %w", added[i], err)
			}
		}()
		go func() {
			defer wg.Done()
			resp, err := send(srv, "DELETE", base+"/"+url.PathEscape(old[i]), nil)
			if err == nil && resp.Status != http.StatusOK {
				err = fmt.Errorf("%d %s", resp.Status, resp.Body)
			}
			if err != nil {
				errs <- fmt.Errorf("removing %s: %w", old[i], err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	got, _ := srv.Policy(p.ID)
	want := append([]string{"owner@example.com"}, added...)
	slices.Sort(want)
	if have := slices.Sorted(slices.Values(got.Recipients)); !slices.Equal(have, want) {
		t.Errorf("recipients after %d concurrent adds and %d concurrent removes:\n got  %q\n want %q", n, n, have, want)
	}
}
