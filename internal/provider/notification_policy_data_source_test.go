package provider

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// emulatorCreatedAt is how the emulator (like Sequence) writes createdAt.
const emulatorCreatedAt = "2006-01-02T15:04:05.000Z"

func TestAccNotificationPolicyDataSource_byID(t *testing.T) {
	srv := sequencetest.NewServer(t)
	webhook := srv.InsertPolicy(sequencetest.Policy{
		Name:              "ops webhooks",
		Channel:           sequence.ChannelWebhook,
		Recipients:        []string{"https://hooks.example.com/b", "https://hooks.example.com/a"},
		NotificationTypes: []string{"INVOICE_ISSUED", "CUSTOMER_CREATED"},
		WebhookSecret:     "whsec_0123456789abcdefghijABCDEFGHIJ01",
	})
	email := srv.InsertPolicy(sequencetest.Policy{
		Name:       "finance e-mails",
		Channel:    sequence.ChannelEmail,
		Recipients: []string{"Finance@Example.com"},
	})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(srv) + fmt.Sprintf(`
data "sequence_notification_policy" "webhook" {
  id = %q
}

data "sequence_notification_policy" "email" {
  id = %q
}
`, webhook.ID, email.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				expectPolicyAttributes("data.sequence_notification_policy.webhook", map[string]knownvalue.Check{
					"id":                  knownvalue.StringExact(webhook.ID),
					"name":                knownvalue.StringExact("ops webhooks"),
					"channel":             knownvalue.StringExact("WEBHOOK"),
					"recipients":          stringSetValue("https://hooks.example.com/a", "https://hooks.example.com/b"),
					"notification_types":  stringSetValue("CUSTOMER_CREATED", "INVOICE_ISSUED"),
					"webhook_secret":      knownvalue.StringExact("whsec_0123456789abcdefghijABCDEFGHIJ01"),
					"created_at":          knownvalue.StringExact(webhook.CreatedAt.UTC().Format(emulatorCreatedAt)),
					"sequence_account_id": knownvalue.StringExact(webhook.SequenceAccountID),
				}),
				statecheck.ExpectSensitiveValue("data.sequence_notification_policy.webhook", tfjsonpath.New("webhook_secret")),
				expectPolicyAttributes("data.sequence_notification_policy.email", map[string]knownvalue.Check{
					"id":                  knownvalue.StringExact(email.ID),
					"name":                knownvalue.StringExact("finance e-mails"),
					"channel":             knownvalue.StringExact("EMAIL"),
					"recipients":          stringSetValue("Finance@Example.com"),
					"notification_types":  knownvalue.Null(), // all types
					"webhook_secret":      knownvalue.Null(),
					"created_at":          knownvalue.StringExact(email.CreatedAt.UTC().Format(emulatorCreatedAt)),
					"sequence_account_id": knownvalue.StringExact(email.SequenceAccountID),
				}),
				// Both from the first list page, which holds the webhook secret: no GET.
				expectOnlyRequests(srv, "GET /api/notifications/policies"),
			},
		}},
	})
}

func TestAccNotificationPolicyDataSource_secretOmittedOnRead(t *testing.T) {
	srv := sequencetest.NewServer(t, sequencetest.WithOmitSecretOnRead(true))
	webhook := srv.InsertPolicy(sequencetest.Policy{
		Name:       "ops webhooks",
		Channel:    sequence.ChannelWebhook,
		Recipients: []string{"https://hooks.example.com/a"},
	})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(srv) + fmt.Sprintf(`
data "sequence_notification_policy" "by_id" {
  id = %q
}

data "sequence_notification_policy" "by_name" {
  name = "ops webhooks"
}
`, webhook.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sequence_notification_policy.by_id", tfjsonpath.New("id"), knownvalue.StringExact(webhook.ID)),
				statecheck.ExpectKnownValue("data.sequence_notification_policy.by_id", tfjsonpath.New("webhook_secret"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.sequence_notification_policy.by_name", tfjsonpath.New("id"), knownvalue.StringExact(webhook.ID)),
				statecheck.ExpectKnownValue("data.sequence_notification_policy.by_name", tfjsonpath.New("webhook_secret"), knownvalue.Null()),
			},
		}},
	})
}

