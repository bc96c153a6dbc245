package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

// cliWorkspace runs the CLI under test (TF_ACC_TERRAFORM_PATH) directly, in a directory of its
// own, against a provider served in-process through TF_REATTACH_PROVIDERS. It is for the paths
// terraform-plugin-testing cannot script: steps whose outcome is not known in advance (a
// randomized walk that may or may not fail), saved plans applied after an out-of-band change, and
// signals sent to the CLI.
type cliWorkspace struct {
	t        *testing.T
	cli      string
	isTofu   bool
	dir      string
	env      []string
	reattach string
}

// cliResult is one CLI invocation's outcome.
type cliResult struct {
	args     []string
	stdout   string
	stderr   string
	exitCode int
}

func (r cliResult) output() string { return r.stdout + r.stderr }

func (r cliResult) String() string {
	return fmt.Sprintf("%s (exit %d)\n--- stdout\n%s\n--- stderr\n%s", strings.Join(r.args, " "), r.exitCode, r.stdout, r.stderr)
}

// newCLIWorkspace skips unless TF_ACC is set, like terraform-plugin-testing, and serves the
// provider configured by configureClient for the lifetime of the test.
func newCLIWorkspace(t *testing.T, configureClient func(*sequence.Config)) *cliWorkspace {
	t.Helper()
	cliPath := acceptanceCLI(t)

	w := &cliWorkspace{t: t, cli: cliPath, dir: t.TempDir()}
	w.isTofu = strings.Contains(w.version(), "OpenTofu")
	w.reattach = serveProviderForReattach(t, func() tfprotov6.ProviderServer {
		server, err := providerserver.NewProtocol6WithError(&sequenceProvider{version: "test", configureClient: configureClient})()
		if err != nil {
			t.Errorf("creating the provider server: %v", err)
		}
		return server
	})
	cliConfig := filepath.Join(w.dir, ".cli.tfrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	w.env = cleanCLIEnvironment()
	w.env = append(w.env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"TF_REATTACH_PROVIDERS="+w.reattach)
	return w
}

// servePluginEnv makes the test binary serve the provider instead of running tests: the plugin
// that newPluginCLIWorkspace's CLI launches.
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

// newPluginCLIWorkspace is a workspace whose CLI launches the provider as a plugin process of its
// own (the test binary, through dev_overrides), as in real use: the provider's log lines then
// reach the CLI's log (TF_LOG, TF_LOG_PATH), and its User-Agent sees the real parent process.
// extraEnv is added to the CLI's environment. No init is needed (or possible offline).
func newPluginCLIWorkspace(t *testing.T, extraEnv ...string) *cliWorkspace {
	t.Helper()
	cliPath := acceptanceCLI(t)
	root := t.TempDir()
	dir := filepath.Join(root, "work")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cliConfig := writePluginCLIConfig(t, root)
	w := &cliWorkspace{t: t, cli: cliPath, dir: dir}
	w.env = append(append(cleanCLIEnvironment(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"), extraEnv...)
	return w
}

// writePluginCLIConfig writes, under root, a CLI configuration whose dev_overrides make the CLI
// launch this test binary as the provider plugin (TestMain serves it), with the test's build
// flags, -race included, and returns its path.
func writePluginCLIConfig(t *testing.T, root string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	pluginDir := filepath.Join(root, "plugin")
	if err := os.Mkdir(pluginDir, 0o755); err != nil {
		t.Fatal(err)
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
	return cliConfig
}

// acceptanceCLI skips unless TF_ACC is set, like terraform-plugin-testing, and returns the CLI
// under test.
func acceptanceCLI(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run it")
	}
	if cliPath := os.Getenv("TF_ACC_TERRAFORM_PATH"); cliPath != "" {
		return cliPath
	}
	found, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("TF_ACC_TERRAFORM_PATH is not set and no terraform is on PATH")
	}
	return found
}

// cleanCLIEnvironment is this process's environment without what changes how the CLI or the
// provider behave (TF_*, SEQUENCE_*, CHECKPOINT_DISABLE).
func cleanCLIEnvironment() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "SEQUENCE_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// serveProviderForReattach serves a protocol 6 provider in this process until the test ends and
// returns the TF_REATTACH_PROVIDERS value that points Terraform and OpenTofu at it.
func serveProviderForReattach(t *testing.T, factory func() tfprotov6.ProviderServer) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	configCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- tf6server.Serve("registry.terraform.io/sequencehq/sequence", factory,
			tf6server.WithDebug(ctx, configCh, closeCh), tf6server.WithLoggingSink(t),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
	}()
	var config *plugin.ReattachConfig
	select {
	case config = <-configCh:
	case err := <-serveErr:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("the provider server did not start within 30s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-closeCh:
		case <-time.After(10 * time.Second):
			t.Log("the provider server did not stop within 10s")
		}
	})

	type addr struct{ Network, String string }
	type reattachConfig struct {
		Protocol        string
		ProtocolVersion int
		Pid             int
		Test            bool
		Addr            addr
	}
	rc := reattachConfig{
		Protocol: string(config.Protocol), ProtocolVersion: config.ProtocolVersion, Pid: config.Pid, Test: true,
		Addr: addr{Network: config.Addr.Network(), String: config.Addr.String()},
	}
	raw, err := json.Marshal(map[string]reattachConfig{
		"registry.terraform.io/sequencehq/sequence": rc,
		"registry.opentofu.org/sequencehq/sequence": rc,
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// version is the first line of `<cli> version`.
func (w *cliWorkspace) version() string {
	out, err := exec.CommandContext(context.Background(), w.cli, "version").Output()
	if err != nil {
		w.t.Fatalf("%s version: %v", w.cli, err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return first
}

// cliWorkspaceProviders names the provider source that TF_REATTACH_PROVIDERS serves.
const cliWorkspaceProviders = `
terraform {
  required_providers {
    sequence = {
      source = "sequencehq/sequence"
    }
  }
}
`

// writeConfig replaces the workspace's configuration with main.tf holding config (and the
// required_providers block that selects the reattached provider).
func (w *cliWorkspace) writeConfig(config string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(cliWorkspaceProviders+config), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// run invokes the CLI with args in the workspace and returns its outcome; a CLI that cannot be
// started at all fails the test.
func (w *cliWorkspace) run(args ...string) cliResult {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.cli, args...)
	cmd.Dir = w.dir
	cmd.Env = w.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{args: args, stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		res.exitCode = exitErr.ExitCode()
	default:
		w.t.Fatalf("running %s %s: %v", w.cli, strings.Join(args, " "), err)
	}
	return res
}

// out runs the CLI with args plus -no-color, fails the test unless it exits 0, and returns its
// combined output.
func (w *cliWorkspace) out(args ...string) string {
	w.t.Helper()
	return w.mustRun(append(args, "-no-color")...).output()
}

// mustRun is run that fails the test unless the CLI exits 0.
func (w *cliWorkspace) mustRun(args ...string) cliResult {
	w.t.Helper()
	res := w.run(args...)
	if res.exitCode != 0 {
		w.t.Fatalf("%s", res)
	}
	return res
}

// init runs `init`, which with reattached providers downloads nothing.
func (w *cliWorkspace) init() {
	w.t.Helper()
	w.mustRun("init", "-input=false", "-no-color")
}

// stateResource is one managed resource instance of `show -json`.
type stateResource struct {
	Address string         `json:"address"`
	Type    string         `json:"type"`
	Values  map[string]any `json:"values"`
}

// stateResources lists the managed resources in the workspace's state.
func (w *cliWorkspace) stateResources() []stateResource {
	w.t.Helper()
	res := w.mustRun("show", "-json", "-no-color")
	var doc struct {
		Values *struct {
			RootModule struct {
				Resources []struct {
					stateResource
					Mode string `json:"mode"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
		w.t.Fatalf("reading show -json: %v\n%s", err, res.stdout)
	}
	var out []stateResource
	if doc.Values == nil {
		return nil
	}
	for _, r := range doc.Values.RootModule.Resources {
		if r.Mode == "managed" {
			out = append(out, r.stateResource)
		}
	}
	return out
}
