package provider

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// A DEBUG log ties every Sequence request to the Terraform operation and resource that made it
// (tf_req_id, tf_rpc, tf_resource_type on the provider's request lines) and shows time spent
// waiting on the client-side rate limit, here set through SEQUENCE_REQUESTS_PER_MINUTE. The
// same run checks the User-Agent: it names the CLI that runs the provider and carries
// TF_APPEND_USER_AGENT.
func TestAccProvider_debugLogTiesRequestsToResources(t *testing.T) {
	emulator := sequencetest.New()
	var mu sync.Mutex
	agents := map[string]int{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents[r.UserAgent()]++
		mu.Unlock()
		emulator.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	srv := &sequencetest.Server{Emulator: emulator, URL: hs.URL + "/api"}

	logPath := filepath.Join(t.TempDir(), "debug.log")
	w := newCLIWorkspace(t, withEnv("TF_LOG=DEBUG", "TF_LOG_PATH="+logPath,
		envRequestsPM+"=600", envAppendUserAgent+"=ci-run/42"))
	w.writeConfig(testAccProviderConfig(srv) + `
resource "sequence_notification_policy" "a" {
  name       = "a"
  channel    = "EMAIL"
  recipients = ["a@example.com"]
}

resource "sequence_notification_policy" "b" {
  name       = "b"
  channel    = "EMAIL"
  recipients = ["b@example.com"]
}

resource "sequence_notification_policy" "c" {
  name       = "c"
  channel    = "EMAIL"
  recipients = ["c@example.com"]
}
`)
	w.out("apply", "-auto-approve")
	w.out("destroy", "-auto-approve")

	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	var requestLines, waitLines, servedLines int
	for _, line := range strings.Split(string(raw), "\n") {
		switch {
		case strings.Contains(line, "Sequence API request:"):
			requestLines++
			for _, field := range []string{"@module=sequence.sequence ", "tf_req_id=", "tf_rpc=", "tf_resource_type=sequence_notification_policy", "path=/api/notifications/policies"} {
				if !strings.Contains(line, field) {
					t.Errorf("request line lacks %q: %s", field, line)
				}
			}
		case strings.Contains(line, "Read notification policy from a list page:"):
			servedLines++
			for _, field := range []string{"@module=sequence.sequence ", "tf_req_id=", "tf_resource_type=sequence_notification_policy", "page=1"} {
				if !strings.Contains(line, field) {
					t.Errorf("served-from-a-page line lacks %q: %s", field, line)
				}
			}
		case strings.Contains(line, "Waiting for the client-side rate limit (requests_per_minute):"):
			waitLines++
			if !regexp.MustCompile(`wait_ms=\d+`).MatchString(line) || !strings.Contains(line, "requests_per_minute=600") ||
				!strings.Contains(line, "tf_req_id=") || !strings.Contains(line, "@module=sequence.sequence ") {
				t.Errorf("limiter line lacks wait_ms, the limit, tf_req_id or @module: %s", line)
			}
		}
	}
	// 3 creates, then a refresh of 3 from one list page, and 3 deletes: 7 requests at least.
	if requestLines < 7 {
		t.Errorf("%d request lines in the DEBUG log, want at least 7", requestLines)
	}
	if servedLines < 3 {
		t.Errorf("%d lines say a read was served from a list page, want one for each of the 3 refreshed", servedLines)
	}
	if waitLines == 0 {
		t.Error("no line for time spent waiting on the rate limit; was SEQUENCE_REQUESTS_PER_MINUTE read?")
	}
	for _, secret := range []string{sequencetest.DefaultClientSecret, "Basic "} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the DEBUG log contains %q", secret)
		}
	}

	// Terraform is named with its version; OpenTofu without one, since the version it sends
	// through the protocol is the Terraform version it is compatible with, not its own.
	const home = `terraform-provider-sequence/test \(\+https://registry\.terraform\.io/providers/sequencehq/sequence; `
	var want *regexp.Regexp
	switch name := cliNameFromExecutable(w.cli); name {
	case "Terraform":
		want = regexp.MustCompile(`^` + home + `Terraform/` + regexp.QuoteMeta(strings.TrimPrefix(w.versionLine(), "Terraform v")) + `\) ci-run/42$`)
	case "OpenTofu":
		want = regexp.MustCompile(`^` + home + `OpenTofu\) ci-run/42$`)
	default:
		t.Fatalf("cannot tell which CLI %s is", w.cli)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(agents) == 0 {
		t.Fatal("no request reached the emulator")
	}
	for agent := range agents {
		if !want.MatchString(agent) {
			t.Errorf("User-Agent %q does not match %s", agent, want)
		}
	}
}