// The target sits on the second page of 100, among names that differ only in case or spacing.
func TestAccNotificationPolicyDataSource_byName(t *testing.T) {
	srv := sequencetest.NewServer(t)
	var target sequencetest.Policy
	for i := range 150 {
		p := sequencetest.Policy{
			Name:       fmt.Sprintf("filler %03d", i),
			Channel:    sequence.ChannelEmail,
			Recipients: []string{fmt.Sprintf("filler%03d@example.com", i)},
		}
		switch i {
		case 20:
			p.Name = "ops alerts"
		case 40:
			p.Name = "Ops Alerts "
		case 120:
			p = sequencetest.Policy{
				Name:              "Ops Alerts",
				Channel:           sequence.ChannelWebhook,
				Recipients:        []string{"https://hooks.example.com/ops"},
				NotificationTypes: []string{"INVOICE_ISSUED"},
			}
		}
		stored := srv.InsertPolicy(p)
		if i == 120 {
			target = stored
		}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: srv.ResetRequests,
			Config: testAccProviderConfig(srv) + `
data "sequence_notification_policy" "ops" {
  name = "Ops Alerts"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectPolicyAttributes("data.sequence_notification_policy.ops", map[string]knownvalue.Check{
					"id":                  knownvalue.StringExact(target.ID),
					"name":                knownvalue.StringExact("Ops Alerts"),
					"channel":             knownvalue.StringExact("WEBHOOK"),
					"recipients":          stringSetValue("https://hooks.example.com/ops"),
					"notification_types":  stringSetValue("INVOICE_ISSUED"),
					"webhook_secret":      knownvalue.StringExact(target.WebhookSecret),
					"created_at":          knownvalue.StringExact(target.CreatedAt.UTC().Format(emulatorCreatedAt)),
					"sequence_account_id": knownvalue.StringExact(target.SequenceAccountID),
				}),
				statecheck.ExpectSensitiveValue("data.sequence_notification_policy.ops", tfjsonpath.New("webhook_secret")),
				expectListPages(srv, "", 2),
			},
		}},
	})
}

func TestAccNotificationPolicyDataSource_ambiguousName(t *testing.T) {
	srv := sequencetest.NewServer(t)
	ids := []string{}
	channels := map[string]string{}
	for _, channel := range []string{sequence.ChannelEmail, sequence.ChannelWebhook} {
		recipient := "shared@example.com"
		if channel == sequence.ChannelWebhook {
			recipient = "https://hooks.example.com/shared"
		}
		p := srv.InsertPolicy(sequencetest.Policy{Name: "shared", Channel: channel, Recipients: []string{recipient}})
		ids = append(ids, p.ID)
		channels[p.ID] = channel
	}
	srv.InsertPolicy(sequencetest.Policy{Name: "Shared", Channel: sequence.ChannelEmail, Recipients: []string{"x@example.com"}})
	slices.Sort(ids)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(srv) + `
data "sequence_notification_policy" "shared" {
  name = "shared"
}
`,
			ExpectError: errorPattern(fmt.Sprintf(
				`2 notification policies have the name "shared": %s (%s) "shared", %s (%s) "shared". Sequence does not require names to be unique; set id instead of name`,
				ids[0], channels[ids[0]], ids[1], channels[ids[1]])),
		}},
	})
}

func TestAccNotificationPolicyDataSource_notFound(t *testing.T) {
	srv := sequencetest.NewServer(t)
	srv.InsertPolicy(sequencetest.Policy{Name: "present", Channel: sequence.ChannelEmail, Recipients: []string{"a@example.com"}})
	const missingID = "00000000-0000-4000-8000-000000000000"

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccProviderConfig(srv) + fmt.Sprintf(`
data "sequence_notification_policy" "missing" {
  id = %q
}
`, missingID),
				ExpectError: errorPattern(fmt.Sprintf(`No notification policy has the id %q`, missingID)),
			},
			{
				Config: testAccProviderConfig(srv) + `
data "sequence_notification_policy" "missing" {
  name = "Present"
}
`,
				ExpectError: errorPattern(`No notification policy has the name "Present". Names are matched exactly, including letter case`),
			},
		},
	})
}

// The data sources read a policy that the same configuration creates: by id through the reference,
// by name and as a list through depends_on, which defers their read until the policy exists.
func TestAccNotificationPolicyDataSource_resourceInSameConfiguration(t *testing.T) {
	srv := sequencetest.NewServer(t)
	srv.InsertPolicy(sequencetest.Policy{Name: "unrelated", Channel: sequence.ChannelEmail, Recipients: []string{"a@example.com"}})

	const policy = "sequence_notification_policy.ops"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEmulatorPolicyCount(srv, 1), // the unrelated policy stays
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(srv) + `
resource "sequence_notification_policy" "ops" {
  name               = "same configuration"
  channel            = "WEBHOOK"
  recipients         = ["https://hooks.example.com/ops"]
  notification_types = ["INVOICE_ISSUED"]
}

data "sequence_notification_policy" "by_id" {
  id = sequence_notification_policy.ops.id
}

data "sequence_notification_policy" "by_name" {
  name       = "same configuration"
  depends_on = [sequence_notification_policy.ops]
}

data "sequence_notification_policies" "listed" {
  name_regex = "^same configuration$"
  depends_on = [sequence_notification_policy.ops]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectSamePolicy(policy, "data.sequence_notification_policy.by_id", true),
				expectSamePolicy(policy, "data.sequence_notification_policy.by_name", true),
				statecheck.CompareValuePairs(policy, tfjsonpath.New("id"),
					"data.sequence_notification_policies.listed", tfjsonpath.New("ids").AtSliceIndex(0), compare.ValuesSame()),
				statecheck.ExpectKnownValue("data.sequence_notification_policies.listed", tfjsonpath.New("ids"), knownvalue.ListSizeExact(1)),
				expectSamePolicy(policy, "data.sequence_notification_policies.listed", false),
			},
		}},
	})
}

// expectSamePolicy compares every attribute of a policy resource with a data source's: the single
// data source at its root (secret included), or the only element of the list data source's policies.
func expectSamePolicy(resourceAddress, dataAddress string, single bool) statecheck.StateCheck {
	attrs := []string{"id", "name", "channel", "recipients", "notification_types", "created_at", "sequence_account_id"}
	if single {
		attrs = append(attrs, "webhook_secret")
	}
	checks := make([]statecheck.StateCheck, len(attrs))
	for i, a := range attrs {
		dataPath := tfjsonpath.New(a)
		if !single {
			dataPath = tfjsonpath.New("policies").AtSliceIndex(0).AtMapKey(a)
		}
		checks[i] = statecheck.CompareValuePairs(resourceAddress, tfjsonpath.New(a), dataAddress, dataPath, compare.ValuesSame())
	}
	return stateChecks(checks)
}

// expectPolicyAttributes asserts the given attributes of a single-policy data source (callers list
// all of them).
func expectPolicyAttributes(address string, attrs map[string]knownvalue.Check) statecheck.StateCheck {
	checks := make([]statecheck.StateCheck, 0, len(attrs))
	for name, check := range attrs {
		checks = append(checks, statecheck.ExpectKnownValue(address, tfjsonpath.New(name), check))
	}
	return stateChecks(checks)
}
