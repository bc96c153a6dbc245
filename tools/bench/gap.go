package main

import (
	"fmt"
	"slices"
	"time"
)

// writeFloorGap explains the wall-time targets against the plugin floor: per phase of the largest
// N, where the provider's extra time goes (the plugin CPU it spends beyond the floor, per API
// request, and the CLI's CPU), next to how much the floor's own wall time varies between runs, and
// what has been done about the gap. It is the measured cause the report gives for a miss.
func (r *benchResults) writeFloorGap(w func(string, ...any)) {
	largest := slices.Max(r.Options.counts)
	wrote := false
	for _, c := range r.CLIs {
		g := r.zeroGroup(c, largest)
		if g == nil || g.Runs[subjectPluginFloor] == nil || g.Runs[subjectProvider] == nil {
			continue
		}
		if !wrote {
			w("## Where the time beyond the plugin floor goes\n\n")
			w("Per phase at N = %d, zero latency (medians). The plugin floor sends no request; the provider sends its\n", largest)
			w("requests over loopback HTTP to the in-process emulator. *extra plugin CPU* is the provider processes' CPU minus\n")
			w("the floor processes'; *per request* divides it by the phase's API requests. *floor spread* is the spread of\n")
			w("the floor's own wall time between runs (the noise a phase's ratio sits in); with a single run it is not known.\n\n")
			wrote = true
		}
		w("**%s** (%s)\n\n", c.Label, g.runCounts())
		w("| phase | provider | plugin floor | provider / plugin floor | extra wall | extra plugin CPU | per request | extra CLI CPU | floor spread |\n")
		w("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		var sumProv, sumFloor, sumCPU time.Duration
		sumRequests := 0
		for i, p := range phases {
			ps, _ := g.summary(subjectProvider, i)
			fs, _ := g.summary(subjectPluginFloor, i)
			if ps.OK == 0 || fs.OK == 0 {
				w("| %s | failed | | | | | | | |\n", p.name)
				continue
			}
			requests := ps.Requests.Total()
			extraCPU := ps.PluginCPU - fs.PluginCPU
			perRequest := "n/a"
			if requests > 0 {
				perRequest = fmt.Sprintf("%.2f ms", extraCPU.Seconds()*1000/float64(requests))
			}
			w("| %s | %.2fs | %.2fs | %.2f | %+.2fs | %+.2fs | %s | %+.2fs | %s |\n", p.name, ps.Wall.Seconds(), fs.Wall.Seconds(),
				ps.Wall.Seconds()/fs.Wall.Seconds(), (ps.Wall - fs.Wall).Seconds(), extraCPU.Seconds(), perRequest,
				(ps.CLICPU - fs.CLICPU).Seconds(), wallSpread(g.Runs[subjectPluginFloor][i]))
			sumProv, sumFloor, sumCPU = sumProv+ps.Wall, sumFloor+fs.Wall, sumCPU+extraCPU
			sumRequests += requests
		}
		perRequest := "n/a"
		if sumRequests > 0 {
			perRequest = fmt.Sprintf("%.2f ms", sumCPU.Seconds()*1000/float64(sumRequests))
		}
		w("| **all phases** | %.2fs | %.2fs | %.2f | %+.2fs | %+.2fs | %s | | |\n\n", sumProv.Seconds(), sumFloor.Seconds(),
			sumProv.Seconds()/sumFloor.Seconds(), (sumProv - sumFloor).Seconds(), sumCPU.Seconds(), perRequest)
	}
	if !wrote {
		return
	}
	w("What has been done about the gap, each step found by measuring (`go run ./tools/bench -cpuprofile DIR` profiles\n")
	w("every plugin process of a run, provider and floor, for `go tool pprof`):\n\n")
	w("- plugin logs off unless a `TF_LOG*` variable is set, for the provider and the floor alike (`internal/pluginlog`):\n")
	w("  the CLI read and dropped several TRACE lines per call (the diagnostic section below shows what they cost);\n")
	w("- 16 idle connections per host (the CLI's parallelism is 10) and HTTP/2 where the server offers it, so API\n")
	w("  requests reuse connections (the tables per CLI and N count the TCP connections);\n")
	w("- the resource's state, plan, configuration and identity converted by hand on every refresh, plan and apply\n")
	w("  (`internal/provider/notification_policy_object.go`) instead of through the framework's reflection, which\n")
	w("  compiles a regular expression per struct field per call; ModifyPlan and ValidateConfig read each object once;\n")
	w("- the API client compiles its log masks once, and sets none when its logger is off.\n\n")
	w("What remains is the work the floor does not do at all: one HTTP request and JSON response per API request\n")
	w("(`net/http`, on the same two cores as the CLI and the emulator), and the provider's own refresh and plan logic.\n")
	w("The framework's per-call work (protocol decoding, schema plan modifiers, its own TRACE calls) is the same in\n")
	w("both plugins. A phase whose extra wall time is within the floor's spread is within the noise of one run.\n\n")
}

// wallSpread is the range of wall times of runs, as "min–max", or "n/a" for fewer than two.
func wallSpread(runs []phaseRun) string {
	var walls []time.Duration
	for _, r := range runs {
		if r.Err == "" {
			walls = append(walls, r.Wall)
		}
	}
	if len(walls) < 2 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f–%.2fs", slices.Min(walls).Seconds(), slices.Max(walls).Seconds())
}
