package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

const policyAddr = "sequence_notification_policy.test"

// policyConfig renders the provider block for srv and one sequence_notification_policy "test"
// with the given body.
func policyConfig(srv *sequencetest.Server, body string) string {
	return testAccProviderConfig(srv) + "\nresource \"sequence_notification_policy\" \"test\" {\n" + body + "\n}\n"
}

// apiChanges lists the requests in the emulator's log that can change something (everything but
// GET), as "METHOD /api/notifications/policies/{id}/recipients/ops@example.com": each path
// segment unescaped, and the segment equal to id shown as {id}.
func apiChanges(srv *sequencetest.Server, id string) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Method == "GET" {
			continue
		}
		segments := strings.Split(r.Path, "/")
		for i, s := range segments {
			if u, err := url.PathUnescape(s); err == nil {
				s = u
			}
			if id != "" && s == id {
				s = "{id}"
			}
			segments[i] = s
		}
		out = append(out, r.Method+" "+strings.Join(segments, "/"))
	}
	return out
}

// expectAPIChanges checks that the requests logged since the step's PreConfig reset the log,
// GETs aside, are exactly want, in order. {id} stands for the id of sequence_notification_policy.test.
func expectAPIChanges(srv *sequencetest.Server, want ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id := ""
		if rs, ok := s.RootModule().Resources[policyAddr]; ok {
			id = rs.Primary.ID
		}
		if got := apiChanges(srv, id); !slices.Equal(got, want) {
			return fmt.Errorf("API requests that change something:\n  got  %q\n  want %q", got, want)
		}
		return nil
	}
}

// checkEmulatorPolicy checks the single policy the emulator holds.
func checkEmulatorPolicy(srv *sequencetest.Server, check func(sequencetest.Policy) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		policies := srv.Policies()
		if len(policies) != 1 {
			return fmt.Errorf("emulator holds %d notification policies, want 1", len(policies))
		}
		return check(policies[0])
	}
}

// checkSecretMatchesEmulator checks that the state's webhook_secret is the secret the emulator
// holds for the policy, without printing either.
func checkSecretMatchesEmulator(srv *sequencetest.Server) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[policyAddr]
		if !ok {
			return fmt.Errorf("%s not in state", policyAddr)
		}
		p, ok := srv.Policy(rs.Primary.ID)
		if !ok {
			return fmt.Errorf("emulator has no policy %s", rs.Primary.ID)
		}
		if p.WebhookSecret == "" || rs.Primary.Attributes["webhook_secret"] != p.WebhookSecret {
			return fmt.Errorf("webhook_secret in state differs from the secret the emulator holds (values not shown)")
		}
		return nil
	}
}

func stateValue(attr string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New(attr), value)
}

func stringSetValue(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.SetExact(checks)
}

func expectAction(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(policyAddr, action)}}
}

var generatedSecret = knownvalue.StringRegexp(regexp.MustCompile(`^whsec_[A-Za-z0-9]{32}$`))

func TestAccNotificationPolicy_emailRecipientsInPlace(t *testing.T) {
	srv := sequencetest.NewServer(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: policyConfig(srv, `
  name       = "billing alerts"
  channel    = "EMAIL"
  recipients = ["ops@example.com"]
`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionCreate),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("id", knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
					stateValue("name", knownvalue.StringExact("billing alerts")),
					stateValue("channel", knownvalue.StringExact("EMAIL")),
					stateValue("recipients", stringSetValue("ops@example.com")),
					stateValue("notification_types", knownvalue.Null()),
					stateValue("webhook_secret", knownvalue.Null()),
					stateValue("created_at", knownvalue.NotNull()),
					stateValue("sequence_account_id", knownvalue.NotNull()),
				},
				Check: expectAPIChanges(srv, "POST /api/notifications/policies"),
			},
			{
				PreConfig: srv.ResetRequests,
				Config: policyConfig(srv, `
  name       = "billing alerts"
  channel    = "EMAIL"
  recipients = ["ops@example.com", "finance@example.com"]
`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("recipients", stringSetValue("ops@example.com", "finance@example.com")),
				},
				Check: expectAPIChanges(srv, "POST /api/notifications/policies/{id}/recipients"),
			},
			{
				PreConfig: srv.ResetRequests,
				Config: policyConfig(srv, `
  name       = "billing alerts"
  channel    = "EMAIL"
  recipients = ["finance@example.com"]
`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("recipients", stringSetValue("finance@example.com")),
				},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv, "DELETE /api/notifications/policies/{id}/recipients/ops@example.com"),
					checkEmulatorPolicy(srv, func(p sequencetest.Policy) error {
						if !slices.Equal(p.Recipients, []string{"finance@example.com"}) {
							return fmt.Errorf("emulator recipients = %q", p.Recipients)
						}
						return nil
					}),
				),
			},
		},
	})
}

