package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// waveChange is one in-place change of the single policy of the latency phase.
type waveChange struct {
	name        string
	recipients  []string
	types       []string
	writes      int // requests that change something: the minimum
	targetWaves int
}

// waveChanges is the single-policy latency phase: from a policy with 13 recipients and two types,
// the change of issue 12 (12 recipients removed, 3 added, one type swapped), then a change that
// only adds and one that only removes.
func waveChanges() (start waveChange, changes []waveChange) {
	numbered := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%s-%02d@example.com", prefix, i+1)
		}
		return out
	}
	keep := []string{"keep@example.com"}
	old, added, more := numbered("old", 12), numbered("new", 3), numbered("more", 12)
	start = waveChange{name: "create", recipients: slices.Concat(keep, old), types: []string{firstType, secondType}}
	swapped := []string{firstType, replacementType}
	changes = []waveChange{
		{name: "12 recipients removed, 3 added, a type swapped", recipients: slices.Concat(keep, added), types: swapped,
			writes: 1 + 1 + 12 + 1, targetWaves: 2},
		{name: "12 recipients and a type added", recipients: slices.Concat(keep, added, more), types: append(slices.Clone(swapped), "QUOTE_SIGNED"),
			writes: 1 + 1, targetWaves: 1},
		// Removing a type re-sends the kept ones first (keptTypes, DESIGN.md 2), so no removal can
		// empty the set: one write and one wave more than the removals alone.
		{name: "15 recipients and a type removed", recipients: keep, types: swapped,
			writes: 1 + 15 + 1, targetWaves: 2},
	}
	return start, changes
}

// waveResult is one change of the latency phase, over the runs.
type waveResult struct {
	Change       waveChange
	Wall         time.Duration // median
	Writes       int           // of the last successful run
	Reads        int
	Waves        int // sequential waves of the writes (most of any run)
	ReadWaves    int // sequential waves of every request, refresh included (most of any run)
	Rate429      int // answers of the rate limit, all runs
	Err          string
	runsMeasured int
}

// measureWaves runs the single-policy latency phase: one policy, the emulator answering every
// request after latency, each change applied runs times from the same starting point. Sequential
// waves come from the emulator's request log (sequencetest.Waves: requests that were in flight
// together are one wave).
func (h *harness) measureWaves(ctx context.Context, c cli, latency time.Duration, runs int) ([]waveResult, error) {
	emu, err := startEmulator(ctx)
	if err != nil {
		return nil, err
	}
	defer emu.Close()
	dir := filepath.Join(h.workDir, fmt.Sprintf("%s-waves", c.Name))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := writeConfiguration(dir, subjectProvider, 0); err != nil {
		return nil, err
	}
	start, changes := waveChanges()
	const name = policyNamePrefix + "waves"
	spec := func(ch waveChange) map[string]policySpec {
		return map[string]policySpec{name: {Channel: "EMAIL", Recipients: ch.recipients, NotificationTypes: ch.types}}
	}
	results := make([]waveResult, len(changes))
	walls := make([][]time.Duration, len(changes))
	for i := range changes {
		results[i].Change = changes[i]
	}
	r := cliRun{cli: c, dir: dir, env: h.environment(emu, subjectProvider, filepath.Join(dir, "plugins.jsonl"))}
	apply := func(logName string) (time.Duration, string, error) {
		r.logPath = filepath.Join(dir, logName)
		wall, code, output, _, err := r.run(ctx, "apply", "-auto-approve", "-input=false", "-no-color")
		if err == nil && code != 0 {
			err = fmt.Errorf("exit code %d:\n%s", code, lastLines(output, 15))
		}
		return wall, output, err
	}

	for run := range runs {
		for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
			_ = os.Remove(filepath.Join(dir, f))
		}
		clearStore(emu.Emulator)
		emu.SetLatency(0)
		if err := writePolicies(dir, spec(start)); err != nil {
			return nil, err
		}
		if _, _, err := apply(fmt.Sprintf("run%d-create.log", run+1)); err != nil {
			return nil, fmt.Errorf("single-policy latency phase, creating the policy: %w", err)
		}
		emu.SetLatency(latency)
		for i, ch := range changes {
			res := &results[i]
			if err := writePolicies(dir, spec(ch)); err != nil {
				return nil, err
			}
			emu.ResetRequests()
			wall, output, err := apply(fmt.Sprintf("run%d-change%d.log", run+1, i+1))
			if err == nil && !strings.Contains(output, changedInPlace(1)) {
				err = fmt.Errorf("the output lacks %q:\n%s", changedInPlace(1), lastLines(output, 15))
			}
			if err == nil {
				err = verifyStore(emu.Emulator, spec(ch))
			}
			log := emu.Requests()
			var writes []sequencetest.Request
			reads := 0
			for _, req := range log {
				if req.RateLimited {
					res.Rate429++
				}
				if req.Method == "GET" {
					reads++
				} else {
					writes = append(writes, req)
				}
			}
			status := "ok"
			if err != nil {
				res.Err, status = err.Error(), "FAILED: "+err.Error()
			} else {
				walls[i] = append(walls[i], wall)
				res.Writes, res.Reads = len(writes), reads
				res.Waves = max(res.Waves, len(sequencetest.Waves(writes)))
				res.ReadWaves = max(res.ReadWaves, len(sequencetest.Waves(log)))
				res.runsMeasured++
			}
			h.logf("%-16s single policy, %s latency, run %d/%d  %-48s %6.2fs  writes %d  sequential waves %d  %s\n",
				c.Label, latency, run+1, runs, ch.name, wall.Seconds(), len(writes), len(sequencetest.Waves(writes)), status)
			if err != nil {
				break // the later changes start from this one's result
			}
		}
		emu.SetLatency(0)
		r.logPath = filepath.Join(dir, fmt.Sprintf("run%d-destroy.log", run+1))
		_, _, _, _, _ = r.run(ctx, "destroy", "-auto-approve", "-input=false", "-no-color")
		clearStore(emu.Emulator)
	}
	for i := range results {
		results[i].Wall = median(walls[i])
	}
	return results, nil
}
