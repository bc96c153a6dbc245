package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

const recipientAddr = "sequence_notification_policy_recipient.test"

// A webhook URL with the characters a naive composite id would split on.
const awkwardWebhookURL = "https://hooks.example.com/team-a/sequence?key=a:b&next=/x"

// sharedPolicyConfig is the policy owner's configuration: a policy whose recipients other
// configurations manage, plus body (recipient resources).
func sharedPolicyConfig(srv *sequencetest.Server, channel, ownRecipient, body string) string {
	return testAccProviderConfig(srv) + fmt.Sprintf(`
resource "sequence_notification_policy" "test" {
  name       = "invoices issued"
  channel    = %q
  recipients = [%q]

  lifecycle {
    ignore_changes = [recipients]
  }
}
`, channel, ownRecipient) + body
}

func recipientBlock(name, policyID, recipient string) string {
	return fmt.Sprintf(`
resource "sequence_notification_policy_recipient" %q {
  policy_id = %s
  recipient = %q
}
`, name, policyID, recipient)
}

// checkEmulatorRecipients checks the recipients of the only policy the emulator holds, as a set.
func checkEmulatorRecipients(srv *sequencetest.Server, want ...string) resource.TestCheckFunc {
	return checkEmulatorPolicy(srv, func(p sequencetest.Policy) error {
		got := slices.Sorted(slices.Values(p.Recipients))
		if w := slices.Sorted(slices.Values(want)); !slices.Equal(got, w) {
			return fmt.Errorf("emulator recipients = %q, want %q", got, w)
		}
		return nil
	})
}

func recipientStateValue(attr string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(recipientAddr, tfjsonpath.New(attr), value)
}

// The resource adds its recipient with one request and removes it with one, leaving the policy's
// other recipients alone; the policy's ignore_changes keeps both plans empty. Its id survives the
// slashes and colons of a webhook URL, through terraform import and import blocks.
func TestAccNotificationPolicyRecipient_webhookAddedImportedRemoved(t *testing.T) {
	srv := sequencetest.NewServer(t)
	const own = "https://finance.example.com/sequence"
	withRecipient := sharedPolicyConfig(srv, "WEBHOOK", own, recipientBlock("test", "sequence_notification_policy.test.id", awkwardWebhookURL))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: withRecipient,
				ConfigStateChecks: []statecheck.StateCheck{
					recipientStateValue("recipient", knownvalue.StringExact(awkwardWebhookURL)),
					statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("recipients"), stringSetValue(own)),
				},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv,
						"POST /api/notifications/policies",
						"POST /api/notifications/policies/{id}/recipients"),
					checkEmulatorRecipients(srv, own, awkwardWebhookURL),
					func(s *terraform.State) error {
						policyID := s.RootModule().Resources[policyAddr].Primary.ID
						want := policyID + "/" + awkwardWebhookURL
						if got := s.RootModule().Resources[recipientAddr].Primary.ID; got != want {
							return fmt.Errorf("recipient id = %q, want %q", got, want)
						}
						return nil
					},
				),
			},
			{
				// The policy's refresh now sees both recipients: ignore_changes keeps the plan empty.
				Config:   withRecipient,
				PlanOnly: true,
			},
			{ResourceName: recipientAddr, ImportState: true, ImportStateVerify: true},
			{
				ResourceName:    recipientAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(recipientAddr, plancheck.ResourceActionNoop),
				}},
			},
			{
				PreConfig: srv.ResetRequests,
				Config:    sharedPolicyConfig(srv, "WEBHOOK", own, ""),
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv, "DELETE /api/notifications/policies/{id}/recipients/"+awkwardWebhookURL),
					checkEmulatorRecipients(srv, own),
				),
			},
		},
	})
}

