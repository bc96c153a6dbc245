package clirun

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCleanEnvironmentDropsWhatBendsTheCLI(t *testing.T) {
	t.Setenv("TF_CLI_CONFIG_FILE", "/missing")
	t.Setenv("SEQUENCE_CLIENT_SECRET", "s3cret-value")
	t.Setenv("CHECKPOINT_DISABLE", "1")
	t.Setenv("BENCH_RUNS", "3")
	t.Setenv("CLIRUN_KEPT", "yes")
	env := CleanEnvironment("BENCH_")
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "SEQUENCE_") || name == "CHECKPOINT_DISABLE" || strings.HasPrefix(name, "BENCH_") {
			t.Errorf("%s kept", name)
		}
	}
	if !slices.Contains(env, "CLIRUN_KEPT=yes") {
		t.Error("an unrelated variable was dropped")
	}
	if !slices.Contains(CleanEnvironment(), "BENCH_RUNS=3") {
		t.Error("BENCH_ dropped without being asked to")
	}
}

func TestVersionAtLeastAndLabel(t *testing.T) {
	for _, tc := range []struct {
		v            Version
		major, minor int
		want         bool
	}{
		{Version{Number: "1.8.5"}, 1, 11, false},
		{Version{Number: "1.11.4"}, 1, 11, true},
		{Version{Number: "1.13.3"}, 1, 12, true},
		{Version{Number: "2.0.0"}, 1, 12, true},
		{Version{Number: "1.12.6", Tofu: true}, 1, 7, true},
	} {
		got, err := tc.v.AtLeast(tc.major, tc.minor)
		if err != nil || got != tc.want {
			t.Errorf("%+v.AtLeast(%d, %d) = %v, %v; want %v", tc.v, tc.major, tc.minor, got, err, tc.want)
		}
	}
	if _, err := (Version{Number: "dev"}).AtLeast(1, 0); err == nil {
		t.Error("an unreadable version compared")
	}
	if got := (Version{Number: "1.12.6", Tofu: true}).Label(); got != "OpenTofu 1.12.6" {
		t.Errorf("label %q", got)
	}
	if got := (Version{Number: "1.5.7"}).Label(); got != "Terraform 1.5.7" {
		t.Errorf("label %q", got)
	}
}

func TestWriteDevOverridesNamesBothRegistries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cli.tfrc")
	if err := WriteDevOverrides(path, "/plugins dir"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"registry.terraform.io/sequencehq/sequence" = "/plugins dir"`,
		`"registry.opentofu.org/sequencehq/sequence" = "/plugins dir"`,
		"direct {}",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("configuration lacks %s:\n%s", want, b)
		}
	}
}

func TestRunReportsExitCodeAndOutputs(t *testing.T) {
	res, err := Run(context.Background(), "/bin/sh", t.TempDir(), nil, "-c", "echo out; echo err >&2; exit 3")
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 3 || res.Stdout != "out\n" || res.Stderr != "err\n" || res.Output() != "out\nerr\n" {
		t.Errorf("result %+v", res)
	}
	if _, err := Run(context.Background(), filepath.Join(t.TempDir(), "missing"), "", nil); err == nil {
		t.Error("a CLI that cannot start gave no error")
	}
}
