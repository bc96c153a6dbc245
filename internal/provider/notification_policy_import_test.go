package provider

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

const missingPolicyID = "00000000-0000-4000-8000-000000000000"

var missingPolicyImportError = errorPattern("Cannot import notification policy: no policy with this id",
	`Sequence has no notification policy with id "`+missingPolicyID+`"`, "Import takes the policy's id",
	"or `name=<exact name>` for the policy of that name. To list the ids",
	"use the sequence_notification_policies data source (its ids and policies attributes)")

// Importing an id Sequence does not have is the provider's own error, naming the id and how to
// find the right one, both with `terraform import` and with an import block.
func TestAccNotificationPolicy_importOfMissingIDSaysHowToListIDs(t *testing.T) {
	srv := sequencetest.NewServer(t)
	config := policyConfig(srv, `
  name       = "x"
  channel    = "EMAIL"
  recipients = ["ops@example.com"]
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The import command needs a state to import into.
				Config: testAccProviderConfig(srv) + `
data "sequence_notification_policies" "all" {}
`,
			},
			{
				Config:        config,
				ResourceName:  policyAddr,
				ImportState:   true,
				ImportStateId: missingPolicyID,
				ExpectError:   missingPolicyImportError,
			},
			{
				Config: `
import {
  to = ` + policyAddr + `
  id = "` + missingPolicyID + `"
}
` + config,
				ExpectError: missingPolicyImportError,
			},
		},
	})
	if n := len(srv.Policies()); n != 0 {
		t.Errorf("%d policies exist after failed imports", n)
	}
}

// Importing a policy by its bare name, or with a mis-cased prefix, gets the missing-id error, which
// points at the name= form with the name given, ready to paste.
func TestAccNotificationPolicy_importOfNameSuggestsTheNameForm(t *testing.T) {
	srv := sequencetest.NewServer(t)
	srv.InsertPolicy(sequencetest.Policy{Name: "Invoices to finance", Channel: "EMAIL", Recipients: []string{"ops@example.com"}})
	config := policyConfig(srv, `
  name       = "Invoices to finance"
  channel    = "EMAIL"
  recipients = ["ops@example.com"]
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccProviderConfig(srv) + "data \"sequence_notification_policies\" \"all\" {}\n"},
			{
				Config:        config,
				ResourceName:  policyAddr,
				ImportState:   true,
				ImportStateId: "Invoices to finance",
				ExpectError: errorPattern("Cannot import notification policy: no policy with this id",
					`"Invoices to finance" does not look like a policy id`, "import it by name with the import id",
					"`name=Invoices to finance`"),
			},
			{
				// A name= prefix not exactly so is not taken for a name; the error says the exact form.
				Config:        config,
				ResourceName:  policyAddr,
				ImportState:   true,
				ImportStateId: "Name=Invoices to finance",
				ExpectError: errorPattern("Cannot import notification policy: no policy with this id",
					`"Name=Invoices to finance" is not read as a name: the prefix is exactly `+"`name=`",
					"as in `name=Invoices to finance`"),
			},
		},
	})
}

// The import's mark is gone once the import has read the policy: a policy imported and later
// deleted outside Terraform is dropped from state on refresh and planned for creation, as any
// other.
func TestAccNotificationPolicy_importedPolicyDeletedLaterIsRecreated(t *testing.T) {
	srv := sequencetest.NewServer(t)
	existing := srv.InsertPolicy(sequencetest.Policy{Name: "imported", Channel: "EMAIL", Recipients: []string{"ops@example.com"}})
	config := policyConfig(srv, `
  name       = "imported"
  channel    = "EMAIL"
  recipients = ["ops@example.com"]
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       policyAddr,
				ImportState:        true,
				ImportStateId:      existing.ID,
				ImportStatePersist: true,
			},
			{
				PreConfig: func() {
					if !srv.DeletePolicy(existing.ID) {
						t.Fatal("the imported policy was not in the emulator")
					}
				},
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionCreate),
				Check:            checkEmulatorPolicyCount(srv, 1),
			},
		},
	})
}

// The detail of a failed import of an unknown id speaks of the form the import used: an import id
// mentions the `name=` form once, and suggests the exact import id only where it helps; an
// identity never mentions it unless the identity's id tried it.
func TestMissingImportIDDetail(t *testing.T) {
	cause := errors.New("404 Not Found")
	for _, tc := range []struct {
		name, id      string
		byIdentity    bool
		want          []string
		nameFormCount int // how many times the detail shows the name= form (in backquotes)
	}{
		{name: "a UUID", id: missingPolicyID, want: []string{"Import takes the policy's id (a UUID), or `name=<exact name>`"}, nameFormCount: 1},
		{name: "a name", id: "Invoices to finance",
			want:          []string{`"Invoices to finance" does not look like a policy id`, "import id `name=Invoices to finance`"},
			nameFormCount: 2},
		{name: "a name form not in lower case", id: "Name=x",
			want:          []string{`"Name=x" is not read as a name: the prefix is exactly ` + "`name=`", "as in `name=x`"},
			nameFormCount: 3},
		{name: "a name form after spaces", id: " name=x", want: []string{"as in `name=x`"}, nameFormCount: 3},
		{name: "a UUID in an identity", id: missingPolicyID, byIdentity: true,
			want: []string{"The identity's id is the id (a UUID) Sequence assigned to the policy."}},
		{name: "a name in an identity", id: "name=x", byIdentity: true,
			want:          []string{"An identity cannot name a policy: `name=` belongs to an import block's `id` argument"},
			nameFormCount: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			detail := missingImportIDDetail(tc.id, tc.byIdentity, cause)
			for _, w := range append(tc.want, `Sequence has no notification policy with id "`, "(404 Not Found)", listPolicyIDsHint) {
				if !strings.Contains(detail, w) {
					t.Errorf("detail lacks %q:\n%s", w, detail)
				}
			}
			if n := strings.Count(detail, "`name="); n != tc.nameFormCount {
				t.Errorf("detail mentions name= %d times, want %d:\n%s", n, tc.nameFormCount, detail)
			}
			if strings.Contains(detail, "name=name=") {
				t.Errorf("detail doubles the prefix:\n%s", detail)
			}
		})
	}
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