// On an EMAIL policy Sequence compares addresses ignoring case: a recipient stored in another
// spelling is still the resource's, and nothing is planned.
func TestAccNotificationPolicyRecipient_emailMatchedIgnoringCase(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := sharedPolicyConfig(srv, "EMAIL", "finance@example.com",
		recipientBlock("test", "sequence_notification_policy.test.id", "Team-A@Example.com"))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config, Check: checkEmulatorRecipients(srv, "finance@example.com", "Team-A@Example.com")},
			{
				PreConfig: func() {
					for _, p := range srv.Policies() {
						mustUpdatePolicy(t, srv, p.ID, func(p *sequencetest.Policy) {
							p.Recipients = []string{"finance@example.com", "team-a@example.com"}
						})
					}
				},
				Config:   config,
				PlanOnly: true,
			},
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{recipientStateValue("recipient", knownvalue.StringExact("Team-A@Example.com"))},
			},
		},
	})
}

// A change of letter case alone in an e-mail recipient is no change for Sequence: the plan is
// empty (no removal and re-adding of the address, which would fail for a policy's last
// recipient), no request is sent, and the state keeps the spelling Sequence was sent.
func TestAccNotificationPolicyRecipient_emailCaseChangeIsNoChange(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := func(spelling string) string {
		return sharedPolicyConfig(srv, "EMAIL", "finance@example.com",
			recipientBlock("test", "sequence_notification_policy.test.id", spelling))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config("Team-A@Example.com")},
			{
				PreConfig: srv.ResetRequests,
				Config:    config("team-a@example.com"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(recipientAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{recipientStateValue("recipient", knownvalue.StringExact("Team-A@Example.com"))},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv),
					checkEmulatorRecipients(srv, "finance@example.com", "Team-A@Example.com"),
				),
			},
			{Config: config("team-a@example.com"), PlanOnly: true},
		},
	})
}

// A webhook URL is compared exactly: a change of letter case in it is another recipient, and
// the resource is replaced (the new URL added, the old one removed).
func TestAccNotificationPolicyRecipient_webhookCaseChangeReplaces(t *testing.T) {
	srv := sequencetest.NewServer(t)
	const own = "https://finance.example.com/sequence"
	config := func(url string) string {
		return sharedPolicyConfig(srv, "WEBHOOK", own, recipientBlock("test", "sequence_notification_policy.test.id", url))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config("https://hooks.example.com/Team-A")},
			{
				Config: config("https://hooks.example.com/team-a"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(recipientAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: checkEmulatorRecipients(srv, own, "https://hooks.example.com/team-a"),
			},
		},
	})
}

// Importing an e-mail recipient spelled differently from the configuration plans no change, with
// an import block or with terraform import.
func TestAccNotificationPolicyRecipient_importInOtherCaseIsNoChange(t *testing.T) {
	srv := sequencetest.NewServer(t)
	policy := srv.InsertPolicy(sequencetest.Policy{Name: "p", Channel: "EMAIL", Recipients: []string{"finance@example.com", "ops@example.com"}})
	config := testAccProviderConfig(srv) + recipientBlock("test", fmt.Sprintf("%q", policy.ID), "ops@example.com")
	importID := policy.ID + "/OPS@EXAMPLE.COM"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEmulatorRecipients(srv, "finance@example.com"),
		Steps: []resource.TestStep{
			{
				Config:          config,
				ResourceName:    recipientAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   importID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(recipientAddr, plancheck.ResourceActionNoop),
				}},
			},
			{
				Config:             config,
				ResourceName:       recipientAddr,
				ImportState:        true,
				ImportStateId:      importID,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if got := states[0].Attributes["recipient"]; got != "OPS@EXAMPLE.COM" {
						return fmt.Errorf("imported recipient = %q, want the import id's spelling", got)
					}
					return nil
				},
			},
			{
				PreConfig:        srv.ResetRequests,
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            expectAPIChanges(srv),
			},
		},
	})
}

