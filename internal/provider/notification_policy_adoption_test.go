package provider

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// Bulk adoption: import blocks for existing policies, `plan -generate-config-out` writes their
// configuration, and applying it imports them without any change; the next plan is empty. Covers
// EMAIL and WEBHOOK policies, one receiving all types, and Sequence returning or omitting webhook
// secrets on reads. plugin-testing's GenerateConfig mode stops at the plan, so the CLI runs directly.
func TestAccNotificationPolicy_generatedConfigAppliesWithoutChange(t *testing.T) {
	for _, omitSecret := range []bool{false, true} {
		t.Run(fmt.Sprintf("omit_secret_on_read=%t", omitSecret), func(t *testing.T) {
			h := newCLIWorkspace(t)
			srv := sequencetest.NewServer(t, sequencetest.WithOmitSecretOnRead(omitSecret))
			policies := []sequencetest.Policy{
				srv.InsertPolicy(sequencetest.Policy{Name: "Invoices to finance", Channel: "EMAIL",
					Recipients: []string{"finance@example.com", "Billing@Example.com"}, NotificationTypes: []string{"INVOICE_CREATED", "INVOICE_ISSUED"}}),
				srv.InsertPolicy(sequencetest.Policy{Name: "CRM webhook", Channel: "WEBHOOK",
					Recipients: []string{"https://crm.example.com/sequence?team=a:b"}, NotificationTypes: []string{"CUSTOMER_CREATED"}}),
				srv.InsertPolicy(sequencetest.Policy{Name: "Everything", Channel: "WEBHOOK",
					Recipients: []string{"https://all.example.com/hook", "https://backup.example.com/hook"}}),
				srv.InsertPolicy(sequencetest.Policy{Name: "Everything by mail", Channel: "EMAIL", Recipients: []string{"audit@example.com"}}),
			}

			// Step 1: the data source lists the policies, and an output renders one import block each.
			w := h.sibling(t, "adopt")
			w.writeConfig(testAccProviderConfig(srv) + readExample(t, adoptionImportBlocksExample))
			w.mustRun("apply", "-auto-approve", "-input=false", "-no-color")
			imports := w.mustRun("output", "-raw", "import_blocks").stdout
			if n := strings.Count(imports, "import {"); n != len(policies) {
				t.Fatalf("rendered %d import blocks, want %d:\n%s", n, len(policies), imports)
			}

			// Step 2: the import blocks alone; plan writes the configuration of every policy.
			w.writeConfig(testAccProviderConfig(srv))
			w.writeFile("imports.tf", imports)
			w.mustRun("plan", "-input=false", "-no-color", "-generate-config-out=generated.tf")
			generated := w.readFile("generated.tf")
			if n := strings.Count(generated, `resource "sequence_notification_policy"`); n != len(policies) {
				t.Fatalf("generated %d resource blocks, want %d:\n%s", n, len(policies), generated)
			}
			if strings.Contains(generated, "whsec_") {
				t.Error("the generated configuration contains a webhook secret")
			}

			// Step 3: applying imports every policy and changes nothing; the next plan is empty.
			applyImportsOnly(t, w, srv, len(policies))
			w.expectEmptyPlan()
			if got := len(srv.Policies()); got != len(policies) {
				t.Errorf("emulator holds %d policies, want %d", got, len(policies))
			}
		})
	}
}

// applyImportsOnly applies w and fails the test unless the apply imported n policies and changed
// nothing, in the CLI's summary and in the requests Sequence received (reads only).
func applyImportsOnly(t *testing.T, w *cliWorkspace, srv *sequencetest.Server, n int) {
	t.Helper()
	srv.ResetRequests()
	out := w.mustRun("apply", "-auto-approve", "-input=false", "-no-color").output()
	if want := fmt.Sprintf("%d imported, 0 added, 0 changed, 0 destroyed", n); !strings.Contains(out, want) {
		t.Errorf("apply did not report %q:\n%s", want, out)
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Errorf("applying imports sent %s %s, want reads only", r.Method, r.Path)
		}
	}
}

// The adoption examples, exactly as the docs show them.
const (
	adoptionImportBlocksExample = "../../examples/resources/sequence_notification_policy/adopt/main.tf"
	adoptionForEachExample      = "../../examples/resources/sequence_notification_policy/adopt-for-each/main.tf"
)

func readExample(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The for_each form (Terraform 1.7+, OpenTofu 1.7+): import blocks iterate over the data source's
// ids into a resource whose for_each configuration is the data source's own view of each policy.
// No configuration is generated (the CLIs cannot generate it for for_each targets), and the
// apply imports every policy without a change.
func TestAccNotificationPolicy_forEachImportAdoptsEveryPolicy(t *testing.T) {
	h := newCLIWorkspace(t)
	h.skipBelow(1, 7) // import blocks with for_each
	srv := sequencetest.NewServer(t, sequencetest.WithOmitSecretOnRead(true))
	srv.InsertPolicy(sequencetest.Policy{Name: "Invoices to finance", Channel: "EMAIL",
		Recipients: []string{"finance@example.com"}, NotificationTypes: []string{"INVOICE_ISSUED"}})
	srv.InsertPolicy(sequencetest.Policy{Name: "Everything", Channel: "WEBHOOK", Recipients: []string{"https://all.example.com/hook"}})

	w := h.sibling(t, "adopt")
	w.writeConfig(testAccProviderConfig(srv) + readExample(t, adoptionForEachExample))
	applyImportsOnly(t, w, srv, 2)
	w.expectEmptyPlan()
}
