//go:build benchprofile

package pluginprofile

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// Start begins a CPU profile of this process when DirEnv is set, written to
// DIR/<executable>-<pid>.pprof, and returns the function that finishes it: call it once the
// plugin stopped serving.
func Start() (stop func()) {
	dir := os.Getenv(DirEnv)
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%d.pprof", filepath.Base(os.Args[0]), os.Getpid())))
	if err != nil {
		fmt.Fprintf(os.Stderr, "pluginprofile: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "pluginprofile: %v\n", err)
		_ = f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
