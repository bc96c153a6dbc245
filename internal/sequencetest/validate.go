package sequencetest

import (
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// recipientProblem says why r is not a valid recipient for channel, or "" when it is.
func recipientProblem(channel, r string) string {
	switch channel {
	case channelEmail:
		if !isBareEmail(r) {
			return "not a valid e-mail address"
		}
	case channelWebhook:
		if !isHTTPSURL(r) {
			return "not an absolute https URL"
		}
	}
	return ""
}

// isBareEmail accepts an address without display name or angle brackets: an RFC 5322 addr-spec
// such as "a@example.com" or "\"quoted\"@example.com", not "A <a@example.com>".
func isBareEmail(s string) bool {
	if s == "" || strings.TrimSpace(s) != s {
		return false
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" {
		return false
	}
	if addr.Address == s {
		return true
	}
	// net/mail returns a quoted local part unquoted: accept s when it is addr.Address with its
	// local part in quotes, and the domain exactly as parsed.
	at, addrAt := strings.LastIndex(s, "@"), strings.LastIndex(addr.Address, "@")
	if at < 0 || addrAt < 0 || s[at+1:] != addr.Address[addrAt+1:] {
		return false
	}
	local := s[:at]
	return len(local) >= 2 && local[0] == '"' && local[len(local)-1] == '"'
}

func isHTTPSURL(s string) bool {
	if s == "" || strings.TrimSpace(s) != s {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Opaque == "" && u.Hostname() != ""
}

// sameRecipient compares e-mail addresses case-insensitively (stored as sent) and URLs exactly.
func sameRecipient(channel, a, b string) bool {
	if channel == channelEmail {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// validRecipients checks each recipient for the channel, reporting errors under
// "<key>[i]", and returns them without duplicates, first spelling kept.
func validRecipients(channel, key string, recipients []string, errs *[]fieldError) []string {
	var out []string
	for i, r := range recipients {
		if problem := recipientProblem(channel, r); problem != "" {
			*errs = append(*errs, fieldError{Key: key + "[" + strconv.Itoa(i) + "]", Error: problem})
			continue
		}
		out = appendRecipient(channel, out, r)
	}
	return out
}

func appendRecipient(channel string, list []string, r string) []string {
	for _, have := range list {
		if sameRecipient(channel, have, r) {
			return list
		}
	}
	return append(list, r)
}

// validTypesLocked checks each type against the emulator's valid set and returns them without
// duplicates. Callers hold e.mu.
func (e *Emulator) validTypesLocked(key string, types []string, errs *[]fieldError) []string {
	var out []string
	for i, t := range types {
		if !e.validTypes[t] {
			*errs = append(*errs, fieldError{Key: key + "[" + strconv.Itoa(i) + "]", Error: "unknown notification type " + strconv.Quote(t)})
			continue
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
