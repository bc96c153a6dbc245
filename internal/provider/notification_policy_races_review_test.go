package provider

// Review of issue 21: repairing a dashboard race finishes what the plan changes and nothing else.

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// State [x, y], configuration [y], types unchanged. Before the saved plan is applied, someone
// removes y in the dashboard and adds QUOTE_SIGNED to the policy. Removing x is refused (the last
// recipient) and the update resumes from what it reads back: it adds y again and removes x, but
// must leave QUOTE_SIGNED alone, which the plan never showed. That is drift for the next plan,
// as it would have been without the refusal.
func TestAccNotificationPolicy_raceRepairLeavesDashboardAdditionsAlone(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := policyConfig(srv, `
  name               = "repair stays in plan"
  channel            = "EMAIL"
  recipients         = RECIPIENTS
  notification_types = ["INVOICE_ISSUED"]
`)
	withRecipients := func(r string) string { return strings.Replace(config, "RECIPIENTS", r, 1) }

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: withRecipients(`["x@example.com", "y@example.com"]`)},
			{
				PreConfig: srv.ResetRequests,
				Config:    withRecipients(`["y@example.com"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					editBetweenPlanAndApply(func() {
						removeInDashboard(t, srv, "y@example.com", "")
						updateEveryPolicy(t, srv, func(p *sequencetest.Policy) {
							p.NotificationTypes = append(p.NotificationTypes, "QUOTE_SIGNED")
						})
					}),
				}},
				ConfigStateChecks: []statecheck.StateCheck{stateValue("recipients", stringSetValue("y@example.com"))},
				// The next plan shows the dashboard's QUOTE_SIGNED as drift to remove.
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(
					checkEmulatorRecipients(srv, "y@example.com"),
					checkEmulatorTypes(srv, "INVOICE_ISSUED", "QUOTE_SIGNED"),
				),
			},
		},
	})
}

// The owner's policy ignores recipient changes (as the README recommends next to recipient
// resources) and drops INVOICE_ISSUED. While the update runs, someone removes the kept
// QUOTE_SIGNED in the dashboard just before the removal reaches Sequence, and another team's
// recipient resource adds its address. The widened policy is repaired from what the update reads
// back: QUOTE_SIGNED is restored, and the team's address, which the plan never showed, stays.
func TestAccNotificationPolicy_wideningRepairNeverRemovesWhatOthersAdded(t *testing.T) {
	emulator := sequencetest.New()
	var raceArmed atomic.Bool
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete && raceArmed.CompareAndSwap(true, false) {
			for _, p := range emulator.Policies() {
				if err := emulator.UpdatePolicy(p.ID, func(p *sequencetest.Policy) {
					p.NotificationTypes = slices.DeleteFunc(p.NotificationTypes, func(nt string) bool { return nt == "QUOTE_SIGNED" })
					p.Recipients = append(p.Recipients, "team@example.com")
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
  name               = "owned"
  channel            = "EMAIL"
  recipients         = ["owner@example.com"]
  notification_types = `+types+`

  lifecycle {
    ignore_changes = [recipients]
  }
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
					checkEmulatorTypes(srv, "QUOTE_SIGNED"),
					checkEmulatorRecipients(srv, "owner@example.com", "team@example.com"),
				),
			},
		},
	})
}

// The recipient resource's add reaches Sequence, but the answer is lost (the connection drops
// after Sequence committed it) and no retry is left. The address is on the policy because of this
// create alone: the apply must not leave it unowned, for the next apply would refuse it as
// "added by someone else" and only a manual import would get out of that.
func TestAccNotificationPolicyRecipient_lostAnswerOfCreateIsNotSomeoneElses(t *testing.T) {
	emulator := sequencetest.New()
	var resetAdds atomic.Bool
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if resetAdds.Load() && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/recipients") {
			emulator.QueueFaults(sequencetest.FaultResetAfterCommit)
		}
		emulator.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	srv := &sequencetest.Server{Emulator: emulator, URL: hs.URL + "/api"}
	policy := strings.Replace(policyConfig(srv, `
  name       = "lost answer"
  channel    = "EMAIL"
  recipients = ["owner@example.com"]

  lifecycle {
    ignore_changes = [recipients]
  }
`), "provider \"sequence\" {", "provider \"sequence\" {\n  max_retries = 0", 1)
	withTeam := policy + recipientBlock("test", "sequence_notification_policy.test.id", "team@example.com")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: policy},
			{
				PreConfig: func() { resetAdds.Store(true) },
				Config:    withTeam,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(recipientAddr, "recipient", "team@example.com"),
					checkEmulatorRecipients(srv, "owner@example.com", "team@example.com"),
				),
			},
			{
				PreConfig:        func() { resetAdds.Store(false) },
				Config:           withTeam,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Its destroy removes the address it added, and only that.
				Config: policy,
				Check:  checkEmulatorRecipients(srv, "owner@example.com"),
			},
		},
	})
}

// Sequence drops notification types within an API version (NOTIFICATION_SENT in 2024-11), and a
// policy keeps a dropped type it had. Its configuration still lists it and drops QUOTE_SIGNED:
// the removal alone would do, as it did before the kept types were re-sent. Re-sending them
// includes the dropped type, which Sequence refuses to add, so the update must not depend on
// that request succeeding.
func TestAccNotificationPolicy_keptTypeSequenceNoLongerAcceptsDoesNotBlockRemovals(t *testing.T) {
	const dropped = "NOTIFICATION_SENT"
	srv := sequencetest.NewServer(t,
		sequencetest.WithNotificationTypes(append(slices.Clone(sequencetest.DefaultNotificationTypes), dropped)...))
	config := func(types string) string {
		return policyConfig(srv, `
  name               = "dropped type kept"
  channel            = "EMAIL"
  recipients         = ["ops@example.com"]
  notification_types = `+types+`
`)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config(`["INVOICE_ISSUED", "QUOTE_SIGNED", "` + dropped + `"]`)},
			{
				PreConfig:         func() { srv.SetNotificationTypes(sequencetest.DefaultNotificationTypes...) },
				Config:            config(`["INVOICE_ISSUED", "` + dropped + `"]`),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{stateValue("notification_types", stringSetValue("INVOICE_ISSUED", dropped))},
				Check: resource.ComposeTestCheckFunc(
					checkEmulatorTypes(srv, "INVOICE_ISSUED", dropped),
					checkNeverWidened(srv),
				),
			},
		},
	})
}

// As above, but before the saved plan is applied someone removes every kept type in the
// dashboard, the dropped one included, which cannot be added back. Removing QUOTE_SIGNED would
// then leave the policy matching every type: the update fails before removing anything.
func TestAccNotificationPolicy_keptTypesAllGoneAndOneRefusedFailsWithoutWidening(t *testing.T) {
	const dropped = "NOTIFICATION_SENT"
	srv := sequencetest.NewServer(t,
		sequencetest.WithNotificationTypes(append(slices.Clone(sequencetest.DefaultNotificationTypes), dropped)...))
	config := func(types string) string {
		return policyConfig(srv, `
  name               = "dropped type gone"
  channel            = "EMAIL"
  recipients         = ["ops@example.com"]
  notification_types = `+types+`
`)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config(`["INVOICE_ISSUED", "QUOTE_SIGNED", "` + dropped + `"]`)},
			{
				PreConfig: func() { srv.SetNotificationTypes(sequencetest.DefaultNotificationTypes...) },
				Config:    config(`["INVOICE_ISSUED", "` + dropped + `"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					editBetweenPlanAndApply(func() {
						removeInDashboard(t, srv, "", "INVOICE_ISSUED")
						removeInDashboard(t, srv, "", dropped)
					}),
				}},
				ExpectError: errorPattern("Cannot update notification policy", dropped),
			},
			{
				// Nothing was removed: the policy still matches only QUOTE_SIGNED.
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check:              resource.ComposeTestCheckFunc(checkEmulatorTypes(srv, "QUOTE_SIGNED"), checkNeverWidened(srv)),
			},
		},
	})
}

