package provider

// Regression tests for paths real accounts hit outside the happy path: imported policies,
// dashboard edits racing an apply, values unknown at plan time, case-only differences. After a
// successful write the state is what was planned; what Sequence changes shows up on the next
// refresh, never as a provider-bug error.

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// importBlock renders an import {} block adopting policy id as sequence_notification_policy.test.
func importBlock(id string) string {
	return fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", policyAddr, id)
}

// editBetweenPlanAndApply is a pre-apply plan check that changes the emulator's store, as someone
// working in the dashboard would. terraform-plugin-testing saves each step's plan (plan -out) and
// applies that saved plan after the pre-apply checks, so the edit lands between plan and apply.
type editBetweenPlanAndApply func()

func (e editBetweenPlanAndApply) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, _ *plancheck.CheckPlanResponse) {
	e()
}

// updateEveryPolicy applies change to every policy in the emulator, failing the test on error.
func updateEveryPolicy(t *testing.T, srv *sequencetest.Server, change func(*sequencetest.Policy)) {
	t.Helper()
	for _, p := range srv.Policies() {
		if err := srv.UpdatePolicy(p.ID, change); err != nil {
			t.Error(err)
		}
	}
}

// An imported WEBHOOK policy whose secret Sequence does not return on reads has a null
// webhook_secret; adding a recipient keeps it null, although the update's response carries the
// secret, and sends nothing but the addition. Imported with an import {} block or with the
// terraform import command.
func TestAccNotificationPolicy_importedOmittedSecretThenAddRecipient(t *testing.T) {
	for _, importBlockUsed := range []bool{true, false} {
		name := "terraform import"
		if importBlockUsed {
			name = "import block"
		}
		t.Run(name, func(t *testing.T) {
			srv := sequencetest.NewServer(t, sequencetest.WithOmitSecretOnRead(true))
			existing := srv.InsertPolicy(sequencetest.Policy{
				Name:       "made in the dashboard",
				Channel:    "WEBHOOK",
				Recipients: []string{"https://hooks.example.com/a"},
			})
			config := func(recipients string) string {
				c := policyConfig(srv, `
  name       = "made in the dashboard"
  channel    = "WEBHOOK"
  recipients = `+recipients+`
`)
				if importBlockUsed {
					c = importBlock(existing.ID) + c
				}
				return c
			}
			imported := resource.TestStep{
				Config:            config(`["https://hooks.example.com/a"]`),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionNoop),
				ConfigStateChecks: []statecheck.StateCheck{stateValue("webhook_secret", knownvalue.Null())},
			}
			if !importBlockUsed {
				imported = resource.TestStep{
					Config:             config(`["https://hooks.example.com/a"]`),
					ResourceName:       policyAddr,
					ImportState:        true,
					ImportStateId:      existing.ID,
					ImportStatePersist: true,
					ImportStateCheck: func(states []*terraform.InstanceState) error {
						if len(states) != 1 || states[0].Attributes["webhook_secret"] != "" {
							return fmt.Errorf("want one imported policy with a null webhook_secret")
						}
						return nil
					},
				}
			}

			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkNoPolicies(srv),
				Steps: []resource.TestStep{
					imported,
					{
						PreConfig:        srv.ResetRequests,
						Config:           config(`["https://hooks.example.com/a", "https://hooks.example.com/b"]`),
						ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
						ConfigStateChecks: []statecheck.StateCheck{
							stateValue("id", knownvalue.StringExact(existing.ID)),
							stateValue("webhook_secret", knownvalue.Null()),
							stateValue("recipients", stringSetValue("https://hooks.example.com/a", "https://hooks.example.com/b")),
						},
						Check: resource.ComposeTestCheckFunc(
							expectAPIChanges(srv, "POST /api/notifications/policies/{id}/recipients"),
							checkEmulatorSecret(srv, existing.WebhookSecret),
						),
					},
				},
			})
		})
	}
}

// A saved plan applied after someone added a recipient and a notification type in the dashboard:
// the apply makes the planned change and records the plan; the dashboard's additions show up as
// drift on the next plan, which removes them.
func TestAccNotificationPolicy_savedPlanAppliedAfterDashboardEdit(t *testing.T) {
	srv := sequencetest.NewServer(t)
	const two = `["finance@example.com", "ops@example.com"]`
	config := func(recipients string) string {
		return policyConfig(srv, `
  name       = "saved plan"
  channel    = "EMAIL"
  recipients = `+recipients+`
`)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config(`["ops@example.com"]`)},
			{
				PreConfig: srv.ResetRequests,
				Config:    config(two),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					editBetweenPlanAndApply(func() {
						updateEveryPolicy(t, srv, func(p *sequencetest.Policy) {
							p.Recipients = append(p.Recipients, "dashboard@example.com")
							p.NotificationTypes = append(p.NotificationTypes, "INVOICE_ISSUED")
						})
					}),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("recipients", stringSetValue("finance@example.com", "ops@example.com")),
					stateValue("notification_types", knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv, "POST /api/notifications/policies/{id}/recipients"),
					checkEmulatorRecipients(srv, "dashboard@example.com", "finance@example.com", "ops@example.com"),
				),
				// The refresh after the apply finds the dashboard's additions.
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig:        srv.ResetRequests,
				Config:           config(two),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv,
						"DELETE /api/notifications/policies/{id}/recipients/dashboard@example.com",
						"DELETE /api/notifications/policies/{id}/notification-types/INVOICE_ISSUED"),
					checkEmulatorRecipients(srv, "finance@example.com", "ops@example.com"),
				),
			},
		},
	})
}

