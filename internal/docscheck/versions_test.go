package docscheck

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
)

const (
	workflowFile = ".github/workflows/test.yml"
	indexFile    = "templates/index.md.tmpl"
	pinTable     = "DEVELOPERS.md"
)

// cliPins are the Terraform and OpenTofu versions built from tools/ (tools/terraform*,
// tools/tofu*, whatever their number), keyed by version.
func cliPins(pins []pin) map[cliVersion]string {
	out := map[cliVersion]string{}
	for _, p := range pins {
		if cli, ok := cliModules[p.module]; ok {
			out[cliVersion{cli, p.version}] = "tools/" + p.dir
		}
	}
	return out
}

// tested is every CLI version the project tests: the pinned ones and those the CI installs.
func tested(t *testing.T) map[cliVersion]bool {
	t.Helper()
	out := map[cliVersion]bool{}
	for v := range cliPins(readPins(t)) {
		out[v] = true
	}
	for _, v := range parseMatrix(read(t, workflowFile)) {
		out[v] = true
	}
	return out
}

func TestCIMatrixTestsEveryPinnedCLI(t *testing.T) {
	matrix := map[cliVersion]bool{}
	for _, v := range parseMatrix(read(t, workflowFile)) {
		matrix[v] = true
	}
	if len(matrix) == 0 {
		t.Fatalf("%s: no `{ cli: ..., version: ... }` matrix entries", workflowFile)
	}
	pins := cliPins(readPins(t))
	if len(pins) < 2 {
		t.Fatalf("found %d Terraform/OpenTofu pins under tools/, want at least terraform and tofu", len(pins))
	}
	for v, dir := range pins {
		if !matrix[v] {
			t.Errorf("%s pins %s, but the matrix of %s does not test it: add `- { cli: %s, version: %s }`",
				dir, v, workflowFile, map[string]string{"Terraform": "terraform", "OpenTofu": "tofu"}[v.cli], v.version)
		}
	}
}

func TestTestedOnLineListsExactlyTheTestedVersions(t *testing.T) {
	lines := testedOnLine.FindAllStringSubmatch(read(t, indexFile), -1)
	if len(lines) != 1 {
		t.Fatalf("%s: found %d \"Tested on:\" lines, want exactly one", indexFile, len(lines))
	}
	listed, err := parseTestedOn(lines[0][1])
	if err != nil {
		t.Fatalf("%s, \"Tested on:\" line: %v", indexFile, err)
	}
	want := tested(t)
	got := map[cliVersion]bool{}
	for _, v := range listed {
		got[v] = true
		if !want[v] {
			t.Errorf("%s names %s as tested, but neither tools/ nor %s pins it", indexFile, v, workflowFile)
		}
	}
	for v := range want {
		if !got[v] {
			t.Errorf("%s, \"Tested on:\" line: %s is pinned (tools/ or %s) but not listed", indexFile, v, workflowFile)
		}
	}
}

// pinRow is a row of DEVELOPERS.md's table of pinned CLIs, "| CLI | version ... | `tools/dir` ... |".
var pinRow = regexp.MustCompile("(?m)^\\|[^|]+\\|\\s*v?([0-9]+\\.[0-9]+\\.[0-9]+)[^|]*\\|\\s*`tools/([^`/]+)`")

func TestPinnedCLITableMatchesTools(t *testing.T) {
	rows := map[string]string{}
	for _, m := range pinRow.FindAllStringSubmatch(read(t, pinTable), -1) {
		rows[m[2]] = m[1]
	}
	for _, p := range readPins(t) {
		got, ok := rows[p.dir]
		switch {
		case !ok:
			t.Errorf("%s: no row for tools/%s (%s %s) in the table of pinned CLIs", pinTable, p.dir, p.module, p.version)
		case got != p.version:
			t.Errorf("%s says tools/%s is %s, but its go.mod pins %s %s", pinTable, p.dir, got, p.module, p.version)
		}
	}
}

func TestDocumentsNameOnlyPinnedVersions(t *testing.T) {
	allowed := map[string]bool{}
	for _, p := range readPins(t) {
		allowed[p.version] = true
	}
	for v := range tested(t) {
		allowed[v.version] = true
	}
	docs := documents(t)
	for _, must := range []string{"README.md", indexFile, workflowFile, "internal/provider/notification_policy_write_only.go"} {
		if i := sort.SearchStrings(docs, must); i == len(docs) || docs[i] != must {
			t.Fatalf("%s is not among the documents checked", must)
		}
	}
	for _, rel := range docs {
		for _, problem := range unpinned(read(t, rel), allowed) {
			t.Errorf("%s:%s", rel, problem)
		}
	}
}

// unpinned lists, as "LINE: ..." messages, the versions a text names that are not allowed.
func unpinned(text string, allowed map[string]bool) []string {
	var out []string
	for v, lines := range versionsIn(text) {
		if allowed[v] {
			continue
		}
		for _, line := range lines {
			out = append(out, fmt.Sprintf("%d: names version %s, which nothing under tools/ or in %s pins", line, v, workflowFile))
		}
	}
	sort.Strings(out)
	return out
}

// The check above can fail: a stale or invented version is reported with its line, while IP
// addresses, action versions and changelog headings are not versions of a CLI.
func TestUnpinnedFindsStaleVersions(t *testing.T) {
	allowed := map[string]bool{"1.8.5": true, "1.12.6": true}
	text := strings.Join([]string{
		"Tested on Terraform 1.8.5 and OpenTofu 1.12.6.", // 1
		"Terraform 1.8.4 and later",                      // 2: stale
		"the emulator at http://127.0.0.1:8080/api",      // 3
		"  - uses: actions/checkout@8e8c483db # v6.0.1",  // 4
		"## 0.1.0 (Unreleased)",                          // 5
		"tested on Terraform v1.9.0",                     // 6: invented
	}, "\n")
	got := unpinned(text, allowed)
	want := []string{
		"2: names version 1.8.4, which nothing under tools/ or in " + workflowFile + " pins",
		"6: names version 1.9.0, which nothing under tools/ or in " + workflowFile + " pins",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("unpinned:\n got %q\nwant %q", got, want)
	}
}

func TestParsePinFindsTheToolsModule(t *testing.T) {
	gomod := `module example/tools/tofu

go 1.26

tool github.com/opentofu/opentofu/cmd/tofu

require (
	github.com/opentofu/opentofu v1.12.6
	github.com/opentofu/opentofu/internal/x v0.0.1 // indirect
	github.com/hashicorp/hcl/v2 v2.20.0 // indirect
)
`
	p, ok, err := parsePin(gomod)
	if err != nil || !ok || p.module != "github.com/opentofu/opentofu" || p.version != "1.12.6" {
		t.Errorf("parsePin = %+v, %v, %v; want github.com/opentofu/opentofu 1.12.6", p, ok, err)
	}
	if _, ok, err := parsePin("module example/tools/bench\n"); ok || err != nil {
		t.Errorf("a go.mod without a tool: ok = %v, err = %v; want false, nil", ok, err)
	}
}

func TestParseTestedOn(t *testing.T) {
	got, err := parseTestedOn("Terraform 1.5.7, 1.13.3; OpenTofu 1.12.6.")
	want := []cliVersion{{"Terraform", "1.5.7"}, {"Terraform", "1.13.3"}, {"OpenTofu", "1.12.6"}}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parseTestedOn = %v, %v; want %v", got, err, want)
	}
	if _, err := parseTestedOn("Terraform 1.5.x; OpenTofu 1.12.6"); err == nil {
		t.Error("parseTestedOn accepted 1.5.x")
	}
}
