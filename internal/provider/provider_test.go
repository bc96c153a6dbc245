package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// setProviderEnv sets the provider's environment variables for one test. Tests using it cannot
// run in parallel (t.Setenv forbids it).
func setProviderEnv(t *testing.T, endpoint, clientID, clientSecret string) {
	t.Setenv(envEndpoint, endpoint)
	t.Setenv(envClientID, clientID)
	t.Setenv(envClientSecret, clientSecret)
}

func TestAccProvider_configurationFromEnvironment(t *testing.T) {
	srv := sequencetest.NewServer(t)
	setProviderEnv(t, srv.URL, sequencetest.DefaultClientID, sequencetest.DefaultClientSecret)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{{
			Config: testAccEmailPolicy,
			Check:  checkEmulatorPolicyCount(srv, 1),
		}},
	})
}

// The usual Terraform pattern, variables defaulting to "", leaves every setting to the
// environment: an empty string counts as unset (it used to send a sandbox user to production).
func TestAccProvider_emptySettingsFallBackToEnvironment(t *testing.T) {
	srv := sequencetest.NewServer(t)
	setProviderEnv(t, srv.URL, sequencetest.DefaultClientID, sequencetest.DefaultClientSecret)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{{
			Config: `
variable "endpoint" {
  type    = string
  default = ""
}
variable "client_id" {
  type    = string
  default = ""
}
variable "client_secret" {
  type      = string
  default   = ""
  sensitive = true
}
provider "sequence" {
  endpoint      = var.endpoint
  client_id     = var.client_id
  client_secret = var.client_secret
}
` + testAccEmailPolicy,
			Check: checkEmulatorPolicyCount(srv, 1),
		}},
	})
}

func TestAccProvider_configurationBeatsEnvironment(t *testing.T) {
	fromEnv := sequencetest.NewServer(t)
	fromConfig := sequencetest.NewServer(t, sequencetest.WithCredentials("config-id", "config-secret"))
	setProviderEnv(t, fromEnv.URL, "env-id", "env-secret")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(fromConfig),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "sequence" {
  endpoint      = %q
  client_id     = "config-id"
  client_secret = "config-secret"
}
`, fromConfig.URL) + testAccEmailPolicy,
			Check: resource.ComposeTestCheckFunc(
				checkEmulatorPolicyCount(fromConfig, 1),
				func(*terraform.State) error {
					if n := len(fromEnv.Requests()); n != 0 {
						return fmt.Errorf("the endpoint from the environment got %d requests, want 0", n)
					}
					return nil
				},
			),
		}},
	})
}

func TestAccProvider_loopbackHTTPEndpointAllowed(t *testing.T) {
	srv := sequencetest.NewServer(t)
	// The emulator listens on 127.0.0.1; "localhost" is the other spelling of a loopback host.
	endpoint := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{{
			Config: testAccProviderConfigFor(endpoint) + testAccEmailPolicy,
			Check:  checkEmulatorPolicyCount(srv, 1),
		}},
	})
}

// A wrong client secret says what usually causes it: credentials of the other environment.
func TestAccProvider_wrongCredentialsReported(t *testing.T) {
	srv := sequencetest.NewServer(t, sequencetest.WithCredentials("right-id", "right-secret-value"))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "sequence" {
  endpoint      = %q
  client_id     = "right-id"
  client_secret = "wrong-secret-value"
}
`, srv.URL) + testAccEmailPolicy,
			ExpectError: errorPattern("Cannot create notification policy", "401 Unauthorized: missing or invalid API credentials.",
				"Production and sandbox have separate API clients", "check that the endpoint",
				"is the environment the API client was created in."),
		}},
	})
}

