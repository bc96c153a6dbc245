package main

import (
	"fmt"
	"maps"
	"slices"
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

// Targets of issues 8 and 12, reported rather than asserted.
const (
	targetFloorRatio = 1.05 // sum of the phases
	targetPhaseRatio = 1.15 // any single phase
	targetRateRatio  = 1.15
	defaultParallel  = 10 // the CLI's -parallelism default, which the benchmark keeps
)

// phaseSummary condenses the runs of one subject in one phase.
type phaseSummary struct {
	Wall      time.Duration // median of the successful runs
	OK        int           // successful runs
	Err       string        // first error, if any run failed
	Requests  requestCounts // of the first successful run
	Varies    bool          // request totals differ between successful runs
	MinTotal  int           // fewest requests among successful runs
	MaxTotal  int           // most requests among successful runs
	PeakRSSKB int64         // largest maxrss of any plugin process in any run
	Processes int           // plugin processes started, first successful run
	// Connections is the most TCP connections the provider opened in a successful run.
	Connections int64
	// LogLines and LogBytes are the plugins' log output in the first successful run.
	LogLines, LogBytes int64
	// Medians over the successful runs: CPU of the CLI itself (plugins excluded), of the plugin
	// processes, and of the harness (the in-process emulator).
	CLICPU, PluginCPU, HarnessCPU time.Duration
}

func summarize(runs []phaseRun) phaseSummary {
	var s phaseSummary
	var walls, cliCPU, pluginCPU, harnessCPU []time.Duration
	for _, r := range runs {
		for _, p := range r.Plugins {
			s.PeakRSSKB = max(s.PeakRSSKB, p.MaxRSSKilobytes)
		}
		if r.Err != "" {
			if s.Err == "" {
				s.Err = r.Err
			}
			continue
		}
		total := r.Requests.Total()
		if s.OK == 0 {
			s.Requests, s.Processes = r.Requests, len(r.Plugins)
			s.LogLines, s.LogBytes = r.PluginLog()
			s.MinTotal, s.MaxTotal = total, total
		}
		s.MinTotal, s.MaxTotal = min(s.MinTotal, total), max(s.MaxTotal, total)
		s.OK++
		s.Connections = max(s.Connections, r.Connections)
		walls = append(walls, r.Wall)
		cliCPU = append(cliCPU, r.CLICPU-r.PluginCPU())
		pluginCPU = append(pluginCPU, r.PluginCPU())
		harnessCPU = append(harnessCPU, r.HarnessCPU)
	}
	s.Varies = s.MinTotal != s.MaxTotal
	s.Wall = median(walls)
	s.CLICPU, s.PluginCPU, s.HarnessCPU = median(cliCPU), median(pluginCPU), median(harnessCPU)
	return s
}

// zeroGroup is the zero-latency group of c at n, or nil.
func (r *benchResults) zeroGroup(c cli, n int) *groupResult {
	for _, g := range r.Groups {
		if g.Spec.CLI.Name == c.Name && g.Spec.N == n && g.Spec.Variant.Kind == variantZero {
			return g
		}
	}
	return nil
}

func (g *groupResult) summary(s subject, phase int) (phaseSummary, bool) {
	runs, ok := g.Runs[s]
	if !ok {
		return phaseSummary{}, false
	}
	return summarize(runs[phase]), true
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
	r.writeRequestsByEndpoint(w)
	r.writeFailures(w)
	return b.String()
}

func (r *benchResults) writeMethod(w func(string, ...any)) {
	w("## Method\n\n")
	w("Each run takes N policies (one in four `WEBHOOK`, the rest `EMAIL`; two recipients and two types each) through six\n")
	w("phases, each one CLI command with the CLI's defaults (`-parallelism=%d`, refresh on):\n\n", defaultParallel)
	w("| phase | command | minimum requests |\n|---|---|---|\n")
	w("| create | `apply -auto-approve` | N `POST /notifications/policies` |\n")
	w("| add recipient | `apply -auto-approve` | P refresh pages + N `POST .../recipients` (one batch per policy) |\n")
	w("| plan, no change | `plan -detailed-exitcode` (must exit 0) | P refresh pages |\n")
	w("| remove recipient | `apply -auto-approve` | P refresh pages + N `DELETE .../recipients/{recipient}` |\n")
	w("| change type | `apply -auto-approve` | P refresh pages + N `POST .../notification-types` + N `DELETE .../notification-types/{type}` |\n")
	w("| destroy | `destroy -auto-approve` | P refresh pages + N `DELETE /notifications/policies/{id}` |\n\n")
	w("The minimum is what Terraform itself requires: an `apply` (or `destroy`) with no saved plan refreshes every policy\n")
	w("in state once before planning, which the provider serves from the list's pages: P = ⌈N / 100⌉ refresh pages\n")
	w("`GET /notifications/policies`, since the account holds only the benchmark's policies (the shared read path's\n")
	w("bound is min(N, P) + 1; the no-op plan's target below allows that one more). Then the change needs one request\n")
	w("per created policy, per addition batch, per\n")
	w("removed element and per destroyed policy. Requests are counted from the emulator's request log (the emulator runs\n")
	w("in the harness process on a loopback port). After every phase the harness checks that the CLI reported the expected\n")
	w("summary (in-place changes, no replacement) and, for the provider, that the emulator holds exactly the configured policies.\n\n")
	w("- **provider**: the provider built from this repository (`go build .`), reached through a `dev_overrides` CLI\n")
	w("  configuration written by the harness (no `terraform init`; any inherited `TF_CLI_CONFIG_FILE` is ignored).\n")
	w("- **plugin floor**: `tools/bench/floorprovider`, a terraform-plugin-framework provider with the same type names\n")
	w("  and schema (attributes, validators, plan modifiers, and the resource identity, which OpenTofu 1.12 stores and checks\n")
	w("  for every instance) that answers every call from memory, with no HTTP: create stores the plan with a random id,\n")
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
	w("  minimum × latency / %d (requests spread evenly over the CLI's parallelism).\n", defaultParallel)
	w("- **single-policy latency phase**: one policy's larger changes (12 recipients removed, 3 added and a type\n")
	w("  swapped; then additions only; then removals only) against %s per request, counting sequential waves.\n", r.Options.wavesLatency)
	w("- **rate-limit variant**: the emulator allows %d requests/minute (token bucket, 429 beyond it) and the provider is\n", r.Options.rpm)
	w("  configured with `requests_per_minute = %d`. Its bound is minimum requests / rate.\n", r.Options.rpm)
	w("- **logging**: both plugins turn their own logs off (framework, protocol and provider loggers) unless a `TF_LOG*`\n")
	w("  variable is set (`internal/pluginlog`, called by `main.go` and by the floor alike): the CLI reads and drops\n")
	w("  every plugin log line when `TF_LOG` is unset, so the default measured above is logs off for both.\n")
	w("- **plugin logs on** (diagnostic, not a target): provider and plugin floor again with `%s` in the plugins'\n", logsOnEnv)
	w("  environment (any `TF_LOG*` variable keeps the SDK's TRACE default), to show what that log traffic costs.\n\n")
}

// writeTargets states each target of issue 8 against the figures.
func (r *benchResults) writeTargets(w func(string, ...any)) {
	w("## Targets\n\n")
	w("| target | measured | met |\n|---|---|---|\n")
	// requests / minimum in every phase of every group.
	var off []string
	phasesMeasured, failures := 0, 0
	for _, g := range r.Groups {
		for i, p := range phases {
			s, ok := g.summary(subjectProvider, i)
			if !ok {
				continue
			}
			if s.OK == 0 {
				failures++
				continue
			}
			phasesMeasured++
			minimum := totalRequests(p.minimum(g.Spec.N))
			if s.MaxTotal > minimum+1 {
				off = append(off, fmt.Sprintf("%.2f in %s, N = %d, %s, %s", float64(s.MaxTotal)/float64(minimum),
					g.Spec.CLI.Label, g.Spec.N, g.Spec.Variant.Name, p.name))
			}
		}
	}
	if phasesMeasured > 0 {
		detail := fmt.Sprintf("at most minimum + 1 in all %d measured phases", phasesMeasured)
		if len(off) > 0 {
			detail = strings.Join(off, "; ")
		}
		if failures > 0 {
			detail += fmt.Sprintf("; %d phases failed", failures)
		}
		w("| requests ≤ minimum + 1 in every phase (the refresh by the page: min(N, P) + 1) | %s | %s |\n", detail, yesNo(len(off) == 0 && failures == 0))
	}
	r.writeNoOpPlanTarget(w)
	if lp := r.LimitedPlan; lp != nil {
		w("| %s, a plan of %d policies at %d requests/minute: wall time ≤ %s, no 429 | %s | %s |\n", r.Options.variantCLI, lp.N, lp.RPM,
			targetLimitedPlanWall, limitedPlanCell(*lp), yesNo(lp.met()))
	}
	// wall time against the plugin floor at zero latency, largest N.
	largest := slices.Max(r.Options.counts)
	for _, c := range r.CLIs {
		g := r.zeroGroup(c, largest)
		if g == nil || g.Runs[subjectPluginFloor] == nil {
			continue
		}
		var prov, floor, data time.Duration
		worstRatio, worstPhase := 0.0, ""
		complete := true
		for i, p := range phases {
			ps, _ := g.summary(subjectProvider, i)
			fs, _ := g.summary(subjectPluginFloor, i)
			ds, _ := g.summary(subjectTerraformDat, i)
			if ps.OK == 0 || fs.OK == 0 {
				complete = false
				continue
			}
			prov, floor, data = prov+ps.Wall, floor+fs.Wall, data+ds.Wall
			if ratio := ps.Wall.Seconds() / fs.Wall.Seconds(); ratio > worstRatio {
				worstRatio, worstPhase = ratio, p.name
			}
		}
		if floor == 0 {
			continue
		}
		total := prov.Seconds() / floor.Seconds()
		// Judged on the sum of the phases; a single phase of a single run is too noisy to judge on.
		w("| %s, N = %d, zero latency: wall time ≤ %.2f × plugin floor over all phases, ≤ %.2f × in each | all phases %.3f× (%.0fs vs %.0fs; %s); worst phase %.2f× (%s); terraform_data: %.2f× | %s |\n",
			c.Label, largest, targetFloorRatio, targetPhaseRatio, total, prov.Seconds(), floor.Seconds(), g.runCounts(), worstRatio, worstPhase,
			prov.Seconds()/data.Seconds(), yesNo(complete && total <= targetFloorRatio && worstRatio <= targetPhaseRatio))
	}
	for _, g := range r.Groups {
		if g.Spec.Variant.Kind != variantRateLimit {
			continue
		}
		var wall, bound float64
		failed, throttled := 0, 0
		for i, p := range phases {
			s, _ := g.summary(subjectProvider, i)
			if s.OK == 0 {
				failed++
				continue
			}
			wall += s.Wall.Seconds()
			bound += rateBound(totalRequests(p.minimum(g.Spec.N)), g.Spec.Variant.RequestsPerMinute).Seconds()
			throttled += s.Requests.FailedTotal()
		}
		if bound == 0 {
			continue
		}
		w("| %s, N = %d, %d requests/minute: wall time ≤ %.2f × requests / rate, no failed apply | %.2f× (%.1fs for a bound of %.1fs); %d failed phases, %d error responses | %s |\n",
			g.Spec.CLI.Label, g.Spec.N, g.Spec.Variant.RequestsPerMinute, targetRateRatio, wall/bound, wall, bound, failed, throttled,
			yesNo(failed == 0 && wall/bound <= targetRateRatio))
	}
	if len(r.Waves) > 0 {
		var parts []string
		met := true
		for _, wr := range r.Waves {
			if wr.Err != "" || wr.runsMeasured == 0 {
				parts = append(parts, wr.Change.name+": failed")
				met = false
				continue
			}
			parts = append(parts, fmt.Sprintf("%s: %d (target %d)", wr.Change.name, wr.Waves, wr.Change.targetWaves))
			met = met && wr.Waves == wr.Change.targetWaves && wr.Writes == wr.Change.writes
		}
		w("| one policy's change: 2 sequential waves when it adds and removes, 1 when it only adds or only removes | %s | %s |\n",
			strings.Join(parts, "; "), yesNo(met))
	}
	w("\n")
}

// writeWaves reports the single-policy latency phase.
func (r *benchResults) writeWaves(w func(string, ...any)) {
	if len(r.Waves) == 0 {
		return
	}
	w("## One policy, %s latency per request\n\n", r.Options.wavesLatency)
	w("One EMAIL policy (13 recipients, two types at the start) changed in place three times with `apply`, the emulator\n")
	w("answering every request after %s (%s, median of %d runs). The refresh reads the policy first (one\n", r.Options.wavesLatency, r.CLIs[0].Label, r.Options.wavesRuns)
	w("wave); the update then sends its additions together and, once all are answered, its removals together. Sequential\n")
	w("waves are counted from the emulator's request log: requests in flight together are one wave, and a request that\n")
	w("arrives when nothing is in flight starts the next (`sequencetest.Waves`). Requests go out at most 16 at a time per policy.\n\n")
	w("| change | requests that change something (minimum) | sequential waves of those | target | sequential waves, refresh included | wall time | 429 answers |\n")
	w("|---|--:|--:|--:|--:|--:|--:|\n")
	for _, wr := range r.Waves {
		if wr.Err != "" || wr.runsMeasured == 0 {
			w("| %s | FAILED | | %d | | | |\n", wr.Change.name, wr.Change.targetWaves)
			continue
		}
		w("| %s | %d (%d) | %d | %d | %d | %.2fs | %d |\n", wr.Change.name, wr.Writes, wr.Change.writes, wr.Waves,
			wr.Change.targetWaves, wr.ReadWaves, wr.Wall.Seconds(), wr.Rate429)
	}
	w("\n")
}

func (r *benchResults) writeZeroGroup(w func(string, ...any), g *groupResult) {
	w("## %s, N = %d, zero latency\n\n", g.Spec.CLI.Label, g.Spec.N)
	w("Wall times: %s.\n\n", g.runCounts())
	hasFloors := g.Runs[subjectPluginFloor] != nil
	if hasFloors {
		w("| phase | provider | plugin floor | terraform_data | provider / plugin floor | provider / terraform_data | requests | minimum | requests / minimum | peak RSS provider | peak RSS floor |\n")
		w("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	} else {
		w("| phase | provider | requests | minimum | requests / minimum | peak RSS provider |\n|---|--:|--:|--:|--:|--:|\n")
	}
	var tp, tf, td time.Duration
	var treq, tmin int
	for i, p := range phases {
		ps, _ := g.summary(subjectProvider, i)
		minimum := totalRequests(p.minimum(g.Spec.N))
		tp += ps.Wall
		treq += ps.MaxTotal
		tmin += minimum
		if hasFloors {
			fs, _ := g.summary(subjectPluginFloor, i)
			ds, _ := g.summary(subjectTerraformDat, i)
			tf, td = tf+fs.Wall, td+ds.Wall
			w("| %s | %s | %s | %s | %s | %s | %s | %d | %s | %s | %s |\n", p.name, wallCell(ps), wallCell(fs), wallCell(ds),
				ratioCell(ps, fs), ratioCell(ps, ds), requestsCell(ps), minimum, requestRatioCell(ps, minimum), mib(ps.PeakRSSKB), mib(fs.PeakRSSKB))
		} else {
			w("| %s | %s | %s | %d | %s | %s |\n", p.name, wallCell(ps), requestsCell(ps), minimum, requestRatioCell(ps, minimum), mib(ps.PeakRSSKB))
		}
	}
	if hasFloors {
		w("| **all phases** | %.2fs | %.2fs | %.2fs | %s | %s | %d | %d | %.2f | | |\n\n", tp.Seconds(), tf.Seconds(), td.Seconds(),
			ratio(tp, tf), ratio(tp, td), treq, tmin, float64(treq)/float64(tmin))
	} else {
		w("| **all phases** | %.2fs | %d | %d | %.2f | |\n\n", tp.Seconds(), treq, tmin, float64(treq)/float64(tmin))
	}
	if hasFloors {
		r.writeCPU(w, g)
	}
}

// writeCPU shows where the time of each phase goes: the CLI's own CPU, the plugin's and the
// emulator's, for the provider and for the plugin floor, on the machine's cores.
func (r *benchResults) writeCPU(w func(string, ...any), g *groupResult) {
	w("CPU time (median; %d cores): the CLI itself, the plugin processes, and the in-process emulator.\n\n", r.Machine.Cores)
	w("Log output is what the plugin processes wrote to stderr (the CLI reads and filters all of it).\n\n")
	w("| phase | provider: wall | CLI CPU | provider CPU | emulator CPU | log output | plugin floor: wall | CLI CPU | floor CPU | log output |\n")
	w("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for i, p := range phases {
		ps, _ := g.summary(subjectProvider, i)
		fs, _ := g.summary(subjectPluginFloor, i)
		w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", p.name, wallCell(ps), cpuCell(ps, ps.CLICPU), cpuCell(ps, ps.PluginCPU),
			cpuCell(ps, ps.HarnessCPU), logCell(ps), wallCell(fs), cpuCell(fs, fs.CLICPU), cpuCell(fs, fs.PluginCPU), logCell(fs))
	}
	w("\n")
}

func logCell(s phaseSummary) string {
	if s.OK == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%d lines, %.1f MiB", s.LogLines, float64(s.LogBytes)/(1<<20))
}

func cpuCell(s phaseSummary, d time.Duration) string {
	if s.OK == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

// runCounts says how many runs each subject's medians come from.
func (g *groupResult) runCounts() string {
	var parts []string
	for _, s := range g.Spec.Subjects {
		n := g.Spec.runsFor(s)
		text := fmt.Sprintf("median of %d runs", n)
		if n == 1 {
			text = "a single run"
		}
		parts = append(parts, fmt.Sprintf("%s %s", s, text))
	}
	return strings.Join(parts, ", ")
}

func (r *benchResults) writeLatencyGroup(w func(string, ...any), g *groupResult) {
	w("## %s, N = %d, %s\n\n", g.Spec.CLI.Label, g.Spec.N, g.Spec.Variant.Name)
	zero := r.zeroGroup(g.Spec.CLI, g.Spec.N)
	w("Wall times: %s.\n", g.runCounts())
	w("Bound: plugin floor (zero latency, same run) + minimum × %s / %d.\n\n", g.Spec.Variant.Latency, defaultParallel)
	w("| phase | provider | plugin floor (zero latency) | bound | provider / bound | requests | minimum | requests / minimum | peak RSS provider |\n")
	w("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for i, p := range phases {
		ps, _ := g.summary(subjectProvider, i)
		minimum := totalRequests(p.minimum(g.Spec.N))
		floorCell, boundCell, ratioText := "n/a", "n/a", "n/a"
		if zero != nil {
			if fs, ok := zero.summary(subjectPluginFloor, i); ok && fs.OK > 0 {
				bound := fs.Wall + time.Duration(minimum)*g.Spec.Variant.Latency/defaultParallel
				floorCell, boundCell = wallCell(fs), fmt.Sprintf("%.2fs", bound.Seconds())
				if ps.OK > 0 {
					ratioText = fmt.Sprintf("%.2f", ps.Wall.Seconds()/bound.Seconds())
				}
			}
		}
		w("| %s | %s | %s | %s | %s | %s | %d | %s | %s |\n", p.name, wallCell(ps), floorCell, boundCell, ratioText,
			requestsCell(ps), minimum, requestRatioCell(ps, minimum), mib(ps.PeakRSSKB))
	}
	w("\n")
}

func (r *benchResults) writeRateGroup(w func(string, ...any), g *groupResult) {
	rpm := g.Spec.Variant.RequestsPerMinute
	w("## %s, N = %d, %s\n\n", g.Spec.CLI.Label, g.Spec.N, g.Spec.Variant.Name)
	w("Wall times: %s.\n", g.runCounts())
	w("Bound: minimum requests / (%d / 60 s). The emulator answers 429 beyond its limit; the provider paces itself with\n", rpm)
	w("`requests_per_minute = %d`.\n\n", rpm)
	w("| phase | provider | bound | provider / bound | requests | minimum | requests / minimum | error responses |\n")
	w("|---|--:|--:|--:|--:|--:|--:|--:|\n")
	var tp, tb time.Duration
	for i, p := range phases {
		ps, _ := g.summary(subjectProvider, i)
		minimum := totalRequests(p.minimum(g.Spec.N))
		bound := rateBound(minimum, rpm)
		tp, tb = tp+ps.Wall, tb+bound
		ratioText := "n/a"
		if ps.OK > 0 {
			ratioText = fmt.Sprintf("%.2f", ps.Wall.Seconds()/bound.Seconds())
		}
		w("| %s | %s | %.1fs | %s | %s | %d | %s | %s |\n", p.name, wallCell(ps), bound.Seconds(), ratioText,
			requestsCell(ps), minimum, requestRatioCell(ps, minimum), failedCell(ps.Requests))
	}
	w("| **all phases** | %.1fs | %.1fs | %.2f | | | | |\n\n", tp.Seconds(), tb.Seconds(), tp.Seconds()/tb.Seconds())
}

// writeLogsOnGroup compares the provider and the plugin floor with their logs on to the same
// subjects with the default (logs off), measured in the zero-latency group.
func (r *benchResults) writeLogsOnGroup(w func(string, ...any), g *groupResult) {
	w("## %s, N = %d, diagnostic: %s\n\n", g.Spec.CLI.Label, g.Spec.N, g.Spec.Variant.Name)
	w("Wall times: %s. Not a target: with a `TF_LOG*` variable set the plugins log at TRACE, and the CLI reads\n", g.runCounts())
	w("every line (and drops it unless `TF_LOG` asks for it). This shows what the default of logs off saves.\n\n")
	zero := r.zeroGroup(g.Spec.CLI, g.Spec.N)
	w("| phase | provider, logs on | plugin floor, logs on | provider / plugin floor | provider, default (off) | plugin floor, default (off) | provider log output, logs on |\n")
	w("|---|--:|--:|--:|--:|--:|--:|\n")
	var tp, tf, tpd, tfd time.Duration
	for i, p := range phases {
		ps, _ := g.summary(subjectProvider, i)
		fs, _ := g.summary(subjectPluginFloor, i)
		var pd, fd phaseSummary
		if zero != nil {
			pd, _ = zero.summary(subjectProvider, i)
			fd, _ = zero.summary(subjectPluginFloor, i)
		}
		tp, tf, tpd, tfd = tp+ps.Wall, tf+fs.Wall, tpd+pd.Wall, tfd+fd.Wall
		w("| %s | %s | %s | %s | %s | %s | %s |\n", p.name, wallCell(ps), wallCell(fs), ratioCell(ps, fs), wallCell(pd), wallCell(fd), logCell(ps))
	}
	w("| **all phases** | %.2fs | %.2fs | %s | %.2fs | %.2fs | |\n\n", tp.Seconds(), tf.Seconds(), ratio(tp, tf), tpd.Seconds(), tfd.Seconds())
}

func (r *benchResults) writeSchema(w func(string, ...any)) {
	w("## Provider process: schema request\n\n")
	w("Median of %d runs of `providers schema -json` per CLI. The terraform_data row is the CLI on its own (no plugin).\n\n", r.Options.schemaRuns)
	w("| CLI | subject | `providers schema -json` wall time | plugin start → GetProviderSchema served | peak RSS |\n|---|---|--:|--:|--:|\n")
	for _, c := range r.CLIs {
		for _, s := range r.Schema[c.Name] {
			served, rss := "n/a (no plugin)", "n/a"
			if s.Subject != subjectTerraformDat {
				served = fmt.Sprintf("%.1f ms", float64(s.ServedAfter.Microseconds())/1000)
				rss = mib(s.MaxRSSKB)
			}
			wall := fmt.Sprintf("%.3fs", s.CLIWall.Seconds())
			if s.Err != "" {
				wall = "FAILED"
			}
			w("| %s | %s | %s | %s | %s |\n", c.Label, s.Subject, wall, served, rss)
		}
	}
	w("\n")
}

// writeRequestsByEndpoint lists, per group and phase, the requests by endpoint, marking every
// endpoint whose count differs from the minimum.
func (r *benchResults) writeRequestsByEndpoint(w func(string, ...any)) {
	w("## Requests by endpoint\n\n")
	w("Requests of the provider per phase (first successful run; a range means the runs differed), as sent / minimum,\n")
	w("with the TCP connections the provider opened to the API (most of any run) and the plugin processes the CLI started.\n\n")
	w("| CLI | N | variant | phase | requests by endpoint (sent / minimum) |\n|---|--:|---|---|---|\n")
	for _, g := range r.Groups {
		for i, p := range phases {
			s, ok := g.summary(subjectProvider, i)
			if !ok || s.OK == 0 {
				continue
			}
			minimum := p.minimum(g.Spec.N)
			endpoints := map[endpoint]bool{}
			for e := range minimum {
				endpoints[e] = true
			}
			for e := range s.Requests.ByEndpoint {
				endpoints[e] = true
			}
			var cells []string
			ordered := slices.Collect(maps.Keys(endpoints))
			sortEndpoints(ordered)
			for _, e := range ordered {
				sent, want := s.Requests.ByEndpoint[e], minimum[e]
				cell := fmt.Sprintf("`%s` %d / %d", e, sent, want)
				if sent != want {
					cell = "**" + cell + "**"
				}
				cells = append(cells, cell)
			}
			if s.Varies {
				cells = append(cells, fmt.Sprintf("runs sent %d to %d", s.MinTotal, s.MaxTotal))
			}
			if f := failedCell(s.Requests); f != "0" {
				cells = append(cells, "errors: "+f)
			}
			cells = append(cells, fmt.Sprintf("%d TCP connections, %d plugin processes", s.Connections, s.Processes))
			w("| %s | %d | %s | %s | %s |\n", g.Spec.CLI.Label, g.Spec.N, g.Spec.Variant.Name, p.name, strings.Join(cells, "; "))
		}
	}
	w("\n")
}

func (r *benchResults) writeFailures(w func(string, ...any)) {
	var lines []string
	for _, g := range r.Groups {
		for _, s := range []subject{subjectProvider, subjectPluginFloor, subjectTerraformDat} {
			runs, ok := g.Runs[s]
			if !ok {
				continue
			}
			for i, p := range phases {
				for n, pr := range runs[i] {
					if pr.Err != "" && !strings.HasPrefix(pr.Err, "skipped: ") {
						lines = append(lines, fmt.Sprintf("- %s, N = %d, %s, %s, run %d, %s:\n\n  ```\n  %s\n  ```", g.Spec.CLI.Label,
							g.Spec.N, g.Spec.Variant.Name, s, n+1, p.name, strings.ReplaceAll(pr.Err, "\n", "\n  ")))
					}
				}
			}
		}
	}
	if len(lines) == 0 {
		return
	}
	w("## Failures\n\n%s\n\n", strings.Join(lines, "\n"))
}

func rateBound(requests, perMinute int) time.Duration {
	return time.Duration(float64(requests) / (float64(perMinute) / 60) * float64(time.Second))
}

func wallCell(s phaseSummary) string {
	if s.OK == 0 {
		if s.Err == "" {
			return "n/a"
		}
		return "FAILED"
	}
	return fmt.Sprintf("%.2fs", s.Wall.Seconds())
}

func ratioCell(a, b phaseSummary) string {
	if a.OK == 0 || b.OK == 0 {
		return "n/a"
	}
	return ratio(a.Wall, b.Wall)
}

func ratio(a, b time.Duration) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", a.Seconds()/b.Seconds())
}

func requestsCell(s phaseSummary) string {
	if s.OK == 0 {
		return "n/a"
	}
	if s.Varies {
		return fmt.Sprintf("%d–%d", s.MinTotal, s.MaxTotal)
	}
	return fmt.Sprint(s.MaxTotal)
}

func requestRatioCell(s phaseSummary, minimum int) string {
	if s.OK == 0 {
		return "n/a"
	}
	text := fmt.Sprintf("%.2f", float64(s.MaxTotal)/float64(minimum))
	if s.MaxTotal != minimum {
		text = "**" + text + "**"
	}
	return text
}

func failedCell(c requestCounts) string {
	if c.FailedTotal() == 0 {
		return "0"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(c.Failed)) {
		parts = append(parts, fmt.Sprintf("%d × %s", c.Failed[k], k))
	}
	return strings.Join(parts, ", ")
}

func mib(kb int64) string {
	if kb == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(kb)/1024)
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// noOpPlanTargetN and noOpPlanTargetRequests are issue 22's target: a no-op plan of 500 policies
// in at most 6 requests (it was 500).
const (
	noOpPlanTargetN        = 500
	noOpPlanTargetRequests = 6
)

// writeNoOpPlanTarget states the no-op plan's request target for each CLI measured at its N.
func (r *benchResults) writeNoOpPlanTarget(w func(string, ...any)) {
	plan := slices.IndexFunc(phases, func(p phase) bool { return p.command == commandPlan })
	for _, c := range r.CLIs {
		g := r.zeroGroup(c, noOpPlanTargetN)
		if g == nil {
			continue
		}
		s, ok := g.summary(subjectProvider, plan)
		if !ok || s.OK == 0 {
			w("| %s, N = %d: the no-op plan makes ≤ %d requests | failed | no |\n", c.Label, noOpPlanTargetN, noOpPlanTargetRequests)
			continue
		}
		w("| %s, N = %d: the no-op plan makes ≤ %d requests | %s (%d list pages for %d policies) | %s |\n", c.Label, noOpPlanTargetN,
			noOpPlanTargetRequests, requestsCell(s), refreshPages(noOpPlanTargetN), noOpPlanTargetN, yesNo(s.MaxTotal <= noOpPlanTargetRequests))
	}
}

func limitedPlanCell(lp limitedPlanResult) string {
	if lp.Err != "" {
		return "failed"
	}
	return fmt.Sprintf("%.1fs, %d requests, %d error responses", lp.Wall.Seconds(), lp.Requests.Total(), lp.Requests.FailedTotal())
}
