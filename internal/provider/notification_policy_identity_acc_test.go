package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// Resource identity through a real CLI: Terraform 1.12+ and OpenTofu 1.12+ keep the identity in
// state and accept `identity` in import blocks (the tests run on Terraform 1.13.3 and OpenTofu
// 1.12.6); older CLIs skip these tests. The protocol-level tests in
// notification_policy_identity_test.go cover what no tested CLI drives (list resources).

var identityCLIs = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

// policyIdentity checks the identity in state: the policy's id, a UUID equal to the id attribute.
func policyIdentity() []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectIdentity(policyAddr, map[string]knownvalue.Check{"id": knownvalue.StringRegexp(uuidPattern)}),
		statecheck.ExpectIdentityValueMatchesState(policyAddr, tfjsonpath.New("id")),
	}
}

const identityPolicyBody = `
  name       = "Invoices to finance"
  channel    = "EMAIL"
  recipients = ["finance@example.com"]
`

// A created policy has its identity in state. Refreshing, a refresh-only apply after a change in
// the dashboard, and the plans after them keep it (Terraform refuses a provider that changes an
// identity: "Unexpected Identity Change"); a replacement records the new policy's id.
func TestAccNotificationPolicy_identityThroughCreateRefreshAndReplace(t *testing.T) {
	srv := sequencetest.NewServer(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	config := policyConfig(srv, identityPolicyBody)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   identityCLIs,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: append(policyIdentity(),
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					newID.AddStateValue(policyAddr, tfjsonpath.New("id"))),
			},
			{
				RefreshState:      true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// A recipient added in the dashboard: the refresh-only apply takes it into state,
				// the identity stays.
				PreConfig: func() {
					addDashboardRecipient(t, srv, "audit@example.com")
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true, // the configuration still has one recipient
				Check:              resource.TestCheckResourceAttr(policyAddr, "recipients.#", "2"),
			},
			{
				// The configuration wins back: an in-place update, same id and identity.
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: append(policyIdentity(),
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id"))),
			},
			{
				Config:            config,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: policyIdentity(),
			},
			{
				// A new name replaces the policy: the identity is the new policy's id.
				Config: policyConfig(srv, strings.Replace(identityPolicyBody, "Invoices to finance", "Invoices to accounting", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: append(policyIdentity(),
					newID.AddStateValue(policyAddr, tfjsonpath.New("id"))),
				Check: checkEmulatorPolicyCount(srv, 1),
			},
		},
	})
}

// addDashboardRecipient adds a recipient to the emulator's only policy, as a change made in the
// Sequence dashboard would.
func addDashboardRecipient(t *testing.T, srv *sequencetest.Server, recipient string) {
	t.Helper()
	policies := srv.Policies()
	if len(policies) != 1 {
		t.Fatalf("emulator holds %d policies, want 1", len(policies))
	}
	if err := srv.UpdatePolicy(policies[0].ID, func(p *sequencetest.Policy) {
		p.Recipients = append(p.Recipients, recipient)
	}); err != nil {
		t.Fatal(err)
	}
}

// Every way of importing records the identity: `terraform import` by id, an import
// block by name, and an import block by identity, whose plan is a no-op import carrying the same
// identity (plugin-testing compares it with the state's). The generated-configuration form of the
// identity import plans the same no-op.
func TestAccNotificationPolicy_importsRecordTheIdentity(t *testing.T) {
	srv := sequencetest.NewServer(t)
	existing := srv.InsertPolicy(sequencetest.Policy{Name: "Invoices to finance", Channel: "EMAIL", Recipients: []string{"finance@example.com"}})
	config := policyConfig(srv, identityPolicyBody)
	expectExisting := []statecheck.StateCheck{
		statecheck.ExpectIdentity(policyAddr, map[string]knownvalue.Check{"id": knownvalue.StringExact(existing.ID)}),
		statecheck.ExpectIdentityValueMatchesState(policyAddr, tfjsonpath.New("id")),
	}
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   identityCLIs,
		Steps: []resource.TestStep{
			{
				// The classic command fills the identity as well as the state.
				Config: config, ResourceName: policyAddr, ImportState: true, ImportStatePersist: true,
				ImportStateKind: resource.ImportCommandWithID, ImportStateId: existing.ID,
			},
			{Config: config, ConfigPlanChecks: empty, ConfigStateChecks: expectExisting, Check: checkEmulatorPolicyCount(srv, 1)},
			{
				Config: config, ResourceName: policyAddr, ImportState: true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				Config: config, ResourceName: policyAddr, ImportState: true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity, GenerateConfig: true,
			},
			{
				Config: config, ResourceName: policyAddr, ImportState: true,
				ImportStateKind: resource.ImportBlockWithID, ImportStateId: "name=Invoices to finance",
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plannedIdentity{policyAddr, existing.ID}}},
			},
		},
	})
}

// plannedIdentity is a plan check: the planned values give the resource at addr the identity id.
type plannedIdentity struct{ addr, id string }

