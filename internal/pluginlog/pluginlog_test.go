package pluginlog

import (
	"maps"
	"testing"
)

func TestQuietDefaults(t *testing.T) {
	quiet := map[string]string{"TF_LOG_SDK": "off", "TF_LOG_PROVIDER_SEQUENCE": "off"}
	tests := []struct {
		name    string
		environ []string
		want    map[string]string
	}{
		{"no log variable: SDK and provider logs off", []string{"HOME=/home/u", "PATH=/bin"}, quiet},
		{"an empty TF_LOG is no request for logs", []string{"TF_LOG="}, quiet},
		{"variables that only look alike do not count", []string{"MY_TF_LOG=debug", "TFLOG=trace"}, quiet},
		{"TF_LOG keeps today's logs", []string{"TF_LOG=DEBUG"}, nil},
		{"TF_LOG_PROVIDER keeps today's logs", []string{"TF_LOG_PROVIDER=TRACE"}, nil},
		{"TF_LOG_SDK is the user's", []string{"TF_LOG_SDK=trace"}, nil},
		{"TF_LOG_SDK_FRAMEWORK is the user's", []string{"TF_LOG_SDK_FRAMEWORK=debug"}, nil},
		{"TF_LOG_SDK_PROTO is the user's", []string{"TF_LOG_SDK_PROTO=trace"}, nil},
		{"TF_LOG_PATH alone keeps today's logs", []string{"TF_LOG_PATH=/tmp/tf.log"}, nil},
		{"TF_LOG_PROVIDER_SEQUENCE keeps today's logs", []string{"TF_LOG_PROVIDER_SEQUENCE=debug"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := QuietDefaults(tt.environ); !maps.Equal(got, tt.want) {
				t.Errorf("QuietDefaults(%q) = %v, want %v", tt.environ, got, tt.want)
			}
		})
	}
}
