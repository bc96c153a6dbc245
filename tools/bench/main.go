// Command bench measures the Sequence provider at scale and writes BENCHMARKS.md (`make bench`).
//
// It drives the real Terraform and OpenTofu CLIs, through a development override (no
// `terraform init`), against the Sequence emulator served in-process, through six phases on N
// policies: create all, add a recipient to each, plan with no change, remove a recipient from
// each, change a type on each, destroy all; and a single-policy latency phase, in which one
// policy's larger changes meet 150 ms per request and the update's sequential waves are counted. For each phase it records the median wall time, the
// provider's API requests (which requests a change makes is pinned by the acceptance tests), CPU
// time and the plugin processes' peak RSS; it measures two floors in the same run (terraform_data, no plugin at all, and a
// from-memory framework provider with the same schema) and the provider under 25 ms of API
// latency and under a 600 requests/minute limit, and a no-op plan of 150 policies behind a 60
// requests/minute limit.
//
//	go run ./tools/bench                 # the full run behind make bench (about 16 minutes on 2 cores)
//	go run ./tools/bench -quick          # 20 policies, 1 run, Terraform only; prints, writes nothing
//	go run ./tools/bench -n 100 -runs 1 -cli tofu -out ''
//	go run ./tools/bench -quick -cpuprofile /tmp/prof   # also a CPU profile of every plugin process (pprof)
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sequencehq/terraform-provider-sequence/internal/pluginprofile"
)

// logsOnEnv is what the diagnostic variant sets. Both plugins turn their logs off unless a TF_LOG*
// variable is set (internal/pluginlog); any such variable keeps every plugin logger at the SDK's
// default, TRACE, which is how the plugins ran before that default. TF_LOG_SDK=trace names that
// default explicitly.
const logsOnEnv = "TF_LOG_SDK=trace"

