// Package pluginlog holds the log settings a provider plugin process gives itself at start-up.
// The Sequence provider (main.go) and the benchmark's plugin floor (tools/bench/floorprovider)
// both use it, so the floor is measured with the provider's defaults.
package pluginlog

import (
	"os"
	"strings"
)

// QuietDefaults returns the log settings the plugin process applies to itself when the user
// asked for no logs: every logger of the plugin off, the framework's and plugin protocol's (SDK)
// and the provider's own. Terraform and OpenTofu read every line a plugin writes to stderr and,
// without TF_LOG, discard it, so those lines (TRACE by default, several per request) only cost
// time in both processes. Any TF_LOG* variable (TF_LOG, TF_LOG_PROVIDER, TF_LOG_SDK,
// TF_LOG_SDK_FRAMEWORK, TF_LOG_PATH, ...) means the user is looking: then nothing changes and the
// same lines appear as without this package.
func QuietDefaults(environ []string) map[string]string {
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_LOG") && value != "" {
			return nil
		}
	}
	return map[string]string{
		// terraform-plugin-log's SDK root logger; its subsystems (proto, framework) inherit its
		// level unless their own TF_LOG_SDK_* variable is set, and none is here.
		"TF_LOG_SDK": "off",
		// The provider's logger (and its "sequence" subsystem): terraform-plugin-go reads
		// TF_LOG_PROVIDER_<name>, the name being the last part of the provider's address.
		"TF_LOG_PROVIDER_SEQUENCE": "off",
	}
}

// ApplyQuietDefaults sets QuietDefaults in the process environment, where the plugin servers
// read them. Call it before serving, and not in debug mode, where the plugin's stderr is the
// user's terminal.
func ApplyQuietDefaults() error {
	for name, value := range QuietDefaults(os.Environ()) {
		if err := os.Setenv(name, value); err != nil {
			return err
		}
	}
	return nil
}
