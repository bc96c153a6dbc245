package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// variant is an emulator setting under which a group is measured.
type variant struct {
	Kind              variantKind
	Name              string
	Latency           time.Duration
	RequestsPerMinute int      // emulator limit and provider requests_per_minute; 0 = none
	Env               []string // extra environment of the CLI and plugins
}

type variantKind string

const (
	variantZero      variantKind = "zero"
	variantLatency   variantKind = "latency"
	variantRateLimit variantKind = "ratelimit"
	// variantLogsOn turns the plugins' logs on (TRACE), as any TF_LOG* variable does: a
	// diagnostic of how much wall time the default of logs off saves, log output that the CLI
	// reads and discards when TF_LOG is unset.
	variantLogsOn variantKind = "logson"
)

func (v variant) slug() string {
	switch v.Kind {
	case variantRateLimit:
		return fmt.Sprintf("rpm%d", v.RequestsPerMinute)
	case variantLatency:
		return "latency" + v.Latency.String()
	}
	return string(v.Kind)
}

// groupSpec is a set of measurements sharing a CLI, a policy count and an emulator setting.
type groupSpec struct {
	CLI      cli
	N        int
	Variant  variant
	Subjects []subject
	Runs     int
	// Once lists subjects measured in one run only, to keep the benchmark in its time budget.
	Once map[subject]bool
}

// runsFor is how many runs subject s gets.
func (g groupSpec) runsFor(s subject) int {
	if g.Once[s] {
		return 1
	}
	return g.Runs
}

// phaseRun is one phase of one run.
type phaseRun struct {
	Wall     time.Duration
	Requests requestCounts
	Plugins  []processReport
	Err      string
	// Connections is the number of TCP connections the provider opened to the API.
	Connections int64
	// CPU time of the CLI process and everything it waited for (the plugin processes), and of
	// the harness process over the phase, which is almost all the in-process emulator.
	CLICPU, HarnessCPU time.Duration
}

// PluginLog is the log output of the plugin processes of the phase.
func (r phaseRun) PluginLog() (lines, bytes int64) {
	for _, p := range r.Plugins {
		lines += p.StderrLines
		bytes += p.StderrBytes
	}
	return lines, bytes
}

// PluginCPU is the CPU time of the plugin processes of the phase.
func (r phaseRun) PluginCPU() time.Duration {
	var total float64
	for _, p := range r.Plugins {
		total += p.CPUMillis
	}
	return time.Duration(total * float64(time.Millisecond))
}

// groupResult holds every run of every subject: Runs[subject][phase][run].
type groupResult struct {
	Spec groupSpec
	Runs map[subject][][]phaseRun
}

// processReport is a line the plugin launcher writes (tools/bench/pluginlauncher ProcessReport).
type processReport struct {
	PID             int     `json:"pid"`
	LifetimeMillis  float64 `json:"lifetime_ms"`
	SchemaServedMs  float64 `json:"schema_served_ms"`
	MaxRSSKilobytes int64   `json:"max_rss_kb"`
	CPUMillis       float64 `json:"cpu_ms"`
	StderrLines     int64   `json:"stderr_lines"`
	StderrBytes     int64   `json:"stderr_bytes"`
	ExitCode        int     `json:"exit_code"`
	Signal          string  `json:"signal"`
}

// harness holds what every measurement shares.
type harness struct {
	workDir       string
	cliConfigPath string
	providerBin   string
	floorBin      string
	extraEnv      []string
	profile       bool // plugins built to write CPU profiles (-cpuprofile)
	logf          func(format string, args ...any)
}

func (h *harness) environment(emu *emulatorServer, s subject, reportPath string) []string {
	env := append(cleanEnvironment(),
		"TF_CLI_CONFIG_FILE="+h.cliConfigPath,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"BENCH_PLUGIN_REPORT="+reportPath,
	)
	if emu != nil {
		env = append(env,
			"SEQUENCE_ENDPOINT="+emu.URL,
			"SEQUENCE_CLIENT_ID="+sequencetest.DefaultClientID,
			"SEQUENCE_CLIENT_SECRET="+sequencetest.DefaultClientSecret,
		)
	}
	env = append(env, h.extraEnv...)
	switch s {
	case subjectProvider:
		env = append(env, "BENCH_PLUGIN_TARGET="+h.providerBin)
	case subjectPluginFloor:
		env = append(env, "BENCH_PLUGIN_TARGET="+h.floorBin)
	}
	return env
}

