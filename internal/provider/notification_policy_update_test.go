package provider

// What a change to a policy plans and sends: in-place updates of recipients and types (in two
// waves, fewest requests), replacements, drift from the dashboard, and a failed update recorded.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
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
						mustUpdatePolicy(t, srv, p.ID, func(p *sequencetest.Policy) {
							p.Recipients = append(p.Recipients, "intruder+drift@example.com")
						})
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
