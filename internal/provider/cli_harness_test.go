package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Some acceptance tests need what terraform-plugin-testing cannot express: several working
// directories (state files) against one emulator, or CLI commands it does not run (plan
// -generate-config-out). They run the CLI of TF_ACC_TERRAFORM_PATH directly, with a development
// override pointing at this test binary, which serves the provider when the CLI starts it as a
// plugin (so the provider under test runs with the test's build flags, -race included).

// cliRequiredProviders declares the provider's source, as a user's configuration does.
const cliRequiredProviders = `
terraform {
  required_providers {
    sequence = {
      source = "sequencehq/sequence"
    }
  }
}
`

// cliHarness runs the acceptance-test CLI in working directories of its own.
type cliHarness struct {
	cli string
	env []string
}

func newCLIHarness(t *testing.T) *cliHarness {
	t.Helper()
	cli := acceptanceCLI(t)
	cliConfig := writePluginCLIConfig(t, t.TempDir())
	env := append(cleanCLIEnvironment(), "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	return &cliHarness{cli: cli, env: env}
}

// cliWorkdir is one configuration with its own state file.
type cliWorkdir struct {
	h    *cliHarness
	name string
	dir  string
}

func (h *cliHarness) workdir(t *testing.T, name string) *cliWorkdir {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &cliWorkdir{h: h, name: name, dir: dir}
}

// write replaces the configuration (main.tf), adding the required_providers block.
func (w *cliWorkdir) write(t *testing.T, config string) {
	t.Helper()
	w.writeFile(t, "main.tf", cliRequiredProviders+config)
}

func (w *cliWorkdir) writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (w *cliWorkdir) readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(w.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// run executes the CLI and returns its exit code and combined output.
func (w *cliWorkdir) run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), w.h.cli, args...)
	cmd.Dir = w.dir
	cmd.Env = w.h.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		return exitErr.ExitCode(), out.String()
	case err != nil:
		t.Fatalf("%s: running %s %s: %v", w.name, w.h.cli, strings.Join(args, " "), err)
	}
	return 0, out.String()
}

// mustRun runs a command that must succeed.
func (w *cliWorkdir) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out := w.run(t, args...)
	if code != 0 {
		t.Fatalf("%s: %s exited %d:\n%s", w.name, strings.Join(args, " "), code, out)
	}
	return out
}

func (w *cliWorkdir) apply(t *testing.T) {
	t.Helper()
	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
}

func (w *cliWorkdir) destroy(t *testing.T) {
	t.Helper()
	w.mustRun(t, "destroy", "-auto-approve", "-input=false", "-no-color")
}

// expectEmptyPlan runs a refreshing plan and fails the test unless it plans no change.
func (w *cliWorkdir) expectEmptyPlan(t *testing.T) {
	t.Helper()
	switch code, out := w.run(t, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code {
	case 0:
	case 2:
		t.Errorf("%s: plan after apply is not empty:\n%s", w.name, out)
	default:
		t.Fatalf("%s: plan exited %d:\n%s", w.name, code, out)
	}
}

// skipBelow skips the test when the CLI is Terraform older than major.minor (every OpenTofu the
// tests run, 1.12.6, is newer than any feature gate these tests need).
func (h *cliHarness) skipBelow(t *testing.T, major, minor int) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), h.cli, "version", "-json")
	cmd.Env = h.env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", h.cli, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("reading the version of %s: %v", h.cli, err)
	}
	var gotMajor, gotMinor int
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &gotMajor, &gotMinor); err != nil {
		t.Fatalf("version %q of %s: %v", v.Version, h.cli, err)
	}
	if gotMajor < major || gotMajor == major && gotMinor < minor {
		t.Skipf("needs Terraform %d.%d or later; the CLI is %s", major, minor, v.Version)
	}
}
