package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// The figures of one phase, condensed from its runs, and the table cells they are shown in.

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
			s.Requests = r.Requests
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

// answered is the requests of a phase's first successful run that the emulator answered without
// an error: what a latency or a rate limit delays.
func answered(s phaseSummary) int {
	return s.Requests.Total() - s.Requests.FailedTotal()
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