// A recipient removed outside Terraform, or a policy deleted, leaves state on refresh, and the
// next apply adds the recipient again.
func TestAccNotificationPolicyRecipient_goneOutOfBandIsAddedAgain(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := sharedPolicyConfig(srv, "EMAIL", "finance@example.com",
		recipientBlock("test", "sequence_notification_policy.test.id", "team-a@example.com"))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					for _, p := range srv.Policies() {
						mustUpdatePolicy(t, srv, p.ID, func(p *sequencetest.Policy) { p.Recipients = []string{"finance@example.com"} })
					}
					srv.ResetRequests()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(recipientAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv, "POST /api/notifications/policies/{id}/recipients"),
					checkEmulatorRecipients(srv, "finance@example.com", "team-a@example.com"),
				),
			},
			{
				PreConfig: func() {
					for _, p := range srv.Policies() {
						srv.DeletePolicy(p.ID)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(recipientAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionCreate),
				}},
				Check: checkEmulatorRecipients(srv, "finance@example.com", "team-a@example.com"),
			},
		},
	})
}

// Destroying a recipient that is already off the policy, or whose policy is gone, succeeds. The
// test's final destroy does not refresh first, so Delete meets both cases as they are.
func TestAccNotificationPolicyRecipient_deleteOfWhatIsGoneSucceeds(t *testing.T) {
	srv := sequencetest.NewServer(t)
	existing := srv.InsertPolicy(sequencetest.Policy{Name: "owned elsewhere", Channel: "EMAIL", Recipients: []string{"finance@example.com"}})
	gone := srv.InsertPolicy(sequencetest.Policy{Name: "deleted soon", Channel: "EMAIL", Recipients: []string{"finance@example.com"}})
	config := testAccProviderConfig(srv) +
		recipientBlock("test", fmt.Sprintf("%q", existing.ID), "team-a@example.com") +
		recipientBlock("gone", fmt.Sprintf("%q", gone.ID), "team-b@example.com")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			p, _ := srv.Policy(existing.ID)
			if !slices.Equal(p.Recipients, []string{"finance@example.com"}) {
				return fmt.Errorf("recipients after destroy = %q", p.Recipients)
			}
			var deletes []string
			for _, r := range srv.Requests() {
				if r.Method == "DELETE" {
					deletes = append(deletes, fmt.Sprintf("%s %d", r.Path, r.Status))
				}
			}
			slices.Sort(deletes)
			want := []string{
				"/api/notifications/policies/" + existing.ID + "/recipients/team-a%40example.com 400",
				"/api/notifications/policies/" + gone.ID + "/recipients/team-b%40example.com 404",
			}
			slices.Sort(want)
			if !slices.Equal(deletes, want) {
				return fmt.Errorf("DELETE requests = %q, want %q", deletes, want)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				mustUpdatePolicy(t, srv, existing.ID, func(p *sequencetest.Policy) { p.Recipients = []string{"finance@example.com"} })
				srv.DeletePolicy(gone.ID)
				srv.ResetRequests()
				return nil
			},
			// The refresh after apply already sees both gone.
			ExpectNonEmptyPlan: true,
		}},
	})
}

// The channel is only known from Sequence: a recipient of the wrong form for it fails the apply
// with an error naming the policy, its channel and the value, and nothing is recorded.
func TestAccNotificationPolicyRecipient_wrongChannelFailsAtApply(t *testing.T) {
	srv := sequencetest.NewServer(t)
	hooks := srv.InsertPolicy(sequencetest.Policy{Name: "hooks", Channel: "WEBHOOK", Recipients: []string{"https://hooks.example.com/a"}})
	mail := srv.InsertPolicy(sequencetest.Policy{Name: "mail", Channel: "EMAIL", Recipients: []string{"finance@example.com"}})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			for _, p := range srv.Policies() {
				if len(p.Recipients) != 1 {
					return fmt.Errorf("policy %q recipients = %q, want its original one", p.Name, p.Recipients)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      testAccProviderConfig(srv) + recipientBlock("test", fmt.Sprintf("%q", hooks.ID), "ops@example.com"),
				ExpectError: errorPattern(`Notification policy "`+hooks.ID+`" ("hooks") has channel WEBHOOK`, `"ops@example.com" is not an absolute URL`),
			},
			{
				Config:      testAccProviderConfig(srv) + recipientBlock("test", fmt.Sprintf("%q", mail.ID), "https://hooks.example.com/b"),
				ExpectError: errorPattern(`Notification policy "`+mail.ID+`" ("mail") has channel EMAIL`, `"https://hooks.example.com/b" is not a valid e-mail address`),
			},
			{
				Config:      testAccProviderConfig(srv) + recipientBlock("test", `"00000000-0000-4000-8000-000000000000"`, "ops@example.com"),
				ExpectError: errorPattern(`Notification policy "00000000-0000-4000-8000-000000000000" does not exist in Sequence`),
			},
		},
	})
}

