package provider

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

func apiPolicy(change func(*sequence.NotificationPolicy)) *sequence.NotificationPolicy {
	p := &sequence.NotificationPolicy{
		ID:                "3f1c9a52-0000-4000-8000-000000000001",
		CreatedAt:         "2026-08-01T10:00:00.000Z",
		SequenceAccountID: "acct-1",
		Name:              "alerts",
		Channel:           sequence.ChannelWebhook,
		Recipients:        []string{"https://hooks.example.com/b", "https://hooks.example.com/a"},
	}
	if change != nil {
		change(p)
	}
	return p
}

func TestNotificationPolicyModelFromAPI(t *testing.T) {
	t.Run("copies every field", func(t *testing.T) {
		m := policyModelFromAPI(apiPolicy(func(p *sequence.NotificationPolicy) {
			p.NotificationTypes = []string{"INVOICE_ISSUED"}
			p.WebhookSecret = "whsec_generated"
		}), nil)
		want := notificationPolicyModel{
			notificationPolicySummaryModel: notificationPolicySummaryModel{
				ID:                types.StringValue("3f1c9a52-0000-4000-8000-000000000001"),
				Name:              types.StringValue("alerts"),
				Channel:           types.StringValue(sequence.ChannelWebhook),
				Recipients:        stringSet([]string{"https://hooks.example.com/a", "https://hooks.example.com/b"}),
				NotificationTypes: stringSet([]string{"INVOICE_ISSUED"}),
				CreatedAt:         types.StringValue("2026-08-01T10:00:00.000Z"),
				SequenceAccountID: types.StringValue("acct-1"),
			},
			WebhookSecret: types.StringValue("whsec_generated"),
		}
		if !modelsEqual(m, want) {
			t.Errorf("model = %+v\nwant    %+v", m, want)
		}
	})

	t.Run("absent or empty notification types mean all types (null)", func(t *testing.T) {
		for _, typesFromAPI := range [][]string{nil, {}} {
			m := policyModelFromAPI(apiPolicy(func(p *sequence.NotificationPolicy) { p.NotificationTypes = typesFromAPI }), nil)
			if !m.NotificationTypes.IsNull() {
				t.Errorf("types %q mapped to %v, want null", typesFromAPI, m.NotificationTypes)
			}
		}
	})

	t.Run("types unknown to the provider are kept", func(t *testing.T) {
		m := policyModelFromAPI(apiPolicy(func(p *sequence.NotificationPolicy) {
			p.NotificationTypes = []string{"BRAND_NEW_TYPE", "INVOICE_ISSUED"}
		}), nil)
		if got := knownStrings(m.NotificationTypes); !slices.Equal(got, []string{"BRAND_NEW_TYPE", "INVOICE_ISSUED"}) {
			t.Errorf("types = %q", got)
		}
	})

	t.Run("exact duplicate recipients collapse", func(t *testing.T) {
		m := policyModelFromAPI(apiPolicy(func(p *sequence.NotificationPolicy) {
			p.Recipients = []string{"https://hooks.example.com/a", "https://hooks.example.com/a"}
		}), nil)
		if n := len(m.Recipients.Elements()); n != 1 {
			t.Errorf("%d recipients, want 1", n)
		}
	})

	t.Run("e-mails keep the prior spelling when only the case differs", func(t *testing.T) {
		prior := notificationPolicyModel{notificationPolicySummaryModel: notificationPolicySummaryModel{Recipients: stringSet([]string{"Alice@Example.com", "bob@example.com"})}}
		m := policyModelFromAPI(apiPolicy(func(p *sequence.NotificationPolicy) {
			p.Channel = sequence.ChannelEmail
			p.Recipients = []string{"alice@example.com", "BOB@EXAMPLE.COM", "new@example.com"}
		}), &prior)
		want := []string{"Alice@Example.com", "bob@example.com", "new@example.com"}
		if got := knownStrings(m.Recipients); !slices.Equal(got, want) {
			t.Errorf("recipients = %q, want %q", got, want)
		}
	})

	t.Run("webhook URLs are never respelled", func(t *testing.T) {
		prior := notificationPolicyModel{notificationPolicySummaryModel: notificationPolicySummaryModel{Recipients: stringSet([]string{"https://hooks.example.com/A"})}}
		m := policyModelFromAPI(apiPolicy(func(p *sequence.NotificationPolicy) {
			p.Recipients = []string{"https://hooks.example.com/a"}
		}), &prior)
		if got := knownStrings(m.Recipients); !slices.Equal(got, []string{"https://hooks.example.com/a"}) {
			t.Errorf("recipients = %q", got)
		}
	})

	secretCases := []struct {
		name    string
		prior   types.String
		fromAPI string
		want    types.String
	}{
		{"generated secret from the create response", types.StringUnknown(), "whsec_abc", types.StringValue("whsec_abc")},
		{"supplied secret kept when the response omits it", types.StringValue("mine"), "", types.StringValue("mine")},
		{"secret kept when a read omits it", types.StringValue("whsec_abc"), "", types.StringValue("whsec_abc")},
		{"known secret wins over a different value read back", types.StringValue("whsec_abc"), "whsec_xyz", types.StringValue("whsec_abc")},
		{"import learns the secret from the read", types.StringNull(), "whsec_abc", types.StringValue("whsec_abc")},
		{"import of an omitted secret leaves null", types.StringNull(), "", types.StringNull()},
	}
	for _, tc := range secretCases {
		t.Run(tc.name, func(t *testing.T) {
			prior := notificationPolicyModel{WebhookSecret: tc.prior}
			m := policyModelFromAPI(apiPolicy(func(p *sequence.NotificationPolicy) { p.WebhookSecret = tc.fromAPI }), &prior)
			if !m.WebhookSecret.Equal(tc.want) {
				// Test values are not real secrets, so printing them is harmless.
				t.Errorf("webhook_secret = %v, want %v", m.WebhookSecret, tc.want)
			}
		})
	}
}

