package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	resourcetest "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

func TestRecipientProblem(t *testing.T) {
	cases := []struct {
		channel, recipient string
		wantProblem        string // substring; "" = valid
	}{
		{sequence.ChannelEmail, "ops@example.com", ""},
		{sequence.ChannelEmail, "first.last+billing@sub.example.co.uk", ""},
		{sequence.ChannelEmail, "Mixed.Case@Example.com", ""},
		{sequence.ChannelEmail, `"quoted"@example.com`, ""},
		{sequence.ChannelEmail, `"first last"@example.com`, ""},
		{sequence.ChannelEmail, `"a@b"@example.com`, ""},
		{sequence.ChannelEmail, `"" <ops@example.com>`, "bare e-mail address"},
		{sequence.ChannelEmail, `"quoted" <ops@example.com>`, "bare e-mail address"},
		{sequence.ChannelEmail, `<"quoted"@example.com>`, "bare e-mail address"},
		{sequence.ChannelEmail, `"quoted"@ example.com`, "bare e-mail address"},
		{sequence.ChannelEmail, "ops@example.com (Ops)", "bare e-mail address"},
		{sequence.ChannelEmail, "", "must not be an empty string"},
		{sequence.ChannelEmail, "ops", "not a valid e-mail address"},
		{sequence.ChannelEmail, "ops@", "not a valid e-mail address"},
		{sequence.ChannelEmail, "a@b@example.com", "not a valid e-mail address"},
		{sequence.ChannelEmail, "Ops <ops@example.com>", "bare e-mail address"},
		{sequence.ChannelEmail, "<ops@example.com>", "bare e-mail address"},
		{sequence.ChannelEmail, " ops@example.com", "bare e-mail address"},
		{sequence.ChannelEmail, "ops@example.com ", "bare e-mail address"},
		{sequence.ChannelEmail, "https://hooks.example.com/a", "not a valid e-mail address"},
		{sequence.ChannelWebhook, "https://hooks.example.com/sequence", ""},
		{sequence.ChannelWebhook, "https://hooks.example.com:8443/a/b?x=1&y=%2F#frag", ""},
		{sequence.ChannelWebhook, "HTTPS://hooks.example.com/", ""},
		{sequence.ChannelWebhook, "", "must not be an empty string"},
		{sequence.ChannelWebhook, "http://hooks.example.com/", "only delivers webhooks to https URLs"},
		{sequence.ChannelWebhook, "ftp://hooks.example.com/", "uses ftp"},
		{sequence.ChannelWebhook, "/relative/path", "not an absolute URL"},
		{sequence.ChannelWebhook, "hooks.example.com/a", "not an absolute URL"},
		{sequence.ChannelWebhook, "https://", "not an absolute URL"},
		{sequence.ChannelWebhook, "https:opaque", "not an absolute URL"},
		{sequence.ChannelWebhook, "https://bad host/", "not a valid URL"},
		{sequence.ChannelWebhook, "ops@example.com", "not an absolute URL"},
		{"", "anything at all", ""}, // channel unknown: only the empty check applies
		{"", "", "must not be an empty string"},
	}
	for _, tc := range cases {
		t.Run(tc.channel+" "+tc.recipient, func(t *testing.T) {
			got := recipientProblem(tc.channel, tc.recipient)
			switch {
			case tc.wantProblem == "" && got != "":
				t.Errorf("recipientProblem = %q, want valid", got)
			case tc.wantProblem != "" && !strings.Contains(got, tc.wantProblem):
				t.Errorf("recipientProblem = %q, want it to contain %q", got, tc.wantProblem)
			}
		})
	}
}