// secretFromUnknown renders a WEBHOOK policy whose webhook_secret_wo is unknown at plan time: it
// depends on the id of a terraform_data created in the same run. whenKnown is the expression the
// secret takes once that id is known (a quoted string, or null).
func secretFromUnknown(srv *sequencetest.Server, name, recipients, whenKnown string) string {
	otherwise := "null"
	if whenKnown == "null" {
		otherwise = `"never-sent-secret"`
	}
	return policyConfig(srv, fmt.Sprintf(`
  name              = %q
  channel           = "WEBHOOK"
  recipients        = %s
  webhook_secret_wo = terraform_data.secret_source.id != "" ? %s : %s
`, name, recipients, whenKnown, otherwise)) + `
resource "terraform_data" "secret_source" {
  input = "secret source"
}
`
}

// expectSecretUnknownInPlan checks that webhook_secret is planned as unknown ("known after
// apply"). Unlike plancheck.ExpectUnknownValue it never prints the planned value, a secret.
type expectSecretUnknownInPlan struct{}

func (expectSecretUnknownInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != policyAddr {
			continue
		}
		if unknown, ok := rc.Change.AfterUnknown.(map[string]any); ok && unknown["webhook_secret"] == true {
			return
		}
		resp.Error = fmt.Errorf("%s: webhook_secret is planned as a known value or null (not shown), want unknown", policyAddr)
		return
	}
	resp.Error = fmt.Errorf("%s not in the plan", policyAddr)
}

// A write-only secret unknown at plan time may turn out null (Sequence generates a secret, which
// state keeps) or a value (sent, state keeps null): webhook_secret is planned unknown, never null.
func TestAccNotificationPolicy_writeOnlySecretUnknownAtPlanOnCreate(t *testing.T) {
	for _, tc := range []struct {
		name       string
		whenKnown  string
		wantState  knownvalue.Check
		wantSecret func(sequencetest.Policy) error
	}{
		{
			name:      "null at apply: Sequence generates the secret",
			whenKnown: "null",
			wantState: generatedSecret,
		},
		{
			name:      "a value at apply: sent and kept out of state",
			whenKnown: `"chosen-at-apply-secret"`,
			wantState: knownvalue.Null(),
			wantSecret: func(p sequencetest.Policy) error {
				if p.WebhookSecret != "chosen-at-apply-secret" {
					return fmt.Errorf("the emulator holds a different webhook secret than the one configured (values not shown)")
				}
				return nil
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := sequencetest.NewServer(t)
			check := checkSecretMatchesEmulator(srv)
			if tc.wantSecret != nil {
				check = checkEmulatorPolicy(srv, tc.wantSecret)
			}
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   writeOnlyCLIs,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkNoPolicies(srv),
				Steps: []resource.TestStep{{
					Config: secretFromUnknown(srv, "unknown secret", `["https://hooks.example.com/a"]`, tc.whenKnown),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionCreate),
						expectSecretUnknownInPlan{},
					}},
					ConfigStateChecks: []statecheck.StateCheck{stateValue("webhook_secret", tc.wantState)},
					Check:             check,
				}},
			})
		})
	}
}

// An existing policy with a generated secret gets a write-only secret that is unknown at plan
// time and null at apply: the update adds the recipient and the secret stays as it was.
func TestAccNotificationPolicy_writeOnlySecretUnknownAtPlanNullAtApplyOnUpdate(t *testing.T) {
	srv := sequencetest.NewServer(t)

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: policyConfig(srv, `
  name       = "unknown secret"
  channel    = "WEBHOOK"
  recipients = ["https://hooks.example.com/a"]
`),
			},
			{
				PreConfig: srv.ResetRequests,
				Config:    secretFromUnknown(srv, "unknown secret", `["https://hooks.example.com/a", "https://hooks.example.com/b"]`, "null"),
				// Whether the value will be the policy's secret is only known during apply, when the
				// planned action can no longer change, so the policy is replaced.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionDestroyBeforeCreate),
					expectSecretUnknownInPlan{},
				}},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						var changes []string
						for _, r := range srv.Requests() {
							if r.Method != "GET" {
								changes = append(changes, r.Method+" "+path.Dir(r.Path))
							}
						}
						if want := []string{"DELETE /api/notifications/policies", "POST /api/notifications"}; !slices.Equal(changes, want) {
							return fmt.Errorf("API requests that change something: got %q, want %q (a replacement)", changes, want)
						}
						return nil
					},
					checkSecretMatchesEmulator(srv),
					checkEmulatorPolicyCount(srv, 1),
				),
			},
		},
	})
}

