package provider

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

func TestWriteOnlySecretFingerprint(t *testing.T) {
	first, err := newWriteOnlySecretFingerprint("fingerprinted-secret")
	if err != nil {
		t.Fatal(err)
	}
	second, err := newWriteOnlySecretFingerprint("fingerprinted-secret")
	if err != nil {
		t.Fatal(err)
	}
	if !first.matches("fingerprinted-secret") {
		t.Error("the fingerprint does not match the secret it was made from")
	}
	if first.matches("fingerprinted-secret ") || first.matches("") {
		t.Error("the fingerprint matches a different secret")
	}
	if slices.Equal(first.MAC, second.MAC) {
		t.Error("two fingerprints of one secret are equal; each needs a salt of its own")
	}

	// What goes into private state round-trips and does not contain the secret.
	raw, err := json.Marshal(first)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "fingerprinted-secret") {
		t.Error("the stored fingerprint contains the secret")
	}
	var back writeOnlySecretFingerprint
	if err := json.Unmarshal(raw, &back); err != nil || !back.matches("fingerprinted-secret") {
		t.Errorf("the stored fingerprint does not round-trip (%v)", err)
	}
}

func TestWriteOnlySecretVersionBumped(t *testing.T) {
	cases := []struct {
		prior, config types.Int64
		want          bool
	}{
		{types.Int64Value(1), types.Int64Value(2), true},
		{types.Int64Value(1), types.Int64Unknown(), true},
		{types.Int64Value(1), types.Int64Value(1), false},
		{types.Int64Null(), types.Int64Value(1), false}, // a first version
		{types.Int64Value(1), types.Int64Null(), false}, // version removed
		{types.Int64Null(), types.Int64Null(), false},
	}
	for _, tc := range cases {
		if got := writeOnlySecretVersionBumped(tc.prior, tc.config); got != tc.want {
			t.Errorf("writeOnlySecretVersionBumped(%v, %v) = %v, want %v", tc.prior, tc.config, got, tc.want)
		}
	}
}

func TestWriteOnlySecretDiffers(t *testing.T) {
	fingerprint, err := newWriteOnlySecretFingerprint("current-secret")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name        string
		secret      string
		fingerprint *writeOnlySecretFingerprint
		stateSecret types.String
		want        bool
	}{
		{"fingerprint of the same secret", "current-secret", &fingerprint, types.StringNull(), false},
		{"fingerprint of another secret", "new-secret", &fingerprint, types.StringNull(), true},
		{"the same secret in state", "current-secret", nil, types.StringValue("current-secret"), false},
		{"another secret in state", "current-secret", nil, types.StringValue("old-secret"), true},
		{"no secret known", "current-secret", nil, types.StringNull(), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := writeOnlySecretDiffers(tc.secret, tc.fingerprint, tc.stateSecret); got != tc.want {
				t.Errorf("writeOnlySecretDiffers = %v, want %v", got, tc.want)
			}
		})
	}
}

// Write-only attributes need Terraform 1.11 or OpenTofu 1.11.
var writeOnlyCLIs = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}

// writeOnlyPolicyConfig renders a WEBHOOK policy whose secret comes from webhook_secret_wo; a
// version < 0 leaves webhook_secret_wo_version unset.
func writeOnlyPolicyConfig(srv *sequencetest.Server, secret string, version int, recipients string) string {
	body := fmt.Sprintf(`
  name              = "write-only"
  channel           = "WEBHOOK"
  recipients        = %s
  webhook_secret_wo = %q
`, recipients, secret)
	if version >= 0 {
		body += fmt.Sprintf("  webhook_secret_wo_version = %d\n", version)
	}
	return policyConfig(srv, body)
}

// checkEmulatorSecret checks the secret the emulator holds for the single policy, without printing it.
func checkEmulatorSecret(srv *sequencetest.Server, want string) resource.TestCheckFunc {
	return checkEmulatorPolicy(srv, func(p sequencetest.Policy) error {
		if p.WebhookSecret != want {
			return fmt.Errorf("the emulator holds a different webhook secret than the one configured (values not shown)")
		}
		return nil
	})
}