func TestCaseInsensitiveDuplicates(t *testing.T) {
	got := caseInsensitiveDuplicates([]string{"b@example.com", "Ops@example.com", "B@example.com", "ops@example.com", "solo@example.com", "OPS@EXAMPLE.COM"})
	want := [][]string{{"B@example.com", "b@example.com"}, {"OPS@EXAMPLE.COM", "Ops@example.com", "ops@example.com"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("caseInsensitiveDuplicates = %q, want %q", got, want)
	}
	if got := caseInsensitiveDuplicates([]string{"a@example.com", "b@example.com"}); len(got) != 0 {
		t.Errorf("distinct addresses reported as duplicates: %q", got)
	}
}

func TestNotificationTypeWarning(t *testing.T) {
	for _, known := range sequence.KnownNotificationTypes {
		if w := notificationTypeWarning(known); w != "" {
			t.Errorf("known type %s gets a warning: %s", known, w)
		}
	}
	if w := notificationTypeWarning("PAYMENT_RECEIVED"); !strings.Contains(w, "sent to Sequence as written") {
		t.Errorf("unknown type warning = %q", w)
	}
	cases := []struct{ typ, suggestion string }{
		{"invoice_issued", `Did you mean "INVOICE_ISSUED"? Type names are upper case.`},
		{"INVOICE_ISSUE", `Did you mean "INVOICE_ISSUED"?`},
		{"INVOICE_ISUED", `Did you mean "INVOICE_ISSUED"?`},
		{"invoice_isued", `Did you mean "INVOICE_ISSUED"?`},
		{"CUSTOMER_CRAETED", `Did you mean "CUSTOMER_CREATED"?`},
		{"QUOTE_SIGN", `Did you mean "QUOTE_SIGNED"?`},
		{"CREDIT_NOTES_ISSUED", `Did you mean "CREDIT_NOTE_ISSUED"?`},
		{"PAYMENT_RECEIVED", ""}, // a plausible new type: no suggestion
		{"QUOTE", ""},            // too far from any name to be a typo
		{"X", ""},
	}
	for _, tc := range cases {
		w := notificationTypeWarning(tc.typ)
		if tc.suggestion == "" {
			if strings.Contains(w, "Did you mean") {
				t.Errorf("%s: warning suggests a type: %q", tc.typ, w)
			}
			continue
		}
		if !strings.Contains(w, tc.suggestion) {
			t.Errorf("%s: warning = %q, want %q", tc.typ, w, tc.suggestion)
		}
		if tc.typ == strings.ToUpper(tc.typ) && strings.Contains(w, "upper case") {
			t.Errorf("%s: warning about letter case for an upper-case name: %q", tc.typ, w)
		}
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "ABC", 3}, {"ABC", "", 3}, {"ABC", "ABC", 0},
		{"INVOICE_ISSUE", "INVOICE_ISSUED", 1}, {"KITTEN", "SITTING", 3}, {"ÄB", "AB", 1},
	}
	for _, tc := range cases {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestNotificationPolicyValidateConfig(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	unknownString := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	set := func(elems ...tftypes.Value) tftypes.Value {
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems)
	}
	cases := []struct {
		name         string
		attrs        map[string]tftypes.Value
		wantErrors   []string
		wantPaths    []path.Path
		wantWarnings []string
	}{
		{
			name:  "valid e-mail policy",
			attrs: map[string]tftypes.Value{"channel": str("EMAIL"), "recipients": set(str("ops@example.com"))},
		},
		{
			name:       "invalid e-mail reported at its element",
			attrs:      map[string]tftypes.Value{"channel": str("EMAIL"), "recipients": set(str("ops@example.com"), str("nope"))},
			wantErrors: []string{`"nope" is not a valid e-mail address`},
			wantPaths:  []path.Path{path.Root("recipients").AtSetValue(types.StringValue("nope"))},
		},
		{
			name:       "http webhook reported at its element",
			attrs:      map[string]tftypes.Value{"channel": str("WEBHOOK"), "recipients": set(str("http://h.example.com/"))},
			wantErrors: []string{"https"},
			wantPaths:  []path.Path{path.Root("recipients").AtSetValue(types.StringValue("http://h.example.com/"))},
		},
		{
			name:       "case-insensitive duplicate e-mails",
			attrs:      map[string]tftypes.Value{"channel": str("EMAIL"), "recipients": set(str("Ops@example.com"), str("ops@example.com"))},
			wantErrors: []string{"differ only in letter case"},
			wantPaths:  []path.Path{path.Root("recipients")},
		},
		{
			name:  "webhook URLs differing in case are distinct",
			attrs: map[string]tftypes.Value{"channel": str("WEBHOOK"), "recipients": set(str("https://h.example.com/A"), str("https://h.example.com/a"))},
		},
		{
			name:       "webhook_secret on EMAIL",
			attrs:      map[string]tftypes.Value{"channel": str("EMAIL"), "recipients": set(str("ops@example.com")), "webhook_secret": str("s")},
			wantErrors: []string{"only applies to channel"},
			wantPaths:  []path.Path{path.Root("webhook_secret")},
		},
		{
			name:  "unknown webhook_secret on EMAIL waits",
			attrs: map[string]tftypes.Value{"channel": str("EMAIL"), "recipients": set(str("ops@example.com")), "webhook_secret": unknownString},
		},
		{
			name:  "unknown channel: format checks wait",
			attrs: map[string]tftypes.Value{"channel": unknownString, "recipients": set(str("whatever"))},
		},
		{
			name:       "unknown channel: empty recipient still rejected",
			attrs:      map[string]tftypes.Value{"channel": unknownString, "recipients": set(str(""))},
			wantErrors: []string{"must not be an empty string"},
		},
		{
			name:  "unknown recipient element waits",
			attrs: map[string]tftypes.Value{"channel": str("EMAIL"), "recipients": set(unknownString, str("ops@example.com"))},
		},
		{
			name:  "unknown recipients set waits",
			attrs: map[string]tftypes.Value{"channel": str("EMAIL"), "recipients": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, tftypes.UnknownValue)},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &notificationPolicyResource{}
			resp := &resource.ValidateConfigResponse{}
			r.ValidateConfig(context.Background(), resource.ValidateConfigRequest{Config: policyTestConfig(t, r, tc.attrs)}, resp)
			assertDiagnostics(t, resp.Diagnostics, tc.wantErrors, tc.wantWarnings)
			for _, want := range tc.wantPaths {
				found := false
				for _, d := range resp.Diagnostics {
					if withPath, ok := d.(diag.DiagnosticWithPath); ok && withPath.Path().Equal(want) {
						found = true
					}
				}
				if !found {
					t.Errorf("no diagnostic at path %s: %v", want, resp.Diagnostics)
				}
			}
		})
	}
}