type options struct {
	counts        []int
	runs          int
	clis          []string
	terraformPath string
	tofuPath      string
	noFloors      string // "all", or CLI@N groups measured without the floors
	variantCLI    string
	latency       time.Duration
	latencyN      int
	latencyRuns   int
	rpm           int
	rateLimitN    int
	rateLimitRuns int
	limitedPlanN  int
	schemaRuns    int
	quietLogsN    int
	logsOnRuns    int
	wavesLatency  time.Duration
	wavesRuns     int
	once          map[string]map[subject]bool // "terraform@500" -> subjects measured once
	onceFlag      string
	out           string
	keep          bool
	extraEnv      []string
	cpuProfileDir string
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var o options
	counts := fs.String("n", "100,500", "comma-separated policy counts")
	clis := fs.String("cli", "terraform,tofu", "comma-separated CLIs: terraform, tofu")
	quick := fs.Bool("quick", false, "development preset: -n 20 -runs 1 -cli terraform, variants on 20 policies, no BENCHMARKS.md unless -out is given")
	fs.IntVar(&o.runs, "runs", 3, "runs per phase at zero latency; wall times are their median")
	fs.StringVar(&o.onceFlag, "once", "terraform_data@100,terraform_data@500",
		"measurements taken in one run instead of -runs, to fit the time budget: CLI@N (every subject of that group) or terraform_data@N, comma-separated ('' = none)")
	fs.StringVar(&o.terraformPath, "terraform", "", "Terraform binary (default: the pinned one from scripts/tools.sh)")
	fs.StringVar(&o.tofuPath, "tofu", "", "OpenTofu binary (default: the pinned one from scripts/tools.sh)")
	fs.StringVar(&o.noFloors, "no-floors", "", "groups measured without the two floors, to fit the time budget: CLI@N, comma-separated, or 'all' ('' = none)")
	fs.StringVar(&o.variantCLI, "variant-cli", "terraform", "CLI for the latency and rate-limit variants")
	fs.DurationVar(&o.latency, "latency", 25*time.Millisecond, "emulator latency per request in the latency variant")
	fs.IntVar(&o.latencyN, "latency-n", 100, "policies in the latency variant (0 skips it)")
	fs.IntVar(&o.latencyRuns, "latency-runs", 1, "runs of the latency variant")
	fs.IntVar(&o.rpm, "rpm", 600, "requests per minute in the rate-limit variant (emulator limit and provider requests_per_minute)")
	fs.IntVar(&o.rateLimitN, "rate-limit-n", 30, "policies in the rate-limit variant (0 skips it)")
	fs.IntVar(&o.rateLimitRuns, "rate-limit-runs", 1, "runs of the rate-limit variant (each is bound by the rate, so it varies little)")
	fs.IntVar(&o.limitedPlanN, "limited-plan-n", limitedPlanN, fmt.Sprintf("policies in the plan behind a %d requests/minute limit (0 skips it)", limitedPlanRPM))
	fs.IntVar(&o.logsOnRuns, "logs-on-runs", 1, "runs of the diagnostic with the plugins' logs on (not a target)")
	fs.IntVar(&o.quietLogsN, "quiet-logs-n", 100, "policies in the diagnostic run with the plugins' logs on, as when a TF_LOG* variable is set (0 skips it)")
	fs.DurationVar(&o.wavesLatency, "waves-latency", 150*time.Millisecond, "emulator latency per request in the single-policy latency phase")
	fs.IntVar(&o.wavesRuns, "waves-runs", 3, "runs of the single-policy latency phase (0 skips it)")
	fs.IntVar(&o.schemaRuns, "schema-runs", 5, "runs of `providers schema -json` per CLI and subject")
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "report file, relative to the repository root ('' = print only)")
	fs.BoolVar(&o.keep, "keep", false, "keep the working directory (configurations, states, CLI output)")
	fs.StringVar(&o.cpuProfileDir, "cpuprofile", "",
		"directory for a CPU profile of every plugin process (provider and plugin floor built with -tags benchprofile); profiling perturbs the timings, so the report is printed, not written")
	extraEnv := fs.String("env", "", "extra KEY=VALUE settings, comma-separated, for the CLI and the plugins (diagnostics, e.g. TF_LOG_SDK_FRAMEWORK=off)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *quick {
		defaults := map[string]func(){
			"n":            func() { *counts = "20" },
			"runs":         func() { o.runs = 1 },
			"cli":          func() { *clis = "terraform" },
			"latency-n":    func() { o.latencyN = 20 },
			"latency-runs": func() { o.latencyRuns = 1 },
			"rate-limit-n": func() { o.rateLimitN = 20 },
			"quiet-logs-n": func() { o.quietLogsN = 20 },
			"schema-runs":  func() { o.schemaRuns = 2 },
			"waves-runs":   func() { o.wavesRuns = 1 },
			"out":          func() { o.out = "" },
		}
		for name, apply := range defaults {
			if !set[name] {
				apply()
			}
		}
	}
	var err error
	for _, kv := range strings.Split(*extraEnv, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		if !strings.Contains(kv, "=") {
			return o, fmt.Errorf("-env: %q is not KEY=VALUE", kv)
		}
		o.extraEnv = append(o.extraEnv, kv)
	}
	for _, s := range strings.Split(*counts, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-n: %q is not a positive policy count", s)
		}
		o.counts = append(o.counts, n)
	}
	for _, s := range strings.Split(*clis, ",") {
		s = strings.TrimSpace(s)
		if s != "terraform" && s != "tofu" {
			return o, fmt.Errorf("-cli: %q is neither terraform nor tofu", s)
		}
		o.clis = append(o.clis, s)
	}
	for _, item := range strings.Split(o.noFloors, ",") {
		item = strings.TrimSpace(item)
		cli, n, ok := strings.Cut(item, "@")
		if _, err := strconv.Atoi(n); item != "" && item != "all" && (!ok || err != nil || (cli != "terraform" && cli != "tofu")) {
			return o, fmt.Errorf("-no-floors: %q is neither CLI@N nor all", item)
		}
	}
	if o.cpuProfileDir != "" {
		if o.cpuProfileDir, err = filepath.Abs(o.cpuProfileDir); err != nil {
			return o, err
		}
		if err := os.MkdirAll(o.cpuProfileDir, 0o755); err != nil {
			return o, err
		}
		o.extraEnv = append(o.extraEnv, pluginprofile.DirEnv+"="+o.cpuProfileDir)
		if !set["out"] {
			o.out = ""
		}
	}
	if o.once, err = parseOnce(o.onceFlag); err != nil {
		return o, err
	}
	if o.runs < 1 || o.latencyRuns < 1 || o.rateLimitRuns < 1 || o.schemaRuns < 1 || o.wavesRuns < 0 || o.logsOnRuns < 1 {
		return o, fmt.Errorf("run counts must be at least 1")
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		os.Exit(2)
	}
	// Ctrl-C stops the CLI being measured too, instead of leaving it running.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, args []string) error {
	started := time.Now()
	root, err := repositoryRoot(ctx)
	if err != nil {
		return err
	}
	machine := describeMachine(ctx, root)

	work, err := os.MkdirTemp("", "sequence-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Println("working directory:", work)
	} else {
		defer os.RemoveAll(work)
	}

	h := &harness{workDir: work, extraEnv: o.extraEnv, profile: o.cpuProfileDir != "", logf: func(format string, a ...any) { fmt.Printf(format, a...) }}
	fmt.Println("building the provider, the plugin floor and the plugin launcher")
	if err := h.build(ctx, root); err != nil {
		return err
	}

	clis := map[string]cli{}
	var order []cli
	for _, name := range o.clis {
		path := o.terraformPath
		if name == "tofu" {
			path = o.tofuPath
		}
		c, err := resolveCLI(ctx, root, name, path)
		if err != nil {
			return err
		}
		clis[name] = c
		order = append(order, c)
	}
	variantCLI, ok := clis[o.variantCLI]
	if !ok && (o.latencyN > 0 || o.rateLimitN > 0 || o.quietLogsN > 0 || o.wavesRuns > 0 || o.limitedPlanN > 0) {
		c, err := resolveCLI(ctx, root, o.variantCLI, map[string]string{"terraform": o.terraformPath, "tofu": o.tofuPath}[o.variantCLI])
		if err != nil {
			return err
		}
		variantCLI = c
	}

	results := &benchResults{Started: started, Machine: machine, CLIs: order, Options: o,
		Command: reproduceCommand(args), Schema: map[string][]schemaResult{}}

	for _, c := range order {
		results.Schema[c.Name] = h.measureSchema(ctx, c, o.schemaRuns)
	}
	for _, c := range order {
		for _, n := range o.counts {
			subjects := []subject{subjectProvider}
			if !o.withoutFloors(c.Name, n) {
				subjects = append(subjects, subjectPluginFloor, subjectTerraformDat)
			}
			once := map[subject]bool{}
			for _, key := range []string{fmt.Sprintf("%s@%d", c.Name, n), fmt.Sprintf("*@%d", n)} {
				for s := range o.once[key] {
					once[s] = true
				}
			}
			g, err := h.runGroup(ctx, groupSpec{CLI: c, N: n, Variant: variant{Kind: variantZero, Name: "zero latency"}, Subjects: subjects, Runs: o.runs, Once: once})
			if err != nil {
				return err
			}
			results.Groups = append(results.Groups, g)
		}
	}
	// The variant groups, each on variantCLI; a count of 0 leaves one out.
	for _, spec := range []groupSpec{
		{CLI: variantCLI, N: o.latencyN, Runs: o.latencyRuns, Subjects: []subject{subjectProvider},
			Variant: variant{Kind: variantLatency, Name: fmt.Sprintf("%s latency per request", o.latency), Latency: o.latency}},
		{CLI: variantCLI, N: o.rateLimitN, Runs: o.rateLimitRuns, Subjects: []subject{subjectProvider},
			Variant: variant{Kind: variantRateLimit, Name: fmt.Sprintf("%d requests/minute limit", o.rpm), RequestsPerMinute: o.rpm}},
		{CLI: variantCLI, N: o.quietLogsN, Runs: o.logsOnRuns, Subjects: []subject{subjectProvider, subjectPluginFloor},
			Variant: variant{Kind: variantLogsOn, Name: "plugin logs on (" + logsOnEnv + ")", Env: []string{logsOnEnv}}},
	} {
		if spec.N <= 0 {
			continue
		}
		g, err := h.runGroup(ctx, spec)
		if err != nil {
			return err
		}
		results.Groups = append(results.Groups, g)
	}
	if o.limitedPlanN > 0 {
		lp, err := h.measureLimitedPlan(ctx, variantCLI, o.limitedPlanN, limitedPlanRPM)
		if err != nil {
			return err
		}
		results.LimitedPlan = &lp
	}
	if o.wavesRuns > 0 {
		if results.Waves, err = h.measureWaves(ctx, variantCLI, o.wavesLatency, o.wavesRuns); err != nil {
			return err
		}
	}
	results.Duration = time.Since(started)

	report := results.markdown()
	fmt.Println()
	fmt.Println(report)
	if o.out != "" {
		path := o.out
		if !filepath.IsAbs(path) {
			path = filepath.Join(root, path)
		}
		if err := os.WriteFile(path, []byte(report), 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", path)
	}
	if o.cpuProfileDir != "" {
		fmt.Printf("CPU profiles of every plugin process are in %s; compare the provider with the floor, e.g.\n"+
			"  go tool pprof -top -cum %[1]s/terraform-provider-sequence-*.pprof\n"+
			"  go tool pprof -top -cum %[1]s/floorprovider-*.pprof\n", o.cpuProfileDir)
	}
	fmt.Printf("bench finished in %s\n", results.Duration.Round(time.Second))
	return nil
}

