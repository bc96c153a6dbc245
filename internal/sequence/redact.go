// Redaction: the one home of the rules that keep secrets (credentials, webhook
// secrets) out of every error and log line the client produces.

package sequence

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

const maskedValue = "***"

// webhookSecretPattern finds a webhookSecret member in text that is not
// valid JSON (truncated bodies), including a value cut off before its quote.
var webhookSecretPattern = regexp.MustCompile(`("webhookSecret"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s]+)`)

// maskWebhookSecrets replaces the value of every webhookSecret member of a
// JSON document (at any depth) with "***"; text that is not JSON is masked
// by pattern.
func maskWebhookSecrets(text string) string {
	var doc any
	if err := json.Unmarshal([]byte(text), &doc); err == nil {
		if maskJSON(doc) {
			if masked, err := json.Marshal(doc); err == nil {
				return string(masked)
			}
		}
		return text
	}
	return webhookSecretPattern.ReplaceAllString(text, `${1}"`+maskedValue+`"`)
}

func maskJSON(v any) (changed bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, inner := range v {
			if k == "webhookSecret" {
				v[k] = maskedValue
				changed = true
				continue
			}
			changed = maskJSON(inner) || changed
		}
	case []any:
		for _, inner := range v {
			changed = maskJSON(inner) || changed
		}
	}
	return changed
}

// generatedWebhookSecret matches secrets in the form Sequence generates, for
// text (an echoed body, say) that may carry one this client never saw.
var generatedWebhookSecret = regexp.MustCompile(`whsec_[A-Za-z0-9_\-]{8,}`)

// redactSecrets replaces each secret where secretPattern finds it, and anything
// that looks like a generated webhook secret, in s.
func redactSecrets(s string, secrets []string) string {
	return redactSecretsOutside(s, secrets, nil)
}

// redactSecretsOutside is redactSecrets, except that a secret shorter than
// minSubstringSecret is left alone inside the spans own finds: text the client
// wrote itself (its request URLs, the operation), where a whole-word match is
// one of the API's path words or a word of the endpoint, not the secret.
// Longer secrets are redacted everywhere, as there a match is no coincidence.
func redactSecretsOutside(s string, secrets []string, own func(string) [][]int) string {
	for _, secret := range secrets {
		if secret == "" || !strings.Contains(s, secret) {
			continue
		}
		re := secretPattern(secret)
		switch {
		case re == nil:
			s = strings.ReplaceAll(s, secret, redacted)
		case len(secret) >= minSubstringSecret || own == nil:
			s = re.ReplaceAllLiteralString(s, redacted)
		default:
			s = replaceOutside(s, re, own(s))
		}
	}
	return generatedWebhookSecret.ReplaceAllString(s, "whsec_[REDACTED]")
}

const redacted = "[REDACTED]"

// replaceOutside replaces each match of re in s that does not lie within one of spans.
func replaceOutside(s string, re *regexp.Regexp, spans [][]int) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		if slices.ContainsFunc(spans, func(span []int) bool { return span[0] <= m[0] && m[1] <= span[1] }) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(redacted)
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// ownTextPattern finds what the client writes itself from the endpoint base:
// request URLs (the endpoint followed by the API's path and query, up to a
// space or quote) and the endpoint's host (as transport errors name it). None
// holds a secret unless the endpoint does, and the endpoint is configuration
// the provider logs as it is (ParseEndpoint refuses credentials in it).
func ownTextPattern(base *url.URL) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(base.String()) + `[^\s"]*|` + regexp.QuoteMeta(base.Host))
}

// minSubstringSecret is the length from which a secret is redacted wherever it
// occurs. Such a secret inside a longer word is still that secret (say after a
// "%3D" in an echoed form), while a shorter one inside a word is coincidence:
// redacting client secret "s" everywhere turned "listing notification policies"
// into "li[REDACTED]ting notification policie[REDACTED]".
const minSubstringSecret = 8

// secretPattern matches secret in text: anywhere when it is at least
// minSubstringSecret bytes long, else only as a whole token (not preceded or
// followed by a letter, digit or underscore where the secret itself starts or
// ends with one). It returns nil for a secret no pattern can hold (invalid
// UTF-8); callers then replace it as a plain substring.
func secretPattern(secret string) *regexp.Regexp {
	expr := regexp.QuoteMeta(secret)
	if len(secret) < minSubstringSecret {
		if isWordByte(secret[0]) {
			expr = `\b` + expr
		}
		if isWordByte(secret[len(secret)-1]) {
			expr += `\b`
		}
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil
	}
	return re
}

// isWordByte is RE2's ASCII \w, the characters \b tells apart.
func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// secrets are the strings no error or log line of call may contain.
func (c *Client) secrets(call *apiCall) []string {
	if len(call.redact) == 0 {
		return c.redact
	}
	return append(append([]string(nil), c.redact...), call.redact...)
}

// redactError is err's text without secrets, for a log line.
func (c *Client) redactError(call *apiCall, err error) string {
	return redactSecretsOutside(err.Error(), c.secrets(call), ownSpans(c.ownText))
}

// ownSpans finds the matches of ownText (none when nil).
func ownSpans(ownText *regexp.Regexp) func(string) [][]int {
	return func(s string) [][]int {
		if ownText == nil {
			return nil
		}
		return ownText.FindAllStringIndex(s, -1)
	}
}
