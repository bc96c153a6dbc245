package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// Warning summaries of planWarnings, as the CLI prints them.
const (
	widensWarning      = "Warning: Notification policy will receive every notification type"
	narrowsWarning     = "Warning: Notification policy will receive only some notification types"
	replacementWarning = "Warning: Webhook notification policy will be replaced"
	secretConsequence  = "Sequence generates a new webhook secret for the new policy"
	gapConsequence     = "Deliveries to its recipients stop between the delete of the old policy and the create of the new one, unless this resource sets lifecycle { create_before_destroy = true }"
	endConsequence     = "The new policy has channel EMAIL, so webhook deliveries to the current recipients stop for good when the old policy is deleted"
)

// planWarningPolicies renders three policies; each argument is the body of one.
func planWarningPolicies(typesPolicy, generatedHook, suppliedHook string) string {
	return `
resource "sequence_notification_policy" "types" {
` + typesPolicy + `
}

resource "sequence_notification_policy" "generated" {
` + generatedHook + `
}

resource "sequence_notification_policy" "supplied" {
` + suppliedHook + `
}
`
}

const (
	typesTwo = `  name = "quotes"; channel = "EMAIL"; recipients = ["sales@example.com"]
  notification_types = ["QUOTE_ACCEPTED", "QUOTE_SIGNED"]`
	typesOne = `  name = "quotes"; channel = "EMAIL"; recipients = ["sales@example.com"]
  notification_types = ["QUOTE_ACCEPTED"]`
	typesAll       = `  name = "quotes"; channel = "EMAIL"; recipients = ["sales@example.com"]`
	typesRenamed   = `  name = "quotes (renamed)"; channel = "EMAIL"; recipients = ["sales@example.com"]`
	generatedHook  = `  name = "generated"; channel = "WEBHOOK"; recipients = ["https://hooks.example.com/generated"]`
	generatedMoved = `  name = "generated (renamed)"; channel = "WEBHOOK"; recipients = ["https://hooks.example.com/generated"]`
	suppliedHook   = `  name = "supplied"; channel = "WEBHOOK"; recipients = ["https://hooks.example.com/supplied"]
  webhook_secret = "whsec_supplied_by_the_user_0123456789"`
	generatedEmail = `  name = "generated"; channel = "EMAIL"; recipients = ["ops@example.com"]`
	suppliedMoved  = `  name = "supplied (renamed)"; channel = "WEBHOOK"; recipients = ["https://hooks.example.com/supplied"]
  webhook_secret = "whsec_supplied_by_the_user_0123456789"`
)

func hcl(body string) string { return strings.ReplaceAll(body, "; ", "\n  ") }

// Plans warn where the diff alone misleads (notification_types between a set and null, the
// replacement of a webhook policy) and nowhere else: not on create, not on a change of the set,
// not on the replacement of an e-mail policy.
func TestAccNotificationPolicy_planWarnings(t *testing.T) {
	srv := sequencetest.NewServer(t)
	w := newCLIWorkspace(t)
	config := func(types, generated, supplied string) {
		w.writeConfig(testAccProviderConfig(srv) + planWarningPolicies(hcl(types), hcl(generated), hcl(supplied)))
	}
	noneOf := func(step, out string, warnings ...string) {
		t.Helper()
		for _, warning := range warnings {
			if strings.Contains(out, warning) {
				t.Errorf("%s: unexpected %q in:\n%s", step, warning, out)
			}
		}
	}
	has := func(step, out string, fragments ...string) {
		t.Helper()
		if !errorPattern(fragments...).MatchString(out) {
			t.Errorf("%s: output lacks %q in this order:\n%s", step, fragments, out)
		}
	}
	all := []string{widensWarning, narrowsWarning, replacementWarning}

	config(typesTwo, generatedHook, suppliedHook)
	out := w.out("apply", "-auto-approve")
	noneOf("create", out, all...)

	config(typesOne, generatedHook, suppliedHook)
	out = w.out("plan")
	has("set change", out, "sequence_notification_policy.types will be updated in-place")
	noneOf("set change", out, all...)

	config(typesAll, generatedHook, suppliedHook)
	out = w.out("apply", "-auto-approve")
	has("set to null", out, widensWarning, "with sequence_notification_policy.types",
		`notification_types of policy "quotes" goes from "QUOTE_ACCEPTED", "QUOTE_SIGNED" to null`,
		"the policy receives every event Sequence sends, including types Sequence adds later")
	noneOf("set to null", out, narrowsWarning, replacementWarning)

	config(typesTwo, generatedHook, suppliedHook)
	out = w.out("plan")
	has("null to set", out, narrowsWarning, "with sequence_notification_policy.types",
		`Policy "quotes" receives every notification type today`, `it receives only "QUOTE_ACCEPTED", "QUOTE_SIGNED"`)
	noneOf("null to set", out, widensWarning, replacementWarning)

	// Renames: the webhook policy with a generated secret gets both consequences.
	config(typesAll, generatedMoved, suppliedHook)
	out = w.out("plan")
	has("rename of a generated-secret webhook", out, replacementWarning, "with sequence_notification_policy.generated",
		`Policy "generated" (id `, "is a WEBHOOK policy, and this plan replaces it", gapConsequence, secretConsequence)
	noneOf("rename of a generated-secret webhook", out, widensWarning, narrowsWarning)

	// The one with a supplied secret keeps its secret: only the gap applies.
	config(typesAll, generatedHook, suppliedMoved)
	out = w.out("plan")
	has("rename of a supplied-secret webhook", out, replacementWarning, "with sequence_notification_policy.supplied",
		`Policy "supplied" (id `, gapConsequence)
	noneOf("rename of a supplied-secret webhook", out, secretConsequence)

	// A change of channel to EMAIL ends webhook deliveries for good, not only between the delete
	// and the create.
	config(typesAll, generatedEmail, suppliedHook)
	out = w.out("plan")
	has("webhook to e-mail", out, replacementWarning, "with sequence_notification_policy.generated",
		`Policy "generated" (id `, "is a WEBHOOK policy, and this plan replaces it", endConsequence)
	noneOf("webhook to e-mail", out, gapConsequence, secretConsequence)

	// An e-mail policy's replacement delivers nothing in between that a warning could save.
	config(typesRenamed, generatedHook, suppliedHook)
	out = w.out("plan")
	has("rename of an e-mail policy", out, "sequence_notification_policy.types must be replaced")
	noneOf("rename of an e-mail policy", out, all...)

	w.out("destroy", "-auto-approve")
	if n := len(srv.Policies()); n != 0 {
		t.Errorf("%d policies left after destroy", n)
	}
}

