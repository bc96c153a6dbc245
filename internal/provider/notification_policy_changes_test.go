package provider

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

func TestRecipientChanges(t *testing.T) {
	cases := []struct {
		name       string
		channel    string
		current    []string
		planned    []string
		wantAdd    []string
		wantRemove []string
	}{
		{"no change", sequence.ChannelEmail, []string{"a@example.com"}, []string{"a@example.com"}, nil, nil},
		{"one added", sequence.ChannelEmail, []string{"a@example.com"}, []string{"a@example.com", "b@example.com"}, []string{"b@example.com"}, nil},
		{"one removed", sequence.ChannelEmail, []string{"a@example.com", "b@example.com"}, []string{"a@example.com"}, nil, []string{"b@example.com"}},
		{"swap adds and removes", sequence.ChannelEmail, []string{"a@example.com"}, []string{"b@example.com"}, []string{"b@example.com"}, []string{"a@example.com"}},
		{"order does not matter", sequence.ChannelEmail, []string{"b@example.com", "a@example.com"}, []string{"a@example.com", "b@example.com"}, nil, nil},
		{"e-mail case-only change is no change", sequence.ChannelEmail, []string{"Ops@Example.com"}, []string{"ops@example.com"}, nil, nil},
		{"e-mails compare as Sequence folds case (long s is s)", sequence.ChannelEmail, []string{"s@example.com"}, []string{"\u017f@example.com"}, nil, nil},
		{"dotted capital I is not i", sequence.ChannelEmail, []string{"i@example.com"}, []string{"\u0130@example.com"}, []string{"\u0130@example.com"}, []string{"i@example.com"}},
		{"webhook URLs compare exactly", sequence.ChannelWebhook, []string{"https://h.example.com/A"}, []string{"https://h.example.com/a"}, []string{"https://h.example.com/a"}, []string{"https://h.example.com/A"}},
		{"additions and removals sorted", sequence.ChannelEmail, []string{"z@example.com", "y@example.com"}, []string{"c@example.com", "b@example.com"}, []string{"b@example.com", "c@example.com"}, []string{"y@example.com", "z@example.com"}},
		{"case-duplicates in planned added once", sequence.ChannelEmail, nil, []string{"A@example.com", "a@example.com"}, []string{"A@example.com"}, nil},
		{"from nothing", sequence.ChannelWebhook, nil, []string{"https://h.example.com/"}, []string{"https://h.example.com/"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := recipientChanges(tc.channel, tc.current, tc.planned)
			if !slices.Equal(got.add, tc.wantAdd) || !slices.Equal(got.remove, tc.wantRemove) {
				t.Errorf("recipientChanges = add %q remove %q, want add %q remove %q", got.add, got.remove, tc.wantAdd, tc.wantRemove)
			}
		})
	}
}

func TestNotificationTypeChanges(t *testing.T) {
	cases := []struct {
		name       string
		current    []string // nil = all types
		planned    []string
		wantAdd    []string
		wantRemove []string
	}{
		{"all to all", nil, nil, nil, nil},
		{"all to a set adds each planned type", nil, []string{"INVOICE_ISSUED", "CUSTOMER_CREATED"}, []string{"CUSTOMER_CREATED", "INVOICE_ISSUED"}, nil},
		{"a set to all removes each current type", []string{"INVOICE_ISSUED", "CUSTOMER_CREATED"}, nil, nil, []string{"CUSTOMER_CREATED", "INVOICE_ISSUED"}},
		{"replace one type", []string{"INVOICE_ISSUED"}, []string{"QUOTE_SIGNED"}, []string{"QUOTE_SIGNED"}, []string{"INVOICE_ISSUED"}},
		{"types are case-sensitive", []string{"INVOICE_ISSUED"}, []string{"invoice_issued"}, []string{"invoice_issued"}, []string{"INVOICE_ISSUED"}},
		{"unknown names pass through", []string{"INVOICE_ISSUED"}, []string{"INVOICE_ISSUED", "SOMETHING_NEW"}, []string{"SOMETHING_NEW"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := notificationTypeChanges(tc.current, tc.planned)
			if !slices.Equal(got.add, tc.wantAdd) || !slices.Equal(got.remove, tc.wantRemove) {
				t.Errorf("notificationTypeChanges = add %q remove %q, want add %q remove %q", got.add, got.remove, tc.wantAdd, tc.wantRemove)
			}
		})
	}
}

func TestChangesBetweenModels(t *testing.T) {
	current := notificationPolicyModel{
		notificationPolicySummaryModel: notificationPolicySummaryModel{
			Channel:           types.StringValue(sequence.ChannelEmail),
			Recipients:        stringSet([]string{"a@example.com", "b@example.com"}),
			NotificationTypes: types.SetNull(types.StringType),
		},
	}
	planned := notificationPolicyModel{
		notificationPolicySummaryModel: notificationPolicySummaryModel{
			Channel:           types.StringValue(sequence.ChannelEmail),
			Recipients:        stringSet([]string{"A@example.com", "c@example.com"}),
			NotificationTypes: stringSet([]string{"INVOICE_ISSUED"}),
		},
	}
	got := changesBetween(current, planned)
	want := policyChanges{
		recipients: setChanges{add: []string{"c@example.com"}, remove: []string{"b@example.com"}},
		types:      setChanges{add: []string{"INVOICE_ISSUED"}},
	}
	if !slices.Equal(got.recipients.add, want.recipients.add) || !slices.Equal(got.recipients.remove, want.recipients.remove) ||
		!slices.Equal(got.types.add, want.types.add) || !slices.Equal(got.types.remove, want.types.remove) {
		t.Errorf("changesBetween = %+v, want %+v", got, want)
	}
	const wantText = `add recipient(s) "c@example.com"; add notification type(s) "INVOICE_ISSUED"; remove recipient(s) "b@example.com"`
	if text := got.describe(); text != wantText {
		t.Errorf("describe() = %q, want %q", text, wantText)
	}
	if got.empty() {
		t.Error("empty() = true for a change")
	}
	if !changesBetween(planned, planned).empty() {
		t.Error("a policy compared with itself has changes")
	}
}

