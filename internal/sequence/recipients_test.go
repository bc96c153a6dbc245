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

func TestEmailProblem(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ops@example.com", ""},
		{`"first last"@example.com`, ""},
		{"Ops <ops@example.com>", "must be a bare e-mail address"},
		{"<ops@example.com>", "must be a bare e-mail address"},
		{" ops@example.com", "must be a bare e-mail address"},
		{"ops", "is not a valid e-mail address"},
		{"a@b@example.com", "is not a valid e-mail address"},
	} {
		got := EmailProblem(tc.in)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("EmailProblem(%q) = %q, want it to contain %q", tc.in, got, tc.want)
		}
	}
}

func TestWebhookURLProblem(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://hooks.example.com/sequence", ""},
		{"HTTPS://hooks.example.com/", ""},
		{"https://hooks.example.com/a ", "leading or trailing white space"},
		{"https://bad host/", "is not a valid URL"},
		{"hooks.example.com/a", "is not an absolute URL"},
		{"https://", "is not an absolute URL"},
		{"http://hooks.example.com/", "uses http; Sequence only delivers webhooks to https URLs"},
	} {
		got := WebhookURLProblem(tc.in)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("WebhookURLProblem(%q) = %q, want it to contain %q", tc.in, got, tc.want)
		}
	}
}
