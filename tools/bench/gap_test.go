package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The gap section divides the provider's extra plugin CPU by the phase's requests and shows the
// floor's spread between runs.
func TestFloorGapPerRequestAndSpread(t *testing.T) {
	tofu := cli{Name: "tofu", Label: "OpenTofu 1.12.6"}
	run := func(wall time.Duration, pluginCPUms float64, requests int) phaseRun {
		return phaseRun{
			Wall:     wall,
			Requests: requestCounts{ByEndpoint: map[endpoint]int{endpointGet: requests}},
			Plugins:  []processReport{{CPUMillis: pluginCPUms}},
		}
	}
	g := &groupResult{
		Spec: groupSpec{CLI: tofu, N: 500, Variant: variant{Kind: variantZero}, Subjects: []subject{subjectProvider, subjectPluginFloor}, Runs: 2},
		Runs: map[subject][][]phaseRun{},
	}
	for range phases {
		g.Runs[subjectProvider] = append(g.Runs[subjectProvider], []phaseRun{run(3*time.Second, 1500, 1000), run(3*time.Second, 1500, 1000)})
		g.Runs[subjectPluginFloor] = append(g.Runs[subjectPluginFloor], []phaseRun{run(2*time.Second, 1000, 0), run(2500*time.Millisecond, 1000, 0)})
	}
	r := &benchResults{CLIs: []cli{tofu}, Options: options{counts: []int{100, 500}}, Groups: []*groupResult{g}}
	var b strings.Builder
	r.writeFloorGap(func(format string, a ...any) { fmt.Fprintf(&b, format, a...) })
	out := b.String()
	// Provider 3s against a floor median of 2.25s; 0.5s more plugin CPU over 1000 requests.
	for _, want := range []string{"| create | 3.00s | 2.25s | 1.33 | +0.75s | +0.50s | 0.50 ms |", "| 2.00–2.50s |", "| **all phases** | 18.00s | 13.50s | 1.33 | +4.50s | +3.00s | 0.50 ms |"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}
