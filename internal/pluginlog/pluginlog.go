// Package pluginlog holds the log settings a provider plugin process gives itself at start-up.
// The Sequence provider (main.go) and the benchmark's plugin floor (tools/bench/floorprovider)
// both use it, so the floor is measured with the provider's defaults.
package pluginlog

import (
	"os"
	"strings"
)

// QuietDefaults returns the log settings the plugin process applies to itself when the user
// asked for no logs: the framework's and the plugin protocol's own (SDK) loggers off. Terraform
// and OpenTofu read every line a plugin writes to stderr and, without TF_LOG, discard it, so the
// SDK's TRACE lines only cost time. Any TF_LOG* variable (TF_LOG, TF_LOG_PROVIDER, TF_LOG_SDK,
// TF_LOG_SDK_FRAMEWORK, TF_LOG_PATH, ...) means the user is looking: then nothing changes and
// the same lines appear as without this package. The provider's own logs are left alone.
func QuietDefaults(environ []string) map[string]string {
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_LOG") && value != "" {
			return nil
		}
	}
	// TF_LOG_SDK sets terraform-plugin-log's SDK root logger; its subsystems (proto, framework)
	// inherit its level unless their own TF_LOG_SDK_* variable is set, and none is here.
	return map[string]string{"TF_LOG_SDK": "off"}
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