func TestAccNotificationPolicy_notificationTypesInPlace(t *testing.T) {
	srv := sequencetest.NewServer(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	config := func(types string) string {
		return policyConfig(srv, `
  name       = "types"
  channel    = "EMAIL"
  recipients = ["ops@example.com"]
`+types)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("notification_types", knownvalue.Null()),
				},
			},
			{
				// null (all types) -> a set: one request adds them all.
				PreConfig:        srv.ResetRequests,
				Config:           config(`notification_types = ["INVOICE_ISSUED", "CUSTOMER_CREATED"]`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("notification_types", stringSetValue("INVOICE_ISSUED", "CUSTOMER_CREATED")),
				},
				Check: expectAPIChanges(srv, "POST /api/notifications/policies/{id}/notification-types"),
			},
			{
				PreConfig:        srv.ResetRequests,
				Config:           config(`notification_types = ["INVOICE_ISSUED", "CUSTOMER_CREATED", "QUOTE_ACCEPTED"]`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("notification_types", stringSetValue("INVOICE_ISSUED", "CUSTOMER_CREATED", "QUOTE_ACCEPTED")),
				},
				Check: expectAPIChanges(srv, "POST /api/notifications/policies/{id}/notification-types"),
			},
			{
				PreConfig:        srv.ResetRequests,
				Config:           config(`notification_types = ["INVOICE_ISSUED", "QUOTE_ACCEPTED"]`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("notification_types", stringSetValue("INVOICE_ISSUED", "QUOTE_ACCEPTED")),
				},
				Check: expectAPIChanges(srv, "DELETE /api/notifications/policies/{id}/notification-types/CUSTOMER_CREATED"),
			},
			{
				// a set -> null (all types): one removal per type.
				PreConfig:        srv.ResetRequests,
				Config:           config(""),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("notification_types", knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv,
						"DELETE /api/notifications/policies/{id}/notification-types/INVOICE_ISSUED",
						"DELETE /api/notifications/policies/{id}/notification-types/QUOTE_ACCEPTED"),
					checkEmulatorPolicy(srv, func(p sequencetest.Policy) error {
						if p.NotificationTypes != nil {
							return fmt.Errorf("emulator notification types = %q, want all (nil)", p.NotificationTypes)
						}
						return nil
					}),
				),
			},
		},
	})
}

// Additions come before removals, so the policy never passes through zero recipients or widens
// to all types.
func TestAccNotificationPolicy_additionsBeforeRemovals(t *testing.T) {
	srv := sequencetest.NewServer(t)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: policyConfig(srv, `
  name               = "swap"
  channel            = "WEBHOOK"
  recipients         = ["https://hooks.example.com/old"]
  notification_types = ["INVOICE_ISSUED"]
`),
			},
			{
				PreConfig: srv.ResetRequests,
				Config: policyConfig(srv, `
  name               = "swap"
  channel            = "WEBHOOK"
  recipients         = ["https://hooks.example.com/new?team=billing&x=1"]
  notification_types = ["CUSTOMER_CREATED"]
`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("recipients", stringSetValue("https://hooks.example.com/new?team=billing&x=1")),
					stateValue("notification_types", stringSetValue("CUSTOMER_CREATED")),
				},
				Check: expectAPIChanges(srv,
					"POST /api/notifications/policies/{id}/recipients",
					"POST /api/notifications/policies/{id}/notification-types",
					"DELETE /api/notifications/policies/{id}/recipients/https://hooks.example.com/old",
					"DELETE /api/notifications/policies/{id}/notification-types/INVOICE_ISSUED",
				),
			},
		},
	})
}