// policyTestConfig builds a resource configuration; attributes not given are null.
func policyTestConfig(t *testing.T, r resource.Resource, attrs map[string]tftypes.Value) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	objectType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("resource schema type is %T, want an object", schemaResp.Schema.Type().TerraformType(ctx))
	}
	values := make(map[string]tftypes.Value, len(objectType.AttributeTypes))
	for name, typ := range objectType.AttributeTypes {
		if v, ok := attrs[name]; ok {
			values[name] = v
		} else {
			values[name] = tftypes.NewValue(typ, nil)
		}
	}
	return tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objectType, values)}
}

// assertDiagnostics checks that the errors and warnings contain the wanted substrings, one
// diagnostic each, and nothing else.
func assertDiagnostics(t *testing.T, diags diag.Diagnostics, wantErrors, wantWarnings []string) {
	t.Helper()
	check := func(kind string, got diag.Diagnostics, want []string) {
		if len(got) != len(want) {
			t.Errorf("%d %s, want %d: %v", len(got), kind, len(want), got)
			return
		}
		for i, w := range want {
			if text := got[i].Summary() + ": " + got[i].Detail(); !strings.Contains(text, w) {
				t.Errorf("%s %d = %q, want it to contain %q", kind, i, text, w)
			}
		}
	}
	check("errors", diags.Errors(), wantErrors)
	check("warnings", diags.Warnings(), wantWarnings)
}

// A bare address with a quoted local part passes plan, is created, and is removed in place (its
// quotes survive the recipient path segment).
func TestAccNotificationPolicy_quotedLocalPartAccepted(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := func(recipients string) string {
		return testAccProviderConfig(srv) + `
resource "sequence_notification_policy" "test" {
  name       = "quoted"
  channel    = "EMAIL"
  recipients = ` + recipients + `
}
`
	}
	emulatorRecipients := func(want ...string) resourcetest.TestCheckFunc {
		return func(*terraform.State) error {
			policies := srv.Policies()
			if len(policies) != 1 {
				return fmt.Errorf("emulator holds %d policies, want 1", len(policies))
			}
			got := slices.Sorted(slices.Values(policies[0].Recipients))
			if !slices.Equal(got, want) {
				return fmt.Errorf("emulator recipients = %q, want %q", got, want)
			}
			return nil
		}
	}
	resourcetest.ParallelTest(t, resourcetest.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resourcetest.TestStep{
			{Config: config(`["\"first last\"@example.com", "ops@example.com"]`), Check: emulatorRecipients(`"first last"@example.com`, "ops@example.com")},
			{Config: config(`["ops@example.com"]`), Check: emulatorRecipients("ops@example.com")},
		},
	})
}

func TestRecipientFormProblem(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ops@example.com", ""},
		{"https://hooks.example.com/a?b=c:d", ""},
		{"", "must not be an empty string"},
		{"ops@example.com ", "contains white space"},
		{"https://hooks.example.com/a b", "contains white space"},
		{"ops\t@example.com", "contains white space"},
		{"http://hooks.example.com/a", "uses http"},
		{"ftp://hooks.example.com/a", "uses ftp"},
		{"hooks.example.com/a", "not a valid e-mail address"},
		{"Ops <ops@example.com>", "contains white space"},
		{"<ops@example.com>", "must be a bare e-mail address"},
		{"ops", "not a valid e-mail address"},
	} {
		got := recipientFormProblem(tc.in)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("recipientFormProblem(%q) = %q, want it to contain %q", tc.in, got, tc.want)
		}
	}
}
