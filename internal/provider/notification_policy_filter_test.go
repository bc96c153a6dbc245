package provider

import (
	"regexp"
	"slices"
	"testing"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

func TestSelectNotificationPolicies(t *testing.T) {
	t.Parallel()

	// Deliberately not in name order, with a repeated name and names differing only in case.
	policies := []sequence.NotificationPolicy{
		{ID: "id-5", Name: "ops", Channel: sequence.ChannelWebhook},
		{ID: "id-2", Name: "billing", Channel: sequence.ChannelEmail},
		{ID: "id-1", Name: "ops", Channel: sequence.ChannelEmail},
		{ID: "id-4", Name: "Ops", Channel: sequence.ChannelEmail},
		{ID: "id-3", Name: "ops alerts", Channel: sequence.ChannelWebhook},
		{ID: "id-6", Name: " ops", Channel: sequence.ChannelWebhook},
	}

	tests := []struct {
		name    string
		filter  notificationPolicyFilter
		wantIDs []string
	}{
		{
			name:    "zero filter keeps everything ordered by name then id",
			filter:  notificationPolicyFilter{},
			wantIDs: []string{"id-6", "id-4", "id-2", "id-1", "id-5", "id-3"},
		},
		{
			name:    "name matches exactly, not by case or prefix or surrounding spaces",
			filter:  notificationPolicyFilter{name: "ops"},
			wantIDs: []string{"id-1", "id-5"},
		},
		{
			name:    "name that no policy has selects nothing",
			filter:  notificationPolicyFilter{name: "missing"},
			wantIDs: []string{},
		},
		{
			name:    "channel EMAIL",
			filter:  notificationPolicyFilter{channel: sequence.ChannelEmail},
			wantIDs: []string{"id-4", "id-2", "id-1"},
		},
		{
			name:    "channel WEBHOOK",
			filter:  notificationPolicyFilter{channel: sequence.ChannelWebhook},
			wantIDs: []string{"id-6", "id-5", "id-3"},
		},
		{
			name:    "name regex is unanchored",
			filter:  notificationPolicyFilter{nameRegex: regexp.MustCompile(`ops`)},
			wantIDs: []string{"id-6", "id-1", "id-5", "id-3"},
		},
		{
			name:    "anchored name regex",
			filter:  notificationPolicyFilter{nameRegex: regexp.MustCompile(`^ops$`)},
			wantIDs: []string{"id-1", "id-5"},
		},
		{
			name:    "case-insensitive name regex",
			filter:  notificationPolicyFilter{nameRegex: regexp.MustCompile(`(?i)^ops$`)},
			wantIDs: []string{"id-4", "id-1", "id-5"},
		},
		{
			name:    "channel and name regex must both match",
			filter:  notificationPolicyFilter{channel: sequence.ChannelWebhook, nameRegex: regexp.MustCompile(`^ops`)},
			wantIDs: []string{"id-5", "id-3"},
		},
		{
			name:    "filters that exclude each other select nothing",
			filter:  notificationPolicyFilter{channel: sequence.ChannelEmail, nameRegex: regexp.MustCompile(`alerts`)},
			wantIDs: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			input := slices.Clone(policies)
			got := selectNotificationPolicies(input, tt.filter)

			gotIDs := make([]string, len(got))
			for i, p := range got {
				gotIDs[i] = p.ID
			}
			if !slices.Equal(gotIDs, tt.wantIDs) {
				t.Errorf("ids = %q, want %q", gotIDs, tt.wantIDs)
			}
			if !slices.EqualFunc(input, policies, func(a, b sequence.NotificationPolicy) bool { return a.ID == b.ID }) {
				t.Errorf("input was reordered: %v", input)
			}
		})
	}
}

func TestSelectNotificationPoliciesEmptyInput(t *testing.T) {
	t.Parallel()
	got := selectNotificationPolicies(nil, notificationPolicyFilter{})
	if got == nil || len(got) != 0 {
		t.Errorf("got %#v, want an empty non-nil slice (an empty list in state, not null)", got)
	}
}