func (h *harness) runGroup(ctx context.Context, spec groupSpec) (*groupResult, error) {
	var opts []sequencetest.Option
	if spec.Variant.Latency > 0 {
		opts = append(opts, sequencetest.WithLatency(spec.Variant.Latency))
	}
	if spec.Variant.RequestsPerMinute > 0 {
		opts = append(opts, sequencetest.WithRequestsPerMinute(spec.Variant.RequestsPerMinute))
	}
	emu, err := startEmulator(ctx, opts...)
	if err != nil {
		return nil, err
	}
	defer emu.Close()

	result := &groupResult{Spec: spec, Runs: map[subject][][]phaseRun{}}
	dirs := map[subject]string{}
	for _, s := range spec.Subjects {
		dir := filepath.Join(h.workDir, fmt.Sprintf("%s-n%d-%s-%s", spec.CLI.Name, spec.N, spec.Variant.slug(),
			strings.ReplaceAll(string(s), " ", "-")))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := writeConfiguration(dir, s, spec.Variant.RequestsPerMinute); err != nil {
			return nil, err
		}
		dirs[s] = dir
		result.Runs[s] = make([][]phaseRun, len(phases))
	}
	// Subjects take turns phase by phase, so a slow spell of the machine hits all of them alike.
	for run := range spec.Runs {
		var active []*subjectRun
		for _, s := range spec.Subjects {
			if run < spec.runsFor(s) {
				active = append(active, h.startRun(spec, s, dirs[s], emu, run))
			}
		}
		for i := range phases {
			for _, sr := range active {
				result.Runs[sr.subject][i] = append(result.Runs[sr.subject][i], sr.phase(ctx, i))
			}
		}
		for _, sr := range active {
			sr.cleanUp(ctx)
		}
	}
	return result, nil
}

// subjectRun takes one subject through every phase of one run, from an empty state. A failed
// phase ends the run: the rest is recorded as skipped and the state is cleaned up, untimed.
type subjectRun struct {
	h          *harness
	spec       groupSpec
	subject    subject
	dir        string
	emu        *emulatorServer
	run        int
	cli        cliRun
	reportPath string
	current    map[string]policySpec
	failed     string
}

func (h *harness) startRun(spec groupSpec, s subject, dir string, emu *emulatorServer, run int) *subjectRun {
	for _, name := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
		_ = os.Remove(filepath.Join(dir, name))
	}
	reportPath := filepath.Join(dir, "plugins.jsonl")
	return &subjectRun{h: h, spec: spec, subject: s, dir: dir, emu: emu, run: run, reportPath: reportPath,
		cli: cliRun{cli: spec.CLI, dir: dir, env: append(h.environment(emu, s, reportPath), spec.Variant.Env...)}}
}

func (sr *subjectRun) phase(ctx context.Context, i int) phaseRun {
	p, spec, emu := phases[i], sr.spec, sr.emu
	if sr.failed != "" {
		return phaseRun{Err: "skipped: " + sr.failed}
	}
	if p.policies != nil {
		sr.current = p.policies(spec.N)
		if err := writePolicies(sr.dir, sr.current); err != nil {
			sr.failed = p.name + " failed"
			return phaseRun{Err: err.Error()}
		}
	}
	usesAPI := sr.subject == subjectProvider
	_ = os.Remove(sr.reportPath)
	emu.ResetRequests()
	emu.connections.Store(0)
	sr.cli.logPath = filepath.Join(sr.dir, fmt.Sprintf("run%d-%d-%s.log", sr.run+1, i+1, strings.ReplaceAll(p.name, " ", "-")))

	var args []string
	switch p.command {
	case commandApply:
		args = []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	case commandPlan:
		args = []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}
	case commandDestroy:
		args = []string{"destroy", "-auto-approve", "-input=false", "-no-color"}
	}
	harnessBefore := selfCPU()
	wall, code, output, cpu, err := sr.cli.run(ctx, args...)
	pr := phaseRun{Wall: wall, CLICPU: cpu, HarnessCPU: selfCPU() - harnessBefore}
	if usesAPI {
		pr.Requests = countRequests(emu.Requests())
		pr.Connections = emu.connections.Load()
	}
	pr.Plugins, _ = readProcessReports(sr.reportPath)
	switch {
	case err != nil:
		pr.Err = err.Error()
	case code == 2 && p.command == commandPlan:
		pr.Err = "the plan after apply is not empty:\n" + lastLines(planChanges(output), 15)
	case code != 0:
		pr.Err = fmt.Sprintf("exit code %d:\n%s", code, lastLines(output, 15))
	case !strings.Contains(output, p.summary(spec.N)):
		pr.Err = fmt.Sprintf("the output lacks %q:\n%s", p.summary(spec.N), lastLines(output, 15))
	}
	if pr.Err == "" && usesAPI {
		want := sr.current
		if p.command == commandDestroy {
			want = nil
		}
		if err := verifyStore(emu.Emulator, want); err != nil {
			pr.Err = err.Error()
		}
	}
	status := "ok"
	if pr.Err != "" {
		status = "FAILED: " + pr.Err
		sr.failed = p.name + " failed"
	}
	requests := ""
	if usesAPI {
		requests = fmt.Sprintf("  requests %d", pr.Requests.Total())
	}
	sr.h.logf("%-16s n=%-4d %-12s %-15s run %d/%d %-17s %7.2fs%s  %s\n", spec.CLI.Label, spec.N,
		spec.Variant.slug(), sr.subject, sr.run+1, spec.runsFor(sr.subject), p.name, wall.Seconds(), requests, status)
	return pr
}

