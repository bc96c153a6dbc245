package provider

// Regression tests for dashboard edits racing a saved plan (issue 21): an update never leaves a
// policy matching more notification types than planned, a removal the planned end state allows
// never fails because of what someone else removed, and the recipient resource never takes over
// an address it did not add.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// checkEmulatorTypes checks the notification types of the only policy the emulator holds, as a
// set (none = every type).
func checkEmulatorTypes(srv *sequencetest.Server, want ...string) resource.TestCheckFunc {
	return checkEmulatorPolicy(srv, func(p sequencetest.Policy) error {
		got := slices.Sorted(slices.Values(p.NotificationTypes))
		if w := slices.Sorted(slices.Values(want)); !slices.Equal(got, w) {
			return fmt.Errorf("emulator notification types = %q, want %q", got, w)
		}
		return nil
	})
}

// checkNeverWidened checks that no API request left a policy without notification types.
func checkNeverWidened(srv *sequencetest.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := srv.TypesEmptiedByRequests(); n != 0 {
			return fmt.Errorf("%d request(s) left a policy without notification types (matching every type)", n)
		}
		return nil
	}
}

// removeInDashboard removes recipient and notification type values from every policy, as someone
// in the dashboard would (empty strings remove nothing).
func removeInDashboard(t *testing.T, srv *sequencetest.Server, recipient, notificationType string) {
	t.Helper()
	updateEveryPolicy(t, srv, func(p *sequencetest.Policy) {
		p.Recipients = slices.DeleteFunc(p.Recipients, func(r string) bool { return r == recipient })
		p.NotificationTypes = slices.DeleteFunc(p.NotificationTypes, func(nt string) bool { return nt == notificationType })
		if len(p.NotificationTypes) == 0 {
			p.NotificationTypes = nil
		}
	})
}