// An update that removes types re-sends the types the plan keeps with its additions, so no
// removal can leave the policy without types (every type, to Sequence), even when the kept ones
// were removed in the dashboard after the plan; the kept types are not changes.
func TestStepsResendKeptTypesWhenRemovingTypes(t *testing.T) {
	policy := func(notificationTypes ...string) notificationPolicyModel {
		m := notificationPolicyModel{notificationPolicySummaryModel: notificationPolicySummaryModel{
			Channel:           types.StringValue(sequence.ChannelEmail),
			Recipients:        stringSet([]string{"a@example.com"}),
			NotificationTypes: types.SetNull(types.StringType),
		}}
		if notificationTypes != nil {
			m.NotificationTypes = stringSet(notificationTypes)
		}
		return m
	}
	cases := []struct {
		name             string
		current, planned notificationPolicyModel
		wantAddTypes     []string // the values of the add-types step, nil for none
		wantDescribe     string
	}{
		{"removal only: one extra request with the kept types", policy("INVOICE_ISSUED", "QUOTE_SIGNED"), policy("QUOTE_SIGNED"),
			[]string{"QUOTE_SIGNED"}, `remove notification type(s) "INVOICE_ISSUED"`},
		{"removal and addition: the kept types ride along", policy("INVOICE_ISSUED", "QUOTE_SIGNED"), policy("CUSTOMER_CREATED", "QUOTE_SIGNED"),
			[]string{"CUSTOMER_CREATED", "QUOTE_SIGNED"}, `add notification type(s) "CUSTOMER_CREATED"; remove notification type(s) "INVOICE_ISSUED"`},
		{"addition only: nothing re-sent", policy("QUOTE_SIGNED"), policy("CUSTOMER_CREATED", "QUOTE_SIGNED"),
			[]string{"CUSTOMER_CREATED"}, `add notification type(s) "CUSTOMER_CREATED"`},
		{"to every type: nothing kept", policy("INVOICE_ISSUED", "QUOTE_SIGNED"), policy(),
			nil, `remove notification type(s) "INVOICE_ISSUED", "QUOTE_SIGNED"`},
		{"replace every type: the additions guard", policy("INVOICE_ISSUED"), policy("QUOTE_SIGNED"),
			[]string{"QUOTE_SIGNED"}, `add notification type(s) "QUOTE_SIGNED"; remove notification type(s) "INVOICE_ISSUED"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := changesBetween(tc.current, tc.planned)
			var gotAdd []string
			for _, s := range c.steps() {
				if s.kind == addNotificationTypes {
					gotAdd = s.values
				}
			}
			if !slices.Equal(gotAdd, tc.wantAddTypes) {
				t.Errorf("add notification types step = %q, want %q", gotAdd, tc.wantAddTypes)
			}
			if got := c.describe(); got != tc.wantDescribe {
				t.Errorf("describe() = %q, want %q", got, tc.wantDescribe)
			}
		})
	}
}

// Finishing an update from a policy read back mid-way removes only what the plan removes: what
// someone added since (another spelling of a planned removal aside) stays.
func TestRemovingOnlyKeepsThePlannedRemovals(t *testing.T) {
	left := policyChanges{
		recipients: setChanges{add: []string{"y@example.com"}, remove: []string{"X@example.com", "team@example.com"}},
		types:      setChanges{remove: []string{"INVOICE_ISSUED", "QUOTE_SIGNED"}},
		keptTypes:  []string{"CUSTOMER_CREATED"},
	}
	planned := policyChanges{
		recipients: setChanges{remove: []string{"x@example.com"}},
		types:      setChanges{remove: []string{"INVOICE_ISSUED"}},
	}
	got := left.removingOnly(planned, sequence.ChannelEmail)
	if !slices.Equal(got.recipients.remove, []string{"X@example.com"}) || !slices.Equal(got.recipients.add, []string{"y@example.com"}) {
		t.Errorf("recipients = %+v, want add y, remove X (x as spelled now) only", got.recipients)
	}
	if !slices.Equal(got.types.remove, []string{"INVOICE_ISSUED"}) || !slices.Equal(got.keptTypes, []string{"CUSTOMER_CREATED"}) {
		t.Errorf("types = %+v kept %q, want remove INVOICE_ISSUED only, kept CUSTOMER_CREATED", got.types, got.keptTypes)
	}
	if !slices.Equal(left.recipients.remove, []string{"X@example.com", "team@example.com"}) {
		t.Errorf("removingOnly changed its receiver's removals: %q", left.recipients.remove)
	}
	if webhook := left.removingOnly(planned, sequence.ChannelWebhook); len(webhook.recipients.remove) != 0 {
		t.Errorf("webhook recipients compare exactly, but %q was kept", webhook.recipients.remove)
	}
}
