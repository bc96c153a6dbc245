// What a recipient is: the forms Sequence takes on each channel, and when two recipients of a
// policy are the same. The provider's plan-time checks and the client use these same rules.

package sequence

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"unicode"
)

// RecipientKey is Sequence's rule for "the same recipient", the one definition every comparison
// uses: two recipients of a policy on channel are the same exactly when their keys are equal.
// E-mail addresses compare with Unicode case folding (keys equal exactly when strings.EqualFold
// says so, unlike strings.ToLower, which separates "s" from "ſ" and joins "i" with "İ");
// webhook URLs, and recipients of any other channel, compare exactly.
func RecipientKey(channel, recipient string) string {
	if channel != ChannelEmail {
		return recipient
	}
	// Each rune becomes the smallest rune of its case-folding orbit.
	return strings.Map(func(r rune) rune {
		smallest := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			smallest = min(smallest, f)
		}
		return smallest
	}, recipient)
}

// EmailProblem says why s is not a recipient of an EMAIL policy, or returns "" when it is. Sequence
// takes a bare address (an RFC 5322 addr-spec) such as ops@example.com or "quoted"@example.com: no
// display name, no angle brackets, no surrounding spaces. The emulator's isBareEmail applies the
// same rule, written independently.
func EmailProblem(s string) string {
	addr, err := mail.ParseAddress(s)
	if err != nil || !strings.Contains(s, "@") {
		return fmt.Sprintf("%q is not a valid e-mail address; EMAIL policies take bare addresses such as ops@example.com", s)
	}
	if addr.Name != "" || !writtenAsAddrSpec(s, addr.Address) {
		return fmt.Sprintf("%q must be a bare e-mail address such as ops@example.com, without a display name, angle brackets or spaces", s)
	}
	return ""
}

// writtenAsAddrSpec reports whether s, which net/mail parsed as address with no display name, is
// written as a bare address: address itself, or address with its local part quoted, which
// net/mail returns unquoted ("\"quoted\"@example.com" parses to quoted@example.com). The domain
// must match exactly, which rules out "<...>" and white space around the '@'.
func writtenAsAddrSpec(s, address string) bool {
	if s == address {
		return true
	}
	at, addressAt := strings.LastIndex(s, "@"), strings.LastIndex(address, "@")
	if at < 0 || addressAt < 0 || s[at+1:] != address[addressAt+1:] {
		return false
	}
	local := s[:at]
	return len(local) >= 2 && local[0] == '"' && local[len(local)-1] == '"'
}

// WebhookURLProblem says why s is not a recipient of a WEBHOOK policy, or returns "" when it is:
// Sequence takes an absolute https URL with a host.
func WebhookURLProblem(s string) string {
	if strings.TrimSpace(s) != s {
		return fmt.Sprintf("%q has leading or trailing white space; WEBHOOK policies take absolute https URLs such as https://hooks.example.com/sequence", s)
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Sprintf("%q is not a valid URL; WEBHOOK policies take absolute https URLs such as https://hooks.example.com/sequence", s)
	}
	if !u.IsAbs() || u.Hostname() == "" {
		return fmt.Sprintf("%q is not an absolute URL; WEBHOOK policies take absolute https URLs such as https://hooks.example.com/sequence", s)
	}
	if u.Scheme != "https" {
		return fmt.Sprintf("%q uses %s; Sequence only delivers webhooks to https URLs", s, u.Scheme)
	}
	return ""
}
