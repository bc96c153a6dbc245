package main

import (
	"fmt"
	"strings"
	"time"
)

// The report's sections per group of measurements (a CLI, a policy count and an emulator
// setting), and those of the single-policy, schema and failure measurements.

func (r *benchResults) writeZeroGroup(w func(string, ...any), g *groupResult) {
	w("## %s, N = %d, zero latency\n\n", g.Spec.CLI.Label, g.Spec.N)
	w("Wall times: %s.\n", g.runCounts())
	w("Requests: the provider's API requests (a range means the runs differed); connections: the most TCP connections\n")
	w("it opened to the API in a run.\n\n")
	hasFloors := g.Runs[subjectPluginFloor] != nil
	if hasFloors {
		w("| phase | provider | plugin floor | terraform_data | provider / plugin floor | provider / terraform_data | requests | connections | peak RSS provider | peak RSS floor |\n")
		w("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	} else {
		w("| phase | provider | requests | connections | peak RSS provider |\n|---|--:|--:|--:|--:|\n")
	}
	var tp, tf, td time.Duration
	var treq int
	for i, p := range phases {
		ps, _ := g.summary(subjectProvider, i)
		tp += ps.Wall
		treq += ps.MaxTotal
		if hasFloors {
			fs, _ := g.summary(subjectPluginFloor, i)
			ds, _ := g.summary(subjectTerraformDat, i)
			tf, td = tf+fs.Wall, td+ds.Wall
			w("| %s | %s | %s | %s | %s | %s | %s | %d | %s | %s |\n", p.name, wallCell(ps), wallCell(fs), wallCell(ds),
				ratioCell(ps, fs), ratioCell(ps, ds), requestsCell(ps), ps.Connections, mib(ps.PeakRSSKB), mib(fs.PeakRSSKB))
		} else {
			w("| %s | %s | %s | %d | %s |\n", p.name, wallCell(ps), requestsCell(ps), ps.Connections, mib(ps.PeakRSSKB))
		}
	}
	if hasFloors {
		w("| **all phases** | %.2fs | %.2fs | %.2fs | %s | %s | %d | | | |\n\n", tp.Seconds(), tf.Seconds(), td.Seconds(),
			ratio(tp, tf), ratio(tp, td), treq)
		r.writeCPU(w, g)
	} else {
		w("| **all phases** | %.2fs | %d | | |\n\n", tp.Seconds(), treq)
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

func (r *benchResults) writeLatencyGroup(w func(string, ...any), g *groupResult) {
	w("## %s, N = %d, %s\n\n", g.Spec.CLI.Label, g.Spec.N, g.Spec.Variant.Name)
	zero := r.zeroGroup(g.Spec.CLI, g.Spec.N)
	w("Wall times: %s.\n", g.runCounts())
	w("Bound: plugin floor (zero latency, same run) + requests × %s / %d.\n\n", g.Spec.Variant.Latency, defaultParallel)
	w("| phase | provider | plugin floor (zero latency) | bound | provider / bound | requests | peak RSS provider |\n")
	w("|---|--:|--:|--:|--:|--:|--:|\n")
	for i, p := range phases {
		ps, _ := g.summary(subjectProvider, i)
		floorCell, boundCell, ratioText := "n/a", "n/a", "n/a"
		if zero != nil && ps.OK > 0 {
			if fs, ok := zero.summary(subjectPluginFloor, i); ok && fs.OK > 0 {
				bound := fs.Wall + time.Duration(answered(ps))*g.Spec.Variant.Latency/defaultParallel
				floorCell, boundCell = wallCell(fs), fmt.Sprintf("%.2fs", bound.Seconds())
				ratioText = fmt.Sprintf("%.2f", ps.Wall.Seconds()/bound.Seconds())
			}
		}
		w("| %s | %s | %s | %s | %s | %s | %s |\n", p.name, wallCell(ps), floorCell, boundCell, ratioText,
			requestsCell(ps), mib(ps.PeakRSSKB))
	}
	w("\n")
}

func (r *benchResults) writeRateGroup(w func(string, ...any), g *groupResult) {
	rpm := g.Spec.Variant.RequestsPerMinute
	w("## %s, N = %d, %s\n\n", g.Spec.CLI.Label, g.Spec.N, g.Spec.Variant.Name)
	w("Wall times: %s.\n", g.runCounts())
	w("Bound: the phase's answered requests / (%d / 60 s). The emulator answers 429 beyond its limit; the provider paces\n", rpm)
	w("itself with `requests_per_minute = %d`.\n\n", rpm)
	w("| phase | provider | bound | provider / bound | requests | error responses |\n")
	w("|---|--:|--:|--:|--:|--:|\n")
	var tp, tb time.Duration
	for i, p := range phases {
		ps, _ := g.summary(subjectProvider, i)
		if ps.OK == 0 {
			w("| %s | %s | n/a | n/a | n/a | n/a |\n", p.name, wallCell(ps))
			continue
		}
		bound := rateBound(answered(ps), rpm)
		tp, tb = tp+ps.Wall, tb+bound
		w("| %s | %s | %.1fs | %.2f | %s | %s |\n", p.name, wallCell(ps), bound.Seconds(), ps.Wall.Seconds()/bound.Seconds(),
			requestsCell(ps), failedCell(ps.Requests))
	}
	w("| **all phases** | %.1fs | %.1fs | %s | | |\n\n", tp.Seconds(), tb.Seconds(), ratio(tp, tb))
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