func TestAccNotificationPolicy_webhookGeneratedSecret(t *testing.T) {
	srv := sequencetest.NewServer(t)
	sameSecret := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: policyConfig(srv, `
  name       = "hooks"
  channel    = "WEBHOOK"
  recipients = ["https://hooks.example.com/sequence"]
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(policyAddr, tfjsonpath.New("webhook_secret")),
					plancheck.ExpectSensitiveValue(policyAddr, tfjsonpath.New("webhook_secret")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameSecret.AddStateValue(policyAddr, tfjsonpath.New("webhook_secret")),
					stateValue("webhook_secret", generatedSecret),
					statecheck.ExpectSensitiveValue(policyAddr, tfjsonpath.New("webhook_secret")),
				},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv, "POST /api/notifications/policies"),
					checkSecretMatchesEmulator(srv),
				),
			},
			{
				RefreshState: true,
				Check:        checkSecretMatchesEmulator(srv),
			},
			{
				// An in-place change keeps the secret and plans no change of it.
				PreConfig: srv.ResetRequests,
				Config: policyConfig(srv, `
  name       = "hooks"
  channel    = "WEBHOOK"
  recipients = ["https://hooks.example.com/sequence", "https://backup.example.com/sequence"]
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("webhook_secret"), generatedSecret),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameSecret.AddStateValue(policyAddr, tfjsonpath.New("webhook_secret")),
				},
				Check: expectAPIChanges(srv, "POST /api/notifications/policies/{id}/recipients"),
			},
		},
	})
}

func TestAccNotificationPolicy_webhookSuppliedSecret(t *testing.T) {
	srv := sequencetest.NewServer(t)
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	config := func(secret string) string {
		return policyConfig(srv, fmt.Sprintf(`
  name           = "hooks"
  channel        = "WEBHOOK"
  recipients     = ["https://hooks.example.com/sequence"]
  webhook_secret = %q
`, secret))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: config("supplied-secret-one"),
				ConfigStateChecks: []statecheck.StateCheck{
					differentID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.StringExact("supplied-secret-one")),
				},
				Check: checkEmulatorPolicy(srv, func(p sequencetest.Policy) error {
					if p.WebhookSecret != "supplied-secret-one" {
						return fmt.Errorf("the emulator did not receive the supplied secret")
					}
					return nil
				}),
			},
			{
				// The API cannot rotate a secret: a new one means a new policy.
				Config:           config("supplied-secret-two"),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
				ConfigStateChecks: []statecheck.StateCheck{
					differentID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.StringExact("supplied-secret-two")),
				},
				Check: checkEmulatorPolicyCount(srv, 1),
			},
			{
				// Dropping the attribute keeps the secret the policy has.
				Config: policyConfig(srv, `
  name       = "hooks"
  channel    = "WEBHOOK"
  recipients = ["https://hooks.example.com/sequence"]
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("webhook_secret", knownvalue.StringExact("supplied-secret-two")),
				},
			},
		},
	})
}

func TestAccNotificationPolicy_nameAndChannelChangesReplace(t *testing.T) {
	srv := sequencetest.NewServer(t)
	differentID := statecheck.CompareValue(compare.ValuesDiffer())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: policyConfig(srv, `
  name       = "before"
  channel    = "EMAIL"
  recipients = ["ops@example.com"]
`),
				ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(policyAddr, tfjsonpath.New("id"))},
			},
			{
				Config: policyConfig(srv, `
  name       = "after"
  channel    = "EMAIL"
  recipients = ["ops@example.com"]
`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
				ConfigStateChecks: []statecheck.StateCheck{
					differentID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("name", knownvalue.StringExact("after")),
				},
				Check: checkEmulatorPolicyCount(srv, 1),
			},
			{
				Config: policyConfig(srv, `
  name       = "after"
  channel    = "WEBHOOK"
  recipients = ["https://hooks.example.com/sequence"]
`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
				ConfigStateChecks: []statecheck.StateCheck{
					differentID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("channel", knownvalue.StringExact("WEBHOOK")),
					stateValue("webhook_secret", generatedSecret),
				},
				Check: checkEmulatorPolicyCount(srv, 1),
			},
			{
				// Back to EMAIL: the new policy has no secret, planned as null rather than unknown.
				Config: policyConfig(srv, `
  name       = "after"
  channel    = "EMAIL"
  recipients = ["ops@example.com"]
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionReplace),
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("webhook_secret"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					differentID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.Null()),
				},
				Check: checkEmulatorPolicyCount(srv, 1),
			},
		},
	})
}

