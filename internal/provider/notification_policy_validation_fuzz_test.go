package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// Seeds run on every `go test`; `go test -run '^$' -fuzz '^FuzzX$' ./internal/provider/` explores
// further. Terraform strings are always valid UTF-8, so other inputs are skipped.

// emulatorAcceptsRecipient asks the emulator, our model of the Sequence API, whether it would create
// a policy with this one recipient. It answers through the handler in-process, without a network.
func emulatorAcceptsRecipient(t *testing.T, e *sequencetest.Emulator, channel, recipient string) bool {
	t.Helper()
	body, err := json.Marshal(map[string]any{"name": "fuzz", "channel": channel, "recipients": []string{recipient}})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/api/notifications/policies", bytes.NewReader(body))
	req.SetBasicAuth(sequencetest.DefaultClientID, sequencetest.DefaultClientSecret)
	req.Header.Set("Sequence-Version", sequence.APIVersion)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	switch rec.Code {
	case http.StatusCreated:
		var created struct{ ID string }
		if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || !e.DeletePolicy(created.ID) {
			t.Fatalf("emulator created a policy it cannot delete: %s", rec.Body)
		}
		return true
	case http.StatusBadRequest:
		if !strings.Contains(rec.Body.String(), `"recipients[0]"`) {
			t.Fatalf("emulator refused the policy for another reason than its recipient: %s", rec.Body)
		}
		return false
	}
	t.Fatalf("emulator answered %d: %s", rec.Code, rec.Body)
	return false
}

// Plan-time recipient validation agrees with the API: whatever plan accepts, the create accepts,
// and plan refuses nothing the API would take. A refusal names the recipient it refuses.
func FuzzRecipientProblem(f *testing.F) {
	for _, seed := range []struct {
		webhook   bool
		recipient string
	}{
		{false, "ops@example.com"}, {false, "Ops.Team+billing@example.co.uk"}, {false, ""}, {false, " "},
		{false, "ops@example.com "}, {false, " ops@example.com"}, {false, "Ops <ops@example.com>"},
		{false, "<ops@example.com>"}, {false, "ops@team@example.com"}, {false, "ops"}, {false, "@example.com"},
		{false, `"quoted local"@example.com`}, {false, `"quoted"@example.com`}, {false, `"a@b"@example.com`},
		{false, `"" <ops@example.com>`}, {false, `<"quoted"@example.com>`}, {false, `"quoted"@ example.com`},
		{false, `"quoted" @example.com`}, {false, `"a"b@example.com`}, {false, "ops@[127.0.0.1]"}, {false, "δοκιμή@παράδειγμα.δοκιμή"},
		{false, "ops@example.com, dev@example.com"}, {false, "ops@example.com\n"}, {false, "(comment)ops@example.com"},
		{true, "https://hooks.example.com/sequence"}, {true, "https://hooks.example.com/a?b=c#d"},
		{true, "https://hooks.example.com:8443/x%20y"}, {true, "https://[::1]/hook"}, {true, "https://"},
		{true, "https:///path"}, {true, "https:hooks.example.com"}, {true, "http://hooks.example.com/"},
		{true, "HTTPS://HOOKS.EXAMPLE.COM/"}, {true, "https://user:pass@hooks.example.com/"},
		{true, "https://hooks example.com/"}, {true, " https://hooks.example.com/"},
		{true, "https://hooks.example.com/\t"}, {true, "hooks.example.com"}, {true, "ops@example.com"}, {true, ""},
	} {
		f.Add(seed.webhook, seed.recipient)
	}
	emulator := sequencetest.New()
	f.Fuzz(func(t *testing.T, webhook bool, recipient string) {
		if !utf8.ValidString(recipient) {
			t.Skip("Terraform strings are valid UTF-8")
		}
		channel := sequence.ChannelEmail
		if webhook {
			channel = sequence.ChannelWebhook
		}
		problem := recipientProblem(channel, recipient)
		if problem != "" && recipient != "" && !strings.Contains(problem, strconv.Quote(recipient)) {
			t.Errorf("recipientProblem(%s, %q) = %q does not name the recipient", channel, recipient, problem)
		}
		if problem == "" && recipient == "" {
			t.Errorf("recipientProblem(%s, \"\") accepted an empty recipient", channel)
		}
		accepted := emulatorAcceptsRecipient(t, emulator, channel, recipient)
		switch {
		case problem == "" && !accepted:
			t.Errorf("plan accepts %s recipient %q, which the API refuses: the apply would fail", channel, recipient)
		case problem != "" && accepted:
			t.Errorf("plan refuses %s recipient %q (%s), which the API accepts", channel, recipient, problem)
		}
	})
}

