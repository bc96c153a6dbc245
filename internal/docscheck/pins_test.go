package docscheck

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// root is the repository, two levels above this package.
const root = "../.."

// The CLIs whose versions the compatibility claims are about, by the module that builds them.
var cliModules = map[string]string{
	"github.com/hashicorp/terraform": "Terraform",
	"github.com/opentofu/opentofu":   "OpenTofu",
}

// A pin is one module under tools/: the tool it builds and the version go.mod requires.
type pin struct {
	dir     string // "terraform-1.5", relative to tools/
	module  string // "github.com/hashicorp/terraform"
	version string // "1.5.7", without the "v"
}

// readPins returns every tools/*/go.mod with a `tool` directive (the benchmark harness has none).
func readPins(t *testing.T) []pin {
	t.Helper()
	mods, err := filepath.Glob(filepath.Join(root, "tools", "*", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var pins []pin
	for _, mod := range mods {
		text, err := os.ReadFile(mod)
		if err != nil {
			t.Fatal(err)
		}
		p, ok, err := parsePin(string(text))
		if err != nil {
			t.Fatalf("%s: %v", mod, err)
		}
		if ok {
			p.dir = filepath.Base(filepath.Dir(mod))
			pins = append(pins, p)
		}
	}
	if len(pins) == 0 {
		t.Fatal("no tools/*/go.mod with a tool directive")
	}
	return pins
}

var (
	toolLine    = regexp.MustCompile(`^tool\s+(\S+)`)
	requireLine = regexp.MustCompile(`^(?:require\s+)?(\S+)\s+v(\S+?)(?:\s+//.*)?$`)
)

// parsePin finds a go.mod's tool and the version of the module that provides it (the longest
// required module path the tool's package path starts with). ok is false without a tool.
func parsePin(gomod string) (p pin, ok bool, err error) {
	var tool string
	required := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(gomod))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if m := toolLine.FindStringSubmatch(line); m != nil {
			tool = m[1]
			continue
		}
		if m := requireLine.FindStringSubmatch(line); m != nil {
			required[m[1]] = m[2]
		}
	}
	if tool == "" {
		return pin{}, false, nil
	}
	for module, version := range required {
		if (tool == module || strings.HasPrefix(tool, module+"/")) && len(module) > len(p.module) {
			p = pin{module: module, version: version}
		}
	}
	if p.module == "" {
		return pin{}, false, fmt.Errorf("no required module provides the tool %s", tool)
	}
	return p, true, nil
}

// cliVersion is one CLI release, e.g. {"Terraform", "1.8.5"}.
type cliVersion struct{ cli, version string }

func (v cliVersion) String() string { return v.cli + " " + v.version }

// matrixEntry is a line of the CI matrix: `- { cli: terraform, version: 1.5.7 }`.
var matrixEntry = regexp.MustCompile(`\{\s*cli:\s*(terraform|tofu)\s*,\s*version:\s*v?([0-9][0-9.]*)\s*\}`)

// parseMatrix returns the CLI versions the CI workflow installs and tests.
func parseMatrix(workflow string) []cliVersion {
	var out []cliVersion
	for _, m := range matrixEntry.FindAllStringSubmatch(workflow, -1) {
		cli := "Terraform"
		if m[1] == "tofu" {
			cli = "OpenTofu"
		}
		out = append(out, cliVersion{cli, m[2]})
	}
	return out
}

// testedOnLine is the one line that lists every tested CLI version, in templates/index.md.tmpl,
// such as "Tested on: Terraform 1.5.7, 1.8.5; OpenTofu 1.12.6." (the final period optional).
var testedOnLine = regexp.MustCompile(`(?m)^Tested on: (.*)$`)

// parseTestedOn returns the versions a "Tested on:" line lists, or an error naming what it could
// not read.
func parseTestedOn(line string) ([]cliVersion, error) {
	var out []cliVersion
	for _, group := range strings.Split(strings.TrimSuffix(strings.TrimSpace(line), "."), ";") {
		group = strings.TrimSpace(group)
		cli, versions, ok := strings.Cut(group, " ")
		if !ok || (cli != "Terraform" && cli != "OpenTofu") {
			return nil, fmt.Errorf("%q: want \"Terraform X, Y; OpenTofu Z\"", group)
		}
		for _, v := range strings.Split(versions, ",") {
			v = strings.TrimSpace(v)
			if !fullVersion.MatchString(v) {
				return nil, fmt.Errorf("%q in %q is not a version X.Y.Z", v, group)
			}
			out = append(out, cliVersion{cli, v})
		}
	}
	return out, nil
}

var fullVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)

// dottedNumber is any run of dot-separated numbers, so that "127.0.0.1" is one token, not a version.
var dottedNumber = regexp.MustCompile(`\bv?[0-9]+(?:\.[0-9]+)+\b`)

// versionsIn returns the X.Y.Z versions a text names, with their line numbers, leaving out what
// is not a CLI version by construction: lines naming a GitHub Action (`uses:`, pinned by commit
// SHA, the version comment is Dependabot's) and changelog headings (the provider's own releases).
func versionsIn(text string) map[string][]int {
	found := map[string][]int{}
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.Contains(line, "uses:") || strings.HasPrefix(trimmed, "## ") && strings.HasSuffix(trimmed, ")") {
			continue
		}
		for _, tok := range dottedNumber.FindAllString(line, -1) {
			tok = strings.TrimPrefix(tok, "v")
			if fullVersion.MatchString(tok) {
				found[tok] = append(found[tok], i+1)
			}
		}
	}
	return found
}

// documents returns the files whose text names versions for people to read: everything but
// generated or recorded output (docs/ is generated from templates/, BENCHMARKS.md records the
// CLIs one `make bench` run measured), dependency manifests, and Go tests, whose versions are
// fixtures.
func documents(t *testing.T) []string {
	t.Helper()
	exts := map[string]bool{".md": true, ".tmpl": true, ".tf": true, ".hcl": true, ".sh": true, ".yml": true, ".yaml": true, ".go": true}
	var files []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch rel {
			case ".git", "docs", "dist", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case rel == "BENCHMARKS.md", strings.HasSuffix(rel, "_test.go"), !exts[filepath.Ext(rel)]:
			return nil
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

func read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
