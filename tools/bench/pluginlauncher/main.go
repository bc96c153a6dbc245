// Command pluginlauncher stands in for a provider binary in a dev_overrides directory. It runs
// the real provider (BENCH_PLUGIN_TARGET) as its child with the same stdio and environment, and
// when the child exits it appends one JSON line to BENCH_PLUGIN_REPORT with the child's peak
// resident set size (rusage maxrss, exact even for processes that live a few milliseconds, which
// /proc polling would miss), its CPU time, the volume of its log output and, when the plugin logs its protocol at TRACE
// (TF_LOG_SDK_PROTO=trace), the time from process start until it served GetProviderSchema.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// ProcessReport is one line of BENCH_PLUGIN_REPORT; tools/bench reads it with the same fields.
type ProcessReport struct {
	PID             int     `json:"pid"`
	StartUnixNano   int64   `json:"start_unix_nano"`
	LifetimeMillis  float64 `json:"lifetime_ms"`
	SchemaServedMs  float64 `json:"schema_served_ms"` // -1 when not observed
	MaxRSSKilobytes int64   `json:"max_rss_kb"`
	CPUMillis       float64 `json:"cpu_ms"` // user + system
	// Log output the plugin wrote to stderr (the CLI reads and filters all of it).
	StderrLines      int64  `json:"stderr_lines"`
	StderrBytes      int64  `json:"stderr_bytes"`
	ExitCode         int    `json:"exit_code"`
	ExitedBySignal   string `json:"signal,omitempty"`
	TargetExecutable string `json:"target"`
}

func main() {
	target := os.Getenv("BENCH_PLUGIN_TARGET")
	if target == "" {
		fmt.Fprintln(os.Stderr, "pluginlauncher: BENCH_PLUGIN_TARGET is not set")
		os.Exit(2)
	}
	os.Exit(run(target, os.Args[1:], os.Getenv("BENCH_PLUGIN_REPORT")))
}

// run runs target with args, reports on it, and returns the exit code to leave with.
func run(target string, args []string, reportPath string) int {
	start := time.Now()
	watch := &schemaWatch{start: start, out: os.Stderr, served: -1}
	// No context: the launcher lives exactly as long as its child; signals are forwarded below.
	cmd := exec.CommandContext(context.Background(), target, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, watch
	// The child must not outlive the launcher if Terraform kills the launcher outright.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}

	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "pluginlauncher: starting %s: %v\n", target, err)
		return 1
	}
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	_ = cmd.Wait()
	lifetime := time.Since(start)

	state := cmd.ProcessState
	report := ProcessReport{
		PID:              state.Pid(),
		StartUnixNano:    start.UnixNano(),
		LifetimeMillis:   float64(lifetime.Microseconds()) / 1000,
		SchemaServedMs:   watch.servedMillis(),
		StderrLines:      watch.lines,
		StderrBytes:      watch.bytes,
		ExitCode:         state.ExitCode(),
		TargetExecutable: target,
	}
	if ru, ok := state.SysUsage().(*syscall.Rusage); ok {
		report.MaxRSSKilobytes = ru.Maxrss // kilobytes on Linux
		report.CPUMillis = float64((state.UserTime() + state.SystemTime()).Microseconds()) / 1000
	}
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		report.ExitedBySignal = ws.Signal().String()
	}
	if reportPath != "" {
		appendReport(reportPath, report)
	}
	if report.ExitCode < 0 {
		return 1
	}
	return report.ExitCode
}

// appendReport writes one line with a single write on an O_APPEND file, so reports of plugin
// processes that exit at the same moment do not interleave.
func appendReport(path string, r ProcessReport) {
	line, err := json.Marshal(r)
	if err != nil {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pluginlauncher: %v\n", err)
		return
	}
	defer f.Close()
	_, _ = f.Write(append(line, '\n'))
}

// schemaWatch forwards the plugin's stderr and notes when the protocol log first says the
// GetProviderSchema request was served.
type schemaWatch struct {
	start  time.Time
	out    *os.File
	mu     sync.Mutex
	buf    []byte
	served time.Duration
	lines  int64
	bytes  int64
}

var (
	servedMarker = []byte(`"@message":"Served request"`)
	schemaMarker = []byte(`"tf_rpc":"GetProviderSchema"`)
)

func (w *schemaWatch) Write(p []byte) (int, error) {
	now := time.Now()
	w.mu.Lock()
	w.lines += int64(bytes.Count(p, []byte{'\n'}))
	w.bytes += int64(len(p))
	if w.served < 0 {
		w.buf = append(w.buf, p...)
		for {
			i := bytes.IndexByte(w.buf, '\n')
			if i < 0 {
				break
			}
			line := w.buf[:i]
			if bytes.Contains(line, servedMarker) && bytes.Contains(line, schemaMarker) {
				w.served = now.Sub(w.start)
				w.buf = nil
				break
			}
			w.buf = w.buf[i+1:]
		}
	}
	w.mu.Unlock()
	return w.out.Write(p)
}

func (w *schemaWatch) servedMillis() float64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.served < 0 {
		return -1
	}
	return float64(w.served.Microseconds()) / 1000
}
