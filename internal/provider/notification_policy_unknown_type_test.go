package provider

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// Sequence adds notification types within an API version. Types read back from the API that this
// provider does not know are kept in state (resource, import, refresh, data source), never dropped
// and never a crash; the next apply removes one that the configuration does not list.
func TestAccNotificationPolicy_typesUnknownToTheProviderReadBackAreKept(t *testing.T) {
	const newType, newerType = "PAYMENT_RECEIVED", "PAYMENT_REFUNDED"
	for _, typ := range []string{newType, newerType} {
		if slices.Contains(sequence.KnownNotificationTypes, typ) {
			t.Fatalf("%s is known to the provider; pick a type it does not know", typ)
		}
	}
	srv := sequencetest.NewServer(t,
		sequencetest.WithNotificationTypes(append(slices.Clone(sequencetest.DefaultNotificationTypes), newType, newerType)...))
	existing := srv.InsertPolicy(sequencetest.Policy{
		Name: "new types", Channel: sequence.ChannelEmail, Recipients: []string{"ops@example.com"},
		NotificationTypes: []string{"INVOICE_ISSUED", newType},
	})
	config := policyConfig(srv, fmt.Sprintf(`
  name               = "new types"
  channel            = "EMAIL"
  recipients         = ["ops@example.com"]
  notification_types = ["INVOICE_ISSUED", %q]
`, newType)) + `
data "sequence_notification_policy" "read" {
  id = sequence_notification_policy.test.id
}
`

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				// Import reads the policy with the type the provider does not know.
				Config:             config,
				ResourceName:       policyAddr,
				ImportState:        true,
				ImportStateId:      existing.ID,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d instances, want 1", len(states))
					}
					attrs := states[0].Attributes
					got := []string{attrs["notification_types.0"], attrs["notification_types.1"]}
					slices.Sort(got)
					if attrs["notification_types.#"] != "2" || !slices.Equal(got, []string{"INVOICE_ISSUED", newType}) {
						return fmt.Errorf("imported %s notification_types %q, want INVOICE_ISSUED and %s",
							attrs["notification_types.#"], got, newType)
					}
					return nil
				},
			},
			{
				// The refreshed import matches the configuration, and the data source sees the same.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("notification_types", stringSetValue("INVOICE_ISSUED", newType)),
					statecheck.ExpectKnownValue("data.sequence_notification_policy.read", tfjsonpath.New("notification_types"),
						stringSetValue("INVOICE_ISSUED", newType)),
				},
			},
			{
				// Sequence adds a still newer type to the policy out of band: a refresh keeps it.
				PreConfig: func() {
					if err := srv.UpdatePolicy(existing.ID, func(p *sequencetest.Policy) {
						p.NotificationTypes = append(p.NotificationTypes, newerType)
					}); err != nil {
						t.Fatal(err)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(policyAddr, "notification_types.#", "3"),
					resource.TestCheckTypeSetElemAttr(policyAddr, "notification_types.*", newerType),
					resource.TestCheckTypeSetElemAttr(policyAddr, "notification_types.*", newType),
				),
			},
			{
				// The configuration does not list it, so the apply removes it in place.
				PreConfig:        srv.ResetRequests,
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("notification_types", stringSetValue("INVOICE_ISSUED", newType)),
				},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv,
						"POST /api/notifications/policies/{id}/notification-types", // the kept types
						"DELETE /api/notifications/policies/{id}/notification-types/"+newerType),
					checkEmulatorPolicy(srv, func(p sequencetest.Policy) error {
						got := slices.Sorted(slices.Values(p.NotificationTypes))
						if !slices.Equal(got, []string{"INVOICE_ISSUED", newType}) {
							return fmt.Errorf("emulator notification types = %q", got)
						}
						return nil
					}),
				),
			},
		},
	})
}

// A type the provider does not know is only a warning and reaches the API as written.
func TestAccNotificationPolicy_unknownNotificationTypeSentAsWritten(t *testing.T) {
	srv := sequencetest.NewServer(t,
		sequencetest.WithNotificationTypes(append(slices.Clone(sequencetest.DefaultNotificationTypes), "PAYMENT_RECEIVED")...))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{{
			Config: policyConfig(srv, `
  name               = "new type"
  channel            = "EMAIL"
  recipients         = ["ops@example.com"]
  notification_types = ["PAYMENT_RECEIVED", "INVOICE_ISSUED"]
`),
			ConfigStateChecks: []statecheck.StateCheck{
				stateValue("notification_types", stringSetValue("PAYMENT_RECEIVED", "INVOICE_ISSUED")),
			},
			Check: checkEmulatorPolicy(srv, func(p sequencetest.Policy) error {
				if !slices.Contains(p.NotificationTypes, "PAYMENT_RECEIVED") {
					return fmt.Errorf("emulator notification types = %q", p.NotificationTypes)
				}
				return nil
			}),
		}},
	})
}
