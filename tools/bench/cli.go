package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/sequencehq/terraform-provider-sequence/internal/clirun"
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
	v, err := clirun.ReadVersion(ctx, path)
	if err != nil {
		return cli{}, err
	}
	return cli{Name: name, Label: v.Label(), Path: path, Version: v.Number}, nil
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
func cleanEnvironment() []string { return clirun.CleanEnvironment("BENCH_") }

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
	res, err := clirun.Run(ctx, r.cli.Path, r.dir, r.env, args...)
	output = res.Output()
	if r.logPath != "" {
		_ = os.WriteFile(r.logPath, []byte(output), 0o644)
	}
	return res.Wall, res.ExitCode, output, res.CPU, err
}

// writeCLIConfig writes a CLI configuration whose development override points both registries'
// address of the Sequence provider at dir, so no `terraform init` is needed.
func writeCLIConfig(path, dir string) error { return clirun.WriteDevOverrides(path, dir) }

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
