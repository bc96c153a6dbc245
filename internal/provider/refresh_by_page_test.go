package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// Refresh by the page: a plan reads the policies in state through the client's shared read path,
// which serves them from list pages where that costs fewer requests (internal/sequence/reads.go).
// Each test counts the plan's requests in the emulator's log, reset in the step's PreConfig.

// seedDashboardPolicies stores n policies Terraform does not manage; the ones it creates come
// after them in the list.
func seedDashboardPolicies(srv *sequencetest.Server, n int) {
	for i := range n {
		srv.InsertPolicy(sequencetest.Policy{
			Name: fmt.Sprintf("dashboard %d", i), Channel: "EMAIL", Recipients: []string{"dashboard@example.com"},
		})
	}
}

// countedPolicies is n policies, sequence_notification_policy.p[0..n-1].
func countedPolicies(srv *sequencetest.Server, n int) string {
	return testAccProviderConfig(srv) + fmt.Sprintf(`
resource "sequence_notification_policy" "p" {
  count      = %d
  name       = "refresh ${count.index}"
  channel    = "EMAIL"
  recipients = ["ops-${count.index}@example.com"]
}
`, n)
}

// expectReadRequests checks that the plan sent at most limit requests, all reads, and logs them.
func expectReadRequests(t *testing.T, srv *sequencetest.Server, limit int) plancheck.PlanCheck {
	return requestLogCheck{srv: srv, check: func(reqs []sequencetest.Request) error {
		t.Logf("the plan sent %d requests (at most %d allowed)", len(reqs), limit)
		var lines []string
		for _, r := range reqs {
			lines = append(lines, fmt.Sprintf("%s %s?%s %d", r.Method, r.Path, r.Query, r.Status))
			if r.Method != http.MethodGet {
				return fmt.Errorf("a plan sent %s %s", r.Method, r.Path)
			}
		}
		if len(reqs) > limit {
			return fmt.Errorf("the plan sent %d requests, want at most %d:\n%s", len(reqs), limit, strings.Join(lines, "\n"))
		}
		return nil
	}}
}

func TestAccRefreshByPage_noOpPlanOf150Policies(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := countedPolicies(srv, 150)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// min(N, P) + 1 = 3 with N = 150, P = 2; the pages alone make 2.
				PreConfig: srv.ResetRequests,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), expectReadRequests(t, srv, 3)},
				},
			},
			{
				// A recipient added to one policy and another policy deleted in the dashboard: the
				// deleted one is absent from the complete listing, and its GET says it is gone.
				PreConfig: func() {
					ids := map[string]string{}
					for _, p := range srv.Policies() {
						ids[p.Name] = p.ID
					}
					if err := srv.UpdatePolicy(ids["refresh 10"], func(p *sequencetest.Policy) {
						p.Recipients = append(p.Recipients, "dashboard@example.com")
					}); err != nil {
						t.Fatal(err)
					}
					srv.DeletePolicy(ids["refresh 120"])
					srv.ResetRequests()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("sequence_notification_policy.p[10]", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("sequence_notification_policy.p[120]", plancheck.ResourceActionCreate),
						// 2 pages, the GET that confirms the deletion, and the one check that the 404 is Sequence's.
						expectReadRequests(t, srv, 4),
					},
				},
				Check: checkEmulatorPolicyCount(srv, 150),
			},
		},
	})
}

func TestAccRefreshByPage_fivePoliciesAmong1005(t *testing.T) {
	srv := sequencetest.NewServer(t)
	seedDashboardPolicies(srv, 1000)
	config := countedPolicies(srv, 5)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// min(N, P) + 1 = 6 with N = 5, P = 11: the first page, then a GET each.
				PreConfig: srv.ResetRequests,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), expectReadRequests(t, srv, 6)},
				},
			},
		},
	})
}

func TestAccRefreshByPage_thirtyRecipientsOfOnePolicy(t *testing.T) {
	srv := sequencetest.NewServer(t)
	seedDashboardPolicies(srv, 250) // the policy is on page 3
	config := testAccProviderConfig(srv) + `
resource "sequence_notification_policy" "shared" {
  name       = "shared"
  channel    = "EMAIL"
  recipients = ["owner@example.com"]
  lifecycle {
    ignore_changes = [recipients]
  }
}

resource "sequence_notification_policy_recipient" "team" {
  count     = 30
  policy_id = sequence_notification_policy.shared.id
  recipient = "team-${count.index}@example.com"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// 31 reads of one policy: the first page, then one GET they all share.
				PreConfig: srv.ResetRequests,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), expectReadRequests(t, srv, 2)},
				},
			},
		},
	})
}

func TestAccRefreshByPage_dataSourceReadsAnUpdateOfTheSameApply(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := func(recipients string) string {
		return testAccProviderConfig(srv) + fmt.Sprintf(`
resource "sequence_notification_policy" "other" {
  count      = 3
  name       = "other ${count.index}"
  channel    = "EMAIL"
  recipients = ["other@example.com"]
}

resource "sequence_notification_policy" "test" {
  name       = "updated in the same apply"
  channel    = "EMAIL"
  recipients = %s
}

data "sequence_notification_policy" "after" {
  id         = sequence_notification_policy.test.id
  depends_on = [sequence_notification_policy.test, sequence_notification_policy.other]
}
`, recipients)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(`["a@example.com"]`)},
			{
				Config: config(`["a@example.com", "b@example.com"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sequence_notification_policy.after", tfjsonpath.New("recipients"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("a@example.com"), knownvalue.StringExact("b@example.com")})),
				},
			},
		},
	})
}

// A list that leaves the webhook secret out: an import, which has no secret to keep, reads it with
// a GET; a refresh keeps the one in state and stays on the page.
func TestAccRefreshByPage_secretLeftOutOfTheList(t *testing.T) {
	srv := sequencetest.NewServer(t, sequencetest.WithOmitSecretOnList(true))
	webhook := srv.InsertPolicy(sequencetest.Policy{
		Name: "hooks", Channel: "WEBHOOK", Recipients: []string{"https://hooks.example.com/a"},
		WebhookSecret: "whsec_0123456789abcdefghijABCDEFGHIJ01",
	})
	config := policyConfig(srv, `
  name       = "hooks"
  channel    = "WEBHOOK"
  recipients = ["https://hooks.example.com/a"]
`)
	secretInState := statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("webhook_secret"), knownvalue.StringExact(webhook.WebhookSecret))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            "import {\n  to = " + policyAddr + "\n  id = \"" + webhook.ID + "\"\n}\n" + config,
				ConfigStateChecks: []statecheck.StateCheck{secretInState},
			},
			{
				PreConfig: srv.ResetRequests,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), expectReadRequests(t, srv, 1)},
				},
				ConfigStateChecks: []statecheck.StateCheck{secretInState},
			},
		},
	})
}
