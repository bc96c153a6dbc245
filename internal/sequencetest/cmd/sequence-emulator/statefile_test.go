package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// runMainEnv makes the test binary act as the command, so the state file test can kill a real
// process without building one.
const runMainEnv = "SEQUENCE_EMULATOR_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Args = append([]string{"sequence-emulator"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// emulatorProcess is the command running as a child process.
type emulatorProcess struct {
	cmd     *exec.Cmd
	baseURL string
	stderr  *syncBuffer
}

func startEmulator(t *testing.T, args ...string) *emulatorProcess {
	t.Helper()
	urlFile := filepath.Join(t.TempDir(), "url")
	cmd := exec.CommandContext(context.Background(), os.Args[0], append([]string{"-listen", "127.0.0.1:0", "-url-file", urlFile}, args...)...) //nolint:gosec // the test binary itself
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	p := &emulatorProcess{cmd: cmd, stderr: &syncBuffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		raw, _ := os.ReadFile(urlFile)
		if p.baseURL = strings.TrimSpace(string(raw)); p.baseURL != "" {
			return p
		}
	}
	t.Fatalf("the emulator did not start; stderr:\n%s", p.stderr)
	return nil
}

func (p *emulatorProcess) call(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequestWithContext(context.Background(), method, p.baseURL+path, rd)
	req.SetBasicAuth(sequencetest.DefaultClientID, sequencetest.DefaultClientSecret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

type policy struct {
	ID                string   `json:"id"`
	CreatedAt         string   `json:"createdAt"`
	Name              string   `json:"name"`
	Recipients        []string `json:"recipients"`
	NotificationTypes []string `json:"notificationTypes"`
	WebhookSecret     string   `json:"webhookSecret"`
}

func (p *emulatorProcess) create(t *testing.T, body map[string]any) policy {
	t.Helper()
	status, data := p.call(t, "POST", "/notifications/policies", body)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, data)
	}
	var out policy
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func (p *emulatorProcess) list(t *testing.T) []policy {
	t.Helper()
	status, data := p.call(t, "GET", "/notifications/policies?limit=100", nil)
	if status != http.StatusOK {
		t.Fatalf("list: %d %s", status, data)
	}
	var out struct{ Items []policy }
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out.Items
}

// With -state-file, every change is on disk by the time its response arrives: a SIGKILLed
// emulator restarts with exactly the policies it had, and SIGTERM saves and exits cleanly.
func TestStateFileSurvivesKillAndRestart(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	first := startEmulator(t, "-state-file", state)
	hook := first.create(t, map[string]any{"name": "hook", "channel": "WEBHOOK", "recipients": []string{"https://a.example/x"}})
	mail := first.create(t, map[string]any{"name": "mail", "channel": "EMAIL", "recipients": []string{"a@example.com"},
		"notificationTypes": []string{"INVOICE_ISSUED"}})
	gone := first.create(t, map[string]any{"name": "gone", "channel": "EMAIL", "recipients": []string{"x@example.com"}})
	if status, data := first.call(t, "POST", "/notifications/policies/"+mail.ID+"/recipients",
		map[string]any{"recipients": []string{"b@example.com"}}); status != http.StatusOK {
		t.Fatalf("add recipient: %d %s", status, data)
	}
	if status, data := first.call(t, "DELETE", "/notifications/policies/"+gone.ID, nil); status != http.StatusOK {
		t.Fatalf("delete: %d %s", status, data)
	}
	want := first.list(t)
	if len(want) != 2 || want[0].ID != hook.ID || want[1].ID != mail.ID || len(want[1].Recipients) != 2 {
		t.Fatalf("before the kill the emulator holds %+v", want)
	}

	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.cmd.Wait()

	second := startEmulator(t, "-state-file", state)
	got := second.list(t)
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Fatalf("after kill and restart:\n got %s\nwant %s", gotJSON, wantJSON)
	}
	if got[0].WebhookSecret != hook.WebhookSecret {
		t.Error("the generated webhook secret changed across the restart")
	}

	// A change after the restart, then SIGTERM: a clean exit, and the file holds the change.
	second.create(t, map[string]any{"name": "after restart", "channel": "EMAIL", "recipients": []string{"c@example.com"}})
	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v; stderr:\n%s", err, second.stderr)
	}
	third := startEmulator(t, "-state-file", state)
	if n := len(third.list(t)); n != 3 {
		t.Errorf("after SIGTERM and restart the emulator holds %d policies, want 3", n)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(state), ".state.json.tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

// A missing file starts empty and is created at once; a file that cannot be loaded stops the
// emulator before it listens, naming the file, and is left as it was.
func TestStateFileErrorsAtStartup(t *testing.T) {
	t.Run("missing file is created", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "new.json")
		p := startEmulator(t, "-state-file", state)
		if n := len(p.list(t)); n != 0 {
			t.Errorf("fresh state holds %d policies", n)
		}
		if _, err := os.Stat(state); err != nil {
			t.Errorf("state file not created at startup: %v", err)
		}
	})

	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.json")
	if err := os.WriteFile(corrupt, []byte(`{"format": "sequence-emulator-state/1", "policies": [{"id": `), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct{ path, want string }{
		"corrupt file":             {corrupt, "cannot load it"},
		"directory":                {dir, "cannot load it"},
		"directory does not exist": {filepath.Join(dir, "no", "such", "dir", "state.json"), "cannot create it"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			before, _ := os.ReadFile(tc.path)
			var out bytes.Buffer
			err := run(context.Background(), []string{"-listen", "127.0.0.1:0", "-quiet", "-state-file", tc.path}, &out, &out)
			if err == nil {
				t.Fatal("run started with an unusable state file")
			}
			if !strings.Contains(err.Error(), "-state-file "+tc.path+": "+tc.want) {
				t.Errorf("error %q does not name the file and say %q", err, tc.want)
			}
			if out.Len() != 0 {
				t.Errorf("output before the error: %q", out.String())
			}
			after, _ := os.ReadFile(tc.path)
			if !bytes.Equal(before, after) {
				t.Error("the unusable file was changed")
			}
		})
	}
}