func TestAccNotificationPolicy_deletedOutOfBandIsRecreated(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := policyConfig(srv, `
  name       = "drift"
  channel    = "EMAIL"
  recipients = ["ops@example.com"]
`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					for _, p := range srv.Policies() {
						srv.DeletePolicy(p.ID)
					}
					srv.ResetRequests()
				},
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionCreate),
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv, "POST /api/notifications/policies"),
					checkEmulatorPolicyCount(srv, 1),
				),
			},
		},
	})
}

func TestAccNotificationPolicy_recipientAddedOutOfBandIsRemovedInPlace(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := policyConfig(srv, `
  name       = "drift"
  channel    = "EMAIL"
  recipients = ["ops@example.com"]
`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					for _, p := range srv.Policies() {
						if err := srv.UpdatePolicy(p.ID, func(p *sequencetest.Policy) {
							p.Recipients = append(p.Recipients, "intruder+drift@example.com")
						}); err != nil {
							panic(err)
						}
					}
					srv.ResetRequests()
				},
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("recipients", stringSetValue("ops@example.com")),
				},
				Check: expectAPIChanges(srv, "DELETE /api/notifications/policies/{id}/recipients/intruder+drift@example.com"),
			},
		},
	})
}

func TestAccNotificationPolicy_secretOmittedOnReadIsKept(t *testing.T) {
	srv := sequencetest.NewServer(t, sequencetest.WithOmitSecretOnRead(true))
	sameSecret := statecheck.CompareValue(compare.ValuesSame())
	config := policyConfig(srv, `
  name       = "hooks"
  channel    = "WEBHOOK"
  recipients = ["https://hooks.example.com/sequence"]
`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					sameSecret.AddStateValue(policyAddr, tfjsonpath.New("webhook_secret")),
					stateValue("webhook_secret", generatedSecret),
				},
				Check: checkSecretMatchesEmulator(srv),
			},
			{
				RefreshState: true,
				Check:        checkSecretMatchesEmulator(srv),
			},
			{
				Config:   config,
				PlanOnly: true, // fails on any planned change
			},
			{
				// An in-place update whose responses may also omit the secret keeps it.
				Config: policyConfig(srv, `
  name       = "hooks"
  channel    = "WEBHOOK"
  recipients = ["https://hooks.example.com/sequence", "https://backup.example.com/sequence"]
`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					sameSecret.AddStateValue(policyAddr, tfjsonpath.New("webhook_secret")),
				},
				Check: checkSecretMatchesEmulator(srv),
			},
		},
	})
}

func TestAccNotificationPolicy_import(t *testing.T) {
	srv := sequencetest.NewServer(t)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: policyConfig(srv, `
  name               = "imported"
  channel            = "WEBHOOK"
  recipients         = ["https://hooks.example.com/a", "https://hooks.example.com/b"]
  notification_types = ["INVOICE_ISSUED", "QUOTE_SIGNED"]
`),
			},
			{
				ResourceName:      policyAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:    policyAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}