// While the update's removals run, someone removes the kept QUOTE_SIGNED in the dashboard just
// before INVOICE_ISSUED's removal reaches Sequence, so its answer shows the policy matching every
// type; meanwhile the recipient removal sent with it fails (a 500, no retries left). The update
// fails, but it must not leave the policy matching every type: the planned types are restored
// before the failure is reported.
func TestAccNotificationPolicy_wideningIsRepairedEvenWhenAnotherRequestFails(t *testing.T) {
	emulator := sequencetest.New()
	var armed atomic.Bool
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if armed.Load() && r.Method == http.MethodDelete {
			if strings.Contains(r.URL.Path, "/recipients/") {
				http.Error(w, "internal error", http.StatusInternalServerError)
				return
			}
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
	config := func(recipients, types string) string {
		return strings.Replace(policyConfig(srv, `
  name               = "repaired despite a fault"
  channel            = "EMAIL"
  recipients         = `+recipients+`
  notification_types = `+types+`
`), "provider \"sequence\" {", "provider \"sequence\" {\n  max_retries = 0", 1)
	}
	before := config(`["owner@example.com", "x@example.com"]`, `["INVOICE_ISSUED", "QUOTE_SIGNED"]`)
	after := config(`["owner@example.com"]`, `["QUOTE_SIGNED"]`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: before},
			{
				PreConfig:   func() { armed.Store(true) },
				Config:      after,
				ExpectError: errorPattern("Cannot update notification policy"),
			},
			{
				PreConfig: func() { armed.Store(false) },
				Config:    after,
				// Checked before this step's plan and apply, which would repair it anyway.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					editBetweenPlanAndApply(func() {
						if p := emulator.Policies(); len(p) != 1 || len(p[0].NotificationTypes) == 0 {
							t.Errorf("after the failed update the policy matches every notification type: %+v", p)
						}
					}),
				}},
				Check: checkEmulatorTypes(srv, "QUOTE_SIGNED"),
			},
		},
	})
}

// A recipient resource with create_before_destroy is replaced (terraform apply -replace, or a
// taint): the new instance is created while the old one still holds the address, and destroying
// the old one afterwards would remove the address the new one records. The refusal is right, but
// its error must say why, rather than blame someone else and suggest an import that cannot work
// (the address is already managed here); and the address stays.
func TestAccNotificationPolicyRecipient_replacedWithCreateBeforeDestroy(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := policyConfig(srv, `
  name       = "replaced recipient"
  channel    = "EMAIL"
  recipients = ["owner@example.com"]

  lifecycle {
    ignore_changes = [recipients]
  }
`) + `
resource "sequence_notification_policy_recipient" "test" {
  policy_id = sequence_notification_policy.test.id
  recipient = "team@example.com"

  lifecycle {
    create_before_destroy = true
  }
}
`

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config},
			{
				Taint:       []string{recipientAddr},
				Config:      config,
				ExpectError: errorPattern("Recipient already on notification policy", "create_before_destroy"),
			},
			{
				// Still tainted, so the next plan replaces it again.
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check:              checkEmulatorRecipients(srv, "owner@example.com", "team@example.com"),
			},
		},
	})
}