// Sequence refuses to remove a policy's last recipient; the error says so, and once another
// recipient is on the policy the same destroy succeeds.
func TestAccNotificationPolicyRecipient_lastRecipientCannotBeRemoved(t *testing.T) {
	srv := sequencetest.NewServer(t)
	existing := srv.InsertPolicy(sequencetest.Policy{Name: "one recipient", Channel: "EMAIL", Recipients: []string{"owner@example.com"}})
	withResource := testAccProviderConfig(srv) + recipientBlock("test", fmt.Sprintf("%q", existing.ID), "ops@example.com")
	without := testAccProviderConfig(srv)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: withResource,
				Check:  checkEmulatorRecipients(srv, "owner@example.com", "ops@example.com"),
			},
			{
				// The owner's address is removed in the dashboard: the resource's is now the last.
				PreConfig: func() {
					mustUpdatePolicy(t, srv, existing.ID, func(p *sequencetest.Policy) { p.Recipients = []string{"ops@example.com"} })
				},
				Config:      without,
				ExpectError: errorPattern("It is the last recipient of the policy", "Add another recipient first"),
			},
			{
				PreConfig: func() {
					mustUpdatePolicy(t, srv, existing.ID, func(p *sequencetest.Policy) { p.Recipients = append(p.Recipients, "finance@example.com") })
				},
				Config: without,
				Check:  checkEmulatorRecipients(srv, "finance@example.com"),
			},
		},
	})
}

// Many recipient resources on one policy apply in parallel, each with its own request; none of
// the concurrent additions or removals is lost.
func TestAccNotificationPolicyRecipient_parallelAddsAndRemovesOnOnePolicy(t *testing.T) {
	srv := sequencetest.NewServer(t)
	const n = 24
	config := func(from, to int) string {
		return sharedPolicyConfig(srv, "EMAIL", "finance@example.com", fmt.Sprintf(`
resource "sequence_notification_policy_recipient" "team" {
  count     = %d
  policy_id = sequence_notification_policy.test.id
  recipient = format("team-%%02d@example.com", count.index + %d)
}
`, to-from, from))
	}
	teams := func(from, to int) []string {
		out := []string{"finance@example.com"}
		for i := from; i < to; i++ {
			out = append(out, fmt.Sprintf("team-%02d@example.com", i))
		}
		return out
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config(0, n), Check: checkEmulatorRecipients(srv, teams(0, n)...)},
			// Every index changes its address: all n removed while n others are added, at once.
			{Config: config(n, 2*n), Check: checkEmulatorRecipients(srv, teams(n, 2*n)...)},
		},
	})
}

