package provider

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A name is blank by Sequence's rule (only ASCII spaces, tabs and line breaks), not by Unicode's;
// the empty string is LengthAtLeast's to report.
func TestNotBlankValidator(t *testing.T) {
	cases := []struct {
		value     types.String
		wantError bool
	}{
		{types.StringValue(" "), true},
		{types.StringValue(" \t\r\n"), true},
		{types.StringValue(""), false},
		{types.StringValue("x"), false},
		{types.StringValue(" ops "), false},
		{types.StringValue("\u00a0"), false},
		{types.StringNull(), false},
		{types.StringUnknown(), false},
	}
	for _, tc := range cases {
		attrPath := path.Root("name")
		resp := &validator.StringResponse{}
		notBlankValidator{}.ValidateString(context.Background(), validator.StringRequest{Path: attrPath, ConfigValue: tc.value}, resp)
		if resp.Diagnostics.HasError() != tc.wantError {
			t.Errorf("%s: errors = %v, want error: %v", tc.value, resp.Diagnostics, tc.wantError)
			continue
		}
		for _, d := range resp.Diagnostics {
			if withPath, ok := d.(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(attrPath) {
				t.Errorf("%s: diagnostic %q does not carry the attribute path", tc.value, d.Summary())
			}
		}
	}
}

func TestNotificationTypesValidator(t *testing.T) {
	unknownElement := types.SetValueMust(types.StringType, []attr.Value{types.StringUnknown()})
	cases := []struct {
		name         string
		value        types.Set
		wantErrors   []string
		wantWarnings []string
	}{
		{"null means all types", types.SetNull(types.StringType), nil, nil},
		{"unknown set waits", types.SetUnknown(types.StringType), nil, nil},
		{"unknown element waits", unknownElement, nil, nil},
		{"known types", stringSet([]string{"INVOICE_ISSUED", "QUOTE_SIGNED"}), nil, nil},
		{"empty set explains null", stringSet(nil), []string{"null means all types"}, nil},
		{"empty name", stringSet([]string{"INVOICE_ISSUED", ""}), []string{"must not be an empty string"}, nil},
		{"unknown name is a warning", stringSet([]string{"PAYMENT_RECEIVED"}), nil, []string{"PAYMENT_RECEIVED"}},
		{"one warning per distinct unknown name, named in its summary", stringSet([]string{"INVOICE_ISSUE", "QUOTE_SIGN", "QUOTE_SIGNED"}),
			nil, []string{`Unknown notification type "INVOICE_ISSUE"`, `Unknown notification type "QUOTE_SIGN"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := &validator.SetResponse{}
			notificationTypesValidator{}.ValidateSet(context.Background(), validator.SetRequest{
				Path: path.Root("notification_types"), ConfigValue: tc.value,
			}, resp)
			assertDiagnostics(t, resp.Diagnostics, tc.wantErrors, tc.wantWarnings)
		})
	}
}

func TestNotificationPoliciesFilterValidators(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		validator validator.String
		value     types.String
		want      []diag.Severity
		wantText  string
	}{
		{"valid regex", regexpValidator{}, types.StringValue(`^team-(a|b)-\d+$`), nil, ""},
		{"invalid regex", regexpValidator{}, types.StringValue(`team-(a`), []diag.Severity{diag.SeverityError}, "missing closing )"},
		{"Perl lookahead is not RE2", regexpValidator{}, types.StringValue(`^(?!ops)`), []diag.Severity{diag.SeverityError}, "invalid or unsupported Perl syntax"},
		{"null regex", regexpValidator{}, types.StringNull(), nil, ""},
		{"unknown regex waits for apply", regexpValidator{}, types.StringUnknown(), nil, ""},
		{"known type", notificationTypeFilterValidator{}, types.StringValue("INVOICE_ISSUED"), nil, ""},
		{"type the provider does not know warns", notificationTypeFilterValidator{}, types.StringValue("INVOICE_PAID"),
			[]diag.Severity{diag.SeverityWarning}, "not a notification type this provider version knows"},
		{"lower-case type warns with a suggestion", notificationTypeFilterValidator{}, types.StringValue("invoice_issued"),
			[]diag.Severity{diag.SeverityWarning}, `Did you mean "INVOICE_ISSUED"?`},
		{"empty type", notificationTypeFilterValidator{}, types.StringValue(""), []diag.Severity{diag.SeverityError}, "must not be an empty string"},
		{"null type", notificationTypeFilterValidator{}, types.StringNull(), nil, ""},
		{"unknown type waits for apply", notificationTypeFilterValidator{}, types.StringUnknown(), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			attrPath := path.Root("some_filter")
			resp := &validator.StringResponse{}
			tt.validator.ValidateString(context.Background(), validator.StringRequest{Path: attrPath, ConfigValue: tt.value}, resp)

			var got []diag.Severity
			for _, d := range resp.Diagnostics {
				got = append(got, d.Severity())
				withPath, ok := d.(diag.DiagnosticWithPath)
				if !ok || !withPath.Path().Equal(attrPath) {
					t.Errorf("diagnostic %q does not carry the attribute path %s", d.Summary(), attrPath)
				}
				if !strings.Contains(d.Detail(), tt.wantText) {
					t.Errorf("detail %q does not contain %q", d.Detail(), tt.wantText)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("severities = %v, want %v (%v)", got, tt.want, resp.Diagnostics)
			}
		})
	}
}
