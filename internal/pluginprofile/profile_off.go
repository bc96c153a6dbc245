//go:build !benchprofile

package pluginprofile

// Start does nothing in a build without the benchprofile tag (see profile.go).
func Start() (stop func()) { return func() {} }