func (c plannedIdentity) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan.PlannedValues == nil || req.Plan.PlannedValues.RootModule == nil {
		resp.Error = fmt.Errorf("the plan has no planned values")
		return
	}
	for _, r := range req.Plan.PlannedValues.RootModule.Resources {
		if r.Address == c.addr {
			if got := r.IdentityValues["id"]; got != c.id || len(r.IdentityValues) != 1 {
				resp.Error = fmt.Errorf("%s: planned identity %v, want {id: %s}", c.addr, r.IdentityValues, c.id)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in the planned values", c.addr)
}

// Adoption by identity, end to end: an import block with `identity`, `plan -generate-config-out`,
// an apply that imports without a change, the identity in state, and then plans (refreshing and
// -refresh-only) that change nothing, the identity included.
func TestAccNotificationPolicy_identityImportGeneratesConfigAndApplies(t *testing.T) {
	h := newCLIWorkspace(t)
	h.skipBelow(1, 12) // identity in import blocks
	srv := sequencetest.NewServer(t)
	p := srv.InsertPolicy(sequencetest.Policy{Name: "CRM webhook", Channel: "WEBHOOK",
		Recipients: []string{"https://crm.example.com/hook"}, NotificationTypes: []string{"CUSTOMER_CREATED"}})

	w := h.sibling(t, "adopt")
	w.writeConfig(testAccProviderConfig(srv) + `
import {
  to       = sequence_notification_policy.crm
  identity = { id = "` + p.ID + `" }
}
`)
	w.mustRun("plan", "-input=false", "-no-color", "-generate-config-out=generated.tf")
	generated := w.readFile("generated.tf")
	if !strings.Contains(generated, `resource "sequence_notification_policy" "crm"`) || !strings.Contains(generated, `"CRM webhook"`) {
		t.Fatalf("generated configuration lacks the policy:\n%s", generated)
	}
	applyImportsOnly(t, w, srv, 1)
	expectStateIdentity(t, w, "sequence_notification_policy.crm", p.ID)

	w.expectEmptyPlan()
	if res := w.run("plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-no-color"); res.exitCode != 0 {
		t.Errorf("plan -refresh-only exited %d, want 0 (no change):\n%s", res.exitCode, res.output())
	}
	w.mustRun("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	expectStateIdentity(t, w, "sequence_notification_policy.crm", p.ID)
}

// expectStateIdentity asserts the identity `show -json` reports for the resource at addr.
func expectStateIdentity(t *testing.T, w *cliWorkspace, addr, id string) {
	t.Helper()
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address  string            `json:"address"`
					Identity map[string]string `json:"identity"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	out := w.mustRun("show", "-json", "-no-color").stdout
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("reading show -json: %v\n%s", err, out)
	}
	for _, r := range doc.Values.RootModule.Resources {
		if r.Address == addr {
			if r.Identity["id"] != id || len(r.Identity) != 1 {
				t.Errorf("%s: identity in state = %v, want {id: %s}", addr, r.Identity, id)
			}
			return
		}
	}
	t.Errorf("%s is not in state:\n%s", addr, out)
}

// An identity import of an id Sequence does not have, or of an empty id, fails with an error about
// identities: no advice to use `name=` (identities have no such form), and for the empty id no
// request at all (GET /notifications/policies/ is no route of the API).
func TestAccNotificationPolicy_identityImportErrors(t *testing.T) {
	h := newCLIWorkspace(t)
	h.skipBelow(1, 12) // identity in import blocks
	srv := sequencetest.NewServer(t)
	srv.InsertPolicy(sequencetest.Policy{Name: "Invoices to finance", Channel: "EMAIL", Recipients: []string{"finance@example.com"}})

	for _, tc := range []struct {
		name, id string
		want     *regexp.Regexp
		requests bool // whether the import may ask Sequence
	}{
		{"unknown id", missingPolicyID, errorPattern("Cannot import notification policy: no policy with this id",
			`Sequence has no notification policy with id "`+missingPolicyID+`"`,
			"The identity's id is the id (a UUID) Sequence assigned to the policy",
			"use the sequence_notification_policies data source"), true},
		{"empty id", "", errorPattern("Invalid import identity", "The identity's id is empty",
			"It must be the id (a UUID) Sequence assigned to the policy"), false},
		{"a name", "name=Invoices to finance", errorPattern("Cannot import notification policy: no policy with this id",
			"An identity cannot name a policy: `name=` belongs to an import block's `id` argument, not to `identity`"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := h.sibling(t, "import")
			w.writeConfig(testAccProviderConfig(srv) + `
import {
  to       = sequence_notification_policy.test
  identity = { id = "` + tc.id + `" }
}
resource "sequence_notification_policy" "test" {` + identityPolicyBody + `}
`)
			srv.ResetRequests()
			res := w.run("plan", "-input=false", "-no-color")
			code, out := res.exitCode, res.output()
			if code == 0 {
				t.Fatalf("plan succeeded:\n%s", out)
			}
			if !tc.want.MatchString(out) {
				t.Errorf("plan output does not match %s:\n%s", tc.want, out)
			}
			if tc.name != "a name" && strings.Contains(out, "name=") {
				t.Errorf("an identity import error advises the name= form:\n%s", out)
			}
			for _, r := range srv.Requests() {
				if !tc.requests && strings.Contains(r.Path, "/notifications/policies") {
					t.Errorf("the import sent %s %s", r.Method, r.Path)
				}
				if r.Method != "GET" {
					t.Errorf("a failed import sent %s %s", r.Method, r.Path)
				}
			}
		})
	}
	if n := len(srv.Policies()); n != 1 {
		t.Errorf("emulator holds %d policies after failed imports, want 1", n)
	}
}