// Invalid import ids are refused before any request, with the expected form.
func TestAccNotificationPolicyRecipient_importIDChecked(t *testing.T) {
	srv := sequencetest.NewServer(t)
	existing := srv.InsertPolicy(sequencetest.Policy{Name: "p", Channel: "EMAIL", Recipients: []string{"ops@example.com"}})
	config := testAccProviderConfig(srv) + recipientBlock("test", fmt.Sprintf("%q", existing.ID), "ops@example.com")

	steps := []resource.TestStep{}
	for _, tc := range []struct{ id, want string }{
		{"no-separator", `"no-separator" has no "/"`},
		{"/ops@example.com", `the policy id part of "/ops@example.com"`},
		{existing.ID + "/", "a recipient must not be an empty string"},
		{existing.ID + "/ops @example.com", "contains white space"},
	} {
		steps = append(steps, resource.TestStep{
			Config: config, ResourceName: recipientAddr, ImportState: true, ImportStateId: tc.id,
			ExpectError: errorPattern("Invalid import id for a notification policy recipient", tc.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Errorf("import sent %s %s", r.Method, r.Path)
		}
	}
}

// A well-formed import id of a recipient that is not on its policy, or of a policy Sequence does
// not have, imports nothing and fails with the provider's own error naming the policy, the
// recipient and what Sequence has (not the CLI's "Cannot import non-existent remote object"),
// with terraform import and with an import block.
func TestAccNotificationPolicyRecipient_importOfMissingRecipientSaysWhatWasFound(t *testing.T) {
	srv := sequencetest.NewServer(t)
	existing := srv.InsertPolicy(sequencetest.Policy{Name: "invoices", Channel: "EMAIL", Recipients: []string{"ops@example.com", "finance@example.com"}})
	config := testAccProviderConfig(srv) + recipientBlock("test", fmt.Sprintf("%q", existing.ID), "nobody@example.com")
	notOnPolicy := errorPattern("Cannot import notification policy recipient: not a recipient of the policy",
		fmt.Sprintf(`Notification policy %q ("invoices", channel EMAIL) has 2 recipients`, existing.ID),
		`"nobody@example.com" is not one of them`)
	noPolicy := errorPattern("Cannot import notification policy recipient: no such policy",
		fmt.Sprintf(`Sequence has no notification policy with id %q`, missingPolicyID),
		`recipient "ops@example.com" cannot be on it`)
	importBlock := func(id string) string {
		return fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", recipientAddr, id)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config, ResourceName: recipientAddr, ImportState: true, ImportStateId: existing.ID + "/nobody@example.com",
				ExpectError: notOnPolicy,
			},
			{Config: config + importBlock(existing.ID+"/nobody@example.com"), ExpectError: notOnPolicy},
			{
				Config: config, ResourceName: recipientAddr, ImportState: true, ImportStateId: missingPolicyID + "/ops@example.com",
				ExpectError: noPolicy,
			},
			{Config: config + importBlock(missingPolicyID+"/ops@example.com"), ExpectError: noPolicy},
		},
	})
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Errorf("import sent %s %s", r.Method, r.Path)
		}
	}
}

// The import's mark is gone once the import has read the recipient: one removed outside
// Terraform later is dropped from state on refresh and added again, as any other.
func TestAccNotificationPolicyRecipient_importedRecipientRemovedLaterIsAddedAgain(t *testing.T) {
	srv := sequencetest.NewServer(t)
	existing := srv.InsertPolicy(sequencetest.Policy{Name: "invoices", Channel: "EMAIL", Recipients: []string{"ops@example.com", "finance@example.com"}})
	config := testAccProviderConfig(srv) + recipientBlock("test", fmt.Sprintf("%q", existing.ID), "ops@example.com")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEmulatorRecipients(srv, "finance@example.com"),
		Steps: []resource.TestStep{
			{
				Config: config, ResourceName: recipientAddr, ImportState: true, ImportStatePersist: true,
				ImportStateId: existing.ID + "/ops@example.com",
			},
			{
				PreConfig: func() {
					mustUpdatePolicy(t, srv, existing.ID, func(p *sequencetest.Policy) { p.Recipients = []string{"finance@example.com"} })
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(recipientAddr, plancheck.ResourceActionCreate),
				}},
				Check: checkEmulatorRecipients(srv, "finance@example.com", "ops@example.com"),
			},
		},
	})
}

