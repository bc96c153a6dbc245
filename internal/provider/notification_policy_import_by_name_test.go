package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// terraform import and import blocks accept `name=<exact name>` as well as the id; the state
// holds the id either way.
func TestAccNotificationPolicy_importByName(t *testing.T) {
	srv := sequencetest.NewServer(t)
	srv.InsertPolicy(sequencetest.Policy{Name: "Invoices to finance (old)", Channel: "EMAIL", Recipients: []string{"old@example.com"}})
	config := policyConfig(srv, `
  name               = "Invoices to finance"
  channel            = "EMAIL"
  recipients         = ["finance@example.com"]
  notification_types = ["INVOICE_ISSUED"]
`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				Config: config, ResourceName: policyAddr, ImportState: true,
				ImportStateId: "name=Invoices to finance", ImportStateVerify: true,
			},
			{
				Config: config, ResourceName: policyAddr, ImportState: true,
				ImportStateKind: resource.ImportBlockWithID, ImportStateId: "name=Invoices to finance",
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}

// A name that matches no policy, or several, is an error listing what was found.
func TestAccNotificationPolicy_importByNameNeedsExactlyOneMatch(t *testing.T) {
	srv := sequencetest.NewServer(t)
	email := srv.InsertPolicy(sequencetest.Policy{Name: "shared", Channel: "EMAIL", Recipients: []string{"a@example.com"}})
	hook := srv.InsertPolicy(sequencetest.Policy{Name: "shared", Channel: "WEBHOOK", Recipients: []string{"https://hooks.example.com/a"}})
	near := srv.InsertPolicy(sequencetest.Policy{Name: "Finance ", Channel: "EMAIL", Recipients: []string{"f@example.com"}})
	// Import steps need the address in an earlier step's state; this policy is not imported.
	config := policyConfig(srv, `
  name       = "placeholder"
  channel    = "EMAIL"
  recipients = ["a@example.com"]
`)
	first, second := email, hook
	if hook.ID < email.ID {
		first, second = hook, email
	}

	steps := []resource.TestStep{{Config: config}}
	for _, tc := range []struct {
		id   string
		want []string
	}{
		{"name=shared", []string{"Ambiguous notification policy name", fmt.Sprintf(
			`2 notification policies have the name "shared": %s (%s) "shared", %s (%s) "shared".`, first.ID, first.Channel, second.ID, second.Channel),
			"import one of them by its id instead"}},
		{"name=finance", []string{"Notification policy not found", `No notification policy has the name "finance"`,
			fmt.Sprintf(`differ only in letter case or surrounding spaces: %s (EMAIL) "Finance ".`, near.ID)}},
		{"name=nobody", []string{"Notification policy not found", `No notification policy has the name "nobody"`}},
		{"name=", []string{"Invalid import id", "`name=` must be followed by the exact name"}},
	} {
		for _, kind := range []resource.ImportStateKind{resource.ImportCommandWithID, resource.ImportBlockWithID} {
			steps = append(steps, resource.TestStep{
				Config: config, ResourceName: policyAddr, ImportState: true, ImportStateKind: kind, ImportStateId: tc.id,
				ExpectError: errorPattern(tc.want...),
			})
		}
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	if n := len(srv.Policies()); n != 3 {
		t.Errorf("emulator holds %d policies after the test, want the 3 inserted", n)
	}
}