// build compiles the provider exactly as main.go ships it, the plugin floor, and the launcher
// that the development override points at.
func (h *harness) build(ctx context.Context, root string) error {
	h.providerBin = filepath.Join(h.workDir, "bin", "terraform-provider-sequence")
	h.floorBin = filepath.Join(h.workDir, "bin", "floorprovider")
	overrideDir := filepath.Join(h.workDir, "override")
	builds := []struct{ out, pkg string }{
		{h.providerBin, "."},
		{h.floorBin, "./tools/bench/floorprovider"},
		// Named like the provider: the CLI runs the file in the override directory whose name
		// starts with terraform-provider-sequence.
		{filepath.Join(overrideDir, "terraform-provider-sequence"), "./tools/bench/pluginlauncher"},
	}
	for _, b := range builds {
		args := []string{"build", "-trimpath", "-ldflags", "-X main.version=bench", "-o", b.out}
		if h.profile {
			args = append(args, "-tags", "benchprofile") // internal/pluginprofile
		}
		cmd := exec.CommandContext(ctx, "go", append(args, b.pkg)...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %w\n%s", b.pkg, err, out)
		}
	}
	h.cliConfigPath = filepath.Join(h.workDir, "cli.tfrc")
	return writeCLIConfig(h.cliConfigPath, overrideDir)
}

