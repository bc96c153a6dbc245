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
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

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
		if r.Method != "GET" {
			out = append(out, changeLabel(r, id))
		}
	}
	return out
}

// changeLabel shows a request as apiChanges lists it.
func changeLabel(r sequencetest.Request, id string) string {
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
	return r.Method + " " + strings.Join(segments, "/")
}

// expectAPIChanges checks that the requests logged since the step's PreConfig reset the log,
// GETs aside, are exactly want, in any order: the requests of one update wave go out together, so
// their order is not fixed (TestAccNotificationPolicy_additionsBeforeRemovals and the wave tests
// pin the order of the waves). {id} stands for the id of sequence_notification_policy.test.
func expectAPIChanges(srv *sequencetest.Server, want ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id := ""
		if rs, ok := s.RootModule().Resources[policyAddr]; ok {
			id = rs.Primary.ID
		}
		got := apiChanges(srv, id)
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
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
				// The kept types go first, so the removal can never leave the policy without types.
				Check: expectAPIChanges(srv,
					"POST /api/notifications/policies/{id}/notification-types",
					"DELETE /api/notifications/policies/{id}/notification-types/CUSTOMER_CREATED"),
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
				Check: expectAdditionsThenRemovals(srv,
					[]string{
						"POST /api/notifications/policies/{id}/notification-types",
						"POST /api/notifications/policies/{id}/recipients",
					},
					[]string{
						"DELETE /api/notifications/policies/{id}/notification-types/INVOICE_ISSUED",
						"DELETE /api/notifications/policies/{id}/recipients/https://hooks.example.com/old",
					},
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
				// A case-only change of the configuration is no change: Sequence would not see one.
				PreConfig:        srv.ResetRequests,
				Config:           config(`["alice.smith@example.com", "BOB@example.com"]`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionNoop),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("recipients", stringSetValue("Alice.Smith@Example.com", "bob@example.com")),
				},
				Check: expectAPIChanges(srv),
			},
			{
				// Along with a real change, the recipients keep the spelling in state as well.
				PreConfig: srv.ResetRequests,
				Config: policyConfig(srv, `
  name               = "case"
  channel            = "EMAIL"
  recipients         = ["alice.smith@example.com", "BOB@example.com"]
  notification_types = ["INVOICE_ISSUED"]
`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("recipients", stringSetValue("Alice.Smith@Example.com", "bob@example.com")),
				},
				Check: expectAPIChanges(srv, "POST /api/notifications/policies/{id}/notification-types"),
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

// Someone removes, in the dashboard, a recipient and a type the plan is about to remove (here just
// before each removal request reaches Sequence): the removal is refused as "not on the policy",
// the goal is reached, and the apply finishes.
func TestAccNotificationPolicy_elementRemovedInDashboardBeforeApplyCountsAsRemoved(t *testing.T) {
	emulator := sequencetest.New()
	var dashboardEdits atomic.Bool
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if dashboardEdits.Load() && r.Method == http.MethodDelete {
			for _, p := range emulator.Policies() {
				if err := emulator.UpdatePolicy(p.ID, func(p *sequencetest.Policy) {
					p.Recipients = slices.DeleteFunc(p.Recipients, func(r string) bool { return r == "b@example.com" })
					p.NotificationTypes = slices.DeleteFunc(p.NotificationTypes, func(t string) bool { return t == "QUOTE_SIGNED" })
				}); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
			}
		}
		emulator.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	srv := &sequencetest.Server{Emulator: emulator, URL: hs.URL + "/api"}
	config := func(recipients, types string) string {
		return policyConfig(srv, `
  name               = "dashboard-race"
  channel            = "EMAIL"
  recipients         = `+recipients+`
  notification_types = `+types+`
`)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config(`["a@example.com", "b@example.com"]`, `["INVOICE_ISSUED", "QUOTE_SIGNED"]`)},
			{
				PreConfig: func() {
					dashboardEdits.Store(true)
					emulator.ResetRequests()
				},
				Config:           config(`["a@example.com"]`, `["INVOICE_ISSUED"]`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("recipients", stringSetValue("a@example.com")),
					stateValue("notification_types", stringSetValue("INVOICE_ISSUED")),
				},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv,
						"POST /api/notifications/policies/{id}/notification-types", // the kept INVOICE_ISSUED
						"DELETE /api/notifications/policies/{id}/recipients/b@example.com",
						"DELETE /api/notifications/policies/{id}/notification-types/QUOTE_SIGNED"),
					checkEmulatorPolicy(srv, func(p sequencetest.Policy) error {
						if !slices.Equal(p.Recipients, []string{"a@example.com"}) || !slices.Equal(p.NotificationTypes, []string{"INVOICE_ISSUED"}) {
							return fmt.Errorf("emulator holds recipients %v and types %v", p.Recipients, p.NotificationTypes)
						}
						return nil
					}),
				),
			},
		},
	})
}