// A saved plan drops INVOICE_ISSUED and keeps QUOTE_SIGNED; before it is applied, someone removes
// QUOTE_SIGNED in the dashboard. Removing INVOICE_ISSUED as planned would leave the policy without
// types, which Sequence reads as every type: the update sends the kept type with its additions
// first, so no request ever empties the set, and Sequence ends with exactly the planned type.
func TestAccNotificationPolicy_savedPlanNeverWidensToAllTypes(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := func(types string) string {
		return policyConfig(srv, `
  name               = "never widened"
  channel            = "EMAIL"
  recipients         = ["finance@example.com"]
  notification_types = `+types+`
`)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config(`["INVOICE_ISSUED", "QUOTE_SIGNED"]`)},
			{
				PreConfig: srv.ResetRequests,
				Config:    config(`["QUOTE_SIGNED"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					editBetweenPlanAndApply(func() { removeInDashboard(t, srv, "", "QUOTE_SIGNED") }),
				}},
				ConfigStateChecks: []statecheck.StateCheck{stateValue("notification_types", stringSetValue("QUOTE_SIGNED"))},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv,
						"POST /api/notifications/policies/{id}/notification-types",
						"DELETE /api/notifications/policies/{id}/notification-types/INVOICE_ISSUED"),
					checkEmulatorTypes(srv, "QUOTE_SIGNED"),
					checkNeverWidened(srv),
				),
			},
			{
				// The next plan is empty: state and Sequence agree.
				Config:           config(`["QUOTE_SIGNED"]`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionNoop),
			},
		},
	})
}

// Someone removes the kept type in the dashboard after the update re-sent it and just before the
// removal reaches Sequence, so the removal's answer shows the policy matching every type: the
// update treats that answer as an error to repair, restores the planned type, and succeeds with a
// warning; Sequence ends with exactly the planned type.
func TestAccNotificationPolicy_typesWidenedDuringApplyAreRestored(t *testing.T) {
	emulator := sequencetest.New()
	var raceArmed atomic.Bool
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete && raceArmed.CompareAndSwap(true, false) {
			for _, p := range emulator.Policies() {
				if err := emulator.UpdatePolicy(p.ID, func(p *sequencetest.Policy) {
					p.NotificationTypes = slices.DeleteFunc(p.NotificationTypes, func(nt string) bool { return nt == "QUOTE_SIGNED" })
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
	config := func(types string) string {
		return policyConfig(srv, `
  name               = "restored"
  channel            = "EMAIL"
  recipients         = ["finance@example.com"]
  notification_types = `+types+`
`)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config(`["INVOICE_ISSUED", "QUOTE_SIGNED"]`)},
			{
				PreConfig: func() {
					emulator.ResetRequests()
					raceArmed.Store(true)
				},
				Config:            config(`["QUOTE_SIGNED"]`),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{stateValue("notification_types", stringSetValue("QUOTE_SIGNED"))},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv,
						"POST /api/notifications/policies/{id}/notification-types",
						"DELETE /api/notifications/policies/{id}/notification-types/INVOICE_ISSUED",
						"POST /api/notifications/policies/{id}/notification-types"),
					checkEmulatorTypes(srv, "QUOTE_SIGNED"),
				),
			},
			{
				Config:           config(`["QUOTE_SIGNED"]`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionNoop),
			},
		},
	})
}

// State [x, y], configuration [y]; before the saved plan is applied, someone removes y in the
// dashboard. Removing x as planned is refused (the last recipient), but the planned end state is
// reachable: the update reads the policy back, adds y again, then removes x, and succeeds.
func TestAccNotificationPolicy_savedPlanRecipientRaceReachesPlan(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := func(recipients string) string {
		return policyConfig(srv, `
  name       = "recipient race"
  channel    = "EMAIL"
  recipients = `+recipients+`
`)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config(`["x@example.com", "y@example.com"]`)},
			{
				PreConfig: srv.ResetRequests,
				Config:    config(`["y@example.com"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					editBetweenPlanAndApply(func() { removeInDashboard(t, srv, "y@example.com", "") }),
				}},
				ConfigStateChecks: []statecheck.StateCheck{stateValue("recipients", stringSetValue("y@example.com"))},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv,
						"DELETE /api/notifications/policies/{id}/recipients/x@example.com",
						"POST /api/notifications/policies/{id}/recipients",
						"DELETE /api/notifications/policies/{id}/recipients/x@example.com"),
					checkEmulatorRecipients(srv, "y@example.com"),
				),
			},
			{
				Config:           config(`["y@example.com"]`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionNoop),
			},
		},
	})
}

// The owner's policy holds Ops@Example.com (its resource ignores recipient changes); another team
// declares a recipient resource for ops@example.com. Sequence would accept the add, and the
// resource's destroy would then take the owner's address: the create is refused with an error
// giving the import id, nothing is recorded, and the owner's address stays through the team's
// failed create and the removal of its resource. Imported deliberately, it is the team's.
func TestAccNotificationPolicyRecipient_refusesAddressAlreadyOnPolicy(t *testing.T) {
	srv := sequencetest.NewServer(t)
	owner := policyConfig(srv, `
  name       = "owned elsewhere"
  channel    = "EMAIL"
  recipients = ["Ops@Example.com", "finance@example.com"]

  lifecycle {
    ignore_changes = [recipients]
  }
`)
	withTeam := owner + recipientBlock("test", "sequence_notification_policy.test.id", "ops@example.com")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config:      withTeam,
				ExpectError: errorPattern("Recipient already on notification policy", `already has the recipient "ops@example.com"`, "import it with the id", "/ops@example.com"),
			},
			{
				// The failed create recorded nothing, so dropping the team's resource removes nothing.
				Config: owner,
				Check:  checkEmulatorRecipients(srv, "Ops@Example.com", "finance@example.com"),
			},
			{
				// The import the error suggests adopts the address.
				Config:             withTeam,
				ResourceName:       recipientAddr,
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources[policyAddr].Primary.ID + "/ops@example.com", nil
				},
			},
			{
				Config:           withTeam,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkEmulatorRecipients(srv, "Ops@Example.com", "finance@example.com"),
			},
		},
	})
}
