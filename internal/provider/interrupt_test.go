//go:build !windows

package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// Ctrl-C in the middle of an apply, as a user presses it: the CLI gets SIGINT, asks the provider to
// stop (Terraform cancels every call in flight), and exits once the operations in flight return.
// terraform-plugin-testing cannot send signals, so these tests run the CLI themselves, against
// the provider served from this test process (TF_REATTACH_PROVIDERS, no build) and a slow
// emulator, so the requests are still at Sequence when the signal arrives.

const (
	interruptPolicyCount = 30
	interruptLatency     = 500 * time.Millisecond
	// interruptAfter is how many of the watched requests reach the emulator before the signal.
	interruptAfter = 5
)

var (
	interruptProviderOnce     sync.Once
	interruptProviderReattach string
	errInterruptProvider      error
)

// interruptProvider serves the provider from this process once, for every CLI run of these
// tests, and returns the value of TF_REATTACH_PROVIDERS that points a CLI at it.
func interruptProvider(t *testing.T) string {
	t.Helper()
	interruptProviderOnce.Do(func() {
		// Read once, below, while the first test runs.
		envFile := filepath.Join(t.TempDir(), "reattach.env")
		serveErr := make(chan error, 1)
		go func() {
			serveErr <- tf6server.Serve("registry.terraform.io/sequencehq/sequence",
				providerserver.NewProtocol6(New("test")()),
				tf6server.WithManagedDebug(),
				tf6server.WithManagedDebugEnvFilePath(envFile),
				tf6server.WithManagedDebugReattachConfigTimeout(time.Minute),
				// Provider logs follow the test process's TF_LOG settings (off unless set), as in
				// terraform-plugin-testing; the sink only takes the first test's name.
				tf6server.WithLoggingSink(t),
				// Only a signal nobody sends stops it; it serves until the test binary exits.
				tf6server.WithManagedDebugStopSignals([]os.Signal{syscall.SIGUSR2}))
		}()
		deadline := time.Now().Add(2 * time.Minute)
		for time.Now().Before(deadline) {
			select {
			case err := <-serveErr:
				errInterruptProvider = fmt.Errorf("serving the provider: %w", err)
				return
			default:
			}
			if raw, err := os.ReadFile(envFile); err == nil && bytes.HasSuffix(raw, []byte("'\n")) {
				interruptProviderReattach, errInterruptProvider = reattachForBothRegistries(raw)
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		errInterruptProvider = errors.New("the provider server wrote no reattach configuration")
	})
	if errInterruptProvider != nil {
		t.Fatal(errInterruptProvider)
	}
	return interruptProviderReattach
}

// reattachForBothRegistries turns the env file line TF_REATTACH_PROVIDERS='{"<addr>":{...}}' into
// a value that serves the provider under Terraform's and OpenTofu's registry addresses.
func reattachForBothRegistries(line []byte) (string, error) {
	value := strings.TrimSuffix(strings.TrimPrefix(string(line), "TF_REATTACH_PROVIDERS='"), "'\n")
	var byAddress map[string]json.RawMessage
	if err := json.Unmarshal([]byte(value), &byAddress); err != nil {
		return "", fmt.Errorf("reading the reattach configuration %q: %w", value, err)
	}
	if len(byAddress) != 1 {
		return "", fmt.Errorf("reattach configuration %q names %d providers, want 1", value, len(byAddress))
	}
	for _, config := range byAddress {
		both, err := json.Marshal(map[string]json.RawMessage{
			"registry.terraform.io/sequencehq/sequence": config,
			"registry.opentofu.org/sequencehq/sequence": config,
		})
		return string(both), err
	}
	return "", nil
}

// interruptCLI is the CLI harness (cliWorkspace) with the steps the interrupt tests take, against
// the one provider server that outlives every interrupted CLI (interruptProvider).
type interruptCLI struct {
	*cliWorkspace
}

func newInterruptCLI(t *testing.T) *interruptCLI {
	t.Helper()
	return &interruptCLI{newCLIWorkspace(t, reattachedAt(func() string { return interruptProvider(t) }))}
}

// writeConfig writes config as it is (it declares the provider's source itself).
func (c *interruptCLI) writeConfig(config string) {
	c.t.Helper()
	c.writeFile("main.tf", config)
}

// run runs the CLI to the end and returns its exit code and output.
func (c *interruptCLI) run(args ...string) (int, string) {
	c.t.Helper()
	cmd, out := c.start(args...)
	return finish(c.t, cmd, out)
}

// mustApply applies the configuration and fails the test if the apply fails.
func (c *interruptCLI) mustApply() {
	c.t.Helper()
	if code, out := c.run("apply", "-auto-approve"); code != 0 {
		c.t.Fatalf("apply exited with %d:\n%s", code, out)
	}
}

// applyInterrupted runs an apply and sends it SIGINT once interrupt is closed.
func (c *interruptCLI) applyInterrupted(interrupt <-chan struct{}) string {
	c.t.Helper()
	cmd, out := c.start("apply", "-auto-approve")
	exited := make(chan struct{})
	go func() {
		select {
		case <-interrupt:
			_ = cmd.Process.Signal(os.Interrupt)
		case <-exited:
		}
	}()
	code, text := finish(c.t, cmd, out)
	close(exited)
	if code == 0 {
		c.t.Fatalf("the interrupted apply succeeded, so the signal came too late to test anything:\n%s", text)
	}
	return text
}

// planChanges runs plan -detailed-exitcode and returns the addresses it would change (nil for an
// empty plan).
func (c *interruptCLI) planChanges() []string {
	c.t.Helper()
	code, out := c.run("plan", "-detailed-exitcode")
	switch code {
	case 0:
		return nil
	case 2:
		var addrs []string
		for _, m := range regexp.MustCompile(`(?m)^\s*# (\S+) (?:will|must) be`).FindAllStringSubmatch(out, -1) {
			addrs = append(addrs, m[1])
		}
		slices.Sort(addrs)
		return addrs
	default:
		c.t.Fatalf("plan exited with %d:\n%s", code, out)
		return nil
	}
}

// statePolicy is one sequence_notification_policy instance in the working directory's state.
type statePolicy struct {
	address    string
	id         string
	name       string
	recipients []string
}

// state reads the local state file (format 4, the same for Terraform and OpenTofu).
func (c *interruptCLI) state() []statePolicy {
	c.t.Helper()
	raw, err := os.ReadFile(filepath.Join(c.dir, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		c.t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Mode, Type, Name string
			Instances        []struct {
				IndexKey   any `json:"index_key"`
				Attributes struct {
					ID         string   `json:"id"`
					Name       string   `json:"name"`
					Recipients []string `json:"recipients"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		c.t.Fatalf("reading terraform.tfstate: %v", err)
	}
	var out []statePolicy
	for _, r := range state.Resources {
		if r.Mode != "managed" || r.Type != "sequence_notification_policy" {
			continue
		}
		for _, i := range r.Instances {
			out = append(out, statePolicy{
				address:    fmt.Sprintf("%s.%s[%v]", r.Type, r.Name, i.IndexKey),
				id:         i.Attributes.ID,
				name:       i.Attributes.Name,
				recipients: sortedCopy(i.Attributes.Recipients),
			})
		}
	}
	return out
}

// interruptingEmulator is a slow emulator that closes interrupt when the interruptAfter-th
// request matching watch arrives (before the emulator handles it).
type interruptingEmulator struct {
	*sequencetest.Server
	interrupt chan struct{}
	armed     atomic.Bool
	inFlight  sync.WaitGroup
}

func newInterruptingEmulator(t *testing.T, watch func(*http.Request) bool) *interruptingEmulator {
	emulator := sequencetest.New()
	e := &interruptingEmulator{interrupt: make(chan struct{})}
	var seen atomic.Int32
	var once sync.Once
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.inFlight.Add(1)
		defer e.inFlight.Done()
		if e.armed.Load() && watch(r) && seen.Add(1) == interruptAfter {
			once.Do(func() { close(e.interrupt) })
		}
		emulator.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	e.Server = &sequencetest.Server{Emulator: emulator, URL: hs.URL + "/api"}
	return e
}

// settle waits until Sequence has finished every request it received, including those whose
// client hung up: Sequence, like any server, completes what it was sent.
func (e *interruptingEmulator) settle() { e.inFlight.Wait() }

func interruptConfig(srv *sequencetest.Server, recipient string) string {
	return `
terraform {
  required_providers {
    sequence = { source = "sequencehq/sequence" }
  }
}
` + testAccProviderConfig(srv) + fmt.Sprintf(`
resource "sequence_notification_policy" "p" {
  count      = %d
  name       = "interrupt-${count.index}"
  channel    = "EMAIL"
  recipients = [%q]
}
`, interruptPolicyCount, recipient)
}

// checkStateIsTheEmulator fails unless state records exactly the policies the emulator holds,
// each with the recipients the emulator holds: nothing made in Sequence went unrecorded.
func checkStateIsTheEmulator(t *testing.T, cli *interruptCLI, srv *sequencetest.Server) {
	t.Helper()
	held := map[string]sequencetest.Policy{}
	for _, p := range srv.Policies() {
		held[p.ID] = p
	}
	state := cli.state()
	for _, s := range state {
		p, ok := held[s.id]
		if !ok {
			t.Errorf("%s is policy %s in state, which Sequence does not hold", s.address, s.id)
			continue
		}
		if got := sortedCopy(p.Recipients); !slices.Equal(s.recipients, got) {
			t.Errorf("%s records recipients %q, Sequence holds %q", s.address, s.recipients, got)
		}
		delete(held, s.id)
	}
	for id, p := range held {
		t.Errorf("Sequence holds policy %s (%q), which state does not record", id, p.Name)
	}
}

// checkEmulatorHoldsTheConfiguration fails unless the emulator holds one policy per configured
// name, each with exactly the configured recipient.
func checkEmulatorHoldsTheConfiguration(t *testing.T, srv *sequencetest.Server, recipient func(i int) string) {
	t.Helper()
	byName := map[string][]sequencetest.Policy{}
	for _, p := range srv.Policies() {
		byName[p.Name] = append(byName[p.Name], p)
	}
	for i := range interruptPolicyCount {
		name := fmt.Sprintf("interrupt-%d", i)
		switch held := byName[name]; len(held) {
		case 1:
			if want := []string{recipient(i)}; !slices.Equal(held[0].Recipients, want) {
				t.Errorf("policy %q has recipients %q, want %q", name, held[0].Recipients, want)
			}
		case 0:
			t.Errorf("Sequence holds no policy %q", name)
		default:
			t.Errorf("Sequence holds %d policies named %q: duplicated", len(held), name)
		}
		delete(byName, name)
	}
	for name := range byName {
		t.Errorf("Sequence holds an unexpected policy %q", name)
	}
}

func TestAccInterrupt_ctrlCDuringCreatesDuplicatesNothing(t *testing.T) {
	cli := newInterruptCLI(t)
	srv := newInterruptingEmulator(t, func(r *http.Request) bool {
		return r.Method == http.MethodPost && r.URL.Path == "/api/notifications/policies"
	})
	cli.writeConfig(interruptConfig(srv.Server, "ops-${count.index}@example.com"))

	srv.SetLatency(interruptLatency)
	srv.armed.Store(true)
	output := cli.applyInterrupted(srv.interrupt)
	srv.settle()
	held := len(srv.Policies())
	if held == 0 || held == interruptPolicyCount {
		t.Fatalf("the interrupted apply left %d of %d policies; the signal did not land mid-apply:\n%s", held, interruptPolicyCount, output)
	}
	// Every create that reached Sequence was seen through and recorded.
	checkStateIsTheEmulator(t, cli, srv.Server)
	if t.Failed() {
		t.Logf("interrupted apply:\n%s", output)
	}

	srv.armed.Store(false)
	srv.SetLatency(0)
	cli.mustApply()
	checkEmulatorHoldsTheConfiguration(t, srv.Server, func(i int) string { return fmt.Sprintf("ops-%d@example.com", i) })
	checkStateIsTheEmulator(t, cli, srv.Server)
	if left := cli.planChanges(); left != nil {
		t.Errorf("plan after the second apply is not empty: %q", left)
	}
	cli.mustDestroy(srv.Server)
}

func TestAccInterrupt_ctrlCDuringUpdatesSavesWhatWasDone(t *testing.T) {
	cli := newInterruptCLI(t)
	srv := newInterruptingEmulator(t, func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/recipients")
	})
	cli.writeConfig(interruptConfig(srv.Server, "old-${count.index}@example.com"))
	cli.mustApply()

	// Each update adds new-i, then removes old-i: two requests.
	cli.writeConfig(interruptConfig(srv.Server, "new-${count.index}@example.com"))
	srv.SetLatency(interruptLatency)
	srv.armed.Store(true)
	output := cli.applyInterrupted(srv.interrupt)
	srv.settle()
	srv.armed.Store(false)
	srv.SetLatency(0)

	// State records what Sequence holds (each change in flight was seen through), and the next
	// plan lists exactly the policies Sequence does not yet hold as configured.
	checkStateIsTheEmulator(t, cli, srv.Server)
	var wantLeft []string
	for _, s := range cli.state() {
		if !slices.Equal(s.recipients, []string{"new-" + strings.TrimPrefix(s.name, "interrupt-") + "@example.com"}) {
			wantLeft = append(wantLeft, s.address)
		}
	}
	slices.Sort(wantLeft)
	if left := cli.planChanges(); !slices.Equal(left, wantLeft) {
		t.Errorf("plan after the interrupted apply changes %q, want exactly the unfinished %q", left, wantLeft)
	}
	if t.Failed() {
		t.Logf("interrupted apply:\n%s", output)
	}

	cli.mustApply()
	checkEmulatorHoldsTheConfiguration(t, srv.Server, func(i int) string { return fmt.Sprintf("new-%d@example.com", i) })
	if left := cli.planChanges(); left != nil {
		t.Errorf("plan after the second apply is not empty: %q", left)
	}
	cli.mustDestroy(srv.Server)
}

// mustDestroy destroys everything and checks Sequence is empty.
func (c *interruptCLI) mustDestroy(srv *sequencetest.Server) {
	c.t.Helper()
	if code, out := c.run("destroy", "-auto-approve"); code != 0 {
		c.t.Fatalf("destroy exited with %d:\n%s", code, out)
	}
	if held := srv.Policies(); len(held) != 0 {
		c.t.Errorf("Sequence still holds %d policies after destroy", len(held))
	}
}