// The provider identifies itself and the CLI running it in the User-Agent of every request.
func TestAccProvider_userAgent(t *testing.T) {
	emulator := sequencetest.New()
	var mu sync.Mutex
	agents := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents[r.UserAgent()] = true
		mu.Unlock()
		emulator.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfigFor(srv.URL+"/api") + testAccEmailPolicy,
			Check: func(*terraform.State) error {
				mu.Lock()
				defer mu.Unlock()
				// In-process, the provider's parent is the test runner, not the CLI: no CLI name,
				// and the version the protocol reports is labelled as a Terraform-compatible one.
				want := regexp.MustCompile(`^terraform-provider-sequence/test \(\+https://registry\.terraform\.io/providers/sequencehq/sequence; Terraform-compatible/\d+\.\d+\.\d+\)$`)
				for agent := range agents {
					if !want.MatchString(agent) {
						return fmt.Errorf("User-Agent %q does not match %s", agent, want)
					}
				}
				if len(agents) == 0 {
					return fmt.Errorf("no request reached the emulator")
				}
				return nil
			},
		}},
	})
}

// A provider configuration that depends on a resource is unknown during the first plan. The plan
// of a new policy needs no API call, so it works without a client and sends no request; apply
// then configures the provider with the known values.
//
// The unknown value comes from terraform_data (built into Terraform and OpenTofu), not from a
// second, aliased configuration of this provider: the tests serve every configuration from one
// in-process provider server, which keeps a single copy of the configured provider data, so
// Terraform configuring one alias while planning through another races on it (real Terraform
// starts one plugin process per configuration).
func TestAccProvider_unknownConfigurationAtPlanTime(t *testing.T) {
	srv := sequencetest.NewServer(t)
	const policy = "sequence_notification_policy.test"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
# Its output is unknown until apply creates it.
resource "terraform_data" "client_id" {
  input = %q
}

provider "sequence" {
  endpoint      = %q
  client_id     = terraform_data.client_id.output
  client_secret = %q
}

resource "sequence_notification_policy" "test" {
  name       = "unknown provider configuration"
  channel    = "WEBHOOK"
  recipients = ["https://hooks.example.com/late"]
}
`, sequencetest.DefaultClientID, srv.URL, sequencetest.DefaultClientSecret),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue("terraform_data.client_id", tfjsonpath.New("output")),
					plancheck.ExpectResourceAction(policy, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(policy, tfjsonpath.New("webhook_secret")),
					requestLogCheck{srv: srv, check: func(reqs []sequencetest.Request) error {
						if len(reqs) != 0 {
							return fmt.Errorf("the plan with an unknown client_id sent %d API requests, want 0: %+v", len(reqs), reqs)
						}
						return nil
					}},
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(policy, tfjsonpath.New("id"), knownvalue.NotNull()),
			},
			Check: checkEmulatorPolicyCount(srv, 1),
		}},
	})
}

func TestResolveProviderSettings(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	fullEnv := env(map[string]string{
		envEndpoint: "https://sandbox.sequencehq.com/api", envClientID: "env-id", envClientSecret: "env-secret",
	})
	nullConfig := sequenceProviderModel{
		Endpoint: types.StringNull(), ClientID: types.StringNull(), ClientSecret: types.StringNull(),
		MaxRetries: types.Int64Null(), RequestsPerMinute: types.Int64Null(),
	}
	with := func(change func(*sequenceProviderModel)) sequenceProviderModel {
		c := nullConfig
		change(&c)
		return c
	}

	cases := []struct {
		name        string
		config      sequenceProviderModel
		getenv      func(string) string
		want        providerSettings
		wantUnknown []string
		wantErrors  []string
	}{
		{
			name:   "environment only",
			config: nullConfig,
			getenv: fullEnv,
			want:   providerSettings{endpoint: "https://sandbox.sequencehq.com/api", clientID: "env-id", clientSecret: "env-secret", maxRetries: 5},
		},
		{
			name: "configuration beats environment",
			config: with(func(c *sequenceProviderModel) {
				c.Endpoint = types.StringValue("https://eu.sequencehq.com/api")
				c.ClientID = types.StringValue("cfg-id")
				c.ClientSecret = types.StringValue("cfg-secret")
				c.MaxRetries = types.Int64Value(0)
				c.RequestsPerMinute = types.Int64Value(90)
			}),
			getenv: fullEnv,
			want:   providerSettings{endpoint: "https://eu.sequencehq.com/api", clientID: "cfg-id", clientSecret: "cfg-secret", maxRetries: 0, requestsPerMinute: 90},
		},
		{
			name: "default endpoint",
			config: with(func(c *sequenceProviderModel) {
				c.ClientID = types.StringValue("id")
				c.ClientSecret = types.StringValue("s")
			}),
			getenv: env(nil),
			want:   providerSettings{endpoint: sequence.DefaultEndpoint, clientID: "id", clientSecret: "s", maxRetries: 5},
		},
		{
			name:       "missing credentials name attribute and environment variable",
			config:     nullConfig,
			getenv:     env(nil),
			want:       providerSettings{endpoint: sequence.DefaultEndpoint, maxRetries: 5},
			wantErrors: []string{"client_id attribute in the provider block or the SEQUENCE_CLIENT_ID", "client_secret attribute in the provider block or the SEQUENCE_CLIENT_SECRET"},
		},
		{
			name:       "http endpoint refused",
			config:     with(func(c *sequenceProviderModel) { c.Endpoint = types.StringValue("http://sequence.example.com/api") }),
			getenv:     fullEnv,
			want:       providerSettings{endpoint: "http://sequence.example.com/api", clientID: "env-id", clientSecret: "env-secret", maxRetries: 5},
			wantErrors: []string{"use https"},
		},
		{
			name: "empty strings fall back to the environment",
			config: with(func(c *sequenceProviderModel) {
				c.Endpoint = types.StringValue("")
				c.ClientID = types.StringValue("")
				c.ClientSecret = types.StringValue("")
			}),
			getenv: fullEnv,
			want:   providerSettings{endpoint: "https://sandbox.sequencehq.com/api", clientID: "env-id", clientSecret: "env-secret", maxRetries: 5},
		},
		{
			name: "empty endpoint without environment is the default",
			config: with(func(c *sequenceProviderModel) {
				c.Endpoint = types.StringValue("")
				c.ClientID = types.StringValue("id")
				c.ClientSecret = types.StringValue("s")
			}),
			getenv: env(nil),
			want:   providerSettings{endpoint: sequence.DefaultEndpoint, clientID: "id", clientSecret: "s", maxRetries: 5},
		},
		{
			name: "empty credentials without environment are missing",
			config: with(func(c *sequenceProviderModel) {
				c.ClientID = types.StringValue("")
				c.ClientSecret = types.StringValue("")
			}),
			getenv:     env(nil),
			want:       providerSettings{endpoint: sequence.DefaultEndpoint, maxRetries: 5},
			wantErrors: []string{"Missing Sequence API client ID", "Missing Sequence API client secret"},
		},
		{
			name:       "invalid endpoint from the environment after an empty attribute names the variable",
			config:     with(func(c *sequenceProviderModel) { c.Endpoint = types.StringValue("") }),
			getenv:     env(map[string]string{envEndpoint: "http://10.0.0.1/api", envClientID: "env-id", envClientSecret: "env-secret"}),
			want:       providerSettings{endpoint: "http://10.0.0.1/api", clientID: "env-id", clientSecret: "env-secret", maxRetries: 5},
			wantErrors: []string{`The SEQUENCE_ENDPOINT environment variable is "http://10.0.0.1/api"`},
		},
		{
			name:   "loopback http allowed",
			config: with(func(c *sequenceProviderModel) { c.Endpoint = types.StringValue("http://127.0.0.1:8080/api") }),
			getenv: fullEnv,
			want:   providerSettings{endpoint: "http://127.0.0.1:8080/api", clientID: "env-id", clientSecret: "env-secret", maxRetries: 5},
		},
		{
			name: "unknown values are reported, not judged",
			config: with(func(c *sequenceProviderModel) {
				c.Endpoint = types.StringUnknown()
				c.ClientSecret = types.StringUnknown()
				c.RequestsPerMinute = types.Int64Unknown()
			}),
			getenv:      env(map[string]string{envClientID: "env-id"}),
			want:        providerSettings{clientID: "env-id", maxRetries: 5},
			wantUnknown: []string{"endpoint", "client_secret", "requests_per_minute"},
		},
		{
			name:   "max_retries and requests_per_minute come from the environment when unset",
			config: nullConfig,
			getenv: env(map[string]string{envEndpoint: "https://sandbox.sequencehq.com/api", envClientID: "env-id",
				envClientSecret: "env-secret", envMaxRetries: "0", envRequestsPM: " 90 "}),
			want: providerSettings{endpoint: "https://sandbox.sequencehq.com/api", clientID: "env-id", clientSecret: "env-secret",
				maxRetries: 0, requestsPerMinute: 90},
		},
		{
			name: "configured max_retries and requests_per_minute beat the environment",
			config: with(func(c *sequenceProviderModel) {
				c.MaxRetries = types.Int64Value(2)
				c.RequestsPerMinute = types.Int64Value(30)
			}),
			getenv: env(map[string]string{envEndpoint: "https://sandbox.sequencehq.com/api", envClientID: "env-id",
				envClientSecret: "env-secret", envMaxRetries: "not a number", envRequestsPM: "0"}),
			want: providerSettings{endpoint: "https://sandbox.sequencehq.com/api", clientID: "env-id", clientSecret: "env-secret",
				maxRetries: 2, requestsPerMinute: 30},
		},
		{
			name:   "invalid numbers in the environment are errors naming the variable",
			config: nullConfig,
			getenv: env(map[string]string{envEndpoint: "https://sandbox.sequencehq.com/api", envClientID: "env-id",
				envClientSecret: "env-secret", envMaxRetries: "-1", envRequestsPM: "lots"}),
			want: providerSettings{endpoint: "https://sandbox.sequencehq.com/api", clientID: "env-id", clientSecret: "env-secret", maxRetries: 5},
			wantErrors: []string{
				`The SEQUENCE_MAX_RETRIES environment variable is "-1", but max_retries must be a whole number, at least 0`,
				`The SEQUENCE_REQUESTS_PER_MINUTE environment variable is "lots", but requests_per_minute must be a whole number, at least 1`,
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, unknown, diags := resolveProviderSettings(tc.config, tc.getenv)
			if got != tc.want {
				t.Errorf("settings = %+v, want %+v", got, tc.want)
			}
			if !slices.Equal(unknown, tc.wantUnknown) {
				t.Errorf("unknown = %q, want %q", unknown, tc.wantUnknown)
			}
			assertDiagnostics(t, diags, tc.wantErrors, nil)
		})
	}
}

func TestUserAgent(t *testing.T) {
	const home = "+https://registry.terraform.io/providers/sequencehq/sequence"
	cases := []struct{ name, cli, version, appended, want string }{
		{"Terraform", "Terraform", "1.8.5", "", "terraform-provider-sequence/1.2.3 (" + home + "; Terraform/1.8.5)"},
		// OpenTofu sends the Terraform version whose provider features it supports (1.13.0 for
		// OpenTofu 1.12.6), not its own: no version is claimed for it.
		{"OpenTofu is not given the version it reports for Terraform", "OpenTofu", "1.13.0", "",
			"terraform-provider-sequence/1.2.3 (" + home + "; OpenTofu)"},
		{"an unknown CLI is not called Terraform, and its version is labelled", "", "1.13.0", "",
			"terraform-provider-sequence/1.2.3 (" + home + "; Terraform-compatible/1.13.0)"},
		{"no version", "Terraform", "", "", "terraform-provider-sequence/1.2.3 (" + home + ")"},
		{"OpenTofu without a version", "OpenTofu", "", "", "terraform-provider-sequence/1.2.3 (" + home + "; OpenTofu)"},
		{"TF_APPEND_USER_AGENT is appended", "Terraform", "1.8.5", " ci-run/42 team/billing ",
			"terraform-provider-sequence/1.2.3 (" + home + "; Terraform/1.8.5) ci-run/42 team/billing"},
	}
	for _, tc := range cases {
		if got := userAgent("1.2.3", tc.cli, tc.version, tc.appended); got != tc.want {
			t.Errorf("%s: userAgent = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestCLINameFromExecutable(t *testing.T) {
	cases := map[string]string{
		"/usr/local/bin/terraform": "Terraform", "/home/me/.cache/bin/terraform-1.8.5": "Terraform",
		"/usr/bin/tofu": "OpenTofu", "/root/.cache/terraform-provider-sequence/bin/tofu-1.12.6": "OpenTofu",
		"/usr/bin/go": "", "/tmp/provider.test": "", "/plugins/terraform-provider-sequence": "",
	}
	for exe, want := range cases {
		if got := cliNameFromExecutable(exe); got != want {
			t.Errorf("cliNameFromExecutable(%q) = %q, want %q", exe, got, want)
		}
	}
}

func TestProviderDataAPIClient(t *testing.T) {
	var missing *providerData
	var diags diag.Diagnostics
	if missing.apiClient(&diags) != nil || !diags.HasError() {
		t.Error("nil provider data gave no error")
	}
	pending := &providerData{unavailable: "client_id is not known until apply."}
	diags = nil
	if pending.apiClient(&diags) != nil || !diags.HasError() || !strings.Contains(diags[0].Detail(), "client_id is not known until apply.") {
		t.Errorf("unknown configuration diagnostics = %v", diags)
	}
	if data, diags := providerDataFrom(nil); data != nil || diags.HasError() {
		t.Errorf("providerDataFrom(nil) = %v, %v; want nil without error", data, diags)
	}
	if _, diags := providerDataFrom("something else"); !diags.HasError() {
		t.Error("providerDataFrom of a wrong type gave no error")
	}
}

// Transient failures (429 and 503) are retried by the client, so an apply through them succeeds
// and leaves exactly one policy.
func TestAccProvider_retriesTransientFailures(t *testing.T) {
	srv := sequencetest.NewServer(t,
		sequencetest.WithFaults(0.3, sequencetest.Fault429, sequencetest.Fault503),
		sequencetest.WithFaultSeed(7))
	config := func(recipients string) string {
		// Ten retries make giving up (eleven faults in a row) practically impossible.
		return fmt.Sprintf(`
provider "sequence" {
  endpoint      = %q
  client_id     = %q
  client_secret = %q
  max_retries   = 10
}
`, srv.URL, sequencetest.DefaultClientID, sequencetest.DefaultClientSecret) + `
resource "sequence_notification_policy" "test" {
  name               = "flaky"
  channel            = "EMAIL"
  recipients         = ` + recipients + `
  notification_types = ["INVOICE_ISSUED"]
}
`
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactoriesWith(fastBackoff),
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config(`["a@example.com", "b@example.com"]`), Check: checkEmulatorPolicyCount(srv, 1)},
			{
				Config: config(`["b@example.com", "c@example.com"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("sequence_notification_policy.test", tfjsonpath.New("recipients"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("b@example.com"), knownvalue.StringExact("c@example.com")})),
				},
				Check: resource.ComposeTestCheckFunc(
					checkEmulatorPolicyCount(srv, 1),
					func(*terraform.State) error {
						for _, r := range srv.Requests() {
							if r.Fault != "" {
								return nil
							}
						}
						return fmt.Errorf("no fault was injected; the test proves nothing")
					},
				),
			},
		},
	})
}
