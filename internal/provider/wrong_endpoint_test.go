package provider

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// TestAccProvider_wrongEndpointNeverMeansDeleted pins that a 404 from something other than
// Sequence (an endpoint without /api, a proxy's HTML error page) is an error naming the URL, never
// "this policy is gone": a refresh must not drop the policy from state (the next apply would
// create a duplicate) and a destroy must not report success while the policy stays.
func TestAccProvider_wrongEndpointNeverMeansDeleted(t *testing.T) {
	srv := sequencetest.NewServer(t)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html><head><title>404 Not Found</title></head><body>nginx</body></html>"))
	}))
	t.Cleanup(proxy.Close)

	withEndpoint := func(endpoint string) string { return testAccProviderConfigFor(endpoint) + testAccEmailPolicy }
	right := withEndpoint(srv.URL)
	withoutAPI := withEndpoint(strings.TrimSuffix(srv.URL, "/api"))
	htmlProxy := withEndpoint(proxy.URL + "/api")
	refreshError := errorPattern("Cannot read notification policy", "404 Not Found, but not as Sequence does", "check the provider's endpoint")
	destroyError := errorPattern("Cannot", "notification policy", "404 Not Found, but not as Sequence does", "check the provider's endpoint")
	keptInState := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: right, Check: checkEmulatorPolicyCount(srv, 1)},
			{Config: withoutAPI, ExpectError: refreshError},
			{Config: htmlProxy, ExpectError: refreshError},
			// Had a refresh dropped the policy, this plan would create a second one.
			{Config: right, ConfigPlanChecks: keptInState, Check: checkEmulatorPolicyCount(srv, 1)},
			{Config: withoutAPI, Destroy: true, ExpectError: destroyError},
			{Config: htmlProxy, Destroy: true, ExpectError: destroyError},
			// Had a destroy reported success, the state would be empty and this plan would create.
			{Config: right, ConfigPlanChecks: keptInState, Check: checkEmulatorPolicyCount(srv, 1)},
		},
	})
}