// Write-only attributes need Terraform 1.11 or OpenTofu 1.11.
var writeOnlyCLIs = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}

// writeOnlyPolicyConfig renders a WEBHOOK policy whose secret comes from webhook_secret_wo; a
// version < 0 leaves webhook_secret_wo_version unset.
func writeOnlyPolicyConfig(srv *sequencetest.Server, secret string, version int, recipients string) string {
	body := fmt.Sprintf(`
  name              = "write-only"
  channel           = "WEBHOOK"
  recipients        = %s
  webhook_secret_wo = %q
`, recipients, secret)
	if version >= 0 {
		body += fmt.Sprintf("  webhook_secret_wo_version = %d\n", version)
	}
	return policyConfig(srv, body)
}

// checkEmulatorSecret checks the secret the emulator holds for the single policy, without printing it.
func checkEmulatorSecret(srv *sequencetest.Server, want string) resource.TestCheckFunc {
	return checkEmulatorPolicy(srv, func(p sequencetest.Policy) error {
		if p.WebhookSecret != want {
			return fmt.Errorf("the emulator holds a different webhook secret than the one configured (values not shown)")
		}
		return nil
	})
}

// The write-only secret reaches Sequence but never the plan or state, even though the emulator
// echoes the secret on create and on every read.
func TestAccNotificationPolicy_writeOnlySecretSentButNeverStored(t *testing.T) {
	srv := sequencetest.NewServer(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	const one = `["https://hooks.example.com/a"]`
	const two = `["https://hooks.example.com/a", "https://hooks.example.com/b"]`

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: writeOnlyPolicyConfig(srv, "write-only-secret-one", 1, one),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("webhook_secret"), knownvalue.Null()),
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("webhook_secret_wo"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.Null()),
					stateValue("webhook_secret_wo", knownvalue.Null()),
					stateValue("webhook_secret_wo_version", knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv, "POST /api/notifications/policies"),
					checkEmulatorSecret(srv, "write-only-secret-one"),
				),
			},
			{
				RefreshState: true,
				Check:        resource.TestCheckNoResourceAttr(policyAddr, "webhook_secret"),
			},
			{
				// An in-place change: the echoed secret still stays out of state.
				PreConfig:        srv.ResetRequests,
				Config:           writeOnlyPolicyConfig(srv, "write-only-secret-one", 1, two),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.Null()),
				},
				Check: expectAPIChanges(srv, "POST /api/notifications/policies/{id}/recipients"),
			},
			{
				// Removing the input (and its version) keeps the policy and its secret.
				PreConfig: srv.ResetRequests,
				Config: policyConfig(srv, `
  name       = "write-only"
  channel    = "WEBHOOK"
  recipients = `+two+`
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("webhook_secret"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.Null()),
					stateValue("webhook_secret_wo_version", knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv),
					checkEmulatorSecret(srv, "write-only-secret-one"),
				),
			},
		},
	})
}

func TestAccNotificationPolicy_writeOnlySecretVersionBumpReplaces(t *testing.T) {
	srv := sequencetest.NewServer(t)
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	const recipients = `["https://hooks.example.com/a"]`

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config:            writeOnlyPolicyConfig(srv, "rotated-secret-one", 1, recipients),
				ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(policyAddr, tfjsonpath.New("id"))},
				Check:             checkEmulatorSecret(srv, "rotated-secret-one"),
			},
			{
				Config:           writeOnlyPolicyConfig(srv, "rotated-secret-two", 2, recipients),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
				ConfigStateChecks: []statecheck.StateCheck{
					differentID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.Null()),
					stateValue("webhook_secret_wo_version", knownvalue.Int64Exact(2)),
				},
				Check: checkEmulatorSecret(srv, "rotated-secret-two"),
			},
			{
				// A bump alone replaces too: the same secret goes to a new policy.
				Config:            writeOnlyPolicyConfig(srv, "rotated-secret-two", 3, recipients),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionReplace),
				ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(policyAddr, tfjsonpath.New("id"))},
				Check:             checkEmulatorSecret(srv, "rotated-secret-two"),
			},
			{
				Config:   writeOnlyPolicyConfig(srv, "rotated-secret-two", 3, recipients),
				PlanOnly: true,
			},
		},
	})
}

// A changed write-only value without a version bump is caught by the fingerprint in private
// state: a replacement is planned, with a warning saying why.
func TestAccNotificationPolicy_writeOnlySecretChangedWithoutVersionBumpReplaces(t *testing.T) {
	srv := sequencetest.NewServer(t)
	output := recordCLIOutput(t)
	const recipients = `["https://hooks.example.com/a"]`

	for _, version := range []int{-1, 4} {
		name := "without a version"
		if version >= 0 {
			name = "with an unchanged version"
		}
		t.Run(name, func(t *testing.T) {
			differentID := statecheck.CompareValue(compare.ValuesDiffer())
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   writeOnlyCLIs,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkNoPolicies(srv),
				Steps: []resource.TestStep{
					{
						Config:            writeOnlyPolicyConfig(srv, "unversioned-secret-one", version, recipients),
						ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(policyAddr, tfjsonpath.New("id"))},
					},
					{
						// The same value again: no change.
						Config:   writeOnlyPolicyConfig(srv, "unversioned-secret-one", version, recipients),
						PlanOnly: true,
					},
					{
						Config:           writeOnlyPolicyConfig(srv, "unversioned-secret-two", version, recipients),
						ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
						ConfigStateChecks: []statecheck.StateCheck{
							differentID.AddStateValue(policyAddr, tfjsonpath.New("id")),
							stateValue("webhook_secret", knownvalue.Null()),
						},
						Check: resource.ComposeTestCheckFunc(
							checkEmulatorSecret(srv, "unversioned-secret-two"),
							output.expectPrinted(t, "webhook_secret_wo changed: the policy will be replaced",
								"although webhook_secret_wo_version did not change"),
						),
					},
					{
						Config:   writeOnlyPolicyConfig(srv, "unversioned-secret-two", version, recipients),
						PlanOnly: true,
					},
				},
			})
		})
	}
}

// Going back from the write-only input to webhook_secret would put the secret into state.
func TestAccNotificationPolicy_writeOnlyBackToPlaintextRefused(t *testing.T) {
	srv := sequencetest.NewServer(t)
	const recipients = `["https://hooks.example.com/a"]`

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: writeOnlyPolicyConfig(srv, "kept-out-of-state", -1, recipients)},
			{
				PreConfig: srv.ResetRequests,
				Config: policyConfig(srv, `
  name           = "write-only"
  channel        = "WEBHOOK"
  recipients     = `+recipients+`
  webhook_secret = "kept-out-of-state"
`),
				ExpectError: errorPattern("Cannot move a write-only webhook secret into state", "would write a secret into state"),
			},
			{
				// Nothing changed in Sequence or in state.
				Config:           writeOnlyPolicyConfig(srv, "kept-out-of-state", -1, recipients),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckNoResourceAttr(policyAddr, "webhook_secret"),
					checkEmulatorSecret(srv, "kept-out-of-state"),
					expectAPIChanges(srv),
				),
			},
		},
	})
}

// A policy created with webhook_secret moves its secret out of state in place when
// webhook_secret_wo is set to the same secret; a different one replaces the policy, with a warning.
func TestAccNotificationPolicy_plaintextToWriteOnlySecret(t *testing.T) {
	srv := sequencetest.NewServer(t)
	output := recordCLIOutput(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	const recipients = `["https://hooks.example.com/a"]`

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: policyConfig(srv, `
  name           = "write-only"
  channel        = "WEBHOOK"
  recipients     = `+recipients+`
  webhook_secret = "migrating-secret"
`),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.StringExact("migrating-secret")),
				},
			},
			{
				PreConfig:        srv.ResetRequests,
				Config:           writeOnlyPolicyConfig(srv, "migrating-secret", -1, recipients),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.Null()),
				},
				Check: expectAPIChanges(srv),
			},
			{
				// The emulator echoes the secret on reads; it stays out of state from now on.
				RefreshState: true,
				Check:        resource.TestCheckNoResourceAttr(policyAddr, "webhook_secret"),
			},
			{
				Config:   writeOnlyPolicyConfig(srv, "migrating-secret", -1, recipients),
				PlanOnly: true,
			},
			{
				Config:           writeOnlyPolicyConfig(srv, "another-secret", -1, recipients),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
				Check: resource.ComposeTestCheckFunc(
					checkEmulatorSecret(srv, "another-secret"),
					output.expectPrinted(t, "webhook_secret_wo changed: the policy will be replaced"),
				),
			},
		},
	})
}

// A policy created with webhook_secret that is given a different webhook_secret_wo is replaced,
// and the warning says why.
func TestAccNotificationPolicy_plaintextToDifferentWriteOnlySecretReplaces(t *testing.T) {
	srv := sequencetest.NewServer(t)
	output := recordCLIOutput(t)
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	const recipients = `["https://hooks.example.com/a"]`

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: policyConfig(srv, `
  name       = "write-only"
  channel    = "WEBHOOK"
  recipients = `+recipients+`
`),
				ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(policyAddr, tfjsonpath.New("id"))},
			},
			{
				Config:           writeOnlyPolicyConfig(srv, "not-the-generated-one", -1, recipients),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
				ConfigStateChecks: []statecheck.StateCheck{
					differentID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					checkEmulatorSecret(srv, "not-the-generated-one"),
					output.expectPrinted(t, "webhook_secret_wo replaces the policy", "is not the secret this policy has"),
				),
			},
		},
	})
}
