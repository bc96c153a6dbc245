// Package pluginprofile lets the benchmark profile a plugin process (`go run ./tools/bench
// -cpuprofile DIR`). Only binaries built with the benchprofile tag can: a release build has the
// no-op in profile_off.go, so no environment variable makes a user's provider write files.
package pluginprofile

// DirEnv names the directory a benchprofile build writes its CPU profile to.
const DirEnv = "SEQUENCE_BENCH_CPUPROFILE_DIR"
