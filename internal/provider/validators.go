// The provider's custom attribute validators, one home for all: what they accept is the plan-time
// rule, and their diagnostics name the attribute path, what was wrong and what is allowed.

package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

// notBlankValidator refuses a value made only of spaces, tabs and line breaks, which Sequence
// refuses as blank; the empty string is left to LengthAtLeast(1), so it gets one error, not two.
type notBlankValidator struct{}

var _ validator.String = notBlankValidator{}

func (notBlankValidator) Description(context.Context) string {
	return "must not be blank (only spaces, tabs or line breaks)"
}

func (v notBlankValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (notBlankValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	// The same characters as Sequence's blank check: ASCII space, tab, line feed, carriage return.
	if v := req.ConfigValue.ValueString(); v != "" && strings.Trim(v, " \t\n\r") == "" {
		// The value is not echoed: this validator also guards secrets.
		resp.Diagnostics.AddAttributeError(req.Path, "Blank "+req.Path.String(),
			fmt.Sprintf("%s must contain a character other than spaces, tabs and line breaks, because Sequence refuses blank values.",
				req.Path))
	}
}

// channelValidator accepts the two channels Sequence has. A value that is one of them in another
// letter case gets the upper-case spelling to use, since that is the usual slip.
type channelValidator struct{}

var _ validator.String = channelValidator{}

func (channelValidator) Description(context.Context) string {
	return fmt.Sprintf("must be %q or %q (upper case)", sequence.ChannelEmail, sequence.ChannelWebhook)
}

func (v channelValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (channelValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	got := req.ConfigValue.ValueString()
	if got == sequence.ChannelEmail || got == sequence.ChannelWebhook {
		return
	}
	detail := fmt.Sprintf("%s is %q; it must be %q or %q.", req.Path, got, sequence.ChannelEmail, sequence.ChannelWebhook)
	if upper := strings.ToUpper(got); upper == sequence.ChannelEmail || upper == sequence.ChannelWebhook {
		detail = fmt.Sprintf("%s is %q, but channel values are upper case: use %q.", req.Path, got, upper)
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid channel", detail)
}

// recipientsValidator refuses an empty recipients set with the reason, which the framework's size
// validator does not give.
type recipientsValidator struct{}

var _ validator.Set = recipientsValidator{}

func (recipientsValidator) Description(context.Context) string {
	return "must contain at least one recipient"
}

func (v recipientsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (recipientsValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || len(req.ConfigValue.Elements()) > 0 {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "No recipients",
		"A notification policy needs at least one recipient, and Sequence refuses one without: list an e-mail address "+
			"(such as ops@example.com) for an EMAIL policy, or an https URL for a WEBHOOK policy. To stop notifications, "+
			"remove the policy instead.")
}

// notificationTypesValidator checks notification_types: not an empty set (null means all types),
// no empty names, and a warning for names the provider does not know.
type notificationTypesValidator struct{}

var _ validator.Set = notificationTypesValidator{}

func (notificationTypesValidator) Description(context.Context) string {
	return "must be null (all types) or a non-empty set of notification type names"
}

func (v notificationTypesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (notificationTypesValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	if len(elems) == 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Empty notification_types",
			"notification_types is an empty set, which would match no events. To receive every notification type, "+
				"leave notification_types unset (null means all types, including ones Sequence adds later); "+
				"otherwise list at least one type.")
		return
	}
	for _, e := range elems {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		elemPath := req.Path.AtSetValue(s)
		if s.ValueString() == "" {
			resp.Diagnostics.AddAttributeError(elemPath, "Invalid notification type", "a notification type must not be an empty string")
			continue
		}
		if warning := notificationTypeWarning(s.ValueString()); warning != "" {
			// The name is in the summary: the CLI folds warnings with one summary into "and N more
			// similar warnings", which must not hide a second, different typo.
			resp.Diagnostics.AddAttributeWarning(elemPath, fmt.Sprintf("Unknown notification type %q", s.ValueString()), warning)
		}
	}
}

// recipientFormValidator applies recipientFormProblem at plan time.
type recipientFormValidator struct{}

var _ validator.String = recipientFormValidator{}

func (recipientFormValidator) Description(context.Context) string {
	return "must be an e-mail address or an absolute https URL, without white space"
}

func (v recipientFormValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (recipientFormValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := recipientFormProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid recipient", problem+".")
	}
}

// regexpValidator rejects a string that is not a valid Go regular expression, at plan time.
type regexpValidator struct{}

var _ validator.String = regexpValidator{}

func (regexpValidator) Description(context.Context) string {
	return "must be a valid regular expression (Go RE2 syntax)"
}

func (v regexpValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (regexpValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("%q is not a valid regular expression (Go RE2 syntax, https://pkg.go.dev/regexp/syntax): %s",
				req.ConfigValue.ValueString(), err))
	}
}

// notificationTypeFilterValidator checks the notification_type filter: not empty, and a warning for
// a name the provider does not know (worded by the resource's notificationTypeWarning).
type notificationTypeFilterValidator struct{}

var _ validator.String = notificationTypeFilterValidator{}

func (notificationTypeFilterValidator) Description(context.Context) string {
	return "must be a non-empty notification type name"
}

func (v notificationTypeFilterValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (notificationTypeFilterValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	t := req.ConfigValue.ValueString()
	if t == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid notification type",
			"notification_type must not be an empty string; leave it unset to list policies of every type.")
		return
	}
	if warning := notificationTypeWarning(t); warning != "" {
		resp.Diagnostics.AddAttributeWarning(req.Path, "Unknown notification type", warning)
	}
}