// cleanUp leaves nothing behind a failed run for the next one: it destroys what the state knows,
// then whatever the emulator still holds.
func (sr *subjectRun) cleanUp(ctx context.Context) {
	if sr.failed == "" {
		return
	}
	sr.cli.logPath = filepath.Join(sr.dir, fmt.Sprintf("run%d-cleanup.log", sr.run+1))
	_, _, _, _, _ = sr.cli.run(ctx, "destroy", "-auto-approve", "-input=false", "-no-color")
	if sr.subject == subjectProvider {
		clearStore(sr.emu.Emulator)
	}
}

// planChanges keeps the lines of a plan that show a change, for the error message.
func planChanges(output string) string {
	var keep []string
	for _, line := range strings.Split(output, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") || strings.HasPrefix(t, "~") || strings.HasPrefix(t, "+") ||
			strings.HasPrefix(t, "-") || strings.HasPrefix(t, "Plan:") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

func readProcessReports(path string) ([]processReport, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []processReport
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r processReport
		if err := json.Unmarshal(sc.Bytes(), &r); err == nil {
			out = append(out, r)
		}
	}
	return out, sc.Err()
}

// schemaResult is the provider process's answer to the schema request, measured on its own.
type schemaResult struct {
	Subject subject
	// CLIWall is the wall time of `providers schema -json` (CLI start to exit).
	CLIWall time.Duration
	// ServedAfter is the time from the plugin process's start to the moment it served
	// GetProviderSchema (from the plugin's protocol log, seen by the launcher). Zero for
	// terraform_data, which has no plugin.
	ServedAfter time.Duration
	MaxRSSKB    int64
	Runs        int
	Err         string
}

// measureSchema runs `providers schema -json` runs times for the provider, the plugin floor and
// a configuration with no plugin at all (the CLI's own cost).
func (h *harness) measureSchema(ctx context.Context, c cli, runs int) []schemaResult {
	var results []schemaResult
	for _, s := range []subject{subjectProvider, subjectPluginFloor, subjectTerraformDat} {
		dir := filepath.Join(h.workDir, fmt.Sprintf("%s-schema-%s", c.Name, strings.ReplaceAll(string(s), " ", "-")))
		res := schemaResult{Subject: s, Runs: runs}
		config := "terraform {\n  required_providers {\n    sequence = {\n      source = \"sequencehq/sequence\"\n    }\n  }\n}\n"
		if s == subjectTerraformDat {
			config = "locals {}\n"
		}
		err := os.MkdirAll(dir, 0o755)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644)
		}
		if err != nil {
			res.Err = err.Error()
			results = append(results, res)
			continue
		}
		reportPath := filepath.Join(dir, "plugins.jsonl")
		// The protocol log is what tells the launcher that the schema was served; it is on by
		// default, and set here so an unusual default cannot hide it.
		env := append(h.environment(nil, s, reportPath), "TF_LOG_SDK_PROTO=trace")
		r := cliRun{cli: c, dir: dir, env: env, logPath: filepath.Join(dir, "schema.log")}
		var walls, served []time.Duration
		for range runs {
			_ = os.Remove(reportPath)
			wall, code, output, _, err := r.run(ctx, "providers", "schema", "-json")
			if err == nil && code != 0 {
				err = fmt.Errorf("exit code %d: %s", code, lastLines(output, 5))
			}
			if err != nil {
				res.Err = err.Error()
				break
			}
			walls = append(walls, wall)
			reports, _ := readProcessReports(reportPath)
			for _, p := range reports {
				res.MaxRSSKB = max(res.MaxRSSKB, p.MaxRSSKilobytes)
				if p.SchemaServedMs >= 0 {
					served = append(served, time.Duration(p.SchemaServedMs*float64(time.Millisecond)))
				}
			}
		}
		res.CLIWall = median(walls)
		res.ServedAfter = median(served)
		h.logf("%-16s schema         %-15s CLI %6.3fs  plugin start to schema served %6.1fms  %s\n", c.Label, s,
			res.CLIWall.Seconds(), float64(res.ServedAfter.Microseconds())/1000, res.Err)
		results = append(results, res)
	}
	return results
}

// selfCPU is the CPU time the harness process has used so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// median of the values; 0 for none. With an even count it is the mean of the middle two.
func median(values []time.Duration) time.Duration {
	if len(values) == 0 {
		return 0
	}
	v := slices.Clone(values)
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
