//go:build benchprofile

package pluginprofile

import (
	"os"
	"testing"
)

// go test -tags benchprofile ./internal/pluginprofile: a benchprofile build writes one profile.
func TestStartWritesAProfile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(DirEnv, dir)
	Start()()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("files written: %v, want one profile", entries)
	}
	if info, err := entries[0].Info(); err != nil || info.Size() == 0 {
		t.Errorf("profile %s empty or unreadable: %v", entries[0].Name(), err)
	}
}
