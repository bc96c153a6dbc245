package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// The rate-limited plan of issue 22: a plan of N policies against an API key limited to a few
// requests a minute, as CI pipelines sharing one key meet it. Refreshing by the page, it waits
// for the limit a page at a time rather than a GET at a time.
const (
	targetLimitedPlanWall = 10 * time.Second
	limitedPlanN          = 150
	limitedPlanRPM        = 60
)

// limitedPlanResult is the rate-limited plan, measured once.
type limitedPlanResult struct {
	N, RPM   int
	Wall     time.Duration
	Requests requestCounts
	Err      string
}

// measureLimitedPlan creates n policies without a limit (untimed), then runs one plan with the
// emulator limited to rpm requests a minute (429 beyond it) and the provider's
// requests_per_minute set a little below it (belowLimit).
func (h *harness) measureLimitedPlan(ctx context.Context, c cli, n, rpm int) (limitedPlanResult, error) {
	res := limitedPlanResult{N: n, RPM: rpm}
	emu, err := startEmulator(ctx)
	if err != nil {
		return res, err
	}
	defer emu.Close()
	dir := filepath.Join(h.workDir, fmt.Sprintf("%s-limited-plan-n%d-rpm%d", c.Name, n, rpm))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	if err := writeConfiguration(dir, subjectProvider, 0); err != nil {
		return res, err
	}
	if err := writePolicies(dir, buildPolicies(n, stageCreated)); err != nil {
		return res, err
	}
	reportPath := filepath.Join(dir, "plugins.jsonl")
	r := cliRun{cli: c, dir: dir, env: h.environment(emu, subjectProvider, reportPath), logPath: filepath.Join(dir, "create.log")}
	if _, code, output, _, err := r.run(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil || code != 0 {
		res.Err = fmt.Sprintf("creating the policies: exit code %d, %v:\n%s", code, err, lastLines(output, 10))
		return res, nil
	}

	if err := writeConfiguration(dir, subjectProvider, belowLimit(rpm)); err != nil {
		return res, err
	}
	emu.SetRequestsPerMinute(rpm)
	emu.ResetRequests()
	r.logPath = filepath.Join(dir, "plan.log")
	wall, code, output, _, err := r.run(ctx, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	res.Wall, res.Requests = wall, countRequests(emu.Requests())
	switch {
	case err != nil:
		res.Err = err.Error()
	case code != 0:
		res.Err = fmt.Sprintf("exit code %d (the plan must be empty):\n%s", code, lastLines(output, 10))
	}
	status := "ok"
	if res.Err != "" {
		status = "FAILED: " + res.Err
	}
	h.logf("%-16s n=%-4d rpm%-9d limited plan      %7.2fs  requests %d, error responses %d  %s\n", c.Label, n, rpm,
		wall.Seconds(), res.Requests.Total(), res.Requests.FailedTotal(), status)
	return res, nil
}

// met says whether the rate-limited plan met its target.
func (r limitedPlanResult) met() bool {
	return r.Err == "" && r.Wall <= targetLimitedPlanWall && r.Requests.FailedTotal() == 0
}

// writeLimitedPlan reports the rate-limited plan.
func (r *benchResults) writeLimitedPlan(w func(string, ...any)) {
	lp := r.LimitedPlan
	if lp == nil {
		return
	}
	w("## A plan behind a low rate limit\n\n")
	w("A no-op `plan` of %d policies (the whole account) with the emulator limited to %d requests/minute (429 beyond it)\n", lp.N, lp.RPM)
	w("and the provider configured with `requests_per_minute = %d`, below the limit as the README advises (%s, one run).\n", belowLimit(lp.RPM), r.Options.variantCLI)
	w("The refresh is served from\n")
	w("⌈%d / 100⌉ = %d list pages, so it waits for the limit a page at a time; a GET per policy would wait for %d requests\n", lp.N, refreshPages(lp.N), lp.N)
	w("(%s at this rate).\n\n", rateBound(lp.N, lp.RPM).Round(time.Second))
	w("| policies | limit | wall time | target | requests | error responses |\n|--:|--:|--:|--:|--:|--:|\n")
	if lp.Err != "" {
		w("| %d | %d/min | FAILED | ≤ %s | | |\n\n", lp.N, lp.RPM, targetLimitedPlanWall)
		return
	}
	w("| %d | %d/min | %.1fs | ≤ %s | %d | %d |\n\n", lp.N, lp.RPM, lp.Wall.Seconds(), targetLimitedPlanWall,
		lp.Requests.Total(), lp.Requests.FailedTotal())
}

// belowLimit is the provider's requests_per_minute for a key limited to rpm: 90% of it, as the
// README advises, since requests evenly spaced by the client's clock arrive a little unevenly and
// a limit of 60 a minute holds only one request's worth of burst.
func belowLimit(rpm int) int {
	return rpm * 9 / 10
}