// The write-only secret reaches Sequence but never the plan or state, even though the emulator
// echoes the secret on create and on every read.
func TestAccNotificationPolicy_writeOnlySecretSentButNeverStored(t *testing.T) {
	srv := sequencetest.NewServer(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	const one = `["https://hooks.example.com/a"]`
	const two = `["https://hooks.example.com/a", "https://hooks.example.com/b"]`

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: writeOnlyPolicyConfig(srv, "write-only-secret-one", 1, one),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("webhook_secret"), knownvalue.Null()),
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("webhook_secret_wo"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.Null()),
					stateValue("webhook_secret_wo", knownvalue.Null()),
					stateValue("webhook_secret_wo_version", knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv, "POST /api/notifications/policies"),
					checkEmulatorSecret(srv, "write-only-secret-one"),
				),
			},
			{
				RefreshState: true,
				Check:        resource.TestCheckNoResourceAttr(policyAddr, "webhook_secret"),
			},
			{
				// An in-place change: the echoed secret still stays out of state.
				PreConfig:        srv.ResetRequests,
				Config:           writeOnlyPolicyConfig(srv, "write-only-secret-one", 1, two),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.Null()),
				},
				Check: expectAPIChanges(srv, "POST /api/notifications/policies/{id}/recipients"),
			},
			{
				// Removing the input (and its version) keeps the policy and its secret.
				PreConfig: srv.ResetRequests,
				Config: policyConfig(srv, `
  name       = "write-only"
  channel    = "WEBHOOK"
  recipients = `+two+`
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("webhook_secret"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.Null()),
					stateValue("webhook_secret_wo_version", knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					expectAPIChanges(srv),
					checkEmulatorSecret(srv, "write-only-secret-one"),
				),
			},
		},
	})
}

func TestAccNotificationPolicy_writeOnlySecretVersionBumpReplaces(t *testing.T) {
	srv := sequencetest.NewServer(t)
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	const recipients = `["https://hooks.example.com/a"]`

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config:            writeOnlyPolicyConfig(srv, "rotated-secret-one", 1, recipients),
				ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(policyAddr, tfjsonpath.New("id"))},
				Check:             checkEmulatorSecret(srv, "rotated-secret-one"),
			},
			{
				Config:           writeOnlyPolicyConfig(srv, "rotated-secret-two", 2, recipients),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
				ConfigStateChecks: []statecheck.StateCheck{
					differentID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.Null()),
					stateValue("webhook_secret_wo_version", knownvalue.Int64Exact(2)),
				},
				Check: checkEmulatorSecret(srv, "rotated-secret-two"),
			},
			{
				// A bump alone replaces too: the same secret goes to a new policy.
				Config:            writeOnlyPolicyConfig(srv, "rotated-secret-two", 3, recipients),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionReplace),
				ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(policyAddr, tfjsonpath.New("id"))},
				Check:             checkEmulatorSecret(srv, "rotated-secret-two"),
			},
			{
				Config:   writeOnlyPolicyConfig(srv, "rotated-secret-two", 3, recipients),
				PlanOnly: true,
			},
		},
	})
}

// A changed write-only value without a version bump is caught by the fingerprint in private
// state: a replacement is planned, with a warning saying why.
func TestAccNotificationPolicy_writeOnlySecretChangedWithoutVersionBumpReplaces(t *testing.T) {
	srv := sequencetest.NewServer(t)
	output := recordCLIOutput(t)
	const recipients = `["https://hooks.example.com/a"]`

	for _, version := range []int{-1, 4} {
		name := "without a version"
		if version >= 0 {
			name = "with an unchanged version"
		}
		t.Run(name, func(t *testing.T) {
			differentID := statecheck.CompareValue(compare.ValuesDiffer())
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   writeOnlyCLIs,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkNoPolicies(srv),
				Steps: []resource.TestStep{
					{
						Config:            writeOnlyPolicyConfig(srv, "unversioned-secret-one", version, recipients),
						ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(policyAddr, tfjsonpath.New("id"))},
					},
					{
						// The same value again: no change.
						Config:   writeOnlyPolicyConfig(srv, "unversioned-secret-one", version, recipients),
						PlanOnly: true,
					},
					{
						Config:           writeOnlyPolicyConfig(srv, "unversioned-secret-two", version, recipients),
						ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
						ConfigStateChecks: []statecheck.StateCheck{
							differentID.AddStateValue(policyAddr, tfjsonpath.New("id")),
							stateValue("webhook_secret", knownvalue.Null()),
						},
						Check: resource.ComposeTestCheckFunc(
							checkEmulatorSecret(srv, "unversioned-secret-two"),
							output.expectPrinted(t, "webhook_secret_wo changed: the policy will be replaced",
								"although webhook_secret_wo_version did not change"),
						),
					},
					{
						Config:   writeOnlyPolicyConfig(srv, "unversioned-secret-two", version, recipients),
						PlanOnly: true,
					},
				},
			})
		})
	}
}

// Going back from the write-only input to webhook_secret would put the secret into state.
func TestAccNotificationPolicy_writeOnlyBackToPlaintextRefused(t *testing.T) {
	srv := sequencetest.NewServer(t)
	const recipients = `["https://hooks.example.com/a"]`

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: writeOnlyPolicyConfig(srv, "kept-out-of-state", -1, recipients)},
			{
				PreConfig: srv.ResetRequests,
				Config: policyConfig(srv, `
  name           = "write-only"
  channel        = "WEBHOOK"
  recipients     = `+recipients+`
  webhook_secret = "kept-out-of-state"
`),
				ExpectError: errorPattern("Cannot move a write-only webhook secret into state", "would write a secret into state"),
			},
			{
				// Nothing changed in Sequence or in state.
				Config:           writeOnlyPolicyConfig(srv, "kept-out-of-state", -1, recipients),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckNoResourceAttr(policyAddr, "webhook_secret"),
					checkEmulatorSecret(srv, "kept-out-of-state"),
					expectAPIChanges(srv),
				),
			},
		},
	})
}

// A policy created with webhook_secret moves its secret out of state in place when
// webhook_secret_wo is set to the same secret; a different one replaces the policy, with a warning.
func TestAccNotificationPolicy_plaintextToWriteOnlySecret(t *testing.T) {
	srv := sequencetest.NewServer(t)
	output := recordCLIOutput(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	const recipients = `["https://hooks.example.com/a"]`

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: policyConfig(srv, `
  name           = "write-only"
  channel        = "WEBHOOK"
  recipients     = `+recipients+`
  webhook_secret = "migrating-secret"
`),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.StringExact("migrating-secret")),
				},
			},
			{
				PreConfig:        srv.ResetRequests,
				Config:           writeOnlyPolicyConfig(srv, "migrating-secret", -1, recipients),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.Null()),
				},
				Check: expectAPIChanges(srv),
			},
			{
				// The emulator echoes the secret on reads; it stays out of state from now on.
				RefreshState: true,
				Check:        resource.TestCheckNoResourceAttr(policyAddr, "webhook_secret"),
			},
			{
				Config:   writeOnlyPolicyConfig(srv, "migrating-secret", -1, recipients),
				PlanOnly: true,
			},
			{
				Config:           writeOnlyPolicyConfig(srv, "another-secret", -1, recipients),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
				Check: resource.ComposeTestCheckFunc(
					checkEmulatorSecret(srv, "another-secret"),
					output.expectPrinted(t, "webhook_secret_wo changed: the policy will be replaced"),
				),
			},
		},
	})
}

// A policy created with webhook_secret that is given a different webhook_secret_wo is replaced,
// and the warning says why.
func TestAccNotificationPolicy_plaintextToDifferentWriteOnlySecretReplaces(t *testing.T) {
	srv := sequencetest.NewServer(t)
	output := recordCLIOutput(t)
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	const recipients = `["https://hooks.example.com/a"]`

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: policyConfig(srv, `
  name       = "write-only"
  channel    = "WEBHOOK"
  recipients = `+recipients+`
`),
				ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(policyAddr, tfjsonpath.New("id"))},
			},
			{
				Config:           writeOnlyPolicyConfig(srv, "not-the-generated-one", -1, recipients),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
				ConfigStateChecks: []statecheck.StateCheck{
					differentID.AddStateValue(policyAddr, tfjsonpath.New("id")),
					stateValue("webhook_secret", knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					checkEmulatorSecret(srv, "not-the-generated-one"),
					output.expectPrinted(t, "webhook_secret_wo replaces the policy", "is not the secret this policy has"),
				),
			},
		},
	})
}
