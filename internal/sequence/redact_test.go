package sequence

import "testing"

// Secrets are redacted wherever they stand, but a secret too short to be told from a piece of a
// word is redacted only as a whole token, so it cannot garble the rest of the message.
func TestRedactSecrets(t *testing.T) {
	cases := []struct {
		name, text string
		secrets    []string
		want       string
	}{
		{"short secret as a token", "listing notification policies: 400: secret s rejected", []string{"s"},
			"listing notification policies: 400: secret [REDACTED] rejected"},
		{"short secret alone", "s", []string{"s"}, "[REDACTED]"},
		{"short secret between punctuation", `key=s&x "s"`, []string{"s"}, `key=[REDACTED]&x "[REDACTED]"`},
		{"short secret inside words is left alone", "tab abc", []string{"ab"}, "tab abc"},
		{"short secret with punctuation at its edges matches anywhere", "a-x-b", []string{"-x-"}, "a[REDACTED]b"},
		{"short secret with regexp metacharacters", "pw is a.b*c", []string{"a.b*c"}, "pw is [REDACTED]"},
		{"long secret inside a word", "form: secret%3Dlongsecret99&x", []string{"longsecret99"}, "form: secret%3D[REDACTED]&x"},
		{"long secret everywhere", "xtest-client-secret-5f1c9ax", []string{testClientSecret}, "x[REDACTED]x"},
		{"generated webhook secrets", "got whsec_abcdefgh123", nil, "got whsec_[REDACTED]"},
		{"invalid UTF-8 secret falls back to substrings", "a\xffb", []string{"\xff"}, "a[REDACTED]b"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := redactSecrets(tc.text, tc.secrets); got != tc.want {
				t.Errorf("redactSecrets(%q, %q) = %q, want %q", tc.text, tc.secrets, got, tc.want)
			}
		})
	}
}

// In text the client wrote itself only secrets long enough not to be a word by coincidence are
// redacted; everywhere else the usual rule applies.
func TestRedactSecretsOutsideTheClientsOwnText(t *testing.T) {
	own := ownSpans(ownTextPattern(must(ParseEndpoint("http://127.0.0.1:8080/api"))(t)))
	cases := []struct {
		name, text string
		secrets    []string
		want       string
	}{
		{"short secret in a request URL is kept", `Get "http://127.0.0.1:8080/api/notifications/policies?limit=100": api`,
			[]string{"api"}, `Get "http://127.0.0.1:8080/api/notifications/policies?limit=100": [REDACTED]`},
		{"short secret in the host is kept", "dial tcp 127.0.0.1:8080: secret 8080", []string{"8080"},
			"dial tcp 127.0.0.1:8080: secret [REDACTED]"},
		{"long secret in a request URL is redacted", `Get "http://127.0.0.1:8080/api/x/longsecret99"`, []string{"longsecret99"},
			`Get "http://127.0.0.1:8080/api/x/[REDACTED]"`},
		{"another host's URL is not the client's own", "see http://evil.example/api", []string{"api"}, "see http://evil.example/[REDACTED]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := redactSecretsOutside(tc.text, tc.secrets, own); got != tc.want {
				t.Errorf("redactSecretsOutside(%q, %q) = %q, want %q", tc.text, tc.secrets, got, tc.want)
			}
		})
	}
}

func TestMaskWebhookSecrets(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"policy", `{"id":"p1","webhookSecret":"whsec_x"}`, `{"id":"p1","webhookSecret":"***"}`},
		{"list items", `{"items":[{"webhookSecret":"a"},{"webhookSecret":"b"}]}`, `{"items":[{"webhookSecret":"***"},{"webhookSecret":"***"}]}`},
		{"no secret is left as it is", `{"id": "p1"}`, `{"id": "p1"}`},
		{"truncated JSON", `{"id":"p1","webhookSecret":"whsec_tru`, `{"id":"p1","webhookSecret":"***"`},
		{"truncated JSON with escaped quote", `{"webhookSecret":"a\"b","x":1`, `{"webhookSecret":"***","x":1`},
		{"unquoted value in broken JSON", `{"webhookSecret": 123, `, `{"webhookSecret": "***", `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := maskWebhookSecrets(tt.in); got != tt.want {
				t.Errorf("maskWebhookSecrets(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}
