package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// Some behaviour is only visible in the CLI's own output, which terraform-plugin-testing does
// not expose: warnings (it only fails on errors) and the provider's log lines. These tests run
// the CLI named by TF_ACC_TERRAFORM_PATH directly, in a directory of their own, with the test
// binary itself as the provider plugin through a dev_overrides CLI configuration.

// servePluginEnv makes the test binary serve the provider instead of running tests.
const servePluginEnv = "SEQUENCE_PROVIDER_TEST_SERVE_PLUGIN"

func TestMain(m *testing.M) {
	if os.Getenv(servePluginEnv) == "1" {
		err := providerserver.Serve(context.Background(), New("test"), providerserver.ServeOpts{
			Address: "registry.terraform.io/sequencehq/sequence",
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// cliWorkspace is a directory in which the CLI runs against the provider plugin.
type cliWorkspace struct {
	t   *testing.T
	cli string
	dir string
	env []string
}

// newCLIWorkspace prepares a workspace for an acceptance test (TF_ACC set, like
// terraform-plugin-testing's tests); extraEnv is added to the CLI's environment.
func newCLIWorkspace(t *testing.T, extraEnv ...string) *cliWorkspace {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		var err error
		if cli, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("TF_ACC_TERRAFORM_PATH is not set and no terraform is on PATH")
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	pluginDir := filepath.Join(root, "plugin")
	dir := filepath.Join(root, "work")
	for _, d := range []string{pluginDir, dir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	launcher := fmt.Sprintf("#!/bin/sh\n%s=1 exec %q \"$@\"\n", servePluginEnv, self)
	if err := os.WriteFile(filepath.Join(pluginDir, "terraform-provider-sequence"), []byte(launcher), 0o755); err != nil { //nolint:gosec // an executable by design
		t.Fatal(err)
	}
	cliConfig := filepath.Join(root, "cli.tfrc")
	if err := os.WriteFile(cliConfig, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/sequencehq/sequence" = %q
    "registry.opentofu.org/sequencehq/sequence" = %q
  }
  direct {}
}
`, pluginDir, pluginDir)), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "SEQUENCE_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	return &cliWorkspace{t: t, cli: cli, dir: dir, env: append(env, extraEnv...)}
}

// writeConfig replaces the workspace's configuration: a provider block for srv, then body.
func (w *cliWorkspace) writeConfig(srv *sequencetest.Server, body string) {
	w.t.Helper()
	config := `terraform {
  required_providers {
    sequence = { source = "sequencehq/sequence" }
  }
}
` + testAccProviderConfig(srv) + body
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(config), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// run runs the CLI with args (plus -no-color) and returns its combined output; a failing command
// fails the test.
func (w *cliWorkspace) run(args ...string) string {
	w.t.Helper()
	out, err := w.tryRun(args...)
	if err != nil {
		w.t.Fatalf("%s %s: %v\n%s", filepath.Base(w.cli), strings.Join(args, " "), err, out)
	}
	return out
}

// tryRun is run that returns the command's failure instead.
func (w *cliWorkspace) tryRun(args ...string) (string, error) {
	w.t.Helper()
	cmd := exec.CommandContext(w.t.Context(), w.cli, append(args, "-no-color")...) //nolint:gosec // the CLI under test
	cmd.Dir = w.dir
	cmd.Env = w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		w.t.Fatalf("running %s: %v", w.cli, err)
	}
	return out.String(), err
}
