//go:build !benchprofile

package pluginprofile

import (
	"os"
	"testing"
)

// A build without the benchprofile tag (every release build) writes no profile, whatever the
// environment says.
func TestStartWritesNothingWithoutTheTag(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(DirEnv, dir)
	Start()()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
}