// withoutFloors says whether -no-floors leaves the floors out of the group of cli at n.
func (o options) withoutFloors(cli string, n int) bool {
	for _, item := range strings.Split(o.noFloors, ",") {
		item = strings.TrimSpace(item)
		if item == "all" || item == fmt.Sprintf("%s@%d", cli, n) {
			return true
		}
	}
	return false
}

// parseOnce reads -once: "tofu@500" puts every subject of that group in one run, and
// "terraform_data@500" (or "plugin_floor@500", "provider@500") one subject in every CLI's group.
func parseOnce(value string) (map[string]map[subject]bool, error) {
	out := map[string]map[subject]bool{}
	for _, item := range strings.Split(value, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		who, n, ok := strings.Cut(item, "@")
		if _, err := strconv.Atoi(n); !ok || err != nil {
			return nil, fmt.Errorf("-once: %q is not CLI@N or subject@N", item)
		}
		var key string
		var subjects []subject
		switch who {
		case "terraform", "tofu":
			key, subjects = who+"@"+n, []subject{subjectProvider, subjectPluginFloor, subjectTerraformDat}
		case "terraform_data":
			key, subjects = "*@"+n, []subject{subjectTerraformDat}
		case "plugin_floor":
			key, subjects = "*@"+n, []subject{subjectPluginFloor}
		case "provider":
			key, subjects = "*@"+n, []subject{subjectProvider}
		default:
			return nil, fmt.Errorf("-once: %q names neither a CLI nor a subject (terraform_data, plugin_floor, provider)", who)
		}
		if out[key] == nil {
			out[key] = map[subject]bool{}
		}
		for _, s := range subjects {
			out[key][s] = true
		}
	}
	return out, nil
}

func repositoryRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run the benchmark from inside the repository (go run ./tools/bench)")
	}
	return filepath.Dir(mod), nil
}

func reproduceCommand(args []string) string {
	if len(args) == 0 {
		return "make bench   # = go run ./tools/bench"
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = a
		if a == "" || strings.ContainsAny(a, " '\"") {
			quoted[i] = strconv.Quote(a)
		}
	}
	return "go run ./tools/bench " + strings.Join(quoted, " ")
}