func TestCreateRequestFromModel(t *testing.T) {
	t.Run("all types and generated secret leave fields empty", func(t *testing.T) {
		req := createRequestFromModel(notificationPolicyModel{
			notificationPolicySummaryModel: notificationPolicySummaryModel{
				Name:              types.StringValue("alerts"),
				Channel:           types.StringValue(sequence.ChannelWebhook),
				Recipients:        stringSet([]string{"https://hooks.example.com/a"}),
				NotificationTypes: types.SetNull(types.StringType),
			},
			WebhookSecret: types.StringUnknown(),
		})
		if req.Name != "alerts" || req.Channel != sequence.ChannelWebhook || !slices.Equal(req.Recipients, []string{"https://hooks.example.com/a"}) ||
			req.NotificationTypes != nil || req.WebhookSecret != "" {
			t.Errorf("request = %+v", req)
		}
	})
	t.Run("types and a supplied secret are sent as written", func(t *testing.T) {
		req := createRequestFromModel(notificationPolicyModel{
			notificationPolicySummaryModel: notificationPolicySummaryModel{
				Name:              types.StringValue("alerts"),
				Channel:           types.StringValue(sequence.ChannelWebhook),
				Recipients:        stringSet([]string{"https://hooks.example.com/a"}),
				NotificationTypes: stringSet([]string{"SOMETHING_NEW", "INVOICE_ISSUED"}),
			},
			WebhookSecret: types.StringValue("mine"),
		})
		if !slices.Equal(req.NotificationTypes, []string{"INVOICE_ISSUED", "SOMETHING_NEW"}) || req.WebhookSecret != "mine" {
			t.Errorf("request = %+v", req)
		}
	})
}

// policyModelFromAPI is the data source's part of the mapping, with prior as the shared model the
// resource embeds.
func policyModelFromAPI(p *sequence.NotificationPolicy, prior *notificationPolicyModel) notificationPolicyModel {
	if prior == nil {
		return notificationPolicyFromAPI(p, nil, writeOnlySecret{}).notificationPolicyModel
	}
	return notificationPolicyFromAPI(p, &notificationPolicyResourceModel{notificationPolicyModel: *prior}, writeOnlySecret{}).notificationPolicyModel
}

func modelsEqual(a, b notificationPolicyModel) bool {
	return a.ID.Equal(b.ID) && a.Name.Equal(b.Name) && a.Channel.Equal(b.Channel) && a.Recipients.Equal(b.Recipients) &&
		a.NotificationTypes.Equal(b.NotificationTypes) && a.WebhookSecret.Equal(b.WebhookSecret) &&
		a.CreatedAt.Equal(b.CreatedAt) && a.SequenceAccountID.Equal(b.SequenceAccountID)
}

