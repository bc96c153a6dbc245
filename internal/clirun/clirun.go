// Package clirun is what the acceptance tests and the benchmark share about running a Terraform
// or OpenTofu CLI against this provider: an environment that nothing inherited can bend, the
// CLI's version, and the CLI configuration whose development override serves a local build.
package clirun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// CleanEnvironment is this process's environment without what changes how the CLI or the
// provider behave: TF_* (an inherited TF_CLI_CONFIG_FILE possibly pointing at a missing file,
// TF_LOG*, TF_CLI_ARGS*, TF_REATTACH_PROVIDERS), SEQUENCE_* credentials, CHECKPOINT_DISABLE, and
// variables with any of the extra prefixes given.
func CleanEnvironment(extraPrefixes ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "SEQUENCE_") || name == "CHECKPOINT_DISABLE" ||
			hasAnyPrefix(name, extraPrefixes) {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// Version is what a CLI says of itself.
type Version struct {
	Number string // "1.8.5"
	Tofu   bool   // OpenTofu rather than Terraform
}

// Label is "Terraform 1.8.5" or "OpenTofu 1.12.6".
func (v Version) Label() string {
	if v.Tofu {
		return "OpenTofu " + v.Number
	}
	return "Terraform " + v.Number
}

// AtLeast reports whether the version is major.minor or later.
func (v Version) AtLeast(major, minor int) (bool, error) {
	var gotMajor, gotMinor int
	if _, err := fmt.Sscanf(v.Number, "%d.%d", &gotMajor, &gotMinor); err != nil {
		return false, fmt.Errorf("version %q: %w", v.Number, err)
	}
	return gotMajor > major || gotMajor == major && gotMinor >= minor, nil
}

// ReadVersion runs `<path> version -json` with a clean environment and no CLI configuration.
// OpenTofu answers with the same document, its platform naming it; its plain `version` output
// begins "OpenTofu v", which is how the two are told apart.
func ReadVersion(ctx context.Context, path string) (Version, error) {
	run := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, path, args...)
		// Without a CLI configuration of its own the CLI may warn (TF_CLI_CONFIG_FILE pointing
		// at a missing file) before the version.
		cmd.Env = append(CleanEnvironment(), "TF_CLI_CONFIG_FILE="+os.DevNull, "CHECKPOINT_DISABLE=1")
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", path, strings.Join(args, " "), exitDetail(err))
		}
		return out, nil
	}
	out, err := run("version", "-json")
	if err != nil {
		return Version{}, err
	}
	var doc struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return Version{}, fmt.Errorf("reading the version of %s: %w", path, err)
	}
	plain, err := run("version")
	if err != nil {
		return Version{}, err
	}
	return Version{Number: doc.Version, Tofu: strings.HasPrefix(string(plain), "OpenTofu")}, nil
}

func exitDetail(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		lines := strings.Split(strings.TrimSpace(string(ee.Stderr)), "\n")
		return fmt.Errorf("%w: %s", err, strings.Join(lines[max(0, len(lines)-5):], "\n"))
	}
	return err
}

// WriteDevOverrides writes to path a CLI configuration whose development override points both
// registries' address of the Sequence provider at pluginDir, so no `terraform init` is needed.
func WriteDevOverrides(path, pluginDir string) error {
	config := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/sequencehq/sequence" = %q
    "registry.opentofu.org/sequencehq/sequence" = %q
  }
  direct {}
}
`, pluginDir, pluginDir)
	return os.WriteFile(path, []byte(config), 0o600)
}

// Result is one CLI invocation's outcome. A non-zero exit code is an outcome, not an error:
// `plan -detailed-exitcode` uses 2 for "changes present".
type Result struct {
	ExitCode       int
	Stdout, Stderr string
	Wall           time.Duration
	CPU            time.Duration // of the CLI and the processes it waited for
}

// Output is stdout followed by stderr.
func (r Result) Output() string { return r.Stdout + r.Stderr }

// Run runs the CLI at path with args in dir and environment env; the error is only for a CLI
// that could not be run at all.
func Run(ctx context.Context, path, dir string, env []string, args ...string) (Result, error) {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := Result{Wall: time.Since(start), Stdout: stdout.String(), Stderr: stderr.String()}
	if cmd.ProcessState != nil {
		res.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		res.ExitCode = ee.ExitCode()
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("running %s %s: %w", path, strings.Join(args, " "), err)
	}
	return res, nil
}