// Sequence compares e-mail addresses ignoring letter case: a configuration that differs from an
// imported policy only in case plans no change and sends nothing, and so does a refresh that finds
// a case-only change made in the dashboard.
func TestAccNotificationPolicy_importCaseOnlyDifferenceIsNoChange(t *testing.T) {
	srv := sequencetest.NewServer(t)
	existing := srv.InsertPolicy(sequencetest.Policy{
		Name:       "made in the dashboard",
		Channel:    "EMAIL",
		Recipients: []string{"Controller@Example.com", "ops@example.com"},
	})
	config := importBlock(existing.ID) + policyConfig(srv, `
  name       = "made in the dashboard"
  channel    = "EMAIL"
  recipients = ["controller@example.com", "ops@example.com"]
`)
	noChange := resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionNoop)},
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				PreConfig:        srv.ResetRequests,
				Config:           config,
				ConfigPlanChecks: noChange,
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv),
					checkEmulatorRecipients(srv, "Controller@Example.com", "ops@example.com"),
				),
			},
			{
				PreConfig: func() {
					updateEveryPolicy(t, srv, func(p *sequencetest.Policy) {
						for i, r := range p.Recipients {
							p.Recipients[i] = strings.ToUpper(r)
						}
					})
					srv.ResetRequests()
				},
				Config:           config,
				ConfigPlanChecks: noChange,
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv),
					checkEmulatorRecipients(srv, "CONTROLLER@EXAMPLE.COM", "OPS@EXAMPLE.COM"),
				),
			},
			{
				// A configuration changed only in letter case is no change either.
				PreConfig: srv.ResetRequests,
				Config: importBlock(existing.ID) + policyConfig(srv, `
  name       = "made in the dashboard"
  channel    = "EMAIL"
  recipients = ["CONTROLLER@example.com", "Ops@Example.com"]
`),
				ConfigPlanChecks: noChange,
				Check:            expectAPIChanges(srv),
			},
		},
	})
}

// Found in review: a webhook_secret_wo unknown at plan time that turns out, at apply, to differ
// from an existing policy's secret made the CLI report "Provider produced inconsistent final plan"
// (an update planned, a replacement needed once the value was known). The plan now replaces the
// policy whenever the value is unknown, and the configured secret ends up on the new policy.
func TestAccNotificationPolicy_writeOnlySecretUnknownAtPlanDifferentAtApplyOnUpdate(t *testing.T) {
	srv := sequencetest.NewServer(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: policyConfig(srv, `
  name       = "unknown secret"
  channel    = "WEBHOOK"
  recipients = ["https://hooks.example.com/a"]
`),
			},
			{
				Config: secretFromUnknown(srv, "unknown secret", `["https://hooks.example.com/a"]`, `"chosen-at-apply-secret"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkEmulatorPolicy(srv, func(p sequencetest.Policy) error {
					if p.WebhookSecret != "chosen-at-apply-secret" {
						return fmt.Errorf("the emulator holds a different webhook secret than the one configured (values not shown)")
					}
					return nil
				}),
			},
		},
	})
}

// Found by the randomized walk on OpenTofu (seeds 43, 44): a policy deleted in the dashboard
// between plan and apply fails its update with an error that said the policy "was removed from
// state", but the CLI keeps the prior state of a resource whose apply failed. The error now says
// what happens (the next refresh drops it, and the plan re-creates it), and it does.
func TestAccNotificationPolicy_deletedBetweenPlanAndApplyOfAnUpdate(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := func(recipients string) string {
		return policyConfig(srv, `
  name       = "deleted during apply"
  channel    = "EMAIL"
  recipients = `+recipients+`
`)
	}
	two := config(`["finance@example.com", "ops@example.com"]`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config(`["ops@example.com"]`)},
			{
				Config: two,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					editBetweenPlanAndApply(func() {
						for _, p := range srv.Policies() {
							srv.DeletePolicy(p.ID)
						}
					}),
				}},
				ExpectError: errorPattern("no longer exists in Sequence", "The next plan refreshes the state, finds it gone and plans to create it again"),
			},
			{
				Config: two,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionCreate),
				}},
				Check: checkEmulatorRecipients(srv, "finance@example.com", "ops@example.com"),
			},
		},
	})
}