func TestNotificationPolicyResourceModelFromAPI(t *testing.T) {
	echoed := apiPolicy(func(p *sequence.NotificationPolicy) { p.WebhookSecret = "echoed-by-the-api" })
	prior := notificationPolicyResourceModel{
		notificationPolicyModel: notificationPolicyModel{WebhookSecret: types.StringNull()},
		WebhookSecretWO:         types.StringNull(),
		WebhookSecretWOVersion:  types.Int64Value(3),
	}

	writeOnly := notificationPolicyFromAPI(echoed, &prior, writeOnlySecret{fingerprint: &writeOnlySecretFingerprint{}})
	if !writeOnly.WebhookSecret.IsNull() {
		t.Error("with the write-only input, the secret the API echoes reached the model")
	}
	if !writeOnly.WebhookSecretWO.IsNull() || !writeOnly.WebhookSecretWOVersion.Equal(types.Int64Value(3)) {
		t.Errorf("write-only attributes = %v, %v; want null and the prior version 3", writeOnly.WebhookSecretWO, writeOnly.WebhookSecretWOVersion)
	}

	plaintext := notificationPolicyFromAPI(echoed, nil, writeOnlySecret{})
	if plaintext.WebhookSecret.ValueString() != "echoed-by-the-api" {
		t.Error("without the write-only input, the secret the API returns was not kept")
	}
	if !plaintext.WebhookSecretWOVersion.IsNull() {
		t.Errorf("an imported policy has webhook_secret_wo_version %v, want null", plaintext.WebhookSecretWOVersion)
	}
}

// stateAfterWrite keeps every known planned value and takes only the unknown ones from the API.
func TestStateAfterWrite(t *testing.T) {
	answer := apiPolicy(func(p *sequence.NotificationPolicy) {
		p.Recipients = append(p.Recipients, "https://hooks.example.com/added-in-the-dashboard")
		p.NotificationTypes = []string{"INVOICE_ISSUED"}
		p.WebhookSecret = "whsec_fromtheapi"
	})
	plan := notificationPolicyResourceModel{
		notificationPolicyModel: notificationPolicyModel{
			notificationPolicySummaryModel: notificationPolicySummaryModel{
				ID:                types.StringUnknown(),
				Name:              types.StringValue("alerts"),
				Channel:           types.StringValue(sequence.ChannelWebhook),
				Recipients:        stringSet([]string{"https://hooks.example.com/a", "https://hooks.example.com/b"}),
				NotificationTypes: types.SetNull(types.StringType),
				CreatedAt:         types.StringUnknown(),
				SequenceAccountID: types.StringUnknown(),
			},
			WebhookSecret: types.StringNull(),
		},
		WebhookSecretWO:        types.StringNull(),
		WebhookSecretWOVersion: types.Int64Value(2),
	}

	state := stateAfterWrite(answer, plan, writeOnlySecret{})
	want := plan
	want.ID = types.StringValue(answer.ID)
	want.CreatedAt = types.StringValue(answer.CreatedAt)
	want.SequenceAccountID = types.StringValue(answer.SequenceAccountID)
	for _, f := range []struct {
		name      string
		got, want attr.Value
	}{
		{"id", state.ID, want.ID},
		{"name", state.Name, want.Name},
		{"channel", state.Channel, want.Channel},
		{"recipients", state.Recipients, want.Recipients},
		{"notification_types", state.NotificationTypes, want.NotificationTypes},
		{"webhook_secret", state.WebhookSecret, want.WebhookSecret},
		{"created_at", state.CreatedAt, want.CreatedAt},
		{"sequence_account_id", state.SequenceAccountID, want.SequenceAccountID},
		{"webhook_secret_wo", state.WebhookSecretWO, want.WebhookSecretWO},
		{"webhook_secret_wo_version", state.WebhookSecretWOVersion, want.WebhookSecretWOVersion},
	} {
		if !f.got.Equal(f.want) {
			// Secrets in this test are fake, but the message follows the rule: no values.
			t.Errorf("%s is not the planned value (or, planned unknown, the API's)", f.name)
		}
	}

	plan.WebhookSecret = types.StringUnknown()
	if got := stateAfterWrite(answer, plan, writeOnlySecret{}).WebhookSecret; !got.Equal(types.StringValue(answer.WebhookSecret)) {
		t.Error("a secret planned unknown (generated) was not taken from the API")
	}
	if got := stateAfterWrite(answer, plan, writeOnlySecret{configured: types.StringValue("configured")}).WebhookSecret; !got.IsNull() {
		t.Error("a secret planned unknown with the write-only input in use reached state")
	}
}
