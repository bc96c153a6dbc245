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

	"github.com/sequencehq/terraform-provider-sequence/internal/clirun"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

// cliWorkspace runs the CLI under test (TF_ACC_TERRAFORM_PATH) directly, in a directory of its
// own, for the paths terraform-plugin-testing cannot script: steps whose outcome is not known in
// advance (a randomized walk that may or may not fail), saved plans applied after an out-of-band
// change, signals sent to the CLI, several working directories (state files) against one
// emulator (sibling), and commands it does not run (plan -generate-config-out). By default the
// CLI launches the provider as a plugin process of its own (the test binary, through
// dev_overrides), as in real use, with the test's build flags, -race included; reattached serves
// it in this process instead.
type cliWorkspace struct {
	t       *testing.T
	cli     string
	name    string
	version clirun.Version
	dir     string
	env     []string
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

// cliOptions are newCLIWorkspace's options.
type cliOptions struct {
	configureClient func(*sequence.Config) // set: the provider is served in this process
	reattach        func() string          // set: the provider is one already served (TF_REATTACH_PROVIDERS)
	env             []string
}

type cliOption func(*cliOptions)

// reattached serves the provider, its client configured by configureClient, in this process for
// the lifetime of the test (TF_REATTACH_PROVIDERS), so a test can shorten its backoff.
func reattached(configureClient func(*sequence.Config)) cliOption {
	return func(o *cliOptions) { o.configureClient = configureClient }
}

// reattachedAt points the CLI at a provider already served, whose TF_REATTACH_PROVIDERS value
// reattach returns (called only when the test runs), such as one that outlives a CLI interrupted
// mid-apply.
func reattachedAt(reattach func() string) cliOption {
	return func(o *cliOptions) { o.reattach = reattach }
}

// withEnv adds variables to the CLI's environment (the plugin process inherits them).
func withEnv(kv ...string) cliOption {
	return func(o *cliOptions) { o.env = append(o.env, kv...) }
}

// newCLIWorkspace skips unless TF_ACC is set, like terraform-plugin-testing. No init is needed
// (or possible offline).
func newCLIWorkspace(t *testing.T, opts ...cliOption) *cliWorkspace {
	t.Helper()
	var o cliOptions
	for _, opt := range opts {
		opt(&o)
	}
	cliPath := acceptanceCLI(t)
	version, err := clirun.ReadVersion(t.Context(), cliPath)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	w := &cliWorkspace{t: t, cli: cliPath, name: "work", version: version, dir: filepath.Join(root, "work")}
	if err := os.Mkdir(w.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(root, "cli.tfrc")
	w.env = append(clirun.CleanEnvironment(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	if o.configureClient != nil {
		o.reattach = func() string {
			return serveProviderForReattach(t, func() tfprotov6.ProviderServer {
				server, err := providerserver.NewProtocol6WithError(&sequenceProvider{version: "test", configureClient: o.configureClient})()
				if err != nil {
					t.Errorf("creating the provider server: %v", err)
				}
				return server
			})
		}
	}
	if o.reattach != nil {
		if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		w.env = append(w.env, "TF_REATTACH_PROVIDERS="+o.reattach())
	} else {
		writePluginCLIConfig(t, root, cliConfig)
	}
	w.env = append(w.env, o.env...)
	return w
}

// sibling is another working directory (its own configuration and state) with the same CLI and
// provider, for t (a subtest may open its own).
func (w *cliWorkspace) sibling(t *testing.T, name string) *cliWorkspace {
	t.Helper()
	s := *w
	s.t, s.name, s.dir = t, name, filepath.Join(t.TempDir(), name)
	if err := os.Mkdir(s.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &s
}

// versionLine is the CLI's version as its `version` command prints it ("Terraform v1.8.5").
func (w *cliWorkspace) versionLine() string {
	if w.version.Tofu {
		return "OpenTofu v" + w.version.Number
	}
	return "Terraform v" + w.version.Number
}

// atLeast reports whether the CLI is major.minor or later.
func (w *cliWorkspace) atLeast(major, minor int) bool {
	w.t.Helper()
	ok, err := w.version.AtLeast(major, minor)
	if err != nil {
		w.t.Fatal(err)
	}
	return ok
}

// skipBelow skips the test when the CLI is older than major.minor (every OpenTofu the tests
// run, 1.12.6, is newer than any feature gate these tests need).
func (w *cliWorkspace) skipBelow(major, minor int) {
	w.t.Helper()
	if !w.atLeast(major, minor) {
		w.t.Skipf("needs Terraform %d.%d or later; the CLI is %s", major, minor, w.version.Label())
	}
}

// servePluginEnv makes the test binary serve the provider instead of running tests: the plugin
// that a cliWorkspace CLI launches (unless reattached).
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

// writePluginCLIConfig writes to cliConfig a CLI configuration whose dev_overrides make the CLI
// launch this test binary, through a launcher under root, as the provider plugin (TestMain
// serves it), with the test's build flags, -race included.
func writePluginCLIConfig(t *testing.T, root, cliConfig string) {
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
	if err := clirun.WriteDevOverrides(cliConfig, pluginDir); err != nil {
		t.Fatal(err)
	}
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

// cliWorkspaceProviders declares the provider's source, as a user's configuration does.
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
// required_providers block).
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
	out, err := clirun.Run(ctx, w.cli, w.dir, w.env, args...)
	if err != nil {
		w.t.Fatalf("%s: %v", w.name, err)
	}
	if ctx.Err() != nil {
		w.t.Fatalf("%s: %s %s did not finish within 5 minutes:\n%s%s", w.name, w.cli, strings.Join(args, " "), out.Stdout, out.Stderr)
	}
	return cliResult{args: args, stdout: out.Stdout, stderr: out.Stderr, exitCode: out.ExitCode}
}

// start starts the CLI with args plus -no-color, for a test that signals it while it runs; its
// stdout and stderr go, interleaved, to the buffer returned. Wait for it with finish.
func (w *cliWorkspace) start(args ...string) (*exec.Cmd, *bytes.Buffer) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	w.t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, w.cli, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = w.dir, w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	return cmd, &out
}

// finish waits for a CLI started with start and returns its exit code and output.
func finish(t *testing.T, cmd *exec.Cmd, out *bytes.Buffer) (int, string) {
	t.Helper()
	err := cmd.Wait()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	return cmd.ProcessState.ExitCode(), out.String()
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
		w.t.Fatalf("%s: %s", w.name, res)
	}
	return res
}

// writeFile writes a file of the working directory.
func (w *cliWorkspace) writeFile(name, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// readFile reads a file of the working directory.
func (w *cliWorkspace) readFile(name string) string {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.dir, name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(b)
}

func (w *cliWorkspace) apply() {
	w.t.Helper()
	w.mustRun("apply", "-auto-approve", "-input=false", "-no-color")
}

func (w *cliWorkspace) destroy() {
	w.t.Helper()
	w.mustRun("destroy", "-auto-approve", "-input=false", "-no-color")
}

// expectEmptyPlan runs a refreshing plan and fails the test unless it plans no change.
func (w *cliWorkspace) expectEmptyPlan() {
	w.t.Helper()
	switch res := w.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); res.exitCode {
	case 0:
	case 2:
		w.t.Errorf("%s: plan after apply is not empty:\n%s", w.name, res.output())
	default:
		w.t.Fatalf("%s: plan exited %d:\n%s", w.name, res.exitCode, res.output())
	}
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