// Two teams, two configurations, two state files, one policy: the owner's configuration has the
// policy (ignoring its recipients) and one recipient resource, another team's has two, found
// through the data source by name. Adding and destroying them in an interleaved order leaves
// exactly the expected recipients, and after every apply both configurations plan no change.
func TestAccNotificationPolicyRecipient_twoConfigurationsShareOnePolicy(t *testing.T) {
	h := newCLIWorkspace(t)
	srv := sequencetest.NewServer(t)
	const own = "finance@example.com"
	owner, team := h.sibling(t, "owner"), h.sibling(t, "team")

	ownerConfig := func(recipients ...string) string {
		config := sharedPolicyConfig(srv, "EMAIL", own, "")
		for i, r := range recipients {
			config += recipientBlock(fmt.Sprintf("owner_%d", i), "sequence_notification_policy.test.id", r)
		}
		return config
	}
	teamConfig := func(recipients ...string) string {
		config := testAccProviderConfig(srv) + `
data "sequence_notification_policy" "shared" {
  name = "invoices issued"
}
`
		for _, r := range recipients {
			name := strings.NewReplacer("@", "_", ".", "_").Replace(r)
			config += recipientBlock(name, "data.sequence_notification_policy.shared.id", r)
		}
		return config
	}
	expect := func(step string, want ...string) {
		t.Helper()
		if err := checkEmulatorRecipients(srv, append([]string{own}, want...)...)(nil); err != nil {
			t.Fatalf("after %s: %v", step, err)
		}
	}
	applyAndCheck := func(step string, w *cliWorkspace, config string, want []string, planEmpty ...*cliWorkspace) {
		t.Helper()
		w.writeConfig(config)
		w.apply()
		expect(step, want...)
		for _, other := range planEmpty {
			other.expectEmptyPlan()
		}
	}

	applyAndCheck("the owner creates the policy with its recipient", owner, ownerConfig("owner-a@example.com"),
		[]string{"owner-a@example.com"}, owner)
	applyAndCheck("the team adds two recipients", team, teamConfig("team-a@example.com", "Team-B@Example.com"),
		[]string{"owner-a@example.com", "team-a@example.com", "Team-B@Example.com"}, owner, team)
	applyAndCheck("the owner removes its recipient", owner, ownerConfig(),
		[]string{"team-a@example.com", "Team-B@Example.com"}, owner, team)
	applyAndCheck("the team removes one recipient", team, teamConfig("Team-B@Example.com"),
		[]string{"Team-B@Example.com"}, owner, team)
	applyAndCheck("the owner adds two recipients", owner, ownerConfig("owner-a@example.com", "owner-b@example.com"),
		[]string{"owner-a@example.com", "owner-b@example.com", "Team-B@Example.com"}, owner, team)
	applyAndCheck("the team adds one back", team, teamConfig("team-a@example.com", "Team-B@Example.com"),
		[]string{"owner-a@example.com", "owner-b@example.com", "team-a@example.com", "Team-B@Example.com"}, owner, team)

	team.destroy()
	expect("the team destroys its configuration", "owner-a@example.com", "owner-b@example.com")
	owner.expectEmptyPlan()

	owner.destroy()
	if n := len(srv.Policies()); n != 0 {
		t.Errorf("%d policies left after both configurations were destroyed", n)
	}
}

// With ignore_changes = [recipients], an in-place update of the policy (here its notification
// types) sends only that change and keeps the recipients other resources added.
func TestAccNotificationPolicy_ignoreChangesKeepsRecipientsAddedElsewhere(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := func(types string) string {
		return testAccProviderConfig(srv) + fmt.Sprintf(`
resource "sequence_notification_policy" "test" {
  name               = "invoices issued"
  channel            = "EMAIL"
  recipients         = ["finance@example.com"]
  notification_types = %s

  lifecycle {
    ignore_changes = [recipients]
  }
}
`, types) + recipientBlock("test", "sequence_notification_policy.test.id", "team-a@example.com")
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config(`["INVOICE_ISSUED"]`), Check: checkEmulatorRecipients(srv, "finance@example.com", "team-a@example.com")},
			{
				PreConfig: srv.ResetRequests,
				Config:    config(`["INVOICE_ISSUED", "INVOICE_CREATED"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(recipientAddr, plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv, "POST /api/notifications/policies/{id}/notification-types"),
					checkEmulatorRecipients(srv, "finance@example.com", "team-a@example.com"),
				),
			},
		},
	})
}
