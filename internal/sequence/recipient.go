package sequence

import (
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
