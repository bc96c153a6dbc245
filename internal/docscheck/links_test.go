package docscheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pendingPages are guides that other branches write and this one already links to. Each entry
// goes once its page exists (the test says so), so a link to a page that never comes fails.
var pendingPages = map[string]bool{}

var (
	mdLink  = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	heading = regexp.MustCompile(`(?m)^#{1,6}\s+(.+?)\s*$`)
	// Anchors tfplugindocs writes for nested attributes: <a id="nestedatt--policies"></a>.
	htmlAnchor = regexp.MustCompile(`<a id="([^"]+)">`)
	// Characters a heading's anchor drops, as GitHub and the registries make anchors.
	anchorDrop = regexp.MustCompile(`[^\p{L}\p{N} _-]`)
)

// anchor is the fragment a Markdown heading gets: lower case, punctuation dropped, spaces to "-".
func anchor(title string) string {
	return strings.ReplaceAll(anchorDrop.ReplaceAllString(strings.ToLower(title), ""), " ", "-")
}

// Every relative link of the generated pages and of the Markdown documents at the top level
// leads to a file that exists and, with a fragment, to one of its headings.
func TestRelativeLinksResolve(t *testing.T) {
	var pages []string
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			rel, _ := filepath.Rel(root, path)
			pages = append(pages, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, "README.md", "DESIGN.md", "DEVELOPERS.md")
	links := 0
	for _, page := range pages {
		for _, m := range mdLink.FindAllStringSubmatch(read(t, page), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			links++
			file, fragment, _ := strings.Cut(target, "#")
			resolved := page
			if file != "" {
				resolved = filepath.ToSlash(filepath.Join(filepath.Dir(page), file))
			}
			if pendingPages[resolved] {
				continue
			}
			text, err := os.ReadFile(filepath.Join(root, resolved))
			if err != nil {
				t.Errorf("%s links to %s: %s does not exist", page, target, resolved)
				continue
			}
			if fragment == "" || !strings.HasSuffix(resolved, ".md") {
				continue
			}
			found := false
			for _, a := range htmlAnchor.FindAllStringSubmatch(string(text), -1) {
				found = found || a[1] == fragment
			}
			for _, h := range heading.FindAllStringSubmatch(string(text), -1) {
				if anchor(h[1]) == fragment {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s links to %s: %s has no heading with the anchor #%s", page, target, resolved, fragment)
			}
		}
	}
	if links < 20 {
		t.Errorf("found only %d relative links: is the link pattern still right?", links)
	}
	for page := range pendingPages {
		if _, err := os.Stat(filepath.Join(root, page)); err == nil {
			t.Errorf("%s exists now: remove it from pendingPages", page)
		}
	}
}

func TestAnchor(t *testing.T) {
	for title, want := range map[string]string{
		"What changes in place, and what replaces the policy": "what-changes-in-place-and-what-replaces-the-policy",
		`A 404 means "deleted" only when Sequence says so`:    "a-404-means-deleted-only-when-sequence-says-so",
		"`terraform query` (Terraform 1.14+)":                 "terraform-query-terraform-114",
	} {
		if got := anchor(title); got != want {
			t.Errorf("anchor(%q) = %q, want %q", title, got, want)
		}
	}
}