// When Sequence does not return the secret on reads, an import cannot learn it: webhook_secret
// stays null, and a configuration that does not set it still plans no change.
func TestAccNotificationPolicy_importWithoutSecretOnRead(t *testing.T) {
	srv := sequencetest.NewServer(t, sequencetest.WithOmitSecretOnRead(true))
	config := policyConfig(srv, `
  name       = "imported"
  channel    = "WEBHOOK"
  recipients = ["https://hooks.example.com/a"]
`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config},
			{
				ResourceName:            policyAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"webhook_secret"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d resources, want 1", len(states))
					}
					if secret, ok := states[0].Attributes["webhook_secret"]; ok && secret != "" {
						return fmt.Errorf("imported webhook_secret is set, want null when the API omits it")
					}
					return nil
				},
			},
			{
				ResourceName:    policyAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

// An import {} block written in the configuration adopts a policy created outside Terraform.
func TestAccNotificationPolicy_importBlockAdoptsExistingPolicy(t *testing.T) {
	srv := sequencetest.NewServer(t)
	existing := srv.InsertPolicy(sequencetest.Policy{
		Name:              "made in the dashboard",
		Channel:           "EMAIL",
		Recipients:        []string{"ops@example.com", "finance@example.com"},
		NotificationTypes: []string{"INVOICE_ISSUED"},
	})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{{
			PreConfig: srv.ResetRequests,
			Config: fmt.Sprintf(`
import {
  to = sequence_notification_policy.test
  id = %q
}
`, existing.ID) + policyConfig(srv, `
  name               = "made in the dashboard"
  channel            = "EMAIL"
  recipients         = ["finance@example.com", "ops@example.com"]
  notification_types = ["INVOICE_ISSUED"]
`),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionNoop),
			ConfigStateChecks: []statecheck.StateCheck{
				stateValue("id", knownvalue.StringExact(existing.ID)),
				stateValue("created_at", knownvalue.NotNull()),
				stateValue("webhook_secret", knownvalue.Null()),
			},
			Check: expectAPIChanges(srv),
		}},
	})
}

func TestAccNotificationPolicy_mixedCaseEmailsNoPerpetualDiff(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := func(recipients string) string {
		return policyConfig(srv, `
  name       = "case"
  channel    = "EMAIL"
  recipients = `+recipients+`
`)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: config(`["Alice.Smith@Example.com", "bob@example.com"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("recipients", stringSetValue("Alice.Smith@Example.com", "bob@example.com")),
				},
			},
			{
				// Sequence may hand addresses back in another case; the configured spelling stays.
				PreConfig: func() {
					for _, p := range srv.Policies() {
						_ = srv.UpdatePolicy(p.ID, func(p *sequencetest.Policy) {
							for i, r := range p.Recipients {
								p.Recipients[i] = strings.ToLower(r)
							}
						})
					}
				},
				Config:   config(`["Alice.Smith@Example.com", "bob@example.com"]`),
				PlanOnly: true,
			},
			{
				// A case-only change of the configuration needs no API request.
				PreConfig:        srv.ResetRequests,
				Config:           config(`["alice.smith@example.com", "BOB@example.com"]`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("recipients", stringSetValue("alice.smith@example.com", "BOB@example.com")),
				},
				Check: expectAPIChanges(srv),
			},
		},
	})
}

// A type the provider does not know is only a warning and reaches the API as written.
func TestAccNotificationPolicy_unknownNotificationTypeSentAsWritten(t *testing.T) {
	srv := sequencetest.NewServer(t,
		sequencetest.WithNotificationTypes(append(slices.Clone(sequencetest.DefaultNotificationTypes), "PAYMENT_RECEIVED")...))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{{
			Config: policyConfig(srv, `
  name               = "new type"
  channel            = "EMAIL"
  recipients         = ["ops@example.com"]
  notification_types = ["PAYMENT_RECEIVED", "INVOICE_ISSUED"]
`),
			ConfigStateChecks: []statecheck.StateCheck{
				stateValue("notification_types", stringSetValue("PAYMENT_RECEIVED", "INVOICE_ISSUED")),
			},
			Check: checkEmulatorPolicy(srv, func(p sequencetest.Policy) error {
				if !slices.Contains(p.NotificationTypes, "PAYMENT_RECEIVED") {
					return fmt.Errorf("emulator notification types = %q", p.NotificationTypes)
				}
				return nil
			}),
		}},
	})
}

// Values unknown at plan time are validated once known, not rejected early.
func TestAccNotificationPolicy_unknownValuesValidatedWhenKnown(t *testing.T) {
	srv := sequencetest.NewServer(t)
	source := `
resource "sequence_notification_policy" "source" {
  name       = "source"
  channel    = "EMAIL"
  recipients = ["source@example.com"]
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: policyConfig(srv, `
  name       = "for ${sequence_notification_policy.source.id}"
  channel    = "EMAIL"
  recipients = ["${sequence_notification_policy.source.id}@example.com"]
`) + source,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(policyAddr, tfjsonpath.New("name")),
					plancheck.ExpectUnknownValue(policyAddr, tfjsonpath.New("recipients").AtSliceIndex(0)),
				}},
				Check: checkEmulatorPolicyCount(srv, 2),
			},
		},
	})
}

