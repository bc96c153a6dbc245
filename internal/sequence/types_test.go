package sequence

import (
	"strings"
	"testing"
)

// trickyAddresses holds spellings where Unicode case folding and lower-casing disagree: "ſ"
// (long s) folds to "s" but lower-cases to itself; "İ" lower-cases to "i̇" but folds to nothing
// else; the Kelvin sign folds to "k".
var trickyAddresses = []string{
	"sam@example.com", "SAM@example.com", "ſam@example.com",
	"kim@example.com", "\u212aim@example.com", "Kim@Example.COM",
	"i@example.com", "I@example.com", "İ@example.com", "i̇@example.com", "ı@example.com",
	"strasse@example.com", "straße@example.com",
}

// RecipientKey is Sequence's comparison: for e-mail addresses, keys are equal exactly when
// strings.EqualFold says the addresses are (as the emulator and Sequence compare them); webhook
// URLs are equal only when identical.
func TestRecipientKey(t *testing.T) {
	for _, a := range trickyAddresses {
		for _, b := range trickyAddresses {
			if got, want := RecipientKey(ChannelEmail, a) == RecipientKey(ChannelEmail, b), strings.EqualFold(a, b); got != want {
				t.Errorf("EMAIL %q and %q: same = %v, want %v", a, b, got, want)
			}
			if got, want := RecipientKey(ChannelWebhook, a) == RecipientKey(ChannelWebhook, b), a == b; got != want {
				t.Errorf("WEBHOOK %q and %q: same = %v, want %v", a, b, got, want)
			}
		}
	}
	if RecipientKey(ChannelWebhook, "https://hooks.example.com/A") == RecipientKey(ChannelWebhook, "https://hooks.example.com/a") {
		t.Error("webhook URLs differing in letter case are treated as one recipient")
	}
}

// Ambiguous-create recovery compares recipients with the same rule (it lower-cased them before,
// which joined "İ" with "i̇" and separated "ſ" from "s").
func TestCreateMatchingComparesRecipientsAsSequenceDoes(t *testing.T) {
	cases := []struct {
		stored, sent []string
		same         bool
	}{
		{[]string{"ſam@example.com"}, []string{"SAM@example.com"}, true},
		{[]string{"\u212aim@example.com", "ops@example.com"}, []string{"Ops@Example.com", "kim@example.com"}, true},
		{[]string{"i̇@example.com"}, []string{"İ@example.com"}, false},
		{[]string{"straße@example.com"}, []string{"strasse@example.com"}, false},
	}
	for _, tc := range cases {
		if got := SameSet(tc.stored, tc.sent, RecipientSetKey(ChannelEmail)); got != tc.same {
			t.Errorf("stored %q, sent %q: same = %v, want %v", tc.stored, tc.sent, got, tc.same)
		}
		stored := CreateNotificationPolicyRequest{Name: "x", Channel: ChannelEmail, Recipients: tc.stored}
		sent := CreateNotificationPolicyRequest{Name: "x", Channel: ChannelEmail, Recipients: tc.sent}
		if got := createFingerprint(stored) == createFingerprint(sent); got != tc.same {
			t.Errorf("stored %q, sent %q: same fingerprint = %v, want %v", tc.stored, tc.sent, got, tc.same)
		}
	}
}
