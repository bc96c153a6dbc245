package main

import (
	"fmt"
	"strings"
	"time"
)

// benchResults is everything one run of the harness measured.
type benchResults struct {
	Started  time.Time
	Duration time.Duration
	Machine  machineInfo
	CLIs     []cli
	Options  options
	Command  string
	Schema   map[string][]schemaResult
	Groups   []*groupResult
	Waves    []waveResult
	// LimitedPlan is the rate-limited plan; nil when skipped.
	LimitedPlan *limitedPlanResult
}

func (r *benchResults) markdown() string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	m := r.Machine
	w("# Benchmarks\n\n")
	w("Written by `go run ./tools/bench` (`make bench`); do not edit by hand, run it again. Issue 8 defines what is measured.\n\n")
	w("## Setup\n\n")
	w("| | |\n|---|---|\n")
	w("| date | %s |\n", r.Started.UTC().Format("2006-01-02 15:04 MST"))
	w("| machine | %d cores, %s, %.1f GiB memory, Linux %s |\n", m.Cores, orUnknown(m.CPUModel), m.MemoryGiB, orUnknown(m.Kernel))
	w("| load average at start | %s |\n", orUnknown(m.LoadAverage))
	var versions []string
	for _, c := range r.CLIs {
		versions = append(versions, c.Label)
	}
	w("| CLIs | %s |\n", strings.Join(versions, ", "))
	w("| Go | %s |\n", m.GoVersion)
	w("| provider commit | %s |\n", orUnknown(m.Commit))
	w("| command | `%s` |\n", r.Command)
	once := "none"
	if r.Options.onceFlag != "" {
		once = "`" + r.Options.onceFlag + "` (to fit the 20-minute budget on 2 cores)"
	}
	w("| runs | zero latency: median of %d, except a single run for %s; latency variant: median of %d; rate-limit variant: %d; plugin logs on (diagnostic): %d |\n",
		r.Options.runs, once, r.Options.latencyRuns, r.Options.rateLimitRuns, r.Options.logsOnRuns)
	if r.Options.noFloors != "" {
		w("| floors left out | `%s` (to fit the time budget) |\n", r.Options.noFloors)
	}
	w("| duration of the whole benchmark | %s |\n\n", r.Duration.Round(time.Second))

	r.writeMethod(w)
	r.writeTargets(w)
	r.writeFloorGap(w)

	for _, g := range r.Groups {
		if g.Spec.Variant.Kind == variantZero {
			r.writeZeroGroup(w, g)
		}
	}
	for _, g := range r.Groups {
		switch g.Spec.Variant.Kind {
		case variantLatency:
			r.writeLatencyGroup(w, g)
		case variantRateLimit:
			r.writeRateGroup(w, g)
		case variantLogsOn:
			r.writeLogsOnGroup(w, g)
		}
	}
	r.writeWaves(w)
	r.writeLimitedPlan(w)
	r.writeSchema(w)
	r.writeFailures(w)
	return b.String()
}

func (r *benchResults) writeMethod(w func(string, ...any)) {
	w("## Method\n\n")
	w("Each run takes N policies (one in four `WEBHOOK`, the rest `EMAIL`; two recipients and two types each) through six\n")
	w("phases, each one CLI command with the CLI's defaults (`-parallelism=%d`, refresh on):\n\n", defaultParallel)
	w("| phase | command | change to every policy |\n|---|---|---|\n")
	w("| create | `apply -auto-approve` | created |\n")
	w("| add recipient | `apply -auto-approve` | one recipient added |\n")
	w("| plan, no change | `plan -detailed-exitcode` (must exit 0) | none |\n")
	w("| remove recipient | `apply -auto-approve` | one recipient removed |\n")
	w("| change type | `apply -auto-approve` | one notification type swapped for another |\n")
	w("| destroy | `destroy -auto-approve` | destroyed |\n\n")
	w("The benchmark is about wall time, CPU and memory against the two floors. Which requests each change makes, and\n")
	w("that it makes no more, is pinned by the acceptance tests (`expectAPIChanges`); the report keeps one measured\n")
	w("request count per phase, counted from the emulator's request log (the emulator runs in the harness process on a\n")
	w("loopback port), so a change in it shows between two runs. After every phase the harness checks that the CLI\n")
	w("reported the expected summary (in-place changes, no replacement) and, for the provider, that the emulator holds\n")
	w("exactly the configured policies.\n\n")
	w("- **provider**: the provider built from this repository (`go build .`), reached through a `dev_overrides` CLI\n")
	w("  configuration written by the harness (no `terraform init`; any inherited `TF_CLI_CONFIG_FILE` is ignored).\n")
	w("- **plugin floor**: `tools/bench/floorprovider`, a terraform-plugin-framework provider with the same type names\n")
	w("  that serves the provider's own schemas (`internal/provider/schema_export.go`: attributes, validators, plan modifiers,\n")
	w("  and the resource identity, which OpenTofu 1.12 stores and checks for every instance) and answers every call from\n")
	w("  memory, with no HTTP: create stores the plan with a random id,\n")
	w("  a timestamp and (for a webhook) a generated secret; read returns the state as it is; update stores the plan;\n")
	w("  delete does nothing; each records the identity when the CLI sent none. It starts with the provider's logging\n")
	w("  defaults (below). It is what a perfect provider could reach; the gap between it and the provider is the\n")
	w("  provider's own cost.\n")
	w("- **terraform_data**: Terraform's built-in resource holding the same values as an object; no plugin at all.\n")
	w("- **wall time**: CLI start to exit, median of the runs. Subjects take turns within each run.\n")
	w("- **peak RSS**: the largest `ru_maxrss` of any provider process the CLI started during the phase (the CLI starts a\n")
	w("  fresh plugin process per operation). Both plugins are started through `tools/bench/pluginlauncher`, which runs the\n")
	w("  plugin as its child and reads the child's rusage when it exits, so short-lived processes are not missed.\n")
	w("- **CPU**: user + system time of the CLI process (plugins excluded), of the plugin processes (from the launcher),\n")
	w("  and of the harness process during the phase, which is almost entirely the in-process emulator.\n")
	w("- **schema**: `providers schema -json` wall time, and the time from the plugin process's start to the moment it\n")
	w("  served `GetProviderSchema` (taken from the plugin's protocol log by the launcher).\n")
	w("- **latency variant**: the emulator waits %s before answering each request. Its bound is the plugin floor plus\n", r.Options.latency)
	w("  requests × latency / %d (the phase's requests spread evenly over the CLI's parallelism).\n", defaultParallel)
	w("- **single-policy latency phase**: one policy's larger changes (12 recipients removed, 3 added and a type\n")
	w("  swapped; then additions only; then removals only) against %s per request, counting sequential waves.\n", r.Options.wavesLatency)
	w("- **rate-limit variant**: the emulator allows %d requests/minute (token bucket, 429 beyond it) and the provider is\n", r.Options.rpm)
	w("  configured with `requests_per_minute = %d`. Its bound is the phase's requests / rate.\n", r.Options.rpm)
	w("- **logging**: both plugins turn their own logs off (framework, protocol and provider loggers) unless a `TF_LOG*`\n")
	w("  variable is set (`internal/pluginlog`, called by `main.go` and by the floor alike): the CLI reads and drops\n")
	w("  every plugin log line when `TF_LOG` is unset, so the default measured above is logs off for both.\n")
	w("- **plugin logs on** (diagnostic, not a target): provider and plugin floor again with `%s` in the plugins'\n", logsOnEnv)
	w("  environment (any `TF_LOG*` variable keeps the SDK's TRACE default), to show what that log traffic costs.\n\n")
}