func TestAccNotificationPolicy_invalidConfigurationsMakeNoRequests(t *testing.T) {
	cases := []struct {
		name      string
		body      string
		wantError string
	}{
		{"empty name", `name = ""; channel = "EMAIL"; recipients = ["ops@example.com"]`,
			`name string length must be at least 1`},
		{"lower-case channel", `name = "x"; channel = "email"; recipients = ["ops@example.com"]`,
			`channel value must be one of`},
		{"unknown channel", `name = "x"; channel = "SMS"; recipients = ["ops@example.com"]`,
			`channel value must be one of`},
		{"no recipients", `name = "x"; channel = "EMAIL"; recipients = []`,
			`recipients set must contain at least 1 elements`},
		{"empty e-mail recipient", `name = "x"; channel = "EMAIL"; recipients = [""]`,
			`recipient must not be an empty string`},
		{"e-mail without at sign", `name = "x"; channel = "EMAIL"; recipients = ["not-an-address"]`,
			`"not-an-address" is not a valid e-mail address`},
		{"e-mail with display name", `name = "x"; channel = "EMAIL"; recipients = ["Ops <ops@example.com>"]`,
			`must be a bare e-mail address`},
		{"e-mail with surrounding space", `name = "x"; channel = "EMAIL"; recipients = [" ops@example.com"]`,
			`must be a bare e-mail address`},
		{"e-mail with two at signs", `name = "x"; channel = "EMAIL"; recipients = ["a@b@example.com"]`,
			`is not a valid e-mail address`},
		{"URL on an EMAIL policy", `name = "x"; channel = "EMAIL"; recipients = ["https://hooks.example.com/a"]`,
			`is not a valid e-mail address`},
		{"e-mails differing only in case", `name = "x"; channel = "EMAIL"; recipients = ["Ops@example.com", "ops@example.com"]`,
			`differ only in letter case`},
		{"empty webhook recipient", `name = "x"; channel = "WEBHOOK"; recipients = [""]`,
			`recipient must not be an empty string`},
		{"http webhook", `name = "x"; channel = "WEBHOOK"; recipients = ["http://hooks.example.com/a"]`,
			`only delivers webhooks to https URLs`},
		{"ftp webhook", `name = "x"; channel = "WEBHOOK"; recipients = ["ftp://hooks.example.com/a"]`,
			`uses ftp`},
		{"relative webhook URL", `name = "x"; channel = "WEBHOOK"; recipients = ["/hooks/a"]`,
			`is not an absolute URL`},
		{"webhook URL without scheme", `name = "x"; channel = "WEBHOOK"; recipients = ["hooks.example.com/a"]`,
			`is not an absolute URL`},
		{"webhook URL without host", `name = "x"; channel = "WEBHOOK"; recipients = ["https://"]`,
			`is not an absolute URL`},
		{"webhook URL with space in host", `name = "x"; channel = "WEBHOOK"; recipients = ["https://hooks example.com/a"]`,
			`is not a valid URL`},
		{"e-mail on a WEBHOOK policy", `name = "x"; channel = "WEBHOOK"; recipients = ["ops@example.com"]`,
			`is not an absolute URL`},
		{"one bad webhook among good ones", `name = "x"; channel = "WEBHOOK"; recipients = ["https://a.example.com/", "http://b.example.com/"]`,
			`"http://b.example.com/" uses http`},
		{"webhook_secret on an EMAIL policy", `name = "x"; channel = "EMAIL"; recipients = ["ops@example.com"]; webhook_secret = "s3cret-value"`,
			`webhook_secret on an EMAIL policy`},
		{"empty webhook_secret", `name = "x"; channel = "WEBHOOK"; recipients = ["https://a.example.com/"]; webhook_secret = ""`,
			`webhook_secret string length must be at least 1`},
		{"empty notification_types", `name = "x"; channel = "EMAIL"; recipients = ["ops@example.com"]; notification_types = []`,
			`null means all types`},
		{"empty notification type name", `name = "x"; channel = "EMAIL"; recipients = ["ops@example.com"]; notification_types = [""]`,
			`notification type must not be an empty string`},
		{"empty type among valid ones", `name = "x"; channel = "EMAIL"; recipients = ["ops@example.com"]; notification_types = ["INVOICE_ISSUED", ""]`,
			`notification type must not be an empty string`},
		{"missing name", `channel = "EMAIL"; recipients = ["ops@example.com"]`,
			`"name" is required`},
		{"missing channel", `name = "x"; recipients = ["ops@example.com"]`,
			`"channel" is required`},
		{"missing recipients", `name = "x"; channel = "EMAIL"`,
			`"recipients" is required`},
		{"id set in configuration", `id = "abc"; name = "x"; channel = "EMAIL"; recipients = ["ops@example.com"]`,
			`Read-Only Attribute`},
		{"created_at set in configuration", `created_at = "2024-01-01T00:00:00Z"; name = "x"; channel = "EMAIL"; recipients = ["ops@example.com"]`,
			`Read-Only Attribute`},
		{"unsupported argument", `name = "x"; channel = "EMAIL"; recipients = ["ops@example.com"]; webhook_url = "https://a.example.com/"`,
			`"webhook_url" is not expected here`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := sequencetest.NewServer(t)
			// The table writes arguments separated by "; "; HCL wants one per line.
			body := strings.ReplaceAll(tc.body, "; ", "\n  ")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      policyConfig(srv, "  "+body),
					PlanOnly:    true,
					ExpectError: errorPattern(tc.wantError),
				}},
			})
			if reqs := srv.Requests(); len(reqs) != 0 {
				t.Errorf("the invalid configuration sent %d API requests, want 0: %+v", len(reqs), reqs)
			}
		})
	}
}

