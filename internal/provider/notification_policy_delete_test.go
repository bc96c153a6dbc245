package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// Found by the randomized walk (seed 2): a DELETE whose answer is lost after Sequence committed
// it, with no retries left, failed the destroy and left the deleted policy in state. Delete now
// asks Sequence whether the policy still exists before reporting the failure.
func TestAccNotificationPolicy_deleteAnswerLostAfterCommit(t *testing.T) {
	srv := sequencetest.NewServer(t)
	w := newCLIWorkspace(t, reattached(fastBackoff))
	w.writeConfig(strings.Replace(testAccProviderConfig(srv), "}", "  max_retries = 0\n}", 1) + testAccEmailPolicy)
	w.init()
	w.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	if n := len(srv.Policies()); n != 1 {
		t.Fatalf("emulator holds %d policies after apply, want 1", n)
	}

	srv.QueueFaults(sequencetest.FaultResetAfterCommit)
	res := w.run("destroy", "-auto-approve", "-refresh=false", "-no-color", "-input=false")
	if res.exitCode != 0 {
		t.Fatalf("destroy failed although the policy was deleted:\n%s", res)
	}
	if n := len(srv.Policies()); n != 0 {
		t.Fatalf("emulator holds %d policies after destroy, want 0", n)
	}
	if left := w.stateResources(); len(left) != 0 {
		t.Fatalf("state still holds %v", left)
	}
	var deletes int
	for _, r := range srv.Requests() {
		if r.Method == "DELETE" {
			deletes++
		}
	}
	if deletes != 1 {
		t.Fatalf("%d DELETE requests, want 1 (max_retries = 0)", deletes)
	}
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
