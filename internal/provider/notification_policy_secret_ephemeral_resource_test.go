package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// Ephemeral resources need Terraform 1.10 or OpenTofu 1.11. The version check cannot tell the two
// CLIs apart, so these tests run from 1.11 on.
var ephemeralCLIs = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}

// withEchoProvider adds terraform-plugin-testing's echo provider, which copies its configured
// data into the state of an "echo" resource: the only way to observe an ephemeral value in a test.
func withEchoProvider() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"sequence": providerserver.NewProtocol6WithError(New("test")()),
		"echo":     echoprovider.NewProviderServer(),
	}
}

// ephemeralSecretConfig reads the secret of policy id and hands it to the echo provider.
func ephemeralSecretConfig(srv *sequencetest.Server, id string) string {
	return testAccProviderConfig(srv) + fmt.Sprintf(`
ephemeral "sequence_notification_policy_secret" "test" {
  id = %q
}

provider "echo" {
  data = ephemeral.sequence_notification_policy_secret.test.webhook_secret
}

resource "echo" "secret" {}
`, id)
}

func TestAccNotificationPolicySecretEphemeral_returnsTheSecret(t *testing.T) {
	srv := sequencetest.NewServer(t)
	supplied := srv.InsertPolicy(sequencetest.Policy{
		Name: "supplied", Channel: "WEBHOOK", Recipients: []string{"https://hooks.example.com/a"},
		WebhookSecret: "ephemeral-supplied-secret",
	})
	generated := srv.InsertPolicy(sequencetest.Policy{
		Name: "generated", Channel: "WEBHOOK", Recipients: []string{"https://hooks.example.com/b"},
	})

	for name, policy := range map[string]sequencetest.Policy{"supplied secret": supplied, "generated secret": generated} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   ephemeralCLIs,
				ProtoV6ProviderFactories: withEchoProvider(),
				Steps: []resource.TestStep{{
					Config: ephemeralSecretConfig(srv, policy.ID),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("echo.secret", tfjsonpath.New("data"), knownvalue.StringExact(policy.WebhookSecret)),
					},
				}},
			})
		})
	}
}

// The ephemeral read of a policy created in the same configuration waits for its id and returns
// the secret Sequence generated, the one the resource holds.
func TestAccNotificationPolicySecretEphemeral_ofPolicyInSameConfiguration(t *testing.T) {
	srv := sequencetest.NewServer(t)

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralCLIs,
		ProtoV6ProviderFactories: withEchoProvider(),
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{{
			Config: policyConfig(srv, `
  name       = "hooks"
  channel    = "WEBHOOK"
  recipients = ["https://hooks.example.com/sequence"]
`) + `
ephemeral "sequence_notification_policy_secret" "test" {
  id = sequence_notification_policy.test.id
}

provider "echo" {
  data = ephemeral.sequence_notification_policy_secret.test.webhook_secret
}

resource "echo" "secret" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs("echo.secret", tfjsonpath.New("data"),
					policyAddr, tfjsonpath.New("webhook_secret"), compare.ValuesSame()),
				statecheck.ExpectKnownValue("echo.secret", tfjsonpath.New("data"), generatedSecret),
			},
		}},
	})
}

func TestAccNotificationPolicySecretEphemeral_errors(t *testing.T) {
	cases := []struct {
		name      string
		options   []sequencetest.Option
		policy    sequencetest.Policy
		id        string // overrides the inserted policy's id
		wantError []string
	}{
		{
			name:      "secret omitted on read says it is only available at creation",
			options:   []sequencetest.Option{sequencetest.WithOmitSecretOnRead(true)},
			policy:    sequencetest.Policy{Name: "hooks", Channel: "WEBHOOK", Recipients: []string{"https://hooks.example.com/a"}},
			wantError: []string{"Sequence did not return the webhook secret", "only available at creation"},
		},
		{
			name:      "EMAIL policy has no secret",
			policy:    sequencetest.Policy{Name: "mail", Channel: "EMAIL", Recipients: []string{"ops@example.com"}},
			wantError: []string{"Not a webhook policy", "uses channel EMAIL"},
		},
		{
			name:      "unknown id",
			id:        "00000000-0000-4000-8000-000000000000",
			wantError: []string{"Notification policy not found", `no notification policy with id "00000000-0000-4000-8000-000000000000"`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := sequencetest.NewServer(t, tc.options...)
			id := tc.id
			if id == "" {
				id = srv.InsertPolicy(tc.policy).ID
			}
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   ephemeralCLIs,
				ProtoV6ProviderFactories: withEchoProvider(),
				Steps: []resource.TestStep{{
					Config:      ephemeralSecretConfig(srv, id),
					ExpectError: errorPattern(tc.wantError...),
				}},
			})
		})
	}
}