// When a request fails midway through an update, state records what really happened and the
// error names the changes left; the next apply finishes them.
func TestAccNotificationPolicy_failedUpdateRecordsWhatHappened(t *testing.T) {
	emulator := sequencetest.New()
	var failRemovals atomic.Bool
	var failedAttempts atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The removal of b@example.com fails with a 500.
		if failRemovals.Load() && r.Method == http.MethodDelete && strings.HasSuffix(r.URL.EscapedPath(), "/recipients/b%40example.com") {
			failedAttempts.Add(1)
			http.Error(w, `{"errors":[{"key":"recipient","error":"temporarily broken"}]}`, http.StatusInternalServerError)
			return
		}
		emulator.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	// A Server value for the shared helpers; it is never Closed (hs is, by the cleanup above).
	srv := &sequencetest.Server{Emulator: emulator, URL: hs.URL + "/api"}
	config := func(recipients string) string {
		// No retries, so the injected 500 fails the request at once (and max_retries is honoured).
		return strings.Replace(policyConfig(srv, `
  name       = "partial"
  channel    = "EMAIL"
  recipients = `+recipients+`
`), `provider "sequence" {`, `provider "sequence" {
  max_retries   = 0`, 1)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config(`["a@example.com", "b@example.com"]`)},
			{
				PreConfig:   func() { failRemovals.Store(true) },
				Config:      config(`["c@example.com"]`),
				ExpectError: errorPattern(`Cannot update notification policy`, `remove recipient "b@example.com" failed`, `500`, `Changes not made: remove recipient(s) "b@example.com"`),
			},
			{
				// State holds what the emulator holds: c added, a removed, b still there.
				PreConfig: func() {
					failRemovals.Store(false)
					emulator.ResetRequests()
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true, // b@example.com is still to be removed
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckTypeSetElemAttr(policyAddr, "recipients.*", "b@example.com"),
					resource.TestCheckTypeSetElemAttr(policyAddr, "recipients.*", "c@example.com"),
					resource.TestCheckResourceAttr(policyAddr, "recipients.#", "2"),
					func(*terraform.State) error {
						if n := failedAttempts.Load(); n != 1 {
							return fmt.Errorf("the failing removal was attempted %d times, want 1 (max_retries = 0)", n)
						}
						return nil
					},
				),
			},
			{
				PreConfig:        emulator.ResetRequests,
				Config:           config(`["c@example.com"]`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("recipients", stringSetValue("c@example.com")),
				},
				Check: expectAPIChanges(srv, "DELETE /api/notifications/policies/{id}/recipients/b@example.com"),
			},
		},
	})
}