// Unknown notification types are one warning per distinct name, with a suggestion for a near
// miss: the CLI folds warnings with the same summary, so the name is in the summary.
func TestAccNotificationPolicy_unknownTypeWarningsPerDistinctName(t *testing.T) {
	srv := sequencetest.NewServer(t)
	w := newCLIWorkspace(t)
	w.writeConfig(testAccProviderConfig(srv) + `
resource "sequence_notification_policy" "a" {
  name = "a"
  channel = "EMAIL"
  recipients = ["a@example.com"]
  notification_types = ["INVOICE_ISSUE", "QUOTE_SIGN"]
}

resource "sequence_notification_policy" "b" {
  name = "b"
  channel = "EMAIL"
  recipients = ["b@example.com"]
  notification_types = ["INVOICE_ISSUE"]
}
`)
	out := w.out("plan")
	for _, name := range []struct{ typ, suggestion string }{{"INVOICE_ISSUE", "INVOICE_ISSUED"}, {"QUOTE_SIGN", "QUOTE_SIGNED"}} {
		summary := `Warning: Unknown notification type "` + name.typ + `"`
		if !errorPattern(summary, `Did you mean "`+name.suggestion+`"?`).MatchString(out) {
			t.Errorf("no warning %q suggesting %s in:\n%s", summary, name.suggestion, out)
		}
	}
	// One warning shown per distinct name; repeats of a name (other resources, and the CLI
	// validating each resource more than once) fold into it as "more similar warnings".
	if n := strings.Count(out, "Warning: Unknown notification type"); n != 2 {
		t.Errorf("%d unknown-type warnings shown, want 2 (one per distinct name):\n%s", n, out)
	}
}

// The documented zero-gap rename works: with create_before_destroy and a supplied secret, the new
// policy is created before the old one is deleted (for a moment both exist with the same
// secret), and afterwards only the new one is left, still signing with that secret.
func TestAccNotificationPolicy_createBeforeDestroyRenameHasNoGap(t *testing.T) {
	srv := sequencetest.NewServer(t)
	const secret = "whsec_supplied_for_the_zero_gap_rename"
	config := func(name string) string {
		return testAccProviderConfig(srv) + fmt.Sprintf(`
resource "sequence_notification_policy" "test" {
  name           = %q
  channel        = "WEBHOOK"
  recipients     = ["https://ledger.example.com/hooks/sequence"]
  webhook_secret = %q

  lifecycle {
    create_before_destroy = true
  }
}
`, name, secret)
	}
	var oldID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				Config: config("ledger"),
				Check: func(*terraform.State) error {
					oldID = srv.Policies()[0].ID
					srv.ResetRequests()
					return nil
				},
			},
			{
				Config:           config("ledger (renamed)"),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionCreateBeforeDestroy),
				Check: func(*terraform.State) error {
					created, deleted := -1, -1
					for i, r := range srv.Requests() {
						switch {
						case r.Method == "POST" && r.Path == "/api/notifications/policies" && r.Status == 201:
							created = i
						case r.Method == "DELETE" && r.Path == "/api/notifications/policies/"+oldID && r.Status == 200:
							deleted = i
						}
					}
					if created < 0 || deleted < 0 || created > deleted {
						return fmt.Errorf("want the create before the delete of %s; requests: %+v", oldID, srv.Requests())
					}
					policies := srv.Policies()
					if len(policies) != 1 || policies[0].ID == oldID || policies[0].Name != "ledger (renamed)" ||
						policies[0].WebhookSecret != secret {
						return fmt.Errorf("after the rename the emulator holds %+v", policies)
					}
					return nil
				},
			},
		},
	})
}
