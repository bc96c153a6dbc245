package main

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
	"time"
)

// cli is a Terraform or OpenTofu binary.
type cli struct {
	Name    string // "terraform" or "tofu"
	Label   string // "Terraform 1.8.5"
	Path    string
	Version string
}

// resolveCLI returns the binary given by flag, or the pinned one from scripts/tools.sh, which
// builds it into the cache outside the repository on first use.
func resolveCLI(ctx context.Context, root, name, flagPath string) (cli, error) {
	path := flagPath
	if path == "" {
		out, err := exec.CommandContext(ctx, "bash", filepath.Join(root, "scripts", "tools.sh"), name).Output()
		if err != nil {
			return cli{}, fmt.Errorf("locating %s with scripts/tools.sh: %w", name, exitDetail(err))
		}
		path = strings.TrimSpace(string(out))
	}
	cmd := exec.CommandContext(ctx, path, "version", "-json")
	cmd.Env = append(cleanEnvironment(), "TF_CLI_CONFIG_FILE=/dev/null")
	out, err := cmd.Output()
	if err != nil {
		return cli{}, fmt.Errorf("%s version: %w", path, exitDetail(err))
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return cli{}, fmt.Errorf("reading the version of %s: %w", path, err)
	}
	label := "Terraform " + v.Version
	if name == "tofu" {
		label = "OpenTofu " + v.Version
	}
	return cli{Name: name, Label: label, Path: path, Version: v.Version}, nil
}

func exitDetail(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(lastLines(string(ee.Stderr), 5)))
	}
	return err
}

// cleanEnvironment is the harness's environment without anything that changes how the CLI or
// the provider behave: an inherited TF_CLI_CONFIG_FILE (possibly pointing at a missing file),
// TF_LOG*, TF_CLI_ARGS*, TF_REATTACH_PROVIDERS, SEQUENCE_* credentials and the like.
func cleanEnvironment() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "SEQUENCE_") ||
			strings.HasPrefix(name, "BENCH_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// cliRun is one CLI invocation.
type cliRun struct {
	cli     cli
	dir     string
	env     []string
	logPath string // combined output is written here
}

// run executes the CLI with args in the working directory and returns its wall time and the CPU
// time of the CLI and the processes it waited for. A non-zero exit code is not an error here:
// `plan -detailed-exitcode` uses 2 for "changes present".
func (r cliRun) run(ctx context.Context, args ...string) (wall time.Duration, exitCode int, output string, cpu time.Duration, err error) {
	cmd := exec.CommandContext(ctx, r.cli.Path, args...)
	cmd.Dir = r.dir
	cmd.Env = r.env
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	output = buf.String()
	if r.logPath != "" {
		_ = os.WriteFile(r.logPath, buf.Bytes(), 0o644)
	}
	if cmd.ProcessState != nil {
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return wall, ee.ExitCode(), output, cpu, nil
	}
	return wall, 0, output, cpu, err
}

// writeCLIConfig writes a CLI configuration whose development override points both registries'
// address of the Sequence provider at dir, so no `terraform init` is needed.
func writeCLIConfig(path, dir string) error {
	config := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/sequencehq/sequence" = %q
    "registry.opentofu.org/sequencehq/sequence" = %q
  }
  direct {}
}
`, dir, dir)
	return os.WriteFile(path, []byte(config), 0o644)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