// caseInsensitiveDuplicates finds exactly the addresses Sequence treats as one recipient (compared
// ignoring letter case), grouped, each group sorted without repeats.
func FuzzCaseInsensitiveDuplicates(f *testing.F) {
	for _, seed := range []string{
		"ops@example.com\nOps@example.com", "a@x\nA@x\nb@x\nB@X\nb@x", "ops@example.com\nops@example.com",
		"ß@x\nSS@x", "k@x\nK@x\n\u212a@x", "", "\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, list string) {
		if !utf8.ValidString(list) {
			t.Skip("Terraform strings are valid UTF-8")
		}
		addresses := strings.Split(list, "\n")
		groups := caseInsensitiveDuplicates(addresses)
		grouped := map[string]int{} // address -> group index
		for i, g := range groups {
			if len(g) < 2 || !slices.IsSorted(g) || len(slices.Compact(slices.Clone(g))) != len(g) {
				t.Fatalf("group %q is not two or more distinct addresses in order", g)
			}
			for _, a := range g {
				if !slices.Contains(addresses, a) {
					t.Fatalf("group %q holds %q, which is not an input", g, a)
				}
				if !strings.EqualFold(a, g[0]) {
					t.Errorf("group %q joins addresses that differ in more than letter case", g)
				}
				grouped[a] = i
			}
		}
		for _, a := range addresses {
			for _, b := range addresses {
				if a == b || !strings.EqualFold(a, b) {
					continue
				}
				ga, okA := grouped[a]
				gb, okB := grouped[b]
				if !okA || !okB || ga != gb {
					t.Errorf("%q and %q differ only in letter case but are not reported together (groups %q)", a, b, groups)
				}
			}
		}
	})
}

// notification_types: an error exactly for an empty set or an empty name, a warning exactly for
// each non-empty name the provider does not know, which quotes it; never a panic.
func FuzzNotificationTypesValidator(f *testing.F) {
	for _, seed := range []string{
		"INVOICE_ISSUED", "INVOICE_ISSUED\nCUSTOMER_CREATED", "invoice_issued", "PAYMENT_RECEIVED", "",
		"\n", "INVOICE_ISSUED\n", "Invoice_Issued\nQUOTE_SIGNED", "ı", "\u0130NVOICE_ISSUED", "\x00",
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, list string, empty bool) {
		if !utf8.ValidString(list) {
			t.Skip("Terraform strings are valid UTF-8")
		}
		var names []string
		if !empty {
			names = strings.Split(list, "\n")
		}
		resp := &validator.SetResponse{}
		notificationTypesValidator{}.ValidateSet(context.Background(), validator.SetRequest{
			Path: path.Root("notification_types"), ConfigValue: stringSet(names),
		}, resp)

		distinct := slices.Compact(slices.Sorted(slices.Values(names)))
		wantError := len(distinct) == 0 || slices.Contains(distinct, "")
		if got := resp.Diagnostics.HasError(); got != wantError {
			t.Errorf("types %q: error = %v, want %v: %v", distinct, got, wantError, resp.Diagnostics)
		}
		var wantWarnings []string
		for _, n := range distinct {
			if n != "" && !slices.Contains(sequence.KnownNotificationTypes, n) {
				wantWarnings = append(wantWarnings, n)
			}
		}
		warnings := resp.Diagnostics.Warnings()
		if len(warnings) != len(wantWarnings) {
			t.Fatalf("types %q: %d warnings, want one for each of %q: %v", distinct, len(warnings), wantWarnings, warnings)
		}
		for _, n := range wantWarnings {
			if !slices.ContainsFunc(warnings, func(w diag.Diagnostic) bool { return strings.Contains(w.Detail(), strconv.Quote(n)) }) {
				t.Errorf("no warning quotes unknown type %q: %v", n, warnings)
			}
		}
	})
}
