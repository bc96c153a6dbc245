package provider

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// The helpers every acceptance test shares: the provider under test and its configuration, the
// emulator checks (what changed through the API, what is stored) and the plan and state checks.

// testAccProtoV6ProviderFactories serves the provider in-process to the Terraform/OpenTofu CLI
// that terraform-plugin-testing runs (TF_ACC_TERRAFORM_PATH).
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"sequence": providerserver.NewProtocol6WithError(New("test")()),
}

// testAccProviderFactoriesWith serves a provider whose API client configuration is adjusted by
// configure, e.g. to shorten retry backoff in tests that inject faults.
func testAccProviderFactoriesWith(configure func(*sequence.Config)) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"sequence": providerserver.NewProtocol6WithError(&sequenceProvider{version: "test", configureClient: configure}),
	}
}

// fastBackoff keeps retry waits (Retry-After included) to milliseconds.
func fastBackoff(c *sequence.Config) {
	c.MinBackoff = time.Millisecond
	c.MaxBackoff = 5 * time.Millisecond
}

// testAccProviderConfig renders a provider block that points at the emulator with its default
// credentials. Acceptance tests start their own emulator (sequencetest.NewServer) and prepend this
// to their configuration.
func testAccProviderConfig(srv *sequencetest.Server) string {
	return testAccProviderConfigFor(srv.URL)
}

func testAccProviderConfigFor(endpoint string) string {
	return fmt.Sprintf(`
provider "sequence" {
  endpoint      = %q
  client_id     = %q
  client_secret = %q
}
`, endpoint, sequencetest.DefaultClientID, sequencetest.DefaultClientSecret)
}

// testAccEmailPolicy is a minimal valid resource, for tests about the provider block.
const testAccEmailPolicy = `
resource "sequence_notification_policy" "test" {
  name       = "provider test"
  channel    = "EMAIL"
  recipients = ["ops@example.com"]
}
`

// errorPattern matches CLI output containing the fragments in order. The CLI wraps long
// diagnostic lines, so a space in a fragment matches any run of white space.
func errorPattern(fragments ...string) *regexp.Regexp {
	quoted := make([]string, len(fragments))
	for i, f := range fragments {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(f), " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// checkEmulatorPolicyCount asserts how many policies the emulator holds.
func checkEmulatorPolicyCount(srv *sequencetest.Server, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := len(srv.Policies()); got != want {
			return fmt.Errorf("emulator holds %d notification policies, want %d", got, want)
		}
		return nil
	}
}

// checkNoPolicies is a CheckDestroy: after destroy the emulator holds no policy.
func checkNoPolicies(srv *sequencetest.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if policies := srv.Policies(); len(policies) != 0 {
			ids := make([]string, len(policies))
			for i, p := range policies {
				ids[i] = p.ID
			}
			return fmt.Errorf("notification policies still exist after destroy: %s", strings.Join(ids, ", "))
		}
		return nil
	}
}

const policyAddr = "sequence_notification_policy.test"

// policyConfig renders the provider block for srv and one sequence_notification_policy "test"
// with the given body.
func policyConfig(srv *sequencetest.Server, body string) string {
	return testAccProviderConfig(srv) + "\nresource \"sequence_notification_policy\" \"test\" {\n" + body + "\n}\n"
}

// apiChanges lists the requests in the emulator's log that can change something (everything but
// GET), as "METHOD /api/notifications/policies/{id}/recipients/ops@example.com": each path
// segment unescaped, and the segment equal to id shown as {id}.
func apiChanges(srv *sequencetest.Server, id string) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			out = append(out, changeLabel(r, id))
		}
	}
	return out
}

// changeLabel shows a request as apiChanges lists it.
func changeLabel(r sequencetest.Request, id string) string {
	segments := strings.Split(r.Path, "/")
	for i, s := range segments {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		if id != "" && s == id {
			s = "{id}"
		}
		segments[i] = s
	}
	return r.Method + " " + strings.Join(segments, "/")
}

// expectAPIChanges checks that the requests logged since the step's PreConfig reset the log,
// GETs aside, are exactly want, in any order: the requests of one update wave go out together, so
// their order is not fixed (TestAccNotificationPolicy_additionsBeforeRemovals and the wave tests
// pin the order of the waves). {id} stands for the id of sequence_notification_policy.test.
func expectAPIChanges(srv *sequencetest.Server, want ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id := ""
		if rs, ok := s.RootModule().Resources[policyAddr]; ok {
			id = rs.Primary.ID
		}
		got := apiChanges(srv, id)
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
			return fmt.Errorf("API requests that change something:\n  got  %q\n  want %q", got, want)
		}
		return nil
	}
}

// checkEmulatorPolicy checks the single policy the emulator holds.
func checkEmulatorPolicy(srv *sequencetest.Server, check func(sequencetest.Policy) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		policies := srv.Policies()
		if len(policies) != 1 {
			return fmt.Errorf("emulator holds %d notification policies, want 1", len(policies))
		}
		return check(policies[0])
	}
}

// checkSecretMatchesEmulator checks that the state's webhook_secret is the secret the emulator
// holds for the policy, without printing either.
func checkSecretMatchesEmulator(srv *sequencetest.Server) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[policyAddr]
		if !ok {
			return fmt.Errorf("%s not in state", policyAddr)
		}
		p, ok := srv.Policy(rs.Primary.ID)
		if !ok {
			return fmt.Errorf("emulator has no policy %s", rs.Primary.ID)
		}
		if p.WebhookSecret == "" || rs.Primary.Attributes["webhook_secret"] != p.WebhookSecret {
			return fmt.Errorf("webhook_secret in state differs from the secret the emulator holds (values not shown)")
		}
		return nil
	}
}

func stateValue(attr string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New(attr), value)
}

func stringSetValue(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.SetExact(checks)
}

func expectAction(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(policyAddr, action)}}
}

var generatedSecret = knownvalue.StringRegexp(regexp.MustCompile(`^whsec_[A-Za-z0-9]{32}$`))

// mustUpdatePolicy makes a dashboard edit; PreConfig runs on the test's goroutine, so it may fail
// the test.
func mustUpdatePolicy(t *testing.T, srv *sequencetest.Server, id string, change func(*sequencetest.Policy)) {
	t.Helper()
	if err := srv.UpdatePolicy(id, change); err != nil {
		t.Fatal(err)
	}
}
